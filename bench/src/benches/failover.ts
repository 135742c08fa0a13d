// `npm run bench -- failover [--recipients 3000] [--fail-after 500] [--concurrency 64] [--sms-per-second 1000]`
// An SMS alert through the engine with Twilio first and 46elks second (the real adapters,
// the simulator in its own process). After `fail-after` messages Twilio's whole API starts
// failing — once with 503s, once by refusing our credentials — and the alert carries on
// through 46elks. Prints per failure mode:
//   switch_ms  from Twilio's circuit opening to the first message 46elks accepted (goal ≤ 2,000)
//   detect_ms  from the failure starting to the circuit opening
//   baseline_gap_ms  the median time between two accepted messages before the failure (same run)
//   ratio      switch_ms / goal_ms
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, silentLogger } from '@gdial/engine';
import { ApprovalService, CampaignService, sendersFromProviders, type ChannelSender, type ChannelSenders } from '@gdial/engine/campaigns';
import { createProviders } from '@gdial/engine/providers';
import { percentile, round, type BenchContext } from '../context';
import { benchEngineContext, resetSim } from '../campaign-fixture';
import { startSimulatorProcess, type SimulatorProcess } from '../simulator-process';

const GOAL_MS = 2_000;

interface RoundResult {
  switchMs: number;
  detectMs: number;
  baselineGapMs: number;
  twilio: number;
  elks: number;
  flagged: number;
  totalMs: number;
}

async function configure(sim: SimulatorProcess, twilioFailure: string | null): Promise<void> {
  const res = await fetch(`${sim.url}/_sim/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ twilioFailure }),
  });
  if (!res.ok) throw new Error(`could not configure the simulator: ${res.status}`);
}

async function oneRound(
  sim: SimulatorProcess,
  failure: 'server-error' | 'auth-rejected',
  opts: { recipients: number; failAfter: number; concurrency: number; smsPerSecond: number },
): Promise<RoundResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-bench-failover-'));
  const store = openStore(path.join(dir, 'gdial.db'), { logger: silentLogger() });
  const s = store.sqlite;
  const group = (s.prepare("INSERT INTO contact_groups (name, name_key) VALUES ('Alla', 'alla') RETURNING id").get() as { id: number }).id;
  store.transaction(() => {
    const contact = s.prepare("INSERT INTO contacts (display_name, first_name, language, sort_key) VALUES (?, ?, 'sv', ?) RETURNING id");
    const phone = s.prepare(
      "INSERT INTO contact_phones (contact_id, e164, label, priority, kind, can_sms) VALUES (?, ?, 'mobile', 0, 'mobile', 1)",
    );
    const member = s.prepare('INSERT INTO group_members (group_id, contact_id) VALUES (?, ?)');
    for (let i = 0; i < opts.recipients; i++) {
      const { id } = contact.get(`Person ${i}`, `Person${i}`, `person ${i}`) as { id: number };
      phone.run(id, `+4673${String(i).padStart(7, '0')}`);
      member.run(group, id);
    }
  });
  const template = (
    s
      .prepare(
        "INSERT INTO templates (name, status, approved_by, approved_at) VALUES ('Larm', 'approved', 'bench', strftime('%Y-%m-%dT%H:%M:%fZ','now')) RETURNING id",
      )
      .get() as { id: number }
  ).id;
  s.prepare(
    "INSERT INTO template_contents (template_id, language, channel, text) VALUES (?, 'sv', 'sms', 'Larm: svara 1 när du läst detta.')",
  ).run(template);

  const hooks = 'http://127.0.0.1:9/hooks';
  const providers = createProviders({
    twilio: {
      accountSid: sim.credentials.accountSid,
      authToken: sim.credentials.authToken,
      baseUrl: sim.url,
      maxSockets: opts.concurrency,
      sms: { from: '+46700000001' },
      callbacks: { messageStatusUrl: `${hooks}/twilio/message-status`, callStatusUrl: `${hooks}/twilio/call-status` },
    },
    elks: {
      username: sim.credentials.elksUsername,
      password: sim.credentials.elksPassword,
      baseUrl: sim.url,
      sms: { from: '+46766860001' },
      callbacks: { deliveryReportUrl: `${hooks}/elks/sms-status?s=x`, callHangupUrl: `${hooks}/elks/call-hangup?s=x`, callbackSecret: 'x' },
    },
  });
  const accepted: { at: number; provider: string }[] = [];
  let failing = false;
  let failedAt = 0;
  const base = sendersFromProviders({ chains: providers.chains });
  // Records when each provider accepted each message (the stopwatch), and starts Twilio's failure after `failAfter`.
  const timed = (inner: ChannelSender): ChannelSender => ({
    provider: inner.provider,
    send: async (d) => {
      const out = await inner.send(d);
      if (out.ok) {
        accepted.push({ at: performance.now(), provider: inner.provider });
        if (!failing && accepted.length >= opts.failAfter) {
          failing = true;
          failedAt = performance.now();
          await configure(sim, failure);
        }
      }
      return out;
    },
    findByToken: (q) => inner.findByToken(q),
  });
  const chain = base.chain!('sms').map(timed);
  const senders: ChannelSenders = { get: (ch) => (ch === 'sms' ? chain[0]! : null), chain: (ch) => (ch === 'sms' ? chain : []) };
  let openedAt = 0;
  const ctx = benchEngineContext(store, dir);
  const service = new CampaignService(ctx, {
    senders,
    dispatcher: {
      concurrency: opts.concurrency,
      rateLimits: { sms: { perSecond: opts.smsPerSecond, burst: Math.max(1, Math.round(opts.smsPerSecond / 10)) } },
      onCircuit: (provider, state) => {
        if (provider === 'twilio' && state === 'open' && !openedAt) openedAt = performance.now();
      },
    },
  });
  // The benchmark measures the failover; the second operator's approval is not part of it.
  new ApprovalService({ ctx, campaigns: service, user: () => null }).setRule({
    threshold: 1_000_000,
    testGroupId: null,
    authorMayApproveTemplates: true,
  });
  await service.open();
  const campaign = service.create({
    name: 'Bench',
    templateId: template,
    priority: 'alert',
    audience: { groupIds: [group] },
    steps: [{ channel: 'sms' }],
  });
  const open = s.prepare("SELECT count(*) AS n FROM deliveries WHERE campaign_id = ? AND state IN ('queued', 'sending')");
  const t0 = performance.now();
  service.start(campaign.id);
  const deadline = Date.now() + 300_000;
  while ((open.get(campaign.id) as { n: number }).n > 0) {
    if (Date.now() > deadline) throw new Error('the alert did not finish within 5 minutes');
    await new Promise((r) => setTimeout(r, 20));
  }
  const totalMs = performance.now() - t0;
  const firstElks = accepted.find((a) => a.provider === 'elks' && a.at >= openedAt);
  if (!openedAt || !firstElks) throw new Error('Twilio never failed over to 46elks');
  const before = accepted.filter((a) => a.at < failedAt);
  const gaps = before.slice(1).map((a, i) => a.at - before[i]!.at);
  const flagged = (
    s.prepare('SELECT count(*) AS n FROM deliveries WHERE campaign_id = ? AND possible_duplicate = 1').get(campaign.id) as { n: number }
  ).n;
  await service.close();
  store.close();
  rmSync(dir, { recursive: true, force: true });
  await configure(sim, null);
  return {
    switchMs: firstElks.at - openedAt,
    detectMs: openedAt - failedAt,
    baselineGapMs: percentile(gaps, 50),
    twilio: accepted.filter((a) => a.provider === 'twilio').length,
    elks: accepted.filter((a) => a.provider === 'elks').length,
    flagged,
    totalMs,
  };
}

export default async function failover(ctx: BenchContext): Promise<void> {
  const opts = {
    recipients: Number(ctx.options.recipients ?? 3_000),
    failAfter: Number(ctx.options['fail-after'] ?? 500),
    concurrency: Number(ctx.options.concurrency ?? 64),
    smsPerSecond: Number(ctx.options['sms-per-second'] ?? 1_000),
  };
  const sim = await startSimulatorProcess('throughput');
  try {
    for (const failure of ['server-error', 'auth-rejected'] as const) {
      await resetSim(sim);
      ctx.progress(`${opts.recipients} recipients, Twilio ${failure} after ${opts.failAfter}`);
      const r = await oneRound(sim, failure, opts);
      ctx.emit({
        failure,
        recipients: opts.recipients,
        switch_ms: round(r.switchMs, 1),
        detect_ms: round(r.detectMs, 1),
        baseline_gap_ms: round(r.baselineGapMs, 3),
        goal_ms: GOAL_MS,
        ratio: round(r.switchMs / GOAL_MS, 3),
        via_twilio: r.twilio,
        via_elks: r.elks,
        flagged_possible_duplicates: r.flagged,
        total_ms: Math.round(r.totalMs),
      });
    }
  } finally {
    await sim.stop();
  }
}
