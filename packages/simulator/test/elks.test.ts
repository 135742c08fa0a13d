import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../src';
import { startReceiver, type Receiver, type Reply } from './receiver';
import { silenceWav } from './audio';

let sim: Simulator;
let app: Receiver;

const json = (action: unknown): Reply => ({ type: 'application/json', body: JSON.stringify(action) });

beforeAll(async () => {
  sim = await startSimulator({
    seed: 46,
    profile: {
      name: 'elks-test',
      latency: { messageSent: 1, messageFinal: 2, reply: 2, callRinging: 1, callAnswer: 1 },
      voiceTimeScale: 0,
      limits: { callsPerSecondPerAccount: 50 },
      callbacks: { retryBaseMs: 10 },
      rules: [
        { match: '1$', channels: ['sms'], reply: '1' },
        { match: '3$', channels: ['sms'], message: { status: 'undelivered' } },
        { match: '6$', channels: ['voice'], call: { outcome: 'busy' } },
        { match: '9$', channels: ['voice'], call: { outcome: 'answered', digits: null } },
      ],
    },
  });
  app = await startReceiver((r) => {
    switch (r.path) {
      case '/start':
        return json({ ivr: `${app.url}/prompt.wav`, digits: 1, timeout: 5, repeat: 2, next: `${app.url}/pressed` });
      case '/pressed':
        return r.form.result === '1' ? json({ play: `${app.url}/thanks.wav` }) : json({ hangup: 'busy' });
      case '/prompt.wav':
      case '/thanks.wav':
        return { type: 'audio/wav', body: silenceWav(1) };
      default:
        return { status: 204 };
    }
  });
  sim.configure({ elksSmsUrl: `${app.url}/incoming` });
});
afterAll(async () => {
  await sim.close();
  await app.close();
});

const auth = () => `Basic ${Buffer.from(`${sim.credentials.elksUsername}:${sim.credentials.elksPassword}`).toString('base64')}`;

async function post(path: string, params: Record<string, string>, authorization = auth()) {
  const res = await fetch(`${sim.url}${path}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
  const text = await res.text();
  return {
    status: res.status,
    text,
    json: res.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : null,
  };
}

describe('46elks SMS', () => {
  it('sends, reports delivery to whendelivered, and a person who answers posts to sms_url', async () => {
    const r = await post('/a1/sms', {
      to: '+46701234561',
      from: '+46766861234',
      message: 'Larm: svara 1',
      whendelivered: `${app.url}/dlr?d=t1`,
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ direction: 'outgoing', to: '+46701234561', status: 'created', parts: 1 });
    const id = String(r.json!.id);
    expect(id).toMatch(/^s[0-9a-f]{32}$/);
    const dlr = await app.waitFor((q) => q.path === '/dlr' && q.form.id === id);
    expect(dlr.url).toContain('?d=t1');
    expect(dlr.form.status).toBe('delivered');
    expect(dlr.form.delivered).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(dlr.headers['x-twilio-signature']).toBeUndefined();
    const incoming = await app.waitFor((q) => q.path === '/incoming' && q.form.from === '+46701234561');
    expect(incoming.form).toMatchObject({ direction: 'incoming', to: '+46766861234', message: '1' });
    const fetched = await fetch(`${sim.url}/a1/sms/${id}`, { headers: { authorization: auth() } });
    expect(await fetched.json()).toMatchObject({ id, status: 'delivered' });
  });

  it('reports a failed delivery and lists newest first', async () => {
    const r = await post('/a1/sms', { to: '+46701234563', from: 'GDial', message: 'x', whendelivered: `${app.url}/dlr` });
    const dlr = await app.waitFor((q) => q.path === '/dlr' && q.form.id === r.json!.id);
    expect(dlr.form.status).toBe('failed');
    const list = (await (await fetch(`${sim.url}/a1/sms?to=%2B46701234563`, { headers: { authorization: auth() } })).json()) as {
      data: { id: string }[];
    };
    expect(list.data[0]!.id).toBe(r.json!.id);
  });

  it('refuses as 46elks does: plain-text errors, 401 for bad credentials', async () => {
    expect(await post('/a1/sms', { to: '0701234567', from: '+46766861234', message: 'x' })).toMatchObject({
      status: 403,
      text: 'Invalid to number',
    });
    expect(await post('/a1/sms', { to: '+46701234567', from: '+46766861234' })).toMatchObject({ status: 403, text: 'Missing key message' });
    expect(await post('/a1/sms', { to: '+46701234567', from: '+46766861234', message: 'x' }, 'Basic eDp5')).toMatchObject({ status: 401 });
  });

  it('fails as a whole when the control API says so (for failover tests)', async () => {
    const params = { to: '+46701234567', from: '+46766861234', message: 'x' };
    sim.configure({ elksFailure: 'server-error' });
    expect((await post('/a1/sms', params)).status).toBe(503);
    sim.configure({ elksFailure: 'auth-rejected' });
    expect((await post('/a1/sms', params)).status).toBe(401);
    sim.configure({ elksFailure: null });
    expect((await post('/a1/sms', params)).status).toBe(200);
    const bad = await fetch(`${sim.url}/_sim/config`, { method: 'PUT', body: JSON.stringify({ twilioFailure: 'nonsense' }) });
    expect(bad.status).toBe(400);
  });
});

describe('46elks calls', () => {
  it('answers, fetches voice_start, runs the ivr, posts the digit to next and the call to whenhangup', async () => {
    const r = await post('/a1/calls', {
      from: '+46766861234',
      to: '+46701234562',
      voice_start: `${app.url}/start?d=t2`,
      whenhangup: `${app.url}/hangup?d=t2`,
      timeout: '30',
    });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ direction: 'outgoing', state: 'ongoing' });
    const id = String(r.json!.id);
    const hangup = await app.waitFor((q) => q.path === '/hangup' && q.form.id === id);
    expect(hangup.form.state).toBe('success');
    expect(Number(hangup.form.duration)).toBeGreaterThan(0);
    const start = app.requests.find((q) => q.path === '/start' && q.form.callid === id)!;
    expect(start.url).toContain('?d=t2');
    const pressed = app.requests.find((q) => q.path === '/pressed' && q.form.callid === id)!;
    expect(pressed.form.result).toBe('1');
    const call = sim.elksCalls().find((c) => c.id === id)!;
    expect(call.log.map((e) => e.action)).toEqual(['fetch', 'ivr', 'play', 'digits', 'fetch', 'play']);
  });

  it('a callee who presses nothing hears the prompt `repeat` times; then next gets no digit', async () => {
    const r = await post('/a1/calls', {
      from: '+46766861234',
      to: '+46701234569',
      voice_start: `${app.url}/start`,
      whenhangup: `${app.url}/hangup`,
    });
    const id = String(r.json!.id);
    await app.waitFor((q) => q.path === '/hangup' && q.form.id === id);
    const call = sim.elksCalls().find((c) => c.id === id)!;
    expect(call.log.filter((e) => e.action === 'ivr')).toHaveLength(2);
    expect(app.requests.find((q) => q.path === '/pressed' && q.form.callid === id)!.form.result).toBe('failed');
  });

  it('a busy line ends without voice_start being fetched', async () => {
    const r = await post('/a1/calls', {
      from: '+46766861234',
      to: '+46701234566',
      voice_start: `${app.url}/start`,
      whenhangup: `${app.url}/hangup`,
    });
    const hangup = await app.waitFor((q) => q.path === '/hangup' && q.form.id === r.json!.id);
    expect(hangup.form.state).toBe('busy');
    expect(hangup.form.start).toBeUndefined();
    expect(app.requests.some((q) => q.path === '/start' && q.form.callid === r.json!.id)).toBe(false);
  });

  it('takes a JSON action directly as voice_start', async () => {
    const r = await post('/a1/calls', {
      from: '+46766861234',
      to: '+46701234512',
      voice_start: JSON.stringify({ play: `${app.url}/thanks.wav` }),
      whenhangup: `${app.url}/hangup`,
    });
    const hangup = await app.waitFor((q) => q.path === '/hangup' && q.form.id === r.json!.id);
    expect(hangup.form.state).toBe('success');
    expect(JSON.parse(hangup.form.actions!)).toEqual([{ play: `${app.url}/thanks.wav` }]);
  });
});
