// People who call back (issue #21): the alert number's voice webhook for Twilio and 46elks.
// A desktop publishes who was sent which alert and the crisis-room number; a known caller
// hears the alert's message, 1 commits the same gather/ivr event an outbound call's press
// does (with that delivery's token), 2 connects to the crisis room, and a voicemail (also
// every unknown caller's) is committed as a voicemail event for the desktops.
import { callbackVoiceUrls, webhookOf, type RelayLogEntry } from '@gdial/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDesktop, post, twilioSigned, waitFor } from './helpers';
import { addTenant, startTestRelay, type RelayFixture, type TenantFixture } from './setup';

const SECRET = 'elks_secret_0123456789_abcdefghijklmnopqrstuvw';
const ANNA = '+46701234501';
const CRISIS = '+46812345678';
const doc = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;

describe('people who call back', () => {
  let fx: RelayFixture;
  let t: TenantFixture;
  let desktop: TestDesktop;
  beforeAll(async () => {
    fx = await startTestRelay('pglite');
    t = await addTenant(fx.relay, 'callback-org');
    expect((await fx.relay.admin.setCredentials('callback-org', { elksCallbackSecret: SECRET })).ok).toBe(true);
    desktop = await TestDesktop.connect(fx.relay.url, t.deviceToken, 0);
  }, 120_000);
  afterAll(async () => {
    await desktop?.close();
    await fx?.stop();
  }, 60_000);

  const api = (path: string, body: unknown) =>
    fetch(`${fx.relay.url}/api/v1${path}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${t.deviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  /** Posts to a URL the relay handed out (public base), signed by Twilio. */
  const twilioPost = (publicUrl: string, params: Record<string, string>) => {
    const signed = twilioSigned(t.twilioAuthToken, publicUrl, params);
    return post(publicUrl.replace(fx.relay.publicBaseUrl, fx.relay.url), signed.headers, signed.body);
  };
  const elksPost = (publicUrl: string, params: Record<string, string>) =>
    post(
      publicUrl.replace(fx.relay.publicBaseUrl, fx.relay.url),
      { 'content-type': 'application/x-www-form-urlencoded' },
      new URLSearchParams(params).toString(),
    );
  const attr = (xml: string, name: string) => new RegExp(`${name}="([^"]+)"`).exec(xml)![1]!.replaceAll('&amp;', '&');
  const kindIs = (kind: string) => (e: RelayLogEntry) => webhookOf(e.event).kind === kind;
  const bodyOf = (e: RelayLogEntry) => webhookOf(e.event).body as Record<string, string>;

  it('publishes targets and the crisis-room number; refuses numbers that are not E.164', async () => {
    expect((await api('/callbacks', { crisisRoomNumber: '08-123' })).status).toBe(400);
    const flow = await api('/call-flows/cb-flow', {
      flowId: 'cb-flow',
      documents: {
        start: doc(
          '<Gather input="dtmf" numDigits="1" action="{{gatherUrl}}"><Play>https://relay.example/media/x/alarm.wav</Play></Gather>',
        ),
        confirmed: doc('<Hangup/>'),
        retry: doc('<Hangup/>'),
        goodbye: doc('<Hangup/>'),
      },
      confirmDigits: ['1'],
      maxAttempts: 2,
    });
    expect(flow.status).toBe(200);
    const older = { phone: ANNA, deliveryToken: 'old-token', flowId: null, sentAt: '2026-12-07T10:00:00Z' };
    const newer = { phone: ANNA, deliveryToken: 'anna-token', flowId: 'cb-flow', sentAt: '2026-12-07T12:00:00Z' };
    expect((await api('/callbacks', { targets: [newer], crisisRoomNumber: CRISIS })).status).toBe(204);
    // An older record arriving late does not replace the newer one.
    expect((await api('/callbacks', { targets: [older] })).status).toBe(204);
  });

  it('Twilio: a known caller hears the alert, 1 confirms that delivery, 2 dials the crisis room', async () => {
    const urls = callbackVoiceUrls(fx.relay.publicBaseUrl, 'callback-org', SECRET);
    const start = await twilioPost(urls.twilio, { CallSid: 'CA-in-1', From: ANNA, To: '+46766860000', Direction: 'inbound' });
    expect(start.status).toBe(200);
    const twiml = await start.text();
    expect(twiml).toContain('<Play>https://relay.example/media/x/alarm.wav</Play>');
    expect(twiml).toContain('Tryck 2 för att kopplas till krisledningen');
    const menu = attr(twiml, 'action');
    expect(menu).toContain('d=anna-token');

    const forged = twilioSigned('wrong-token', menu, { CallSid: 'CA-in-1', Digits: '1' });
    expect((await post(menu.replace(fx.relay.publicBaseUrl, fx.relay.url), forged.headers, forged.body)).status).toBe(403);
    const one = await twilioPost(menu, { CallSid: 'CA-in-1', Digits: '1' });
    expect(await one.text()).toContain('Din bekräftelse är registrerad');
    const two = await twilioPost(menu, { CallSid: 'CA-in-1', Digits: '2' });
    expect(await two.text()).toContain(`<Dial>${CRISIS}</Dial>`);
    await waitFor('the confirmation on the desktop', () =>
      desktop.entries.some((e) => kindIs('twilio.gather')(e) && bodyOf(e).Digits === '1' && webhookOf(e.event).query.d === 'anna-token'),
    );
  });

  it('Twilio: an unknown caller is asked for a voicemail, which reaches the desktop with the caller', async () => {
    const urls = callbackVoiceUrls(fx.relay.publicBaseUrl, 'callback-org', SECRET);
    const start = await twilioPost(urls.twilio, { CallSid: 'CA-in-2', From: '+46709999999', To: '+46766860000' });
    const twiml = await start.text();
    expect(twiml).toContain('<Record');
    expect(twiml).toContain('Lämna ett meddelande');
    const recording = attr(twiml, 'recordingStatusCallback');
    const params = {
      CallSid: 'CA-in-2',
      RecordingSid: 'RE-1',
      RecordingUrl: 'https://api.twilio.com/rec/RE-1',
      RecordingStatus: 'completed',
      RecordingDuration: '7',
    };
    expect((await twilioPost(recording, params)).status).toBe(204);
    await waitFor('the voicemail on the desktop', () =>
      desktop.entries.some(
        (e) => kindIs('twilio.voicemail')(e) && webhookOf(e.event).query.f === '+46709999999' && bodyOf(e).RecordingSid === 'RE-1',
      ),
    );
  });

  it('46elks: the alert audio in an ivr; 1 confirms, 2 connects, anything else is recorded; a wrong secret is refused', async () => {
    const urls = callbackVoiceUrls(fx.relay.publicBaseUrl, 'callback-org', SECRET);
    expect((await elksPost(urls.elks!.replace(SECRET, `${SECRET.slice(0, -1)}X`), { callid: 'e1', from: ANNA })).status).toBe(403);
    const start = (await (await elksPost(urls.elks!, { callid: 'e1', from: ANNA, to: '+46766860000', direction: 'incoming' })).json()) as {
      ivr: string;
      next: string;
    };
    expect(start.ivr).toBe('https://relay.example/media/x/alarm.wav');
    expect(start.next).toContain('d=anna-token');
    expect(await (await elksPost(start.next, { callid: 'e1', result: '2' })).json()).toEqual({ connect: CRISIS });
    const other = (await (await elksPost(start.next, { callid: 'e1', result: '5' })).json()) as { record: string };
    expect(other.record).toContain('/elks/recording');
    expect(await (await elksPost(start.next, { callid: 'e1', result: '1' })).json()).toEqual({ hangup: 'ok' });
    const rec = await elksPost(other.record, {
      callid: 'e1',
      wav: 'https://api.46elks.com/a1/recordings/r1.wav',
      duration: '4',
      from: ANNA,
    });
    expect(rec.status).toBe(204);
    await waitFor('the 46elks confirmation and voicemail on the desktop', () => {
      const ivr = desktop.entries.some(
        (e) => kindIs('elks.ivr')(e) && bodyOf(e).result === '1' && webhookOf(e.event).query.d === 'anna-token',
      );
      const vm = desktop.entries.some((e) => kindIs('elks.voicemail')(e) && webhookOf(e.event).query.f === ANNA);
      return ivr && vm;
    });
    for (const e of desktop.entries) expect(webhookOf(e.event).query.s).toBeUndefined();
  });
});
