// On-call schedules: where they are kept and who they have on duty. A schedule is a settings
// document (settings-documents.ts) under "schedule.<id>" (JSON: name, layers, overrides, who
// made and changed it), a separate change for organisation sync, as a segment is. The final schedule is never stored: it is worked out from the layers and
// overrides whenever it is asked for (protocol on-call.ts), with the contacts that no longer
// exist left out (their stretches are gaps: nobody to alert).
import { finalSchedule, onCallScheduleSchema, onDutyAt, type FinalShift, type OnCallSchedule } from '@gdial/protocol';
import type { Reader } from './db';
import { settingsDocuments } from './settings-documents';

export const schedules = settingsDocuments<OnCallSchedule>('schedule.', onCallScheduleSchema);

export const listSchedules = schedules.list;
export const getSchedule = schedules.get;
export const putSchedule = schedules.put;
export const deleteSchedule = schedules.delete;

/** Display names of the contacts among `ids` that exist. */
export function contactNames(r: Reader, ids: readonly number[]): Map<number, string> {
  if (ids.length === 0) return new Map();
  const rows = r.statements
    .get<[string], { id: number; name: string }>(
      'SELECT id, display_name AS name FROM contacts WHERE id IN (SELECT value FROM json_each(?))',
    )
    .all(JSON.stringify([...new Set(ids)]));
  return new Map(rows.map((x) => [x.id, x.name]));
}

const peopleOf = (s: Pick<OnCallSchedule, 'layers' | 'overrides'>): number[] => [
  ...s.layers.flatMap((l) => l.people),
  ...s.overrides.flatMap((o) => (o.contactId === null ? [] : [o.contactId])),
];

/** The final schedule over [from, to) with the names of who is on duty; people who no longer exist leave gaps. */
export function resolveSchedule(
  r: Reader,
  s: Pick<OnCallSchedule, 'layers' | 'overrides'>,
  from: number,
  to: number,
): { shifts: FinalShift[]; names: Map<number, string> } {
  const names = contactNames(r, peopleOf(s));
  return { shifts: finalSchedule(s, from, to, (id) => names.has(id)), names };
}

/** Who a schedule has on duty at an instant, when the schedule and that contact exist. */
export function onDutyContactId(r: Reader, scheduleId: string, at: number): number | null {
  const s = getSchedule(r, scheduleId);
  if (!s) return null;
  const names = contactNames(r, peopleOf(s));
  return onDutyAt(s, at, (id) => names.has(id));
}
