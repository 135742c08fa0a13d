// The on-call schedule editor's state and rules, apart from the screen: a blank layer and
// override, what keeps the form from being saved (as keys for the page's dictionary), the
// schedule as the engine takes it, and how a stretch of Swedish time is written in the gap
// warning ("tis 8 dec 17:00–08:00").
import {
  parseLocalDateTime,
  parseTimeOfDay,
  swedishLocal,
  type OnCallSchedule,
  type OnCallScheduleInput,
  type ScheduleLayer,
  type ScheduleOverride,
} from '@gdial/protocol';
import type { Language } from '../../i18n';

export interface ScheduleForm {
  id: string | null;
  name: string;
  description: string;
  layers: ScheduleLayer[];
  overrides: ScheduleOverride[];
}

/** Monday 08:00 of the week `now` falls in, Swedish wall-clock time: where a new rotation starts. */
export function thisMonday(now: number): string {
  const today = swedishLocal(now).slice(0, 10);
  const d = new Date(`${today}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return `${d.toISOString().slice(0, 10)}T08:00`;
}

export const blankLayer = (n: number, now: number): ScheduleLayer => ({
  name: `Lager ${n}`,
  people: [],
  start: thisMonday(now),
  turnLength: 1,
  turnUnit: 'weeks',
  restriction: null,
});

/** Nobody from the coming hour for a day (the operator picks who). */
export const blankOverride = (now: number): ScheduleOverride => {
  const from = `${swedishLocal(now + 3_600_000).slice(0, 13)}:00`;
  const next = new Date(`${from}:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return { contactId: null, from, to: next.toISOString().slice(0, 16) };
};

export const newScheduleForm = (now: number): ScheduleForm => ({
  id: null,
  name: '',
  description: '',
  layers: [blankLayer(1, now)],
  overrides: [],
});

export const formOf = (s: OnCallSchedule): ScheduleForm => ({
  id: s.id,
  name: s.name,
  description: s.description ?? '',
  layers: s.layers,
  overrides: s.overrides,
});

export type LayerProblem = 'no-name' | 'no-people' | 'bad-start' | 'bad-length' | 'bad-window';

/** What keeps a layer from being saved; null when it is complete. */
export function layerProblem(l: ScheduleLayer): LayerProblem | null {
  if (!l.name.trim()) return 'no-name';
  if (l.people.length === 0) return 'no-people';
  if (!parseLocalDateTime(l.start)) return 'bad-start';
  if (!Number.isInteger(l.turnLength) || l.turnLength < 1 || l.turnLength > 1000) return 'bad-length';
  const r = l.restriction;
  if (r?.kind === 'daily' && (parseTimeOfDay(r.from) === null || parseTimeOfDay(r.to) === null || r.from === r.to)) return 'bad-window';
  if (
    r?.kind === 'weekly' &&
    (r.windows.length === 0 || r.windows.some((w) => parseTimeOfDay(w.from) === null || parseTimeOfDay(w.to) === null))
  )
    return 'bad-window';
  return null;
}

export type OverrideProblem = 'bad-time' | 'ends-first';

export function overrideProblem(o: ScheduleOverride): OverrideProblem | null {
  if (!parseLocalDateTime(o.from) || !parseLocalDateTime(o.to)) return 'bad-time';
  return o.to > o.from ? null : 'ends-first';
}

export type FormProblem = 'no-name' | 'no-layers' | 'layer' | 'override';

/** What keeps the form from being saved, in order. */
export function formProblems(f: ScheduleForm): FormProblem[] {
  const out: FormProblem[] = [];
  if (!f.name.trim()) out.push('no-name');
  if (f.layers.length === 0) out.push('no-layers');
  if (f.layers.some((l) => layerProblem(l) !== null)) out.push('layer');
  if (f.overrides.some((o) => overrideProblem(o) !== null)) out.push('override');
  return out;
}

/** The schedule as the engine takes it; the name may be a placeholder while the operator is still typing (the preview). */
export const inputOf = (f: ScheduleForm, name = f.name): OnCallScheduleInput => ({
  ...(f.id ? { id: f.id } : {}),
  name,
  description: f.description.trim() || null,
  layers: f.layers,
  overrides: f.overrides,
});

const weekdays: Record<Language, string[]> = {
  sv: ['mån', 'tis', 'ons', 'tor', 'fre', 'lör', 'sön'],
  en: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
};
const months: Record<Language, string[]> = {
  sv: ['jan', 'feb', 'mar', 'apr', 'maj', 'jun', 'jul', 'aug', 'sep', 'okt', 'nov', 'dec'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};

/** A Swedish calendar day "YYYY-MM-DD" as "tis 8 dec" (English: "Tue 8 Dec"). */
export function dayText(date: string, lang: Language): string {
  const d = new Date(`${date}T00:00:00Z`);
  return `${weekdays[lang][(d.getUTCDay() + 6) % 7]} ${d.getUTCDate()} ${months[lang][d.getUTCMonth()]}`;
}

/** The times of day of a stretch within one Swedish day, "08:00–17:00"; an end at the day's end is "24:00". */
export function timesOfDay(from: number, to: number): string {
  const a = swedishLocal(from);
  const b = swedishLocal(to);
  return `${a.slice(11)}–${b.slice(0, 10) > a.slice(0, 10) ? '24:00' : b.slice(11)}`;
}

/** A stretch of time in Swedish time: "tis 8 dec 17:00–08:00" when it is under a day, else both days. */
export function spanText(from: number, to: number, lang: Language): string {
  const a = swedishLocal(from);
  const b = swedishLocal(to);
  const start = `${dayText(a.slice(0, 10), lang)} ${a.slice(11)}`;
  return to - from < 86_400_000 ? `${start}–${b.slice(11)}` : `${start} – ${dayText(b.slice(0, 10), lang)} ${b.slice(11)}`;
}
