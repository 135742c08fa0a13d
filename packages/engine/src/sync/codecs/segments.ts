// Saved segments as shared entities, so every desktop of the organisation holds the same
// ones: a settings document (./settings-document.ts), like a prepared alert. Its group
// rules name groups by this desktop's row ids; shared, they name them by uid, and each
// desktop turns them back into its own ids. A group that does not exist here is left out of its rule; a rule left with no
// group is left out (as on the desktop that made it, where the group's deletion emptied it).
import { segmentSchema, type Json, type Segment, type SegmentRule } from '@gdial/protocol';
import type { Reader, Tx } from '../../store/db';
import { segments } from '../../store/segments';
import { localIdOf } from '../../store/sync';
import { settingsDocumentCodec } from './settings-document';
import { uidFor } from './contacts';

function mapGroups<F, T>(rules: readonly SegmentRule[], map: (id: F) => T | undefined): unknown[] {
  return rules.flatMap((rule): unknown[] => {
    if (rule.kind !== 'group') return [rule];
    const groupIds = rule.groupIds.map((id) => map(id as F)).filter((x): x is T => x !== undefined);
    return groupIds.length ? [{ ...rule, groupIds }] : [];
  });
}

/** The segment as the organisation shares it: its group rules naming uids. */
export function sharedSegment(tx: Tx, s: Segment): Json {
  return { ...s, rules: mapGroups<number, string>(s.rules, (id) => uidFor(tx, 'group', id)) } as unknown as Json;
}

/** A shared segment as this desktop stores it (naming local group ids); null when it does not parse. */
export function localSegment(r: Reader, shared: Json): Segment | null {
  const s = shared as unknown as Segment;
  if (!s || typeof s !== 'object' || !Array.isArray(s.rules)) return null;
  const rules = mapGroups<string, number>(s.rules, (uid) => localIdOf(r, 'group', uid) ?? undefined);
  const parsed = segmentSchema.safeParse({ ...s, rules });
  return parsed.success ? parsed.data : null;
}

export const segmentCodec = settingsDocumentCodec<Segment>({
  entity: 'segment',
  field: 'segment',
  store: segments,
  toShared: sharedSegment,
  toLocal: localSegment,
});
