// The Contacts page: everyone who can be alerted, searchable by name, organisation,
// e-mail, tag or phone digits ("0701234" finds +46701234567), filtered by group and tag,
// with multi-select bulk actions, the edit drawer and export. #/contacts/<id> opens a
// contact; #/contacts?group=<id> starts filtered to a group.
import { Button, Group as Row, Loader, SegmentedControl, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Suspense, lazy, useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { ContactSort, ContactSummary, Group } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useFormat, useT } from '../../i18n';
import { navigate, type Route } from '../../router';
import { useEvent, useQuery } from '../../rpc/react';
import { groupOptions } from '../../components/groupTree';
import { BulkBar } from './BulkBar';
import { ContactTable } from './ContactTable';
import { contactSearchOf, openingSort } from './contactSearch';
import { useContactSearch } from './useContactSearch';
import contrast from '../../components/contrast.module.css';
import { RoleGuard } from '../../components/RoleGuard';

// The drawer (with the person's timeline and the Telegram QR code) and the export dialog
// load when first opened: the list is what the page shows first.
const ContactDrawer = lazy(() => import('./ContactDrawer').then((m) => ({ default: m.ContactDrawer })));
const ExportDialog = lazy(() => import('../../components/ExportDialog').then((m) => ({ default: m.ExportDialog })));

const dict = {
  sv: {
    title: 'Kontakter',
    search: 'Sök kontakter',
    searchHelp: 'Namn, telefonnummer, e-post, organisation eller tagg',
    group: 'Grupp',
    allGroups: 'Alla grupper',
    tag: 'Tagg',
    allTags: 'Alla taggar',
    sort: 'Sortering',
    byName: 'Namn A–Ö',
    byUpdated: 'Senast ändrad',
    count: '{n} {n|kontakt|kontakter}',
    countOne: '1 kontakt',
    countFiltered: '{n} {n|kontakt|kontakter} matchar',
    countFilteredOne: '1 kontakt matchar',
    countSimilar: '{n} {n|kontakt|kontakter} matchar, varav {m} med liknande stavning (sist i listan)',
    countOnlySimilar: 'Ingen exakt träff – {m} {m|kontakt|kontakter} med liknande stavning',
    loading: 'Söker…',
    newContact: 'Ny kontakt',
    import: 'Importera…',
    export: 'Exportera…',
    table: 'Kontakter',
    emptyTitle: 'Inga kontakter ännu',
    emptyBody: 'Importera en lista från Excel eller en vCard-fil, eller lägg till en kontakt i taget.',
    noMatch: 'Inga kontakter matchar sökningen.',
    loadingTags: 'Hämtar taggar…',
    noTags: 'Inga taggar',
    clearFilters: 'Rensa sökning och filter',
    retry: 'Försök igen',
  },
  en: {
    title: 'Contacts',
    search: 'Search contacts',
    searchHelp: 'Name, phone number, e-mail, organisation or tag',
    group: 'Group',
    allGroups: 'All groups',
    tag: 'Tag',
    allTags: 'All tags',
    sort: 'Sort',
    byName: 'Name A–Z',
    byUpdated: 'Recently changed',
    count: '{n} {n|contact|contacts}',
    countOne: '1 contact',
    countFiltered: '{n} {n|contact matches|contacts match}',
    countFilteredOne: '1 contact matches',
    countSimilar: '{n} {n|contact matches|contacts match}, {m} of them spelt similarly (at the end of the list)',
    countOnlySimilar: 'No exact match – {m} {m|contact|contacts} spelt similarly',
    loading: 'Searching…',
    newContact: 'New contact',
    import: 'Import…',
    export: 'Export…',
    table: 'Contacts',
    emptyTitle: 'No contacts yet',
    emptyBody: 'Import a list from Excel or a vCard file, or add contacts one at a time.',
    noMatch: 'No contacts match the search.',
    loadingTags: 'Loading tags…',
    noTags: 'No tags',
    clearFilters: 'Clear search and filters',
    retry: 'Try again',
  },
};

export function ContactsPage({ route }: { route: Route }) {
  const t = useT(dict);
  const f = useFormat();
  const [query, setQuery] = useState('');
  const [debouncedQuery] = useDebouncedValue(query.trim(), 250);
  const routeGroup = route.query.get('group');
  const [groupFilter, setGroupFilter] = useState<string | null>(routeGroup);
  const [tagFilter, setTagFilter] = useState<string | null>(null);
  const [sort, setSort] = useState<ContactSort>(openingSort);
  const [selection, setSelection] = useState<ReadonlyMap<number, string>>(new Map());
  const [selectingAll, setSelectingAll] = useState<{ done: number; total: number } | null>(null);
  const [exportOpen, setExportOpen] = useState<'all' | 'ids' | null>(null);
  const lastToggled = useRef<number | null>(null);

  useEffect(() => setGroupFilter(routeGroup), [routeGroup]);

  const groupsQ = useQuery('groups.list', {});
  // Counting every tag over 100,000 contacts is not free: only when the tag list is opened.
  const [tagsWanted, setTagsWanted] = useState(false);
  const tagsQ = useQuery('contacts.tags', {}, { enabled: tagsWanted });
  useEvent('groups.changed', () => groupsQ.reload());
  useEvent('contacts.changed', () => tagsWanted && tagsQ.reload());
  const groups: readonly Group[] = useMemo(() => groupsQ.data?.groups ?? [], [groupsQ.data]);
  const groupsById = useMemo(() => new Map(groups.map((g) => [g.id, g])), [groups]);

  const search = useMemo(
    () => contactSearchOf({ query: debouncedQuery, sort, group: groupFilter, tag: tagFilter }),
    [debouncedQuery, sort, groupFilter, tagFilter],
  );
  const { window: win } = useContactSearch(search);
  // The page only needs the count and the state of the search, not every fetched page:
  // re-rendering the toolbar on each page would cost frames while scrolling.
  const pageState = useCallback(() => `${win.total}|${win.error === null ? 0 : 1}`, [win]);
  useSyncExternalStore(win.subscribe, pageState);
  const filtered = debouncedQuery !== '' || groupFilter !== null || tagFilter !== null;

  const drawerTarget: number | 'new' | null = route.params[0] === 'new' ? 'new' : route.params[0] ? Number(route.params[0]) : null;
  const keepQuery = route.query.toString();
  const openContact = useCallback(
    (id: number | 'new') => {
      window.location.hash = `#/contacts/${id}${keepQuery ? `?${keepQuery}` : ''}`;
    },
    [keepQuery],
  );
  // Mounted from its first opening on, so it closes with its transition.
  const [drawerUsed, setDrawerUsed] = useState(false);
  if (drawerTarget !== null && !drawerUsed) setDrawerUsed(true);
  const [exportUsed, setExportUsed] = useState(false);
  if (exportOpen !== null && !exportUsed) setExportUsed(true);
  const closeDrawer = () => {
    window.location.hash = `#/contacts${keepQuery ? `?${keepQuery}` : ''}`;
  };

  const onToggle = useCallback(
    (row: ContactSummary, range: boolean) => {
      const index = win.indexOf(row.id);
      setSelection((prev) => {
        const next = new Map(prev);
        const select = !prev.has(row.id);
        const from = range && lastToggled.current !== null ? Math.min(lastToggled.current, index) : index;
        const to = range && lastToggled.current !== null ? Math.max(lastToggled.current, index) : index;
        for (let i = from; i <= to; i++) {
          const r = win.row(i);
          if (!r) continue;
          if (select) next.set(r.id, r.displayName);
          else next.delete(r.id);
        }
        return next;
      });
      lastToggled.current = index;
    },
    [win],
  );

  const selectAll = () => {
    const total = win.total ?? 0;
    setSelectingAll({ done: 0, total });
    win
      .collectAll((done, all) => setSelectingAll({ done, total: all }))
      .then(
        (rows) => {
          setSelection((prev) => {
            const next = new Map(prev);
            for (const r of rows) next.set(r.id, r.displayName);
            return next;
          });
          setSelectingAll(null);
        },
        () => setSelectingAll(null),
      );
  };

  const total = win.total;
  // Matches found by forgiving a typo come after the exact ones; the count says how many.
  const similar = total === null || win.exactTotal === null ? 0 : total - win.exactTotal;
  const countText =
    total === null
      ? t('loading')
      : similar > 0
        ? t(similar === total ? 'countOnlySimilar' : 'countSimilar', { n: f.number(total), m: f.number(similar) })
        : total === 1
          ? t(filtered ? 'countFilteredOne' : 'countOne')
          : t(filtered ? 'countFiltered' : 'count', { n: f.number(total) });
  const nothingAtAll = total === 0 && !filtered && win.complete;

  return (
    <Stack gap="sm" className={contrast.scope}>
      <Row justify="space-between">
        <Row align="baseline">
          <Title order={2}>{t('title')}</Title>
          <Text c="dimmed" role="status" aria-live="polite">
            {countText}
          </Text>
        </Row>
        <Row>
          <Button variant="default" onClick={() => navigate('import')}>
            {t('import')}
          </Button>
          <Button variant="default" onClick={() => setExportOpen(selection.size > 0 ? 'ids' : 'all')}>
            {t('export')}
          </Button>
          <RoleGuard method="contacts.create">
            {(refused) => (
              <Button onClick={() => openContact('new')} disabled={refused}>
                {t('newContact')}
              </Button>
            )}
          </RoleGuard>
        </Row>
      </Row>

      <Row align="flex-end" gap="sm">
        <TextInput
          type="search"
          label={t('search')}
          placeholder={t('searchHelp')}
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          style={{ flex: 1, minWidth: 260 }}
          size="md"
          rightSection={win.waiting ? <Loader size="xs" /> : null}
        />
        <Select
          label={t('group')}
          placeholder={t('allGroups')}
          data={groupOptions(groups)}
          value={groupFilter}
          onChange={setGroupFilter}
          clearable
          searchable
          size="md"
          w={220}
        />
        <Select
          label={t('tag')}
          placeholder={t('allTags')}
          data={(tagsQ.data?.tags ?? []).map((x) => ({ value: x.tag, label: `${x.tag} (${f.number(x.count)})` }))}
          value={tagFilter}
          onChange={setTagFilter}
          onDropdownOpen={() => setTagsWanted(true)}
          nothingFoundMessage={tagsQ.loading ? t('loadingTags') : t('noTags')}
          clearable
          searchable
          size="md"
          w={200}
        />
        <Stack gap={4}>
          <Text size="md" fw={500} id="contacts-sort-label">
            {t('sort')}
          </Text>
          <SegmentedControl
            aria-labelledby="contacts-sort-label"
            value={sort}
            onChange={(v) => setSort(v as ContactSort)}
            data={[
              { value: 'name', label: t('byName') },
              { value: 'updated', label: t('byUpdated') },
            ]}
            size="md"
          />
        </Stack>
      </Row>

      {selection.size > 0 && (
        <BulkBar
          selection={selection}
          total={total ?? 0}
          selectingAll={selectingAll}
          groups={groups}
          onSelectAll={selectAll}
          onClear={() => setSelection(new Map())}
          onExport={() => setExportOpen('ids')}
          onDeleted={() => setSelection(new Map())}
        />
      )}

      <ErrorAlert error={groupsQ.error} />
      {win.error !== null && (
        <Stack gap="xs">
          <ErrorAlert error={win.error} />
          <Row>
            <Button variant="default" onClick={() => win.retry()}>
              {t('retry')}
            </Button>
          </Row>
        </Stack>
      )}

      {nothingAtAll ? (
        <Stack align="center" py={60} gap="md">
          <Title order={3}>{t('emptyTitle')}</Title>
          <Text size="lg" maw={520} ta="center">
            {t('emptyBody')}
          </Text>
          <Row>
            <Button size="lg" onClick={() => navigate('import')}>
              {t('import')}
            </Button>
            <Button size="lg" variant="default" onClick={() => openContact('new')}>
              {t('newContact')}
            </Button>
          </Row>
        </Stack>
      ) : total === 0 && filtered && win.complete ? (
        <Stack align="center" py={40}>
          <Text size="lg">{t('noMatch')}</Text>
          <Button
            variant="default"
            onClick={() => {
              setQuery('');
              setGroupFilter(null);
              setTagFilter(null);
            }}
          >
            {t('clearFilters')}
          </Button>
        </Stack>
      ) : (
        <ContactTable
          window={win}
          label={t('table')}
          selected={selection}
          groups={groupsById}
          onToggle={onToggle}
          onOpen={openContact}
          height="max(320px, calc(100vh - 290px))"
          searchKey={JSON.stringify(search)}
        />
      )}

      {drawerUsed && (
        <Suspense fallback={null}>
          <ContactDrawer
            target={drawerTarget}
            groups={groups}
            onClose={closeDrawer}
            onSaved={(c) => {
              if (drawerTarget === 'new') openContact(c.id);
            }}
            onErased={(id) => {
              setSelection((prev) => {
                const next = new Map(prev);
                next.delete(id);
                return next;
              });
              closeDrawer();
            }}
          />
        </Suspense>
      )}
      {exportUsed && (
        <Suspense fallback={null}>
          <ExportDialog
            opened={exportOpen !== null}
            onClose={() => setExportOpen(null)}
            groups={groups}
            selectedIds={[...selection.keys()]}
            initialScope={exportOpen ?? 'all'}
            initialGroupId={groupFilter === null ? null : Number(groupFilter)}
          />
        </Suspense>
      )}
    </Stack>
  );
}
