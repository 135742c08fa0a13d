// Health alerts through the engine's RPC (outputs validated): a provider whose sends fail
// (a fake sender answering 503), slow database writes, a disk running full (free space from
// an injected statfs) each raise an alert with value, threshold and first/last seen; it
// resolves by itself when the condition ends and leaves the list once acknowledged (audited
// with the user's name); thresholds are admin settings. The rules' edge cases as a pure function.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultHealthThresholds, type HealthAlert, type HealthOverview } from '@gdial/protocol';
import { sendError } from '../../src/providers/types';
import { startEngine, type Engine } from '../../src/engine';
import { silentLogger } from '../../src/log';
import { evaluateHealth, type HealthReadings } from '../../src/services/health/rules';
import { FakeSender, fakeSenders } from '../campaigns/helpers';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function call<T = unknown>(method: string, params: unknown = {}): Promise<T> {
  const res = await engine!.rpc.call(method, params);
  if (!res.ok) throw new Error(`${method}: ${res.error.code} ${res.error.message}`);
  return res.value as T;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const listed = async () => (await call<HealthOverview>('health.list')).alerts;
const checked = async () => {
  await engine!.services.health.evaluate();
  return listed();
};
const one = (alerts: HealthAlert[], rule: string) => alerts.find((a) => a.rule === rule);

describe('health alerts', () => {
  it('a failing provider fires, resolves when its sends succeed again, and leaves the list once acknowledged', async () => {
    const sms = new FakeSender('twilio');
    // The provider's API answers 503 to every first attempt (the retry goes through).
    sms.script = (_d, attempt) =>
      attempt === 1
        ? { ok: false, error: sendError('transient', 'HTTP 503', { code: '503' }) }
        : { ok: true, providerId: '', status: 'queued' };
    let free = 50 * 1024 ** 3;
    engine = await startEngine({
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-health-')),
      logger: silentLogger(),
      validateOutputs: true,
      signedIn: { displayName: 'Lena Larmsson', role: 'admin' },
      // This alert starts alone; the two-person rule has its own tests (campaigns/approvals.test.ts).
      approvalRule: { threshold: 1_000_000, testGroupId: null, authorMayApproveTemplates: true },
      campaigns: {
        dispatcher: { backoff: { baseMs: 5, capMs: 20 }, breaker: { failureThreshold: 1000, openMs: 10, maxOpenMs: 10 } },
      },
      health: { intervalMs: 3_600_000, freeBytes: async () => free },
    });
    // The fake provider in place of the (unconfigured) real ones.
    engine.services.campaigns.setChannels(fakeSenders({ sms }), null);
    expect(await checked()).toEqual([]);

    const send = async (n: number, name: string) => {
      const group = await call<{ id: number }>('groups.create', { name });
      for (let i = 0; i < n; i++)
        await call('contacts.create', {
          firstName: `${name}${i}`,
          lastName: 'Test',
          phones: [{ number: `070-${name === 'A' ? 2 : 3}00 00 ${String(i).padStart(2, '0')}` }],
          groupIds: [group.id],
        });
      const template = await call<{ id: number }>('templates.create', { name, variants: { sv: { sms: 'Larm. Svara 1.' } } });
      await call('templates.approve', { id: template.id });
      const c = await call<{ id: number }>('campaigns.create', {
        name,
        templateId: template.id,
        audience: { groupIds: [group.id] },
        steps: [{ channel: 'sms' }],
      });
      await call('campaigns.start', { id: c.id });
      return c.id;
    };
    await send(12, 'A');
    await until(() => sms.sent.length === 12, `every message to go out (${sms.sent.length} sent, ${sms.attempts.size} tried)`);

    const firing = one(await checked(), 'provider.errorRate');
    // 12 failed of 24 sends: 50 % over the 25 % threshold.
    expect(firing).toMatchObject({ subject: 'twilio', state: 'firing', value: 50, threshold: 25, resolvedAt: null, acknowledgedAt: null });
    expect(firing!.firstSeen <= firing!.lastSeen).toBe(true);

    // The provider works again: 40 sends later the rate is 12 of 64 (19 %) and the alert resolves by itself.
    sms.script = () => ({ ok: true, providerId: '', status: 'queued' });
    await send(40, 'B');
    await until(() => sms.sent.length === 52, 'the second alert to go out');
    const resolved = one(await checked(), 'provider.errorRate');
    expect(resolved).toMatchObject({ id: firing!.id, state: 'resolved', acknowledgedAt: null });
    expect(resolved!.resolvedAt).not.toBeNull();

    // Still listed (nobody saw it) until an operator acknowledges it; that is audited with their name.
    const acked = await call<HealthAlert>('health.acknowledge', { id: firing!.id });
    expect(acked).toMatchObject({ acknowledgedBy: 'Lena Larmsson', state: 'resolved' });
    expect(one(await listed(), 'provider.errorRate')).toBeUndefined();
    const audit = await call<{ entries: { action: string; actor: string; params: Record<string, unknown> }[] }>('audit.list', {
      subjectType: 'health',
    });
    expect(audit.entries[0]).toMatchObject({
      action: 'health.acknowledged',
      actor: 'Lena Larmsson',
      params: { rule: 'provider.errorRate', subject: 'twilio' },
    });
    // Acknowledging again changes nothing and writes no second entry.
    await call('health.acknowledge', { id: firing!.id });
    expect((await call<{ entries: unknown[] }>('audit.list', { subjectType: 'health' })).entries).toHaveLength(1);
    const refused = await engine.rpc.call('health.acknowledge', { id: 9999 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // The disk fills: below the threshold (MB) it fires, an acknowledgement silences it but it stays listed while firing.
    free = 300 * 1024 ** 2;
    const disk = one(await checked(), 'store.diskSpace');
    expect(disk).toMatchObject({ state: 'firing', value: 300, threshold: 1024 });
    await call('health.acknowledge', { id: disk!.id });
    expect(one(await checked(), 'store.diskSpace')).toMatchObject({ state: 'firing', acknowledgedBy: 'Lena Larmsson' });
    free = 200 * 1024 ** 2;
    expect(one(await checked(), 'store.diskSpace')).toMatchObject({ id: disk!.id, value: 200 });
    free = 5 * 1024 ** 3;
    expect(one(await checked(), 'store.diskSpace')).toBeUndefined();
    // A new episode is a new alert, not the acknowledged one again.
    free = 100 * 1024 ** 2;
    const again = one(await checked(), 'store.diskSpace');
    expect(again).toMatchObject({ state: 'firing', acknowledgedAt: null });
    expect(again!.id).not.toBe(disk!.id);
  }, 90_000);

  it('slow writes fire on the 99th percentile; thresholds are settings, audited', async () => {
    engine = await startEngine({
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-health-')),
      logger: silentLogger(),
      validateOutputs: true,
      signedIn: { displayName: 'Adam Admin', role: 'admin' },
      health: { intervalMs: 3_600_000, freeBytes: async () => 50 * 1024 ** 3 },
    });
    expect((await call<HealthOverview>('health.list')).thresholds).toEqual(defaultHealthThresholds);
    const thresholds = { ...defaultHealthThresholds, 'store.writeLatency': 5 };
    expect(await call('health.setThresholds', thresholds)).toEqual(thresholds);
    expect((await call<HealthOverview>('health.list')).thresholds['store.writeLatency']).toBe(5);
    const audit = await call<{ entries: { action: string; actor: string }[] }>('audit.list', { subjectType: 'health' });
    expect(audit.entries[0]).toMatchObject({ action: 'health.thresholds', actor: 'Adam Admin' });
    expect(await engine.rpc.call('health.setThresholds', { ...thresholds, 'provider.errorRate': 0 })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });

    // Twenty write transactions that each hold the database for 10 ms (a slow disk would).
    const store = engine.context.store;
    for (let i = 0; i < 20; i++)
      store.transaction((tx) => {
        tx.sqlite.prepare("INSERT INTO settings (key, value, updated_at) VALUES (?, '1', '') ON CONFLICT DO NOTHING").run(`slow.${i}`);
        const until = performance.now() + 10;
        while (performance.now() < until);
      });
    const slow = one(await checked(), 'store.writeLatency');
    expect(slow).toMatchObject({ state: 'firing', threshold: 5 });
    expect(slow!.value).toBeGreaterThanOrEqual(10);
  }, 60_000);
});

describe('health rules', () => {
  const quiet: HealthReadings = {
    providers: [],
    relay: { configured: true, offlineMinutes: 0, lagEvents: 0, signatureFailures: 0 },
    writes: { count: 100, p99Ms: 3 },
    syncPending: 0,
    freeMb: 10_000,
  };
  const t = defaultHealthThresholds;

  it('fires nothing on a healthy desktop and judges every rule it has a reading for', () => {
    const e = evaluateHealth(quiet, t);
    expect(e.firing).toEqual([]);
    expect([...e.checked].sort()).toEqual([
      'relay.lag',
      'relay.signatureFailures',
      'relay.unreachable',
      'store.diskSpace',
      'store.writeLatency',
      'sync.outbox',
    ]);
  });

  it('fires each rule at its threshold', () => {
    const e = evaluateHealth(
      {
        providers: [{ provider: 'elks', sends: 20, failures: 5 }],
        relay: { configured: true, offlineMinutes: 5, lagEvents: 1000, signatureFailures: 20 },
        writes: { count: 10, p99Ms: 500 },
        syncPending: 500,
        freeMb: 1023,
      },
      t,
    );
    expect(e.firing.map((c) => `${c.rule}:${c.subject}:${c.value}`).sort()).toEqual([
      'provider.errorRate:elks:25',
      'relay.lag::1000',
      'relay.signatureFailures::20',
      'relay.unreachable::5',
      'store.diskSpace::1023',
      'store.writeLatency::500',
      'sync.outbox::500',
    ]);
  });

  it('does not judge on too little (few sends, few writes) or on what the relay did not say', () => {
    const e = evaluateHealth(
      {
        ...quiet,
        providers: [{ provider: 'twilio', sends: 9, failures: 9 }],
        relay: { configured: true, offlineMinutes: 9, lagEvents: null, signatureFailures: null },
        writes: { count: 3, p99Ms: 9000 },
        freeMb: null,
      },
      t,
    );
    expect(e.firing.map((c) => c.rule)).toEqual(['relay.unreachable']);
    expect(e.checkedSubjects.size).toBe(0);
    for (const r of ['relay.lag', 'relay.signatureFailures', 'store.writeLatency', 'store.diskSpace'] as const)
      expect(e.checked.has(r)).toBe(false);
  });

  it('without a relay, what the relay raised has ended', () => {
    const e = evaluateHealth(
      { ...quiet, relay: { configured: false, offlineMinutes: 99, lagEvents: null, signatureFailures: null }, syncPending: null },
      t,
    );
    expect(e.firing).toEqual([]);
    expect(e.checked.has('relay.unreachable') && e.checked.has('relay.lag') && e.checked.has('sync.outbox')).toBe(true);
  });
});
