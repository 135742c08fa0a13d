// The contact search the Contacts page asks for, from the operator's choices (search words,
// sort, group and tag filters), in one place: the page builds its searches with it, and the
// console's first module asks the opening search before the page's code has loaded (pageList.ts),
// which only helps when both ask exactly the same.
import type { ContactSearchInput, ContactSort } from '@gdial/protocol';

export type ContactSearch = Omit<ContactSearchInput, 'cursor' | 'limit'>;

export interface ContactSearchChoice {
  query?: string;
  sort?: ContactSort;
  /** A group id as the page's filter holds it (a ?group= link too); its subgroups' members count. */
  group?: string | null;
  tag?: string | null;
}

/** The order the page opens in. */
export const openingSort: ContactSort = 'name';

/** The search for these choices; the defaults are the page's opening state. */
export const contactSearchOf = ({ query = '', sort = openingSort, group = null, tag = null }: ContactSearchChoice): ContactSearch => ({
  query,
  sort,
  ...(group ? { groupId: Number(group), includeSubgroups: true } : {}),
  ...(tag ? { tag } : {}),
});
