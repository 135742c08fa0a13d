// On-call schedules as shared entities, so every desktop of the organisation has the same
// people on duty: a settings document (./settings-document.ts), like a segment. Its people
// are this desktop's contact row ids; shared, they are contact uids, and each desktop turns
// them back into its own ids. A person who does not
// exist here is left out of a layer's turns (a layer left with nobody is left out), and an
// override naming them names nobody — a gap the console shows, never a silent change.
import { onCallScheduleSchema, type Json, type OnCallSchedule } from '@gdial/protocol';
import type { Reader, Tx } from '../../store/db';
import { schedules } from '../../store/schedules';
import { localIdOf } from '../../store/sync';
import { settingsDocumentCodec } from './settings-document';
import { uidFor } from './contacts';

function mapPeople<F, T>(s: OnCallSchedule, map: (id: F) => T | undefined): unknown {
  return {
    ...s,
    layers: s.layers
      .map((l) => ({ ...l, people: l.people.map((p) => map(p as F)).filter((x): x is T => x !== undefined) }))
      .filter((l) => l.people.length > 0),
    overrides: s.overrides.map((o) => ({ ...o, contactId: o.contactId === null ? null : (map(o.contactId as F) ?? null) })),
  };
}

/** The schedule as the organisation shares it: its people named by uid. */
export function sharedSchedule(tx: Tx, s: OnCallSchedule): Json {
  return mapPeople<number, string>(s, (id) => uidFor(tx, 'contact', id)) as Json;
}

/** A shared schedule as this desktop stores it (naming local contact ids); null when it does not parse. */
export function localSchedule(r: Reader, shared: Json): OnCallSchedule | null {
  const s = shared as unknown as OnCallSchedule;
  if (!s || typeof s !== 'object' || !Array.isArray(s.layers) || !Array.isArray(s.overrides)) return null;
  const parsed = onCallScheduleSchema.safeParse(mapPeople<string, number>(s, (uid) => localIdOf(r, 'contact', uid) ?? undefined));
  return parsed.success ? parsed.data : null;
}

export const scheduleCodec = settingsDocumentCodec<OnCallSchedule>({
  entity: 'schedule',
  field: 'schedule',
  store: schedules,
  toShared: sharedSchedule,
  toLocal: localSchedule,
});
