// The analytics across alerts against a hand-computed fixture: four started alerts and a draft,
// written straight into the tables with known times, states, providers and codes, so every
// expected figure below is worked out by hand in the comments. Then each filter (range, group
// with its subgroups, channel, test/live) and that one alert's figures equal its after-action report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsFilterSchema, type AnalyticsFilter, type Channel } from '@gdial/protocol';
import { afterActionReport, nearestRank } from '../../src/campaigns/after-action';
import { alertAnalytics, swedishDay } from '../../src/campaigns/analytics';
import { billedSegments, priceTableSetting } from '../../src/campaigns/price-table';
import { CampaignService } from '../../src/campaigns/service';
import { writeSetting } from '../../src/store/settings';
import { addGroup, addTemplate, makeEnv, type TestEnv } from './helpers';

let env: TestEnv;
let service: CampaignService;
const g: Record<'rescue' | 'north' | 'care', number> = { rescue: 0, north: 0, care: 0 };
const ids: Record<'fire' | 'drill' | 'water' | 'may', number> = { fire: 0, drill: 0, water: 0, may: 0 };
const ms = (iso: string) => Date.parse(iso);

/** One person of an alert: their deliveries (channel, state, provider, sent second after the start, error code) and when they confirmed. */
interface Person {
  sends: { channel: string; state: string; provider?: string; sentS?: number; code?: string; body?: string }[];
  confirmedS?: number;
}

function alert(name: string, startedAt: string | null, settings: object, testGroup: number | null, people: Person[]): number {
  const s = env.store.sqlite;
  const templateId = addTemplate(env.store);
  const { id } = s
    .prepare(
      `INSERT INTO campaigns (name, status, priority, template_id, test_group_id, settings, created_by, started_at)
       VALUES (?, ?, 0, ?, ?, ?, 'Test', ?) RETURNING id`,
    )
    .get(name, startedAt ? 'completed' : 'draft', templateId, testGroup, JSON.stringify({ name, templateId, ...settings }), startedAt) as {
    id: number;
  };
  const t0 = startedAt ? ms(startedAt) : 0;
  people.forEach((p, i) => {
    const confirmedAt = p.confirmedS === undefined ? null : new Date(t0 + p.confirmedS * 1000).toISOString();
    const r = s
      .prepare(
        `INSERT INTO campaign_recipients (campaign_id, display_name, language, outcome, confirmed_at) VALUES (?, ?, 'sv', ?, ?) RETURNING id`,
      )
      .get(id, `${name} ${i}`, confirmedAt ? 'confirmed' : 'unreached', confirmedAt) as { id: number };
    p.sends.forEach((d, k) =>
      s
        .prepare(
          `INSERT INTO deliveries (campaign_id, recipient_id, step_index, channel, address, token, state, priority, wait_seconds, condition,
                                   fall_through, provider, error_code, sent_at, body, segments)
           VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 'not-confirmed', 0, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          r.id,
          k,
          d.channel,
          d.channel === 'email' ? `p${i}@example.se` : `+4670400000${i}`,
          `${name}-${i}-${k}`,
          d.state,
          d.provider ?? null,
          d.code ?? null,
          d.sentS === undefined ? null : t0 + d.sentS * 1000,
          d.body ?? 'Hej',
          // As the planner stores it.
          billedSegments(d.channel as Channel, d.body ?? 'Hej'),
        ),
    );
  });
  return id;
}

const sms = (state: string, sentS: number | undefined, provider = 'twilio', code?: string) => ({
  channel: 'sms',
  state,
  provider,
  sentS,
  code,
});
const figures = (f: AnalyticsFilter) => alertAnalytics(env.store.read, analyticsFilterSchema.parse(f));
const ALL = { from: '2026-03-01', to: '2026-04-30' };

beforeAll(() => {
  env = makeEnv();
  service = new CampaignService(env.ctx, {});
  g.rescue = addGroup(env.store, 'Räddning');
  g.north = addGroup(env.store, 'Räddning Norr', g.rescue);
  g.care = addGroup(env.store, 'Hemtjänst');
  // SMS 0.5 per segment, calls 2 per minute at 1 minute per answered call, in SEK.
  env.store.transaction((tx) =>
    writeSetting(tx, priceTableSetting, {
      currency: 'SEK',
      smsPerSegment: { '*': 0.5 },
      callPerMinute: { '*': 2 },
      whatsappPerMessage: { '*': 1 },
      estimatedCallMinutes: 1,
    }),
  );
  // Brand: live, 2 March 09:00 Swedish time, to Räddning by SMS. Four people sent at 10 s; three
  // confirm at 30, 50, 70 s (waits 20, 40, 60); one SMS fails with 30003.
  ids.fire = alert('Brand', '2026-03-02T08:00:00.000Z', { audience: { groupIds: [g.rescue] }, steps: [{ channel: 'sms' }] }, null, [
    { sends: [sms('delivered', 10)], confirmedS: 30 },
    { sends: [sms('delivered', 10)], confirmedS: 50 },
    { sends: [sms('delivered', 10)], confirmedS: 70 },
    { sends: [sms('failed', 10, 'twilio', '30003')] },
  ]);
  // Övning: a test alert at 23:30 UTC on 2 March, which is 00:30 on 3 March in Sweden; to Räddning
  // Norr by voice, then e-mail. One call answered (confirmed 30 s after its send at 5 s), one not
  // answered (no-answer); both e-mails delivered by SendGrid.
  ids.drill = alert(
    'Övning',
    '2026-03-02T23:30:00.000Z',
    { audience: { groupIds: [g.north] }, steps: [{ channel: 'voice' }, { channel: 'email', waitSeconds: 0, condition: 'always' }] },
    g.care,
    [
      {
        sends: [
          { channel: 'voice', state: 'delivered', provider: 'twilio', sentS: 5 },
          { channel: 'email', state: 'delivered', provider: 'sendgrid', sentS: 6 },
        ],
        confirmedS: 35,
      },
      {
        sends: [
          { channel: 'voice', state: 'failed', provider: 'twilio', sentS: 5, code: 'no-answer' },
          { channel: 'email', state: 'delivered', provider: 'sendgrid', sentS: 6 },
        ],
      },
    ],
  );
  // Vatten: live, 10 April, to Hemtjänst by SMS through 46elks. One sent at 20 s and confirmed at
  // 30 s (wait 10); the other never sent (its path down) yet confirmed at 90 s, counted from the start (wait 90).
  ids.water = alert('Vatten', '2026-04-10T10:00:00.000Z', { audience: { groupIds: [g.care] }, steps: [{ channel: 'sms' }] }, null, [
    { sends: [sms('delivered', 20, 'elks')], confirmedS: 30 },
    { sends: [sms('queued', undefined, 'elks')], confirmedS: 90 },
  ]);
  // Outside the range (May) and a draft that never started.
  ids.may = alert('Maj', '2026-05-05T10:00:00.000Z', { audience: { groupIds: [g.care] }, steps: [{ channel: 'sms' }] }, null, [
    { sends: [sms('delivered', 1)], confirmedS: 2 },
  ]);
  alert('Utkast', null, { audience: { groupIds: [g.care] }, steps: [{ channel: 'sms' }] }, null, [{ sends: [sms('waiting', undefined)] }]);
});
afterAll(async () => {
  await service.close();
  env.close();
});

describe('analytics across alerts, against a hand-computed fixture', () => {
  it('chooses the alerts that started in the range, by Swedish day, with their confirmation figures', () => {
    const a = figures(ALL);
    expect(a.alerts.map((x) => [x.id, x.startedAt])).toEqual([
      [ids.fire, '2026-03-02T08:00:00.000Z'],
      [ids.drill, '2026-03-02T23:30:00.000Z'],
      [ids.water, '2026-04-10T10:00:00.000Z'],
    ]);
    expect(a.alerts.map(({ id: _id, startedAt: _at, ...rest }) => rest)).toEqual([
      // waits 20, 40, 60: nearest rank ⌈1.5⌉ = 2 → 40 s, ⌈2.7⌉ = 3 → 60 s.
      { name: 'Brand', testMode: false, recipients: 4, confirmed: 3, medianSeconds: 40, p90Seconds: 60 },
      { name: 'Övning', testMode: true, recipients: 2, confirmed: 1, medianSeconds: 30, p90Seconds: 30 },
      // waits 10 and 90: ranks 1 and ⌈1.8⌉ = 2.
      { name: 'Vatten', testMode: false, recipients: 2, confirmed: 2, medianSeconds: 10, p90Seconds: 90 },
    ]);
    expect(swedishDay('2026-03-02T23:30:00.000Z')).toBe('2026-03-03');
  });

  it('alerts over time: one entry per day of the range, live and test apart', () => {
    const a = figures({ from: '2026-03-01', to: '2026-03-04' });
    expect(a.perDay).toEqual([
      { day: '2026-03-01', live: 0, test: 0 },
      { day: '2026-03-02', live: 1, test: 0 },
      { day: '2026-03-03', live: 0, test: 1 },
      { day: '2026-03-04', live: 0, test: 0 },
    ]);
    expect(figures(ALL).perDay).toHaveLength(61);
  });

  it('per group: the recipients of the alerts that named it', () => {
    expect(figures(ALL).groups).toEqual([
      { groupId: g.care, name: 'Hemtjänst', alerts: 1, recipients: 2, confirmed: 2, medianSeconds: 10, p90Seconds: 90 },
      { groupId: g.rescue, name: 'Räddning', alerts: 1, recipients: 4, confirmed: 3, medianSeconds: 40, p90Seconds: 60 },
      { groupId: g.north, name: 'Räddning Norr', alerts: 1, recipients: 2, confirmed: 1, medianSeconds: 30, p90Seconds: 30 },
    ]);
  });

  it('outcomes per channel and per provider, and the providers’ error codes', () => {
    const a = figures(ALL);
    expect(a.channels).toEqual([
      { channel: 'email', deliveries: 2, handedOver: 2, delivered: 2, failed: 0 },
      { channel: 'sms', deliveries: 6, handedOver: 5, delivered: 4, failed: 1 },
      { channel: 'voice', deliveries: 2, handedOver: 2, delivered: 1, failed: 1 },
    ]);
    expect(a.providers).toEqual([
      { provider: 'elks', handedOver: 1, delivered: 1, failed: 0 },
      { provider: 'sendgrid', handedOver: 2, delivered: 2, failed: 0 },
      { provider: 'twilio', handedOver: 6, delivered: 4, failed: 2 },
    ]);
    expect(a.errors).toEqual([
      { provider: 'twilio', code: '30003', count: 1 },
      { provider: 'twilio', code: 'no-answer', count: 1 },
    ]);
  });

  it('costs per month the alerts started in (Swedish time), a call billed only when answered', () => {
    expect(figures(ALL)).toMatchObject({
      currency: 'SEK',
      costs: [
        // March: Brand's 4 SMS handed over (1 segment each, 2.00) + Övning's one answered call (2.00) and 2 e-mails.
        { month: '2026-03', smsSegments: 4, smsCost: 2, callMinutes: 1, callCost: 2, whatsappMessages: 0, emails: 2, total: 4 },
        // April: Vatten's one SMS handed over.
        { month: '2026-04', smsSegments: 1, smsCost: 0.5, callMinutes: 0, callCost: 0, emails: 0, total: 0.5 },
      ],
    });
  });

  it('filters: the range, a group with its subgroups, a channel, test or live', () => {
    const names = (f: Partial<AnalyticsFilter>) => figures({ ...ALL, ...f }).alerts.map((x) => x.name);
    expect(names({ to: '2026-03-02' })).toEqual(['Brand']);
    expect(names({ from: '2026-03-03', to: '2026-05-31' })).toEqual(['Övning', 'Vatten', 'Maj']);
    expect(names({ groupId: g.rescue })).toEqual(['Brand', 'Övning']);
    expect(names({ groupId: g.north })).toEqual(['Övning']);
    expect(names({ mode: 'test' })).toEqual(['Övning']);
    expect(names({ mode: 'live' })).toEqual(['Brand', 'Vatten']);
    expect(names({ channel: 'voice' })).toEqual(['Övning']);

    // A channel filter counts only that channel's sends.
    const voice = figures({ ...ALL, channel: 'voice' });
    expect(voice.channels).toEqual([{ channel: 'voice', deliveries: 2, handedOver: 2, delivered: 1, failed: 1 }]);
    expect(voice.providers).toEqual([{ provider: 'twilio', handedOver: 2, delivered: 1, failed: 1 }]);
    expect(voice.errors).toEqual([{ provider: 'twilio', code: 'no-answer', count: 1 }]);
    expect(voice.costs).toMatchObject([{ month: '2026-03', smsSegments: 0, callMinutes: 1, emails: 0, total: 2 }]);

    const live = figures({ ...ALL, mode: 'live' });
    expect(live.groups.map((x) => x.name)).toEqual(['Hemtjänst', 'Räddning']);
    expect(live.costs.map((x) => x.total)).toEqual([2, 0.5]);

    const none = figures({ from: '2026-01-01', to: '2026-01-31' });
    expect(none).toMatchObject({ alerts: [], groups: [], channels: [], providers: [], errors: [], costs: [] });
  });

  it('refuses a range that ends before it starts, in Swedish', () => {
    const r = analyticsFilterSchema.safeParse({ from: '2026-03-02', to: '2026-03-01' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe('Startdatumet ligger efter slutdatumet');
  });

  it('one alert’s figures equal its after-action report', () => {
    for (const id of [ids.fire, ids.drill, ids.water]) {
      const c = service.get(id);
      const day = swedishDay(c.startedAt!);
      const report = afterActionReport(env.store.read, c, { now: Date.now(), organisation: null });
      const a = figures({ from: day, to: day }).alerts.find((x) => x.id === id)!;
      expect(a.confirmed).toBe(report.timeToConfirm.confirmed);
      expect(a.medianSeconds).toBe(report.timeToConfirm.medianSeconds);
      expect(a.p90Seconds).toBe(report.timeToConfirm.p90Seconds);
    }
  });

  it('nearest rank of 30 values at 90 % is the 27th (not the 28th that 0.9 × 30 rounds up to in floating point)', () => {
    const values = Array.from({ length: 30 }, (_, i) => i + 1);
    expect(nearestRank(values, 0.9)).toBe(27);
    expect(nearestRank(values, 0.5)).toBe(15);
  });
});
