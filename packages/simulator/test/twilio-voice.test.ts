import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { startSimulator, type Simulator } from '../src';
import { startReceiver, type Receiver, type Reply } from './receiver';
import { simTwilio } from './twilio-client';
import { silenceWav } from './audio';

let sim: Simulator;
let app: Receiver;
let client: ReturnType<typeof simTwilio>;

const twiml = (body: string): Reply => ({ type: 'text/xml', body: `<?xml version="1.0" encoding="UTF-8"?><Response>${body}</Response>` });

beforeAll(async () => {
  sim = await startSimulator({ seed: 7, profile: 'fast' });
  app = await startReceiver((r) => {
    switch (r.path) {
      case '/flow':
        return twiml(
          `<Gather input="dtmf" numDigits="1" action="/gather?d=tok-v" method="POST" timeout="5"><Play>${app.url}/audio.wav</Play><Say language="sv-SE">Tryck 1 för att bekräfta.</Say></Gather><Say language="sv-SE">Vi fick inget svar.</Say><Hangup/>`,
        );
      case '/gather':
        return r.form.Digits === '1' ? twiml('<Say language="sv-SE">Tack, bekräftat.</Say><Hangup/>') : twiml('<Redirect>/flow</Redirect>');
      case '/audio.wav':
        return { type: 'audio/wav', body: silenceWav(1) };
      case '/not-audio':
        return { type: 'text/html', body: '<html></html>' };
      default:
        return {};
    }
  });
  client = simTwilio(sim.url, sim.credentials.accountSid, sim.credentials.authToken);
});
afterAll(async () => {
  await sim.close();
  await app.close();
});

const valid = (r: { url: string; headers: Record<string, string | string[] | undefined>; form: Record<string, string> }) =>
  twilio.validateRequest(sim.credentials.authToken, String(r.headers['x-twilio-signature']), r.url, r.form);

describe('Twilio voice', () => {
  it('runs a call end to end: fetches TwiML, plays audio, gathers "1", posts Digits, sends signed status callbacks', async () => {
    const statusUrl = `${app.url}/status?d=tok-v`;
    const call = await client.calls.create({
      to: '+46701234562',
      from: '+46700000001',
      url: `${app.url}/flow`,
      statusCallback: statusUrl,
      statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
      machineDetection: 'Enable',
    });
    expect(call.sid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(call.status).toBe('queued');
    const completed = await app.waitFor((r) => r.path === '/status' && r.form.CallSid === call.sid && r.form.CallStatus === 'completed');
    const statuses = app.requests.filter((r) => r.path === '/status' && r.form.CallSid === call.sid);
    expect(statuses.map((r) => r.form.CallStatus)).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(statuses.map((r) => r.form.SequenceNumber)).toEqual(['0', '1', '2', '3']);
    for (const r of statuses) {
      expect(r.url).toBe(statusUrl);
      expect(valid(r)).toBe(true);
    }
    expect(statuses[2]!.form.AnsweredBy).toBe('human');
    expect(Number(completed.form.CallDuration)).toBeGreaterThan(0);

    const flow = app.requests.find((r) => r.path === '/flow' && r.form.CallSid === call.sid)!;
    expect(flow.method).toBe('POST');
    expect(valid(flow)).toBe(true);
    const gather = app.requests.find((r) => r.path === '/gather' && r.form.CallSid === call.sid)!;
    expect(gather.form.Digits).toBe('1');
    expect(gather.url).toBe(`${app.url}/gather?d=tok-v`);
    expect(valid(gather)).toBe(true);
    expect(app.requests.some((r) => r.path === '/audio.wav' && r.method === 'GET')).toBe(true);

    const log = sim.calls().find((c) => c.sid === call.sid)!.log;
    expect(log.filter((e) => e.verb === 'play')[0]!.detail).toMatchObject({ ok: true, contentType: 'audio/wav' });
    expect(log.filter((e) => e.verb === 'say').map((e) => e.detail.text)).toEqual(['Tryck 1 för att bekräfta.', 'Tack, bekräftat.']);
    expect(log.find((e) => e.verb === 'say')!.detail.language).toBe('sv-SE');
    expect((await client.calls(call.sid).fetch()).status).toBe('completed');
  });

  it('follows the profile: busy, no-answer, machine (no digits), a person who presses nothing', async () => {
    const place = (to: string, extra: Record<string, unknown> = {}) =>
      client.calls.create({ to, from: '+46700000001', url: `${app.url}/flow`, statusCallback: `${app.url}/status`, ...extra });
    const busy = await place('+46701234566');
    const noAnswer = await place('+46701234567', { timeout: 10 });
    const machine = await place('+46701234568', { machineDetection: 'DetectMessageEnd', statusCallbackEvent: ['answered', 'completed'] });
    const silent = await place('+46701234569');
    const final = (sid: string) =>
      app.waitFor(
        (r) => r.path === '/status' && r.form.CallSid === sid && ['completed', 'busy', 'no-answer', 'failed'].includes(r.form.CallStatus!),
      );
    expect((await final(busy.sid)).form.CallStatus).toBe('busy');
    expect((await final(noAnswer.sid)).form.CallStatus).toBe('no-answer');
    const machineAnswered = await app.waitFor(
      (r) => r.path === '/status' && r.form.CallSid === machine.sid && r.form.CallStatus === 'in-progress',
    );
    expect(machineAnswered.form.AnsweredBy).toBe('machine_end_beep');
    expect((await final(machine.sid)).form.CallStatus).toBe('completed');
    expect((await final(silent.sid)).form.CallStatus).toBe('completed');
    for (const sid of [machine.sid, silent.sid]) {
      expect(app.requests.some((r) => r.path === '/gather' && r.form.CallSid === sid)).toBe(false);
      const says = sim
        .calls()
        .find((c) => c.sid === sid)!
        .log.filter((e) => e.verb === 'say')
        .map((e) => e.detail.text);
      expect(says).toContain('Vi fick inget svar.');
    }
  });

  it('runs inline Twiml, reports audio that is not audio, and follows Redirect after a wrong key', async () => {
    sim.setProfile({
      ...sim.profile(),
      rules: [{ match: '^\\+46702222222$', call: { outcome: 'answered', digits: ['3', '1'] } }, ...sim.profile().rules],
    });
    const inline = await client.calls.create({
      to: '+46701234562',
      from: '+46700000001',
      twiml: `<Response><Play>${app.url}/not-audio</Play><Pause length="2"/></Response>`,
    });
    await sim.waitFor((n) => n.type === 'call' && n.sid === inline.sid && n.status === 'completed');
    const log = sim.calls().find((c) => c.sid === inline.sid)!.log;
    expect(log.find((e) => e.verb === 'play')!.detail).toMatchObject({ ok: false, contentType: 'text/html' });
    expect(log.some((e) => e.verb === 'error' && e.detail.code === 11200)).toBe(true);

    const retry = await client.calls.create({ to: '+46702222222', from: '+46700000001', url: `${app.url}/flow` });
    await sim.waitFor((n) => n.type === 'call' && n.sid === retry.sid && n.status === 'completed');
    const digits = app.requests.filter((r) => r.path === '/gather' && r.form.CallSid === retry.sid).map((r) => r.form.Digits);
    expect(digits).toEqual(['3', '1']);
    sim.setProfile('fast');
  });

  it('hangs up and cancels calls through update, and refuses over-rate calls when asked to', async () => {
    sim.setProfile({ ...sim.profile(), latency: { ...sim.profile().latency, callAnswer: 60_000 } });
    const ringing = await client.calls.create({
      to: '+46701234562',
      from: '+46700000001',
      url: `${app.url}/flow`,
      statusCallback: `${app.url}/status`,
    });
    await sim.waitFor((n) => n.type === 'call' && n.sid === ringing.sid && n.status === 'ringing');
    const canceled = await client.calls(ringing.sid).update({ status: 'canceled' });
    expect(canceled.status).toBe('canceled');
    await app.waitFor((r) => r.path === '/status' && r.form.CallSid === ringing.sid && r.form.CallStatus === 'canceled');
    await expect(client.calls('CA' + '0'.repeat(32)).fetch()).rejects.toMatchObject({ status: 404, code: 20404 });

    sim.reset();
    sim.setProfile({ ...sim.profile(), limits: { ...sim.profile().limits, callsPerSecondPerAccount: 1, overflow: 'reject' } });
    const results = await Promise.all(
      [1, 2].map(() =>
        client.calls.create({ to: '+46701234562', from: '+46700000001', twiml: '<Response><Hangup/></Response>' }).then(
          () => 'ok',
          (e: { status: number; code: number }) => `${e.status}/${e.code}`,
        ),
      ),
    );
    expect(results.sort()).toEqual(['429/20429', 'ok']);
    sim.setProfile('fast');
  });
});
