// Who is on duty when: the final schedule of an on-call schedule (jourschema) worked out from
// its layers and overrides, for the engine (audiences, "on duty now") and the console alike.
//
// Time is Swedish time (Europe/Stockholm) with its summer-time changes, computed with the
// platform's Intl time-zone data (no library). The rules for wall-clock times:
// - A turn of days or weeks hands over at the same wall-clock time: "1 day from 08:00" is
//   08:00 every day, also on the days the clocks change (such a turn is 23 or 25 hours long).
// - A turn of hours is that many elapsed hours: a 24-hour turn from 08:00 hands over at 09:00
//   after the clocks go back in October (and at 07:00 after they go forward in March).
// - A wall-clock time that does not exist (02:30 on the last Sunday of March) means the
//   moment the clock shows it a gap later (03:30); one that happens twice (02:30 on the last
//   Sunday of October) means the first of the two.
// - Restrictions are wall-clock windows; a daily window whose end is not after its start runs
//   over midnight (17:00–08:00).
// Layers are ordered: where a later layer has someone on duty it wins over the earlier ones.
// Overrides sit on top of every layer (a later override wins where they overlap); an override
// naming nobody makes nobody on duty — a gap, never a silent "no change".
export const SCHEDULE_TIME_ZONE = 'Europe/Stockholm';

export type TurnUnit = 'hours' | 'days' | 'weeks';

/** Days of the week, Monday = 1 … Sunday = 7 (ISO). */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export type Restriction =
  | { kind: 'daily'; from: string; to: string }
  | { kind: 'weekly'; windows: { fromDay: Weekday; from: string; toDay: Weekday; to: string }[] };

export interface RotationLayer {
  name: string;
  /** Contact ids in turn order. */
  people: number[];
  /** When the first person's first turn begins, Swedish wall-clock time "YYYY-MM-DDTHH:mm". */
  start: string;
  turnLength: number;
  turnUnit: TurnUnit;
  restriction: Restriction | null;
}

export interface RotationOverride {
  /** Who is on duty instead; null: nobody (shown as a gap). */
  contactId: number | null;
  /** Swedish wall-clock times "YYYY-MM-DDTHH:mm"; `to` after `from`. */
  from: string;
  to: string;
}

export interface RotationSchedule {
  layers: RotationLayer[];
  overrides: RotationOverride[];
}

/** A stretch of the final schedule: who is on duty (null: nobody) and why. */
export interface FinalShift {
  /** Epoch milliseconds, `from` inclusive, `to` exclusive. */
  from: number;
  to: number;
  contactId: number | null;
  /** The layer (index) or override (index) that decides this stretch; null: no layer covers it. */
  source: { kind: 'layer'; index: number } | { kind: 'override'; index: number } | null;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// ── Swedish wall-clock time ↔ instants ──

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: SCHEDULE_TIME_ZONE,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Wall-clock fields as if they were UTC (for calendar arithmetic): epoch ms. */
interface Local {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
}

/** The Swedish wall-clock time at an instant, as the epoch ms of the same fields read as UTC. */
function wallClockMs(instant: number): number {
  const p: Record<string, number> = {};
  for (const part of partsFormat.formatToParts(new Date(instant))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second);
}

/** The offset from UTC in Sweden at an instant, in ms (3,600,000 in winter, 7,200,000 in summer). */
const offsetAt = (instant: number): number => wallClockMs(Math.floor(instant / 1000) * 1000) - Math.floor(instant / 1000) * 1000;

/** The instant a Swedish wall-clock time means (see the module's rules for gaps and repeats). */
function localToInstant(wall: number): number {
  const before = offsetAt(wall - DAY);
  const after = offsetAt(wall + DAY);
  // The larger offset first: of a wall time that happens twice, the earlier instant.
  const candidates = [...new Set([Math.max(before, after), Math.min(before, after)])];
  for (const o of candidates) if (offsetAt(wall - o) === o) return wall - o;
  // Not on the clock (spring forward): read with the offset before the change, i.e. a gap later.
  return wall - before;
}

const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const TIME_RE = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** "YYYY-MM-DDTHH:mm" as wall-clock fields; null when it is not a real date and time. */
export function parseLocalDateTime(text: string): Local | null {
  const m = LOCAL_RE.exec(text);
  if (!m) return null;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  const check = new Date(Date.UTC(y, mo - 1, d, h, mi));
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59) return null;
  return { y, mo, d, h, mi };
}

/** "HH:mm" as minutes after midnight; null when it is not a time of day. */
export function parseTimeOfDay(text: string): number | null {
  const m = TIME_RE.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

const wallOf = (l: Local): number => Date.UTC(l.y, l.mo - 1, l.d, l.h, l.mi);

/** The instant of a Swedish wall-clock time "YYYY-MM-DDTHH:mm"; throws on one that is not a date and time. */
export function swedishInstant(text: string): number {
  const l = parseLocalDateTime(text);
  if (!l) throw new Error(`Not a date and time: ${text}`);
  return localToInstant(wallOf(l));
}

/** The Swedish wall-clock time of an instant as "YYYY-MM-DDTHH:mm". */
export function swedishLocal(instant: number): string {
  return new Date(wallClockMs(instant)).toISOString().slice(0, 16);
}

/** Midnight (wall clock, as UTC fields) of the Swedish day an instant falls on. */
const wallDayOf = (instant: number): number => Math.floor(wallClockMs(instant) / DAY) * DAY;

// ── a layer on its own ──

interface Span {
  from: number;
  to: number;
}

/** When turn `k` of a layer begins. */
function turnStart(layer: RotationLayer, startWall: number, startInstant: number, k: number): number {
  switch (layer.turnUnit) {
    case 'hours':
      return startInstant + k * layer.turnLength * HOUR;
    case 'days':
      return localToInstant(startWall + k * layer.turnLength * DAY);
    case 'weeks':
      return localToInstant(startWall + k * layer.turnLength * 7 * DAY);
    default: {
      const never: never = layer.turnUnit;
      throw new Error(`unknown turn unit ${String(never)}`);
    }
  }
}

/** The wall-clock windows a restriction allows that touch [from, to), merged and in order. */
function restrictionSpans(r: Restriction, from: number, to: number): Span[] {
  const spans: Span[] = [];
  const firstDay = wallDayOf(from) - 7 * DAY;
  const lastDay = wallDayOf(to) + DAY;
  switch (r.kind) {
    case 'daily': {
      const a = parseTimeOfDay(r.from)!;
      const b = parseTimeOfDay(r.to)!;
      const length = b > a ? b - a : b + 24 * 60 - a;
      for (let day = firstDay; day <= lastDay; day += DAY)
        spans.push({ from: localToInstant(day + a * 60_000), to: localToInstant(day + (a + length) * 60_000) });
      break;
    }
    case 'weekly': {
      // Monday of the first week: 1 Jan 1970 was a Thursday.
      const weekday = (day: number) => ((Math.floor(day / DAY) + 3) % 7) + 1;
      const firstMonday = firstDay - (weekday(firstDay) - 1) * DAY;
      for (let monday = firstMonday; monday <= lastDay; monday += 7 * DAY)
        for (const w of r.windows) {
          const a = (w.fromDay - 1) * 24 * 60 + parseTimeOfDay(w.from)!;
          let b = (w.toDay - 1) * 24 * 60 + parseTimeOfDay(w.to)!;
          if (b <= a) b += 7 * 24 * 60;
          spans.push({ from: localToInstant(monday + a * 60_000), to: localToInstant(monday + b * 60_000) });
        }
      break;
    }
    default: {
      const never: never = r;
      throw new Error(`unknown restriction ${JSON.stringify(never)}`);
    }
  }
  return mergeSpans(spans.filter((s) => s.to > from && s.from < to && s.to > s.from));
}

function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.from - b.from);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else out.push({ ...s });
  }
  return out;
}

/** Who a layer has on duty in [from, to): its turns cut to its restriction, without the stretches it leaves empty. */
export function layerShifts(layer: RotationLayer, from: number, to: number): { from: number; to: number; contactId: number }[] {
  const start = parseLocalDateTime(layer.start);
  if (!start || layer.people.length === 0 || layer.turnLength < 1 || to <= from) return [];
  const startWall = wallOf(start);
  const startInstant = localToInstant(startWall);
  if (to <= startInstant) return [];
  const turnMs = layer.turnLength * (layer.turnUnit === 'hours' ? HOUR : layer.turnUnit === 'days' ? DAY : 7 * DAY);
  // The turn under `from`: estimated by the nominal length, then corrected for summer time.
  let k = Math.max(0, Math.floor((Math.max(from, startInstant) - startInstant) / turnMs) - 1);
  while (turnStart(layer, startWall, startInstant, k + 1) <= from) k++;
  const turns: { from: number; to: number; contactId: number }[] = [];
  for (let a = turnStart(layer, startWall, startInstant, k); a < to; k++) {
    const b = turnStart(layer, startWall, startInstant, k + 1);
    const contactId = layer.people[k % layer.people.length]!;
    const s = { from: Math.max(a, from), to: Math.min(b, to), contactId };
    if (s.to > s.from) turns.push(s);
    a = b;
  }
  if (!layer.restriction) return turns;
  const allowed = restrictionSpans(layer.restriction, from, to);
  const out: { from: number; to: number; contactId: number }[] = [];
  for (const t of turns)
    for (const w of allowed) {
      const s = { from: Math.max(t.from, w.from), to: Math.min(t.to, w.to), contactId: t.contactId };
      if (s.to > s.from) out.push(s);
    }
  return out;
}

// ── the final schedule ──

/**
 * The final schedule over [from, to): consecutive stretches covering the whole range, each
 * with who is on duty (null: nobody) and which layer or override decided it. `known` says
 * whether a contact still exists; one who does not leaves their stretch empty (nobody to alert).
 */
export function finalSchedule(
  s: RotationSchedule,
  from: number,
  to: number,
  known: (contactId: number) => boolean = () => true,
): FinalShift[] {
  if (to <= from) return [];
  type Piece = { from: number; to: number; contactId: number | null; source: NonNullable<FinalShift['source']> };
  const pieces: Piece[] = [];
  s.layers.forEach((layer, index) => {
    for (const x of layerShifts(layer, from, to)) pieces.push({ ...x, source: { kind: 'layer', index } });
  });
  s.overrides.forEach((o, index) => {
    const a = parseLocalDateTime(o.from);
    const b = parseLocalDateTime(o.to);
    if (!a || !b) return;
    const span = { from: Math.max(localToInstant(wallOf(a)), from), to: Math.min(localToInstant(wallOf(b)), to) };
    if (span.to > span.from) pieces.push({ ...span, contactId: o.contactId, source: { kind: 'override', index } });
  });
  // Higher ranks win: overrides over layers, later over earlier.
  const rank = (p: Piece) => (p.source.kind === 'override' ? s.layers.length + p.source.index : p.source.index);
  const cuts = [...new Set([from, to, ...pieces.flatMap((p) => [p.from, p.to])])].sort((a, b) => a - b);
  const out: FinalShift[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const a = cuts[i]!;
    const b = cuts[i + 1]!;
    let best: Piece | null = null;
    for (const p of pieces) if (p.from <= a && p.to >= b && (!best || rank(p) > rank(best))) best = p;
    const contactId = best && best.contactId !== null && known(best.contactId) ? best.contactId : null;
    const source = best ? best.source : null;
    const last = out[out.length - 1];
    if (last && last.contactId === contactId && sameSource(last.source, source)) last.to = b;
    else out.push({ from: a, to: b, contactId, source });
  }
  return out;
}

const sameSource = (a: FinalShift['source'], b: FinalShift['source']): boolean =>
  a === b || (a !== null && b !== null && a.kind === b.kind && a.index === b.index);

/** Every stretch of [from, to) with nobody on duty, merged. */
export function scheduleGaps(shifts: readonly FinalShift[]): Span[] {
  return mergeSpans(shifts.filter((x) => x.contactId === null).map((x) => ({ from: x.from, to: x.to })));
}

/** Who is on duty at an instant (null: nobody). */
export function onDutyAt(s: RotationSchedule, at: number, known?: (contactId: number) => boolean): number | null {
  return finalSchedule(s, at, at + 1, known)[0]?.contactId ?? null;
}
