// The report's CSV files, column by column: an alert to four people by SMS and then e-mail
// (one confirms by reply, one is reached by e-mail after the SMS failed, one waits 90 s for
// the network, one is never reached and has a name a spreadsheet would run as a formula).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, type ProviderEvent } from '@gdial/protocol';
import { CampaignService } from '../../src/campaigns/service';
import { campaignCsv, stockholmTime } from '../../src/campaigns/report-csv';
import { addDeliveryEvent } from '../../src/store/deliveries';
import { confirmByPhone } from '../../src/campaigns/phone-confirm';
import { addContact, addGroup, addTemplate, makeEnv, type TestEnv } from './helpers';

const T0 = Date.parse('2026-12-07T12:00:00Z');
const phoneOf = (p: number) => `+4670412340${p}`;
const NAMES = ['Anna Ek', 'Bo Ström', 'Cia Berg', '=HYPERLINK("x";"y")'];

let env: TestEnv;
let service: CampaignService;
let campaignId: number;

/** Splits a CSV text into rows of cells, honouring quotes (the reading side of csvCell). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ';') {
      row.push(cell);
      cell = '';
    } else if (ch === '\r' && body[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += ch;
  }
  return rows;
}

function table(view: 'people' | 'deliveries', language: 'sv' | 'en'): Record<string, string>[] {
  const [header, ...rows] = parseCsv(campaignCsv(env.store.read, campaignId, { view, language, now: T0 + 3_600_000 }).csv);
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
}

beforeAll(() => {
  env = makeEnv();
  service = new CampaignService(env.ctx, {});
  const g = addGroup(env.store, 'Räddning');
  NAMES.forEach((name, p) => addContact(env.store, { name, phones: [phoneOf(p)], emails: [`p${p}@example.se`], groups: [g] }));
  const c = service.create({
    name: 'Brand',
    templateId: addTemplate(env.store),
    audience: { groupIds: [g] },
    steps: [{ channel: 'sms' }, { channel: 'email', waitSeconds: 0, condition: 'not-confirmed' }],
  });
  campaignId = c.id;
  service.start(c.id);
  const s = env.store.sqlite;
  s.prepare('UPDATE campaigns SET started_at = ? WHERE id = ?').run(new Date(T0).toISOString(), c.id);
  const rows = s
    .prepare(
      'SELECT d.id, d.channel, r.display_name AS name FROM deliveries d JOIN campaign_recipients r ON r.id = d.recipient_id ORDER BY d.id',
    )
    .all() as {
    id: number;
    channel: string;
    name: string;
  }[];
  const person = (r: { name: string }) => NAMES.indexOf(r.name);
  for (const r of rows)
    s.prepare(
      "UPDATE deliveries SET state = 'sent', provider = ?, provider_id = ?, provider_status = 'queued', provider_rank = 10, sent_at = ?, attempts = 1, due_at = ? WHERE id = ?",
    ).run(r.channel === 'sms' ? 'twilio' : 'sendgrid', `P${r.id}`, T0 + 10_000, T0, r.id);
  // Cia's SMS waited 90 s for the network before it went.
  const cia = rows.find((r) => person(r) === 2 && r.channel === 'sms')!;
  env.store.transaction((tx) => addDeliveryEvent(tx, cia.id, T0 - 80_000, 'retry', 'twilio: transient: 503; next attempt in 5 s'));
  let k = 0;
  const status = (id: number, channel: 'sms' | 'email', st: 'delivered' | 'failed', second: number): ProviderEvent => ({
    eventKey: `e${k++}`,
    provider: channel === 'sms' ? 'twilio' : 'sendgrid',
    channel,
    occurredAt: new Date(T0 + second * 1000).toISOString(),
    type: 'status',
    deliveryToken: null,
    providerId: `P${id}`,
    status: st,
    failure: st === 'failed' ? { class: 'permanent', code: '30003', message: 'Unreachable destination handset' } : null,
    answeredBy: null,
    durationSec: null,
  });
  const events: ProviderEvent[] = [];
  for (const r of rows) {
    const p = person(r);
    if (r.channel === 'sms') events.push(status(r.id, 'sms', p === 0 || p === 2 ? 'delivered' : 'failed', 20));
    else events.push(status(r.id, 'email', p === 1 ? 'delivered' : 'failed', 40));
  }
  service.handleProviderEvents(events);
  service.handleProviderEvents([
    {
      eventKey: 'r0',
      provider: 'twilio',
      channel: 'sms',
      occurredAt: new Date(T0 + 30_000).toISOString(),
      type: 'reply',
      deliveryToken: null,
      providerId: 'IN0',
      from: phoneOf(0),
      to: '+46700000001',
      text: '1',
    },
  ]);
});
afterAll(async () => {
  await service.close();
  env.close();
});

describe('the report CSV, one row per person', () => {
  it('has Swedish column names in Swedish and English ones in English, one row per person', () => {
    const sv = campaignCsv(env.store.read, campaignId, { view: 'people', language: 'sv', now: T0 });
    expect(sv.csv.startsWith('\uFEFFMottagar-id;Namn;Kontakt-id;Utfall;Första utskick;Nådd;Nådd via;Bekräftad;Bekräftad via;')).toBe(true);
    expect(sv.rows).toBe(4);
    const en = campaignCsv(env.store.read, campaignId, { view: 'people', language: 'en', now: T0 });
    expect(en.csv.startsWith('\uFEFFrecipient_id;name;contact_id;outcome;first_sent_at;reached_at;reached_via;confirmed_at;')).toBe(true);
    expect(table('people', 'en').map((r) => r.name)).toEqual(NAMES.map((n) => (n.startsWith('=') ? `'${n}` : n)));
  });

  it('outcome in the console language', () => {
    expect(table('people', 'sv').map((r) => r.Utfall)).toEqual(['bekräftad', 'nådd', 'nådd', 'ej nådd']);
    expect(table('people', 'en').map((r) => r.outcome)).toEqual(['confirmed', 'reached', 'reached', 'unreached']);
  });

  it('reached_via: the channel and address that got through first', () => {
    expect(table('people', 'sv').map((r) => r['Nådd via'])).toEqual([`sms ${phoneOf(0)}`, 'e-post p1@example.se', `sms ${phoneOf(2)}`, '']);
    expect(table('people', 'en')[1]!.reached_via).toBe('email p1@example.se');
  });

  it('reached_at, first_sent_at and confirmed_at in Stockholm time with the offset', () => {
    const sv = table('people', 'sv');
    expect(sv.map((r) => r['Första utskick'])).toEqual(Array(4).fill('2026-12-07 13:00:10 +01:00'));
    expect(sv.map((r) => r['Nådd'])).toEqual([
      '2026-12-07 13:00:20 +01:00',
      '2026-12-07 13:00:40 +01:00',
      '2026-12-07 13:00:20 +01:00',
      '',
    ]);
    expect(sv.map((r) => r['Bekräftad'])).toEqual(['2026-12-07 13:00:30 +01:00', '', '', '']);
  });

  it("confirmed_via in the reader's language, confirmed_manually empty for a reply", () => {
    const en = table('people', 'en');
    expect(en[0]!.confirmed_via).toBe(`replied “1” (sms ${phoneOf(0)})`);
    expect(table('people', 'sv')[0]!['Bekräftad via']).toBe(`svarade ”1” (sms ${phoneOf(0)})`);
    expect(en.map((r) => r.confirmed_manually)).toEqual(['', '', '', '']);
  });

  it('held_seconds: how long the person waited for the network', () => {
    // Cia's retry at T0 − 80 s ended with the hand-over at T0 + 10 s.
    expect(table('people', 'en').map((r) => r.held_seconds)).toEqual(['0', '0', '90', '0']);
  });

  it('deliveries, attempts and last_error', () => {
    const en = table('people', 'en');
    // Everyone's SMS and e-mail were handed over once (this fixture sends both steps at once).
    expect(en.map((r) => r.deliveries)).toEqual(['2', '2', '2', '2']);
    expect(en.map((r) => r.attempts)).toEqual(['2', '2', '2', '2']);
    expect(en[3]!.last_error).toMatch(/Unreachable destination handset|code|bounce|30003/);
    expect(en[1]!.last_error).toMatch(/30003|Unreachable/);
  });
});

describe('the report CSV, one row per delivery', () => {
  it('has a row per delivery with the person columns beside it', () => {
    const sv = table('deliveries', 'sv');
    expect(sv).toHaveLength(8);
    expect(sv.filter((r) => r.Namn === 'Anna Ek').map((r) => [r.Steg, r.Kanal, r.Status])).toEqual([
      ['1', 'sms', 'levererad'],
      ['2', 'e-post', 'misslyckad'],
    ]);
    expect(sv.filter((r) => r.Namn === 'Cia Berg').map((r) => r['Väntat på nät (s)'])).toEqual(['90', '90']);
    expect(sv.filter((r) => r.Namn === 'Bo Ström').map((r) => r['Nådd via'])).toEqual(['e-post p1@example.se', 'e-post p1@example.se']);
  });

  it('address, sent_at and finished_at', () => {
    const en = table('deliveries', 'en');
    expect(en[0]!.address).toBe(`'${phoneOf(0)}`);
    expect(en[0]!.sent_at).toBe('2026-12-07 13:00:10 +01:00');
    expect(en.filter((r) => r.state === 'delivered').every((r) => /^2026-12-07 13:00:[24]0 \+01:00$/.test(r.finished_at!))).toBe(true);
  });
});

describe('cells and times', () => {
  it('guards against formula injection and quotes what needs it', () => {
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvCell('+46701234567')).toBe("'+46701234567");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@x')).toBe("'@x");
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=a;"b"')).toBe(`"'=a;""b"""`);
    expect(csvCell(null)).toBe('');
    expect(csvCell(0)).toBe('0');
  });

  it('writes Stockholm time with the offset of that date (winter +01:00, summer +02:00)', () => {
    expect(stockholmTime('2026-12-07T12:05:12.600Z')).toBe('2026-12-07 13:05:12 +01:00');
    expect(stockholmTime(Date.parse('2026-07-01T22:30:00Z'))).toBe('2026-07-02 00:30:00 +02:00');
    // The autumn change: 01:00 UTC is 02:00 CET again.
    expect(stockholmTime('2026-10-25T00:30:00Z')).toBe('2026-10-25 02:30:00 +02:00');
    expect(stockholmTime('2026-10-25T01:30:00Z')).toBe('2026-10-25 02:30:00 +01:00');
    expect(stockholmTime(null)).toBeNull();
  });
});

describe('bekräftad per telefon in the CSV', () => {
  // Runs last: it changes the fourth person's outcome.
  it('shows the manual confirmation: outcome, how, by whom, when, and reached by phone', () => {
    const id = (env.store.sqlite.prepare('SELECT id FROM campaign_recipients WHERE display_name = ?').get(NAMES[3]) as { id: number }).id;
    env.store.transaction((tx) => confirmByPhone(tx, { campaignId, recipientId: id, note: 'Nådd på jobbet' }, 'Karin Lind', T0 + 600_000));
    const sv = table('people', 'sv')[3]!;
    expect(sv.Utfall).toBe('bekräftad');
    expect(sv['Manuellt bekräftad']).toBe('ja');
    expect(sv['Bekräftad via']).toBe('bekräftad per telefon av Karin Lind: Nådd på jobbet');
    expect(sv.Bekräftad).toBe('2026-12-07 13:10:00 +01:00');
    expect(sv['Nådd via']).toBe('per telefon (manuellt)');
    expect(table('people', 'en')[3]!.reached_via).toBe('by phone (manual)');
    expect(
      table('deliveries', 'en')
        .filter((r) => r.recipient_id === String(id))
        .every((r) => r.confirmed_manually === 'yes'),
    ).toBe(true);
  });
});
