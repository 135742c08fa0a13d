// Audiences from the contacts side: resolve groups (with their subgroups) and hand-picked
// contacts to contact ids, and load contacts in chunks. Where each can be reached is
// reachability.ts; the campaign planner's fuller audience (tags, exclusions, test group)
// is campaigns/audience.ts, built on the same store queries.
import type { Contact } from '@gdial/protocol';
import { existingContactIds, loadContacts as loadStoredContacts } from '../store/contacts';
import type { Reader } from '../store/db';
import { memberIds } from '../store/groups';
import { formatPhone } from './phone';

export interface AudienceSpec {
  groupIds?: readonly number[];
  /** Default true: a group includes the members of its subgroups. */
  includeSubgroups?: boolean;
  contactIds?: readonly number[];
}

/** Distinct ids of every existing contact in the audience, ascending. */
export function resolveAudience(r: Reader, spec: AudienceSpec): number[] {
  const ids = new Set<number>();
  if (spec.groupIds?.length) for (const id of memberIds(r, spec.groupIds, spec.includeSubgroups ?? true)) ids.add(id);
  if (spec.contactIds?.length) for (const id of existingContactIds(r, spec.contactIds)) ids.add(id);
  return [...ids].sort((a, b) => a - b);
}

/** Members of one group (and by default its subgroups), ascending ids. */
export const groupMemberIds = (r: Reader, groupId: number, includeSubgroups = true): number[] => memberIds(r, [groupId], includeSubgroups);

/** Full contacts in the order of `ids` (unknown ids left out). Loads in chunks. */
export function loadContacts(r: Reader, ids: readonly number[]): Contact[] {
  const out: Contact[] = [];
  for (let i = 0; i < ids.length; i += 1000) out.push(...loadStoredContacts(r, ids.slice(i, i + 1000), formatPhone));
  return out;
}
