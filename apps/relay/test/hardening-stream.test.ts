// The desktop stream against a stranger and against a revoked device (issue 23, items 2, 3
// and 7): hello within a deadline and nothing before it, one session per connection,
// connection caps per address and in total, failed hellos throttled per address, and a
// revoked or rotated device's stream closed at once, on every instance.
import { webhookOf } from '@gdial/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startRelay, type RelayHandle } from '../src/index';
import { authenticateDevice, findTenantBySlug, revokeDevice, rotateDeviceToken } from '../src/store/tenants';
import { backends, post, TestDesktop, twilioSigned, waitFor } from './helpers';
import { addTenant, startTestRelay, type RelayFixture, type TenantFixture } from './setup';

interface RawClient {
  ws: WebSocket;
  received: string[];
  closeCode: number | undefined;
}

/** A WebSocket that says nothing unless told; the upgrade's HTTP status when it is refused. */
function rawClient(relayUrl: string): Promise<RawClient | { refused: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${relayUrl.replace(/^http/, 'ws')}/stream`);
    const c: RawClient = { ws, received: [], closeCode: undefined };
    ws.on('message', (d) => c.received.push((d as Buffer).toString('utf8')));
    ws.on('close', (code) => (c.closeCode = code));
    ws.once('unexpected-response', (_req, res) => resolve({ refused: res.statusCode ?? 0 }));
    ws.once('open', () => resolve(c));
    ws.once('error', (err) => (ws.readyState === WebSocket.CLOSED ? undefined : reject(err)));
  });
}

async function opened(relayUrl: string): Promise<RawClient> {
  const c = await rawClient(relayUrl);
  if ('refused' in c) throw new Error(`upgrade refused with ${c.refused}`);
  return c;
}

const hello = (deviceToken: string, lastSeq = 0) => JSON.stringify({ type: 'hello', protocol: 1, deviceToken, lastSeq });

describe('stream before hello', () => {
  let fx: RelayFixture;
  let t: TenantFixture;
  beforeAll(async () => {
    fx = await startTestRelay('pglite', { helloTimeoutMs: 400, streamMaxPerAddress: 4, failedAuthBurst: 3, failedAuthPerSecond: 0.01 });
    t = await addTenant(fx.relay, 'pre-org');
  }, 120_000);
  afterAll(async () => fx?.stop(), 60_000);

  it('closes a connection that says nothing within the hello deadline', async () => {
    const c = await opened(fx.relay.url);
    await waitFor('the close', () => c.closeCode, 5000);
    expect(c.closeCode).toBe(4401);
  });

  it('answers nothing but hello before it: a ping closes the connection without a pong', async () => {
    const c = await opened(fx.relay.url);
    c.ws.send(JSON.stringify({ type: 'ping', at: 1 }));
    await waitFor('the close', () => c.closeCode, 5000);
    expect(c.received.some((m) => m.includes('"pong"'))).toBe(false);
    expect(c.closeCode).toBe(4401);
  });

  it('gives two concurrent hellos on one connection no second welcome: one session per connection', async () => {
    const c = await opened(fx.relay.url);
    c.ws.send(hello(t.deviceToken));
    c.ws.send(hello(t.deviceToken));
    await waitFor('the close', () => c.closeCode, 5000);
    expect(c.received.filter((m) => m.includes('"welcome"')).length).toBeLessThanOrEqual(1);
    expect(c.closeCode).toBe(4400);
  });

  it('caps connections per address', async () => {
    const open = await Promise.all([1, 2, 3, 4].map(() => opened(fx.relay.url)));
    const fifth = await rawClient(fx.relay.url);
    expect(fifth).toEqual({ refused: 503 });
    for (const c of open) c.ws.close();
    await waitFor('the slots freed', async () => {
      const again = await rawClient(fx.relay.url);
      if ('refused' in again) return false;
      again.ws.close();
      return true;
    });
  });

  it('throttles failed hellos per address', async () => {
    for (let i = 0; i < 3; i++) {
      const c = await opened(fx.relay.url);
      c.ws.send(hello(`gdd_guess_${i}`));
      await waitFor('the refusal', () => c.closeCode, 5000);
      expect(c.closeCode).toBe(4401);
    }
    expect(await rawClient(fx.relay.url)).toEqual({ refused: 429 });
  });
});

describe('a desktop that pings and never reads', () => {
  it('is dropped once its send buffer passes the bound, instead of growing the relay', async () => {
    const fx = await startTestRelay('pglite', { streamHighWaterBytes: 16 * 1024 });
    try {
      const t = await addTenant(fx.relay, 'slow-org');
      const c = await opened(fx.relay.url);
      c.ws.send(hello(t.deviceToken));
      await waitFor('welcome', () => c.received.some((m) => m.includes('"welcome"')));
      await waitFor('the stream registered', () => fx.relay.metrics.gauges?.connectedDesktops() === 1);
      // Stop reading: pongs pile up in the relay's socket once the kernel buffers are full.
      (c.ws as unknown as { _socket: { pause(): void } })._socket.pause();
      const ping = JSON.stringify({ type: 'ping', at: 1 });
      let sent = 0;
      while (fx.relay.metrics.gauges?.connectedDesktops() !== 0 && sent < 600_000) {
        for (let i = 0; i < 2000; i++) c.ws.send(ping);
        sent += 2000;
        await new Promise((r) => setTimeout(r, 5));
      }
      await waitFor('the relay dropping the stream', () => fx.relay.metrics.gauges?.connectedDesktops() === 0, 20_000);
      c.ws.terminate();
    } finally {
      await fx.stop();
    }
  }, 120_000);
});

describe('stream total cap', () => {
  it('refuses connections beyond the total', async () => {
    const fx = await startTestRelay('pglite', { streamMaxConnections: 2 });
    try {
      const a = await opened(fx.relay.url);
      const b = await opened(fx.relay.url);
      expect(await rawClient(fx.relay.url)).toEqual({ refused: 503 });
      a.ws.close();
      b.ws.close();
    } finally {
      await fx.stop();
    }
  });
});

describe.each(backends)('revocation on %s', (backend) => {
  let fx: RelayFixture;
  let t: TenantFixture;
  beforeAll(async () => {
    fx = await startTestRelay(backend);
    t = await addTenant(fx.relay, 'rev-org');
  }, 120_000);
  afterAll(async () => fx?.stop(), 60_000);

  const sendStatus = async (sid: string) => {
    const url = `${fx.relay.publicBaseUrl}/hooks/rev-org/twilio/message-status`;
    const s = twilioSigned(t.twilioAuthToken, url, { MessageSid: sid, MessageStatus: 'sent' });
    expect((await post(url, s.headers, s.body)).status).toBe(204);
  };

  it('closes a revoked device stream at once, before the next event', async () => {
    const desktop = await TestDesktop.connect(fx.relay.url, t.deviceToken, 0);
    await waitFor('welcome', () => desktop.messages.some((m) => m.type === 'welcome'));
    await sendStatus('SM-before');
    await waitFor('the first event', () => desktop.entries.length === 1);
    const revoked = await fx.relay.admin.revokeDevice('rev-org', t.deviceId);
    expect(revoked.ok).toBe(true);
    await sendStatus('SM-after');
    await waitFor('the close', () => desktop.closeCode, 5000);
    expect(desktop.closeCode).toBe(4401);
    expect(desktop.entries.map((e) => webhookOf(e.event).eventKey)).toEqual(['msg:SM-before:sent']);
  });

  it('closes the stream of a device whose token is rotated', async () => {
    const other = await addTenant(fx.relay, `rot-${backend}`);
    const desktop = await TestDesktop.connect(fx.relay.url, other.deviceToken, 0);
    await waitFor('welcome', () => desktop.messages.some((m) => m.type === 'welcome'));
    const rotated = await fx.relay.admin.rotateDeviceToken(other.slug, other.deviceId);
    expect(rotated.ok).toBe(true);
    await waitFor('the close', () => desktop.closeCode, 5000);
    expect(desktop.closeCode).toBe(4401);
  });

  it("does not rotate another tenant's device token when named with this tenant", async () => {
    const victim = await addTenant(fx.relay, `victim-${backend}`);
    const attacker = (await findTenantBySlug(fx.relay.db, 'rev-org'))!;
    // The owner connection ignores row-level security: only the tenant in the WHERE holds it back.
    expect(await rotateDeviceToken(fx.relay.db, attacker, victim.deviceId)).toBeNull();
    const still = await authenticateDevice(fx.relay.db, victim.deviceToken);
    expect(still?.deviceId).toBe(victim.deviceId);
  });
});

describe.each(backends)('revocation without the notification on %s (another process, RELAY_LISTEN=false)', (backend) => {
  it('closes a revoked or rotated session on the periodic check, and keeps the one with the new token', async () => {
    const fx = await startTestRelay(backend, { listen: false, revocationCheckMs: 200 });
    try {
      const a = await addTenant(fx.relay, 'quiet-a');
      const b = await addTenant(fx.relay, 'quiet-b');
      const da = await TestDesktop.connect(fx.relay.url, a.deviceToken, 0);
      const db = await TestDesktop.connect(fx.relay.url, b.deviceToken, 0);
      await waitFor('both welcomed', () => [da, db].every((d) => d.messages.some((m) => m.type === 'welcome')));
      // Straight through the store, as the admin CLI in another process does: no in-process hook.
      const tenantA = (await findTenantBySlug(fx.relay.db, 'quiet-a'))!;
      const tenantB = (await findTenantBySlug(fx.relay.db, 'quiet-b'))!;
      expect(await revokeDevice(fx.relay.db, tenantA, a.deviceId)).toBe(true);
      const newToken = (await rotateDeviceToken(fx.relay.db, tenantB, b.deviceId))!;
      const fresh = await TestDesktop.connect(fx.relay.url, newToken, 0);
      await waitFor('the revoked and the rotated sessions closed', () => da.closeCode && db.closeCode, 5000);
      expect([da.closeCode, db.closeCode]).toEqual([4401, 4401]);
      await waitFor('the new session welcomed', () => fresh.messages.some((m) => m.type === 'welcome'));
      await new Promise((r) => setTimeout(r, 600));
      expect(fresh.closeCode).toBeUndefined();
      await fresh.close();
    } finally {
      await fx.stop();
    }
  });
});

describe('revocation across instances on PostgreSQL', () => {
  let fx: RelayFixture;
  let second: RelayHandle;
  let t: TenantFixture;
  beforeAll(async () => {
    fx = await startTestRelay('postgres');
    second = await startRelay({
      encryptionKey: fx.key,
      databaseUrl: fx.sandbox!.databaseUrl,
      dbSchema: fx.sandbox!.schema,
      dbAppRole: fx.sandbox!.appRole,
    });
    t = await addTenant(fx.relay, 'multi-org');
  }, 120_000);
  afterAll(async () => {
    await second?.close();
    await fx?.stop();
  }, 60_000);

  it('closes the stream on the other instance through NOTIFY', async () => {
    const desktop = await TestDesktop.connect(second.url, t.deviceToken, 0);
    await waitFor('welcome', () => desktop.messages.some((m) => m.type === 'welcome'));
    expect((await fx.relay.admin.revokeDevice('multi-org', t.deviceId)).ok).toBe(true);
    await waitFor('the close on the other instance', () => desktop.closeCode, 5000);
    expect(desktop.closeCode).toBe(4401);
  });
});
