// Binds a ContactWindow to the current search: a new window when the search changes, and
// a refresh when contacts change (here or in another window of the console).
import { useEffect, useMemo, useRef, useState } from 'react';
import { summaryOf } from '@gdial/protocol';
import { useEvent, useRpc } from '../../rpc/react';
import type { ContactSearch } from './contactSearch';
import { ContactWindow, firstPageRequest } from './contactWindow';

/** Up to this many changed rows are refreshed in place; more start the search over. */
const PATCH_LIMIT = 20;

export function useContactSearch(search: ContactSearch): { window: ContactWindow; refresh: () => void } {
  const rpc = useRpc();
  const key = JSON.stringify(search);
  const [generation, setGeneration] = useState(0);
  const win = useMemo(
    () => {
      const params = JSON.parse(key) as ContactSearch;
      // The first page, when the console asked it ahead while this page's code loaded, is drawn at once.
      const first = generation === 0 ? rpc.takeArrived('contacts.search', { ...params, ...firstPageRequest() }) : undefined;
      return new ContactWindow((request) => rpc.call('contacts.search', { ...params, ...request }), undefined, first);
    },
    // A new generation is a fresh window for the same search.
    [rpc, key, generation],
  );
  useEffect(() => () => win.dispose(), [win]);

  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const refresh = () => {
    // Bursts of changes (a bulk action, another operator's import) refresh once.
    if (refreshTimer.current) clearTimeout(refreshTimer.current);
    refreshTimer.current = setTimeout(() => setGeneration((g) => g + 1), 250);
  };
  useEffect(
    () => () => {
      if (refreshTimer.current) clearTimeout(refreshTimer.current);
    },
    [],
  );

  useEvent('contacts.changed', (e) => {
    if (e.reason === 'updated' && e.ids.length > 0 && e.ids.length <= PATCH_LIMIT) {
      // An edit keeps the row where it is (the operator is looking at it); new sort
      // positions apply at the next search.
      for (const id of e.ids) {
        if (win.indexOf(id) < 0) continue;
        rpc.call('contacts.get', { id }).then(
          (c) => win.replace(summaryOf(c)),
          () => refresh(),
        );
      }
      return;
    }
    refresh();
  });

  return { window: win, refresh };
}
