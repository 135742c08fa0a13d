// Shared set-up for the campaign benchmarks: a fresh engine store with N generated
// contacts in one group and an approved SMS template, a campaign service whose SMS goes
// through the real twilio adapter to the simulator (running in its own process), and a
// way to wait until every delivery has been handed over.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, silentLogger, type Store } from '@gdial/engine';
import { storeKey } from './context';
import { ApprovalService, CampaignService, sendersFromProviders, type ChannelSender, type ChannelSenders } from '@gdial/engine/campaigns';
import { createProviders } from '@gdial/engine/providers';
import type { EventName, EventPayload } from '@gdial/protocol';
import type { SimulatorProcess } from './simulator-process';

export interface CampaignFixture {
  store: Store;
  service: CampaignService;
  campaignId: number;
  /** Time (performance.now) of each accepted send, in order. */
  accepted: number[];
  /** Resolves when nothing is queued or sending any more. */
  handedOver(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface FixtureOptions {
  recipients: number;
  concurrency: number;
  /** SMS per second the dispatcher allows itself (Twilio's per-sender limit in production). */
  smsPerSecond: number;
  priority?: 'alert' | 'outreach';
}

export async function campaignFixture(sim: SimulatorProcess, opts: FixtureOptions): Promise<CampaignFixture> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-bench-campaign-'));
  const store = openStore(path.join(dir, 'gdial.db'), { logger: silentLogger(), ...storeKey() });
  const s = store.sqlite;
  const group = (s.prepare("INSERT INTO contact_groups (name, name_key) VALUES ('Alla', 'alla') RETURNING id").get() as { id: number }).id;
  store.transaction(() => {
    const contact = s.prepare(
      "INSERT INTO contacts (display_name, first_name, organisation, language, sort_key) VALUES (?, ?, 'Kommunen', 'sv', ?) RETURNING id",
    );
    const phone = s.prepare(
      "INSERT INTO contact_phones (contact_id, e164, label, priority, kind, can_sms) VALUES (?, ?, 'mobile', 0, 'mobile', 1)",
    );
    const member = s.prepare('INSERT INTO group_members (group_id, contact_id) VALUES (?, ?)');
    for (let i = 0; i < opts.recipients; i++) {
      const name = `Person ${i}`;
      const { id } = contact.get(name, `Person${i}`, name.toLowerCase()) as { id: number };
      phone.run(id, `+4673${String(i).padStart(7, '0')}`);
      member.run(group, id);
    }
  });
  const template = (
    s
      .prepare(
        "INSERT INTO templates (name, status, approved_by, approved_at) VALUES ('Övningslarm', 'approved', 'bench', strftime('%Y-%m-%dT%H:%M:%fZ','now')) RETURNING id",
      )
      .get() as { id: number }
  ).id;
  s.prepare(
    "INSERT INTO template_contents (template_id, language, channel, text) VALUES (?, 'sv', 'sms', 'Övningslarm för {{first_name}}: svara 1 när du läst detta.')",
  ).run(template);

  const providers = createProviders({
    twilio: {
      accountSid: sim.credentials.accountSid,
      authToken: sim.credentials.authToken,
      baseUrl: sim.url,
      maxSockets: opts.concurrency,
      sms: { from: '+46700000001' },
      callbacks: {
        messageStatusUrl: 'http://127.0.0.1:9/hooks/twilio/message-status',
        callStatusUrl: 'http://127.0.0.1:9/hooks/twilio/call-status',
      },
    },
  });
  const accepted: number[] = [];
  const base = sendersFromProviders({ sms: providers.sms ?? undefined });
  const sms = base.get('sms')!;
  // Records when the provider accepted each message (the benchmarks' stopwatch).
  const timed: ChannelSender = {
    provider: sms.provider,
    send: async (d) => {
      const out = await sms.send(d);
      if (out.ok) accepted.push(performance.now());
      return out;
    },
    findByToken: (q) => sms.findByToken(q),
  };
  const senders: ChannelSenders = { get: (ch) => (ch === 'sms' ? timed : null) };
  const ctx = benchEngineContext(store, dir);
  const service = new CampaignService(ctx, {
    senders,
    dispatcher: {
      concurrency: opts.concurrency,
      rateLimits: { sms: { perSecond: opts.smsPerSecond, burst: Math.max(1, Math.round(opts.smsPerSecond / 10)) } },
    },
  });
  // The benchmark measures the start itself; the second operator's approval is not part of it.
  new ApprovalService({ ctx, campaigns: service, user: () => null }).setRule({
    threshold: 1_000_000,
    testGroupId: null,
    authorMayApproveTemplates: true,
  });
  await service.open();
  const campaign = service.create({
    name: 'Bench',
    templateId: template,
    priority: opts.priority ?? 'alert',
    audience: { groupIds: [group] },
    steps: [{ channel: 'sms' }],
  });
  const open = s.prepare("SELECT count(*) AS n FROM deliveries WHERE campaign_id = ? AND state IN ('queued', 'sending')");
  const failed = s.prepare("SELECT count(*) AS n FROM deliveries WHERE campaign_id = ? AND state = 'failed'");
  return {
    store,
    service,
    campaignId: campaign.id,
    accepted,
    async handedOver(timeoutMs = 600_000) {
      const started = Date.now();
      for (;;) {
        // Counting the outbox is not free: look only once the stopwatch says all went out.
        if (accepted.length >= opts.recipients && (open.get(campaign.id) as { n: number }).n === 0) break;
        if (Date.now() - started > timeoutMs) throw new Error('campaign did not finish handing over in time');
        await new Promise((r) => setTimeout(r, accepted.length >= opts.recipients ? 5 : 50));
      }
      const f = (failed.get(campaign.id) as { n: number }).n;
      if (f > 0) throw new Error(`${f} deliveries failed`);
    },
    async close() {
      await service.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sets the simulator's profile through its control API. */
export async function setSimProfile(sim: SimulatorProcess, profile: unknown): Promise<void> {
  const res = await fetch(`${sim.url}/_sim/profile`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(profile),
  });
  if (!res.ok) throw new Error(`could not set the simulator profile: ${res.status} ${await res.text()}`);
}

export async function resetSim(sim: SimulatorProcess): Promise<void> {
  await fetch(`${sim.url}/_sim/reset`, { method: 'POST' });
}

/** The engine context a benchmark's campaign service runs in: silent, no events, acting as "bench". */
export function benchEngineContext(store: Store, dir: string) {
  return {
    store,
    logger: silentLogger(),
    events: { emit: <E extends EventName>(_n: E, _p: EventPayload<E>) => {} },
    dataDir: dir,
    resourcesDir: null,
    demo: true,
    startedAt: new Date(),
    operator: () => 'bench',
  };
}
