// The after-action report's figures equal what the alert's deliveries, recipients and audit
// say, one test per figure: an alert to 30 people by SMS and then e-mail, with deliveries,
// failures with provider codes, confirmations by reply at known times, a path failure, a
// pause and a resume. Each expected value is counted here straight from the tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AfterActionReport, ProviderEvent } from '@gdial/protocol';
import { afterActionReport, nearestRank } from '../../src/campaigns/after-action';
import { CampaignService } from '../../src/campaigns/service';
import { addDeliveryEvent } from '../../src/store/deliveries';
import { addContact, addGroup, addTemplate, makeEnv, type TestEnv } from './helpers';

const PEOPLE = 30;
const T0 = Date.parse('2026-03-02T08:00:00Z');
const phoneOf = (p: number) => `+46704${String(100000 + p)}`;

let env: TestEnv;
let service: CampaignService;
let report: AfterActionReport;
const n = (sql: string, ...args: unknown[]) => (env.store.sqlite.prepare(sql).get(...args) as { n: number }).n;

beforeAll(() => {
  env = makeEnv();
  service = new CampaignService(env.ctx, {});
  const g = addGroup(env.store, 'Räddning');
  for (let p = 0; p < PEOPLE; p++)
    addContact(env.store, { name: `Person ${p}`, phones: [phoneOf(p)], emails: [`p${p}@example.se`], groups: [g] });
  const c = service.create({
    name: 'Brand',
    templateId: addTemplate(env.store),
    audience: { groupIds: [g] },
    steps: [{ channel: 'sms' }, { channel: 'email', waitSeconds: 0, condition: 'always' }],
  });
  service.start(c.id);
  service.pause(c.id);
  service.resume(c.id);
  const s = env.store.sqlite;
  s.prepare('UPDATE campaigns SET started_at = ? WHERE id = ?').run(new Date(T0).toISOString(), c.id);
  const rows = s.prepare('SELECT d.id, d.channel, d.recipient_id FROM deliveries d ORDER BY d.id').all() as {
    id: number;
    channel: string;
    recipient_id: number;
  }[];
  // Everyone's SMS and e-mail is with the provider 10 s after the start.
  for (const r of rows)
    s.prepare(
      "UPDATE deliveries SET state = 'sent', provider = ?, provider_id = ?, provider_status = 'queued', provider_rank = 10, sent_at = ?, attempts = 1, due_at = ? WHERE id = ?",
    ).run(r.channel === 'sms' ? 'twilio' : 'sendgrid', `P${r.id}`, T0 + 10_000, T0, r.id);
  const events: ProviderEvent[] = [];
  const at = (s: number) => new Date(T0 + s * 1000).toISOString();
  let k = 0;
  const status = (id: number, st: 'delivered' | 'undelivered' | 'failed', second: number, code?: string): ProviderEvent => ({
    eventKey: `e${k++}`,
    provider: 'twilio',
    channel: 'sms',
    occurredAt: at(second),
    type: 'status',
    deliveryToken: null,
    providerId: `P${id}`,
    status: st,
    failure: code ? { class: 'permanent' as const, code, message: `code ${code}` } : null,
    answeredBy: null,
    durationSec: null,
  });
  rows.slice(0, -1).forEach((r, i) => {
    const person = Math.floor(i / 2);
    if (r.channel === 'sms') {
      // A third get the SMS, a third fail with 30003, a third with 30005 (no SMS).
      if (person % 3 === 0) events.push(status(r.id, 'delivered', 20 + person));
      else events.push(status(r.id, 'undelivered', 25 + person, person % 3 === 1 ? '30003' : '30005'));
    } else {
      // Half the e-mails bounce.
      events.push(status(r.id, person % 2 === 0 ? 'delivered' : 'failed', 30 + person, person % 2 === 0 ? undefined : 'bounce'));
    }
  });
  service.handleProviderEvents(events);
  // Every fourth person confirms by replying 1, after 15 s + person seconds.
  service.handleProviderEvents(
    Array.from({ length: PEOPLE }, (_, p) => p)
      .filter((p) => p % 4 === 0)
      .map((p): ProviderEvent => ({
        eventKey: `r${p}`,
        provider: 'twilio',
        channel: 'sms',
        occurredAt: at(10 + 15 + p * 7),
        type: 'reply',
        deliveryToken: null,
        providerId: `IN${p}`,
        from: phoneOf(p),
        to: '+46700000001',
        text: '1',
      })),
  );
  // The last e-mail never got out: its path is down since 40 s (Väntar på nät).
  const last = rows.at(-1)!;
  s.prepare("UPDATE deliveries SET state = 'queued', provider = NULL, provider_id = NULL, sent_at = NULL WHERE id = ?").run(last.id);
  env.store.transaction((tx) => addDeliveryEvent(tx, last.id, T0 + 40_000, 'retry', 'sendgrid: transient: 503; next attempt in 5 s'));
  report = afterActionReport(env.store.read, service.get(c.id), { now: T0 + 3_600_000, organisation: 'ystad' });
});
afterAll(async () => {
  await service.close();
  env.close();
});

describe('the after-action report equals the deliveries', () => {
  it('recipients and outcomes', () => {
    expect(report.recipients).toBe(n('SELECT COUNT(*) AS n FROM campaign_recipients'));
    for (const [outcome, count] of Object.entries(report.outcomes))
      expect(count, outcome).toBe(n('SELECT COUNT(*) AS n FROM campaign_recipients WHERE outcome = ?', outcome));
    expect(report.outcomes.confirmed).toBeGreaterThan(0);
    expect(report.outcomes.unreached).toBeGreaterThan(0);
  });

  it('reached: everyone with a delivered delivery or a confirmation', () => {
    expect(report.reached).toBe(
      n(
        "SELECT COUNT(*) AS n FROM campaign_recipients r WHERE r.confirmed_at IS NOT NULL OR EXISTS (SELECT 1 FROM deliveries d WHERE d.recipient_id = r.id AND d.state = 'delivered')",
      ),
    );
    expect(report.history.points.at(-1)!.reached).toBe(report.reached);
  });

  it('confirmed, and the curve ends at it', () => {
    expect(report.confirmed).toBe(n('SELECT COUNT(*) AS n FROM campaign_recipients WHERE confirmed_at IS NOT NULL'));
    expect(report.history.points.at(-1)!.confirmed).toBe(report.confirmed);
    expect(report.history.points.at(-1)!.unreached).toBe(report.outcomes.unreached + report.outcomes['no-network']);
  });

  it('time to confirm: median, 90th percentile and distribution from each confirmation and first hand-over', () => {
    const waits = (
      env.store.sqlite
        .prepare(
          'SELECT r.confirmed_at AS c, (SELECT MIN(sent_at) FROM deliveries d WHERE d.recipient_id = r.id) AS s FROM campaign_recipients r WHERE r.confirmed_at IS NOT NULL',
        )
        .all() as { c: string; s: number }[]
    )
      .map((x) => (Date.parse(x.c) - x.s) / 1000)
      .sort((a, b) => a - b);
    expect(report.timeToConfirm.confirmed).toBe(waits.length);
    // 8 confirmations at 15, 43, 71 … 211 s: nearest rank 4 of 8 and 8 of 8.
    expect(waits).toEqual([0, 4, 8, 12, 16, 20, 24, 28].map((p) => 15 + p * 7));
    expect(report.timeToConfirm.medianSeconds).toBe(99);
    expect(report.timeToConfirm.p90Seconds).toBe(211);
    expect(report.timeToConfirm.distribution).toEqual([1, 1, 2, 4, 0, 0, 0]);
    expect(report.timeToConfirm.distribution.reduce((a, b) => a + b, 0)).toBe(waits.length);
  });

  it('nearest rank picks a value that occurred', () => {
    expect(nearestRank([], 0.5)).toBeNull();
    expect(nearestRank([3], 0.9)).toBe(3);
    expect(nearestRank([1, 2, 3, 4], 0.5)).toBe(2);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
  });

  it('per channel: deliveries, handed over, delivered, failed, confirmed on it', () => {
    for (const ch of report.channels) {
      expect(ch.deliveries).toBe(n('SELECT COUNT(*) AS n FROM deliveries WHERE channel = ?', ch.channel));
      expect(ch.handedOver).toBe(n('SELECT COUNT(*) AS n FROM deliveries WHERE channel = ? AND sent_at IS NOT NULL', ch.channel));
      expect(ch.delivered).toBe(n("SELECT COUNT(*) AS n FROM deliveries WHERE channel = ? AND state = 'delivered'", ch.channel));
      expect(ch.failed).toBe(n("SELECT COUNT(*) AS n FROM deliveries WHERE channel = ? AND state = 'failed'", ch.channel));
      expect(ch.confirmed).toBe(n("SELECT COUNT(*) AS n FROM campaign_recipients WHERE confirmed_via LIKE '% (' || ? || ' %'", ch.channel));
    }
    expect(report.channels.map((c) => c.channel)).toEqual(['email', 'sms']);
  });

  it('per provider: handed over, delivered, failed and the error codes', () => {
    for (const p of report.providers) {
      expect(p.handedOver).toBe(n('SELECT COUNT(*) AS n FROM deliveries WHERE provider = ? AND sent_at IS NOT NULL', p.provider));
      expect(p.delivered).toBe(n("SELECT COUNT(*) AS n FROM deliveries WHERE provider = ? AND state = 'delivered'", p.provider));
      expect(p.failed).toBe(n("SELECT COUNT(*) AS n FROM deliveries WHERE provider = ? AND state = 'failed'", p.provider));
      for (const e of p.errors)
        expect(e.count).toBe(
          n("SELECT COUNT(*) AS n FROM deliveries WHERE provider = ? AND state = 'failed' AND error_code = ?", p.provider, e.code),
        );
    }
    expect(
      report.providers
        .find((p) => p.provider === 'twilio')!
        .errors.map((e) => e.code)
        .sort(),
    ).toEqual(['30003', '30005']);
  });

  it('the unreached list: exactly the people not reached, each with every attempt and its reason', () => {
    const ids = (
      env.store.sqlite.prepare("SELECT id FROM campaign_recipients WHERE outcome IN ('unreached', 'no-network') ORDER BY id").all() as {
        id: number;
      }[]
    ).map((x) => x.id);
    expect(report.unreached.map((r) => r.id)).toEqual(ids);
    for (const r of report.unreached) {
      expect(r.deliveries).toHaveLength(n('SELECT COUNT(*) AS n FROM deliveries WHERE recipient_id = ?', r.id));
      for (const d of r.deliveries) {
        expect(d.state).toBe('failed');
        expect(d.errorCode).not.toBeNull();
        expect(d.events.length).toBeGreaterThan(0);
      }
    }
  });

  it('operator actions from the audit, who started it, and the history across the alert', () => {
    const actions = report.actions.map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['campaign.start', 'campaign.pause', 'campaign.resume']));
    expect(report.actions).toHaveLength(n("SELECT COUNT(*) AS n FROM audit_log WHERE subject_type = 'campaign' AND subject_id = '1'"));
    expect(report.startedBy).toBe('Test Operatör');
    expect(report.approvedBy).toBeNull();
    expect(report.organisation).toBe('ystad');
    expect(report.history.points.filter((p) => p.second < 40).every((p) => p.held === 0)).toBe(true);
    expect(report.history.points.filter((p) => p.second >= 40).every((p) => p.held === 1)).toBe(true);
  });

  it('costs: every handed-over SMS segment and e-mail at the price table', () => {
    const sms = n("SELECT COUNT(*) AS n FROM deliveries WHERE channel = 'sms' AND sent_at IS NOT NULL");
    const bodies = env.store.sqlite.prepare("SELECT DISTINCT body FROM deliveries WHERE channel = 'sms'").all() as { body: string }[];
    // Every body here is one GSM segment: 30 SMS at the Swedish price, 0.45 SEK.
    expect(bodies.every((b) => b.body.length <= 160)).toBe(true);
    expect(report.cost).toMatchObject({
      currency: 'SEK',
      smsSegments: sms,
      smsCost: Math.round(sms * 0.45 * 100) / 100,
      emails: PEOPLE - 1,
    });
    expect(report.cost.total).toBe(report.cost.smsCost + report.cost.callCost + report.cost.whatsappCost);
  });
});
