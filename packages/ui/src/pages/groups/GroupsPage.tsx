// The Groups page: the group tree (with colours and member counts) on the left, the chosen
// group's details and members on the right. #/groups/<id> selects a group.
import {
  Anchor,
  Badge,
  Box,
  Button,
  Group as Row,
  Loader,
  Paper,
  Stack,
  Switch,
  Table,
  Text,
  Title,
  UnstyledButton,
  VisuallyHidden,
} from '@mantine/core';
import { useEffect, useMemo, useState } from 'react';
import type { ContactSummary, Group } from '@gdial/protocol';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useNotify } from '../../components/useNotify';
import { useFormat, useT, type Translate } from '../../i18n';
import { navigate, type Route } from '../../router';
import { useEvent, useQuery, useRpc } from '../../rpc/react';
import { ExportDialog } from '../../components/ExportDialog';
import { displayPhone } from '../../components/phone';
import { GroupForm } from './GroupForm';
import { buildGroupTree, groupPath, type GroupNode } from '../../components/groupTree';
import contrast from '../../components/contrast.module.css';
import { TelegramLinkSmsButton } from '../contacts/TelegramLinkSms';

const dict = {
  sv: {
    title: 'Grupper',
    newGroup: 'Ny grupp',
    tree: 'Gruppträd',
    members: '{n} {n|medlem|medlemmar}',
    withSub: '{n} inkl. undergrupper',
    emptyTitle: 'Inga grupper ännu',
    emptyBody: 'Grupper samlar dem som larmas tillsammans, t.ex. ”Räddningstjänst” eller ”Krisledning”. Grupper kan ligga i varandra.',
    choose: 'Välj en grupp i trädet för att se medlemmarna.',
    edit: 'Ändra…',
    newSub: 'Ny undergrupp',
    export: 'Exportera gruppen…',
    showInContacts: 'Visa i Kontakter',
    delete: 'Radera…',
    memberList: 'Medlemmar i {name}',
    includeSub: 'Ta med medlemmar i undergrupper',
    name: 'Namn',
    phone: 'Telefon',
    organisation: 'Organisation',
    via: 'Via undergrupp',
    remove: 'Ta ur {name}',
    removeShort: 'Ta ur gruppen',
    action: 'Åtgärd',
    more: 'Visa fler',
    noMembers: 'Gruppen har inga medlemmar. Lägg till dem på sidan Kontakter: markera kontakter och välj ”Lägg i grupp”.',
    deleteTitle: 'Radera gruppen {name}?',
    deleteConfirm: 'Radera gruppen {name}',
    deleteBody:
      '{n} {n|kontakt är medlem|kontakter är medlemmar} direkt i gruppen. Kontakterna finns kvar – bara gruppen och medlemskapen tas bort.',
    deleteSub: '{n} undergrupper flyttas upp till {parent}.',
    topLevel: 'översta nivån',
    deleted: 'Gruppen {name} raderades.',
    removed: '{name} togs ur gruppen.',
    created: 'Gruppen {name} skapades.',
    saved: 'Gruppen {name} sparades.',
    shown: 'Visar {shown} av {total}',
  },
  en: {
    title: 'Groups',
    newGroup: 'New group',
    tree: 'Group tree',
    members: '{n} {n|member|members}',
    withSub: '{n} incl. subgroups',
    emptyTitle: 'No groups yet',
    emptyBody: 'Groups gather people alerted together, e.g. "Fire service" or "Crisis management". Groups can contain groups.',
    choose: 'Choose a group in the tree to see its members.',
    edit: 'Change…',
    newSub: 'New subgroup',
    export: 'Export the group…',
    showInContacts: 'Show in Contacts',
    delete: 'Delete…',
    memberList: 'Members of {name}',
    includeSub: 'Include members of subgroups',
    name: 'Name',
    phone: 'Phone',
    organisation: 'Organisation',
    via: 'Via subgroup',
    remove: 'Remove {name}',
    removeShort: 'Remove from group',
    action: 'Action',
    more: 'Show more',
    noMembers: 'The group has no members. Add them on the Contacts page: select contacts and choose "Add to group".',
    deleteTitle: 'Delete the group {name}?',
    deleteConfirm: 'Delete the group {name}',
    deleteBody: '{n} contacts are direct members of the group. The contacts stay – only the group and the memberships are removed.',
    deleteSub: '{n} subgroups move up to {parent}.',
    topLevel: 'the top level',
    deleted: 'The group {name} was deleted.',
    removed: '{name} was removed from the group.',
    created: 'The group {name} was created.',
    saved: 'The group {name} was saved.',
    shown: 'Showing {shown} of {total}',
  },
};

type FormState = { group: Group | null; parentId: number | null } | null;

export function GroupsPage({ route }: { route: Route }) {
  const t = useT(dict);
  const f = useFormat();
  const rpc = useRpc();
  const notify = useNotify();
  const q = useQuery('groups.list', {});
  useEvent('groups.changed', () => q.reload());
  useEvent('contacts.changed', () => q.reload());
  const groups = useMemo(() => q.data?.groups ?? [], [q.data]);
  const tree = useMemo(() => buildGroupTree(groups), [groups]);
  const selectedId = route.params[0] ? Number(route.params[0]) : null;
  const selected = groups.find((g) => g.id === selectedId) ?? null;
  const [form, setForm] = useState<FormState>(null);
  const [deleting, setDeleting] = useState(false);
  const [editError, setEditError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);

  return (
    <Stack className={contrast.scope}>
      <Row justify="space-between">
        <Title order={2}>{t('title')}</Title>
        <Button onClick={() => setForm({ group: null, parentId: null })}>{t('newGroup')}</Button>
      </Row>
      <ErrorAlert error={q.error} />
      {q.loading && !q.data ? (
        <Loader />
      ) : groups.length === 0 ? (
        <Stack align="center" py={60}>
          <Title order={3}>{t('emptyTitle')}</Title>
          <Text size="lg" maw={560} ta="center">
            {t('emptyBody')}
          </Text>
          <Button size="lg" onClick={() => setForm({ group: null, parentId: null })}>
            {t('newGroup')}
          </Button>
        </Stack>
      ) : (
        <Row align="flex-start" wrap="nowrap" gap="lg">
          <Paper withBorder p="sm" w={360} style={{ flexShrink: 0 }} component="nav" aria-label={t('tree')}>
            <TreeLevel nodes={tree} selectedId={selectedId} t={t} f={f} />
          </Paper>
          <Box style={{ flex: 1, minWidth: 0 }}>
            {selected ? (
              <Stack>
                <Row justify="space-between" align="flex-start">
                  <Stack gap={2}>
                    <Row gap="xs">
                      <ColourDot colour={selected.colour} size={18} />
                      <Title order={3}>{selected.name}</Title>
                    </Row>
                    {selected.parentId !== null && (
                      <Text size="sm" c="dimmed">
                        {groupPath(groups, selected.id)}
                      </Text>
                    )}
                    {selected.description && <Text>{selected.description}</Text>}
                    <Text>
                      {t('members', { n: f.number(selected.memberCount) })} · {t('withSub', { n: f.number(selected.totalMemberCount) })}
                    </Text>
                  </Stack>
                </Row>
                <Row gap="xs">
                  <Button
                    variant="default"
                    onClick={() => {
                      // The form starts from the group as stored now: another console may have changed it since the list was read.
                      setEditError(null);
                      void rpc
                        .call('groups.get', { id: selected.id })
                        .then((g) => setForm({ group: g, parentId: g.parentId }), setEditError);
                    }}
                  >
                    {t('edit')}
                  </Button>
                  <Button variant="default" onClick={() => setForm({ group: null, parentId: selected.id })}>
                    {t('newSub')}
                  </Button>
                  <Button variant="default" onClick={() => setExporting(true)}>
                    {t('export')}
                  </Button>
                  <Button variant="default" onClick={() => (window.location.hash = `#/contacts?group=${selected.id}`)}>
                    {t('showInContacts')}
                  </Button>
                  <Button variant="light" color="red" onClick={() => setDeleting(true)}>
                    {t('delete')}
                  </Button>
                </Row>
                <TelegramLinkSmsButton key={selected.id} name={selected.name} groupIds={[selected.id]} />
                <ErrorAlert error={editError} />
                <Members group={selected} />
              </Stack>
            ) : (
              <Text size="lg" c="dimmed" pt="md">
                {t('choose')}
              </Text>
            )}
          </Box>
        </Row>
      )}

      <GroupForm
        opened={form !== null}
        group={form?.group ?? null}
        parentId={form?.parentId ?? null}
        groups={groups}
        onClose={() => setForm(null)}
        onSaved={(g) => {
          notify.done(t(form?.group ? 'saved' : 'created', { name: g.name }));
          q.reload();
          navigate('groups', g.id);
        }}
      />
      {selected && (
        <ConfirmDialog
          opened={deleting}
          title={t('deleteTitle', { name: selected.name })}
          confirmLabel={t('deleteConfirm', { name: selected.name })}
          onClose={() => setDeleting(false)}
          onConfirm={() =>
            rpc.call('groups.delete', { id: selected.id }).then(() => {
              notify.done(t('deleted', { name: selected.name }));
              q.reload();
              navigate('groups');
            })
          }
        >
          <Text>{t('deleteBody', { n: f.number(selected.memberCount) })}</Text>
          {groups.some((g) => g.parentId === selected.id) && (
            <Text>
              {t('deleteSub', {
                n: groups.filter((g) => g.parentId === selected.id).length,
                parent:
                  selected.parentId === null ? t('topLevel') : (groups.find((g) => g.id === selected.parentId)?.name ?? t('topLevel')),
              })}
            </Text>
          )}
        </ConfirmDialog>
      )}
      <ExportDialog
        opened={exporting}
        onClose={() => setExporting(false)}
        groups={groups}
        selectedIds={[]}
        initialScope="group"
        initialGroupId={selected?.id ?? null}
      />
    </Stack>
  );
}

function ColourDot({ colour, size = 12 }: { colour: string | null; size?: number }) {
  return (
    <span
      aria-hidden
      style={{
        display: 'inline-block',
        width: size,
        height: size,
        borderRadius: '50%',
        background: colour ?? 'transparent',
        border: '1px solid rgb(0 0 0 / 30%)',
        flexShrink: 0,
      }}
    />
  );
}

type T = Translate<keyof (typeof dict)['sv']>;
type F = ReturnType<typeof useFormat>;

/** One level of the tree as a nested list, so screen readers hear the hierarchy. */
function TreeLevel({ nodes, selectedId, t, f }: { nodes: GroupNode[]; selectedId: number | null; t: T; f: F }) {
  return (
    <ul style={{ listStyle: 'none', margin: 0, paddingLeft: nodes[0]?.depth ? 18 : 0 }}>
      {nodes.map((n) => {
        const active = n.group.id === selectedId;
        return (
          <li key={n.group.id}>
            <UnstyledButton
              component="a"
              href={`#/groups/${n.group.id}`}
              aria-current={active ? 'page' : undefined}
              w="100%"
              p={6}
              style={{
                borderRadius: 6,
                display: 'block',
                background: active ? 'var(--mantine-color-blue-1)' : undefined,
                fontWeight: active ? 700 : 500,
              }}
            >
              <Row gap={8} wrap="nowrap" justify="space-between">
                <Row gap={8} wrap="nowrap" style={{ minWidth: 0 }}>
                  <ColourDot colour={n.group.colour} />
                  <Text truncate fw="inherit">
                    {n.group.name}
                  </Text>
                </Row>
                <Badge variant="light" color="gray" title={t('withSub', { n: f.number(n.group.totalMemberCount) })}>
                  {f.number(n.group.memberCount)}
                  {n.group.totalMemberCount !== n.group.memberCount ? ` / ${f.number(n.group.totalMemberCount)}` : ''}
                </Badge>
              </Row>
            </UnstyledButton>
            {n.children.length > 0 && <TreeLevel nodes={n.children} selectedId={selectedId} t={t} f={f} />}
          </li>
        );
      })}
    </ul>
  );
}

const PAGE = 100;

function Members({ group }: { group: Group }) {
  const t = useT(dict);
  const f = useFormat();
  const rpc = useRpc();
  const notify = useNotify();
  const [includeSub, setIncludeSub] = useState(false);
  const [rows, setRows] = useState<ContactSummary[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [tick, setTick] = useState(0);
  useEvent('contacts.changed', () => setTick((x) => x + 1));
  useEvent('groups.changed', () => setTick((x) => x + 1));

  const fetchPage = (after: string | null, replace: boolean) => {
    setLoading(true);
    return rpc.call('contacts.search', { groupId: group.id, includeSubgroups: includeSub, cursor: after, limit: PAGE, sort: 'name' }).then(
      (page) => {
        setRows((prev) => (replace ? page.items : [...prev, ...page.items]));
        setCursor(page.nextCursor);
        setTotal(page.total);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        setError(e);
        setLoading(false);
      },
    );
  };

  useEffect(() => {
    void fetchPage(null, true);
    // A new group, the subgroup switch or a change elsewhere starts the list over.
  }, [group.id, includeSub, tick]);

  return (
    <Stack gap="xs">
      <Row justify="space-between">
        <Title order={4}>{t('memberList', { name: group.name })}</Title>
        <Switch label={t('includeSub')} checked={includeSub} onChange={(e) => setIncludeSub(e.currentTarget.checked)} size="md" />
      </Row>
      <ErrorAlert error={error} />
      {total === 0 ? (
        <Text>{t('noMembers')}</Text>
      ) : (
        <Table striped aria-label={t('memberList', { name: group.name })}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('name')}</Table.Th>
              <Table.Th>{t('phone')}</Table.Th>
              <Table.Th>{t('organisation')}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t('action')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((r) => {
              const direct = r.groupIds.includes(group.id);
              return (
                <Table.Tr key={r.id}>
                  <Table.Td>
                    <Anchor href={`#/contacts/${r.id}`}>{r.displayName}</Anchor>
                  </Table.Td>
                  <Table.Td>{r.phone ? displayPhone(r.phone) : ''}</Table.Td>
                  <Table.Td>{r.organisation ?? ''}</Table.Td>
                  <Table.Td>
                    {direct ? (
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        color="red"
                        aria-label={t('remove', { name: r.displayName })}
                        onClick={() => {
                          rpc
                            .call('groups.removeMembers', { groupId: group.id, contactIds: [r.id] })
                            .then(() => notify.done(t('removed', { name: r.displayName })), setError);
                        }}
                      >
                        {t('removeShort')}
                      </Button>
                    ) : (
                      <Text size="sm" c="dimmed">
                        {t('via')}
                      </Text>
                    )}
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      <Row>
        {total !== null && total > 0 && (
          <Text size="sm" c="dimmed">
            {t('shown', { shown: f.number(rows.length), total: f.number(total) })}
          </Text>
        )}
        {cursor !== null && (
          <Button variant="default" loading={loading} onClick={() => void fetchPage(cursor, false)}>
            {t('more')}
          </Button>
        )}
      </Row>
    </Stack>
  );
}
