// Health alerts about the relay, through the real parts: an engine enrolled with a relay
// (embedded PGlite). Forged webhooks to the organisation fire the signature rule from the
// relay's own count; the relay stops: the engine's stream goes down and, once that has
// lasted past the threshold (the health clock is moved on; nothing else is), "relay
// unreachable" fires, and changes made meanwhile wait in the sync queue past its threshold.
// The relay comes back: both resolve by themselves; acknowledged, they leave the list.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultHealthThresholds, type HealthAlert, type MethodInput, type MethodName, type MethodOutput } from '@gdial/protocol';
import { enrolDevice, silentLogger, startEngine, type Engine } from '@gdial/engine';
import { startRelay, type RelayHandle } from '@gdial/relay';

const TENANT = 'halsa';
let relay: RelayHandle | undefined;
let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  await relay?.close();
  engine = relay = undefined;
});

async function call<M extends MethodName>(m: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await engine!.rpc.call(m, params);
  if (!res.ok) throw new Error(`${m}: ${res.error.message}`);
  return res.value as MethodOutput<M>;
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('health alerts about the relay', () => {
  it('forged webhooks, a stopped relay and a growing sync queue fire; the relay back resolves them', async () => {
    const key = randomBytes(32);
    const relayDir = mkdtempSync(path.join(os.tmpdir(), 'gdial-health-relay-'));
    const start = async (port = 0) => (relay = await startRelay({ encryptionKey: key, port, logger: silentLogger(), dataDir: relayDir }));
    await start();
    const port = Number(new URL(relay!.url).port);
    const created = await relay!.admin.createTenant(TENANT, 'Hälsa');
    if (!created.ok) throw new Error(created.problem);
    const twilioToken = 'health-twilio-token-0123456789';
    expect(await relay!.admin.setCredentials(TENANT, { twilioAuthToken: twilioToken })).toMatchObject({ ok: true });
    const enrolment = await relay!.admin.createEnrolment(TENANT, 1);
    if (!enrolment.ok) throw new Error(enrolment.problem);
    const enrolled = await enrolDevice(relay!.url, enrolment.value.token, 'Stabsplats');
    if (!enrolled.ok) throw new Error(enrolled.error.message);

    let offsetMs = 0;
    engine = await startEngine({
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-health-')),
      logger: silentLogger(),
      validateOutputs: true,
      signedIn: { displayName: 'Karin Lind', role: 'admin' },
      connectivity: { relay: { url: relay!.url, deviceToken: enrolled.value.deviceToken, tenant: TENANT } },
      health: { intervalMs: 3_600_000, clock: () => Date.now() + offsetMs, freeBytes: async () => 50 * 1024 ** 3 },
    });
    await until(async () => (await call('sync.status', {})).enabled, 'the desktop to join the organisation');
    await until(async () => (await call('connectivity.status', {})).relay.status === 'connected', 'the relay stream');
    await call('health.setThresholds', { ...defaultHealthThresholds, 'relay.signatureFailures': 3, 'sync.outbox': 5 });
    const check = async () => {
      await engine!.services.health.evaluate();
      return (await call('health.list', {})).alerts;
    };
    const byRule = (alerts: HealthAlert[], rule: string) => alerts.find((a) => a.rule === rule);
    expect(await check()).toEqual([]);

    // Someone posts status callbacks without a valid signature.
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${relay!.url}/hooks/${TENANT}/twilio/message-status`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' },
        body: `MessageSid=SMx${i}&MessageStatus=delivered`,
      });
      expect(res.status).toBe(403);
    }
    const forged = byRule(await check(), 'relay.signatureFailures');
    expect(forged).toMatchObject({ state: 'firing', value: 4, threshold: 3 });

    // The relay goes away. Its stream is down at once; the alert waits for the threshold (5 minutes).
    await relay!.close();
    relay = undefined;
    await until(async () => (await call('connectivity.status', {})).relay.status !== 'connected', 'the stream to notice');
    expect(byRule(await check(), 'relay.unreachable')).toBeUndefined();
    for (let i = 0; i < 6; i++)
      await call('contacts.create', { firstName: `Ny${i}`, lastName: 'Kontakt', phones: [{ number: `070-444 00 0${i}` }] });
    offsetMs = 6 * 60_000;
    const away = await check();
    expect(byRule(away, 'relay.unreachable')).toMatchObject({ state: 'firing', threshold: 5 });
    expect(byRule(away, 'relay.unreachable')!.value).toBeGreaterThanOrEqual(6);
    expect(byRule(away, 'sync.outbox')).toMatchObject({ state: 'firing', threshold: 5 });
    expect(byRule(away, 'sync.outbox')!.value).toBeGreaterThanOrEqual(6);
    // What the relay said before it went is not judged on a guess: still firing.
    expect(byRule(away, 'relay.signatureFailures')).toMatchObject({ id: forged!.id, state: 'firing' });
    await call('health.acknowledge', { id: byRule(away, 'relay.unreachable')!.id });

    // The relay comes back on its address; the stream reconnects and the queue drains.
    await start(port);
    await until(async () => (await call('connectivity.status', {})).relay.status === 'connected', 'the stream to come back', 60_000);
    await until(async () => (await call('sync.status', {})).pending === 0, 'the sync queue to drain', 60_000);
    const back = await check();
    // Acknowledged and resolved: gone. Resolved but not acknowledged: still listed, as resolved.
    expect(byRule(back, 'relay.unreachable')).toBeUndefined();
    expect(byRule(back, 'sync.outbox')).toMatchObject({ state: 'resolved', acknowledgedAt: null });
    // A new relay process counts anew: no forged calls in its window.
    expect(byRule(back, 'relay.signatureFailures')).toMatchObject({ state: 'resolved' });
  }, 180_000);
});
