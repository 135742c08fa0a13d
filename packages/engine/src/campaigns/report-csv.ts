// The alert's report as CSV files for the after-action review: one line per delivery (every
// attempt, as before) or one line per person (how they were reached, confirmed, and how long
// they waited for the network). Column names and words follow the console's language; times
// are Europe/Stockholm with their offset, the way the crisis room reads a clock.
import {
  csvText,
  describeConfirmedVia,
  parseConfirmedVia,
  type Channel,
  type CsvValue,
  type DeliveryState,
  type RecipientOutcome,
} from '@gdial/protocol';
import type { Reader } from '../store/db';
import { csvRows, type CsvRow } from '../store/deliveries';
import { historyFacts } from '../store/history';
import { recipientTimes } from './history';

export type CsvLanguage = 'sv' | 'en';
export type CsvView = 'deliveries' | 'people';

const columns = {
  recipient_id: 'Mottagar-id',
  name: 'Namn',
  contact_id: 'Kontakt-id',
  outcome: 'Utfall',
  first_sent_at: 'Första utskick',
  reached_at: 'Nådd',
  reached_via: 'Nådd via',
  confirmed_at: 'Bekräftad',
  confirmed_via: 'Bekräftad via',
  confirmed_manually: 'Manuellt bekräftad',
  held_seconds: 'Väntat på nät (s)',
  deliveries: 'Utskick',
  step: 'Steg',
  channel: 'Kanal',
  address: 'Adress',
  state: 'Status',
  provider_status: 'Leverantörsstatus',
  attempts: 'Försök',
  error: 'Fel',
  last_error: 'Senaste fel',
  possible_duplicate: 'Möjlig dubblett',
  sent_at: 'Skickad',
  finished_at: 'Avslutad',
} as const;
type Column = keyof typeof columns;

const deliveryColumns: Column[] = [
  'recipient_id',
  'name',
  'contact_id',
  'outcome',
  'confirmed_at',
  'confirmed_via',
  'confirmed_manually',
  'reached_via',
  'held_seconds',
  'step',
  'channel',
  'address',
  'state',
  'provider_status',
  'attempts',
  'error',
  'possible_duplicate',
  'sent_at',
  'finished_at',
];

const peopleColumns: Column[] = [
  'recipient_id',
  'name',
  'contact_id',
  'outcome',
  'first_sent_at',
  'reached_at',
  'reached_via',
  'confirmed_at',
  'confirmed_via',
  'confirmed_manually',
  'held_seconds',
  'deliveries',
  'attempts',
  'last_error',
];

const outcomeWords: Record<RecipientOutcome, string> = {
  pending: 'väntar',
  'in-progress': 'pågår',
  confirmed: 'bekräftad',
  reached: 'nådd',
  unreached: 'ej nådd',
  'opted-out': 'avregistrerad',
  cancelled: 'avbruten',
  'no-network': 'ej skickat – inget nät',
};
const stateWords: Record<DeliveryState, string> = {
  waiting: 'väntar',
  queued: 'i kö',
  sending: 'skickas',
  sent: 'skickad',
  delivered: 'levererad',
  failed: 'misslyckad',
  skipped: 'hoppades över',
  cancelled: 'avbruten',
};
const channelWords: Record<Channel, string> = {
  voice: 'röstsamtal',
  sms: 'sms',
  email: 'e-post',
  whatsapp: 'whatsapp',
  telegram: 'telegram',
};

const stockholmParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** "2026-12-07 13:05:12 +01:00": Stockholm's wall clock and its offset from UTC at that instant. */
export function stockholmTime(at: number | string | null): string | null {
  if (at === null) return null;
  const ms = typeof at === 'number' ? at : Date.parse(at);
  if (Number.isNaN(ms)) return null;
  const p = Object.fromEntries(stockholmParts.formatToParts(new Date(ms)).map((x) => [x.type, x.value])) as Record<string, string>;
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
  const offset = Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
  const abs = Math.abs(offset);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second} ${offset < 0 ? '-' : '+'}${hhmm}`;
}

interface Person {
  first: CsvRow;
  rows: CsvRow[];
  reachedVia: string | null;
  reachedAt: number | null;
  firstSentAt: number | null;
  heldSeconds: number;
  manual: boolean;
}

/** Each person's facts across their deliveries: how they were reached, how long they were held, by hand or not. */
function people(r: Reader, campaignId: number, rows: CsvRow[], language: CsvLanguage, now: number): Map<number, Person> {
  const times = recipientTimes(historyFacts(r, campaignId));
  const channel = (c: Channel) => (language === 'sv' ? channelWords[c] : c);
  const out = new Map<number, Person>();
  for (const row of rows) {
    const p = out.get(row.recipient_id);
    if (p) p.rows.push(row);
    else
      out.set(row.recipient_id, {
        first: row,
        rows: [row],
        reachedVia: null,
        reachedAt: null,
        firstSentAt: null,
        heldSeconds: 0,
        manual: false,
      });
  }
  for (const [id, p] of out) {
    const t = times.get(id);
    const via = p.first.confirmed_via === null ? null : parseConfirmedVia(p.first.confirmed_via);
    p.manual = via?.how === 'phone';
    // What got through: the earliest delivered attempt; else the confirmation's own channel (a reply proves it arrived).
    const delivered = p.rows
      .filter((x) => x.state === 'delivered' && x.channel !== null)
      .sort((a, b) => (a.sent_at ?? Infinity) - (b.sent_at ?? Infinity) || (a.step_index ?? 0) - (b.step_index ?? 0))[0];
    if (delivered) p.reachedVia = `${channel(delivered.channel!)} ${delivered.address}`;
    else if (via && via.how !== 'phone') p.reachedVia = `${channel(via.channel as Channel)} ${via.address}`;
    else if (via) p.reachedVia = language === 'sv' ? 'per telefon (manuellt)' : 'by phone (manual)';
    p.reachedAt = t?.reachedAt ?? (p.first.confirmed_at === null ? null : Date.parse(p.first.confirmed_at));
    p.firstSentAt = t?.firstSentAt ?? null;
    p.heldSeconds = Math.round((t?.held ?? []).reduce((s, [from, to]) => s + ((to ?? now) - from), 0) / 1000);
  }
  return out;
}

/**
 * The report as CSV: semicolon-separated UTF-8 with a BOM, which is what Swedish Excel opens
 * without asking. `rows` is the number of data lines.
 */
export function campaignCsv(
  r: Reader,
  campaignId: number,
  opts: { language: CsvLanguage; view: CsvView; now: number },
): { csv: string; rows: number } {
  const { language, view } = opts;
  const sv = language === 'sv';
  const all = csvRows(r, campaignId);
  const persons = people(r, campaignId, all, language, opts.now);
  const yes = sv ? 'ja' : 'yes';
  const word = {
    outcome: (o: string) => (sv ? (outcomeWords[o as RecipientOutcome] ?? o) : o),
    state: (s: DeliveryState | null) => (s === null ? null : sv ? stateWords[s] : s),
    channel: (c: Channel | null) => (c === null ? null : sv ? channelWords[c] : c),
  };
  const personCells = (p: Person): Partial<Record<Column, CsvValue>> => ({
    recipient_id: p.first.recipient_id,
    name: p.first.display_name,
    contact_id: p.first.contact_id,
    outcome: word.outcome(p.first.outcome),
    confirmed_at: stockholmTime(p.first.confirmed_at),
    confirmed_via:
      p.first.confirmed_via === null
        ? null
        : describeConfirmedVia(p.first.confirmed_via, language, { channel: (c) => word.channel(c as Channel) ?? c, address: (a) => a }),
    confirmed_manually: p.manual ? yes : '',
    reached_via: p.reachedVia,
    reached_at: stockholmTime(p.reachedAt),
    first_sent_at: stockholmTime(p.firstSentAt),
    held_seconds: p.heldSeconds,
  });

  const cols = view === 'people' ? peopleColumns : deliveryColumns;
  const header = cols.map((c) => (sv ? columns[c] : c));
  const lines: CsvValue[][] = [];
  const line = (cells: Partial<Record<Column, CsvValue>>) => lines.push(cols.map((c) => cells[c]));

  if (view === 'people') {
    for (const p of persons.values()) {
      const tried = p.rows.filter((x) => (x.attempts ?? 0) > 0);
      const lastError = [...p.rows].reverse().find((x) => x.error !== null)?.error ?? null;
      line({
        ...personCells(p),
        deliveries: tried.length,
        attempts: tried.reduce((s, x) => s + (x.attempts ?? 0), 0),
        last_error: lastError,
      });
    }
    return { csv: csvText(header, lines), rows: persons.size };
  }
  for (const x of all) {
    const p = persons.get(x.recipient_id)!;
    line({
      ...personCells(p),
      step: x.step_index === null ? '' : x.step_index + 1,
      channel: word.channel(x.channel),
      address: x.address,
      state: word.state(x.state),
      provider_status: x.provider_status,
      attempts: x.attempts,
      error: x.error,
      possible_duplicate: x.possible_duplicate ? yes : '',
      sent_at: stockholmTime(x.sent_at),
      finished_at: stockholmTime(x.finished_at),
    });
  }
  return { csv: csvText(header, lines), rows: all.length };
}
