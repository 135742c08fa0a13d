// A desktop that stops reading (a frozen laptop, a saturated link) must not make the relay
// hold the tenant's log in memory: its stream stops sending while the socket's buffer is
// full and reads the rest from the log once the desktop reads again, in order, nothing lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestDesktop, twilioSigned, waitFor } from './helpers';
import { addTenant, metricsHeaders, startTestRelay, type RelayFixture, type TenantFixture } from './setup';

const HIGH_WATER = 16 * 1024;
const EVENTS = 400;
/** A message carries at least one entry and stops adding entries past 64 KB. */
const BOUND = HIGH_WATER + 64 * 1024 + 32 * 1024;

let f: RelayFixture;
let t: TenantFixture;
beforeAll(async () => {
  f = await startTestRelay('postgres', { streamHighWaterBytes: HIGH_WATER });
  t = await addTenant(f.relay, 'slow-org');
}, 60_000);
afterAll(async () => f?.stop(), 60_000);

const metric = async (name: string): Promise<number> => {
  const text = await (await fetch(`${f.relay.url}/metrics`, { headers: metricsHeaders })).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return Number(line?.split(' ').at(-1) ?? 0);
};

describe('backpressure on a desktop stream', () => {
  it('pauses a desktop that stops reading, keeps little in memory, and resumes in order', async () => {
    const desktop = await TestDesktop.connect(f.relay.url, t.deviceToken, 0);
    await waitFor('the stream to be set up', () => desktop.messages.length > 0 || f.relay.metrics.gauges?.connectedDesktops() === 1);
    // The desktop stops reading: its socket's receive buffer fills, then the relay's.
    const socket = (desktop.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();

    // Oversized inbound messages (20 KB each; the relay stores whatever a signed webhook
    // carries), so 400 of them, 8 MB, overflow the operating system's socket buffers too.
    const url = `${f.relay.publicBaseUrl}/hooks/slow-org/twilio/inbound`;
    const text = 'Brand i industribyggnad, håll dörrar och fönster stängda. '.repeat(400).slice(0, 20_000);
    let maxBuffered = 0;
    for (let i = 0; i < EVENTS; i += 8) {
      await Promise.all(
        Array.from({ length: 8 }, async (_, k) => {
          const s = twilioSigned(t.twilioAuthToken, url, {
            MessageSid: `SMin${i + k}`,
            From: '+46701234567',
            To: '+46700000000',
            Body: `${i + k} ${text}`,
          });
          const res = await fetch(url, { method: 'POST', headers: s.headers, body: s.body });
          expect(res.status).toBe(200);
        }),
      );
      maxBuffered = Math.max(maxBuffered, f.relay.metrics.gauges!.bufferedBytes());
    }
    // The stream paused instead of buffering the log: what waits in the relay's memory stays
    // near the high-water mark (one message may cross it), far below the 8 MB committed.
    await waitFor('the stream to pause', async () => (await metric('relay_stream_backpressure_waits_total')) > 0, 20_000);
    expect(maxBuffered).toBeLessThan(BOUND);
    expect(await metric('relay_stream_buffered_bytes')).toBeLessThan(BOUND);
    expect(desktop.entries.length).toBeLessThan(EVENTS);

    socket.resume();
    await waitFor('every event after resuming', () => desktop.entries.length >= EVENTS, 30_000);
    const seqs = desktop.entries.map((e) => e.seq);
    expect(seqs).toEqual(Array.from({ length: EVENTS }, (_, i) => i + 1));
    await desktop.close();
  }, 120_000);
});
