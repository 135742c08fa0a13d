// Settings → the opt-out list: addresses that must not be contacted on a channel, whoever
// they belong to (someone who replied STOPP, an operator's decision, a provider's
// unsubscribe). Unlike a contact's "Får inte kontaktas via", an entry holds across the
// contact being edited, deleted or imported again. The operator can look through the list,
// add an address and lift an entry after a confirmation; the engine records each in the
// audit log.
import { Badge, Button, Group, Paper, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { channels, type Channel, type OptOut } from '@gdial/protocol';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { channelWords } from '../../components/labels';
import { displayAddress } from '../../components/phone';
import { useNotify } from '../../components/useNotify';
import { useFormat, useLanguage, useT } from '../../i18n';
import { RpcError } from '../../rpc/client';
import { useQuery, useRpc } from '../../rpc/react';

const dict = {
  sv: {
    title: 'Spärrlista',
    intro:
      'Adresser som inte får kontaktas på en kanal, vem de än tillhör – till exempel någon som svarat STOPP på ett SMS. Spärren gäller även om kontakten ändras, raderas eller importeras igen.',
    filter: 'Visa kanal',
    all: 'Alla kanaler',
    search: 'Sök adress',
    searchHelp: 'Nummer, e-post eller chatt-id',
    table: 'Spärrade adresser',
    channel: 'Kanal',
    address: 'Adress',
    source: 'Orsak',
    note: 'Anteckning',
    added: 'Tillagd',
    actions: 'Åtgärd',
    remove: 'Ta bort spärr',
    removeLabel: 'Ta bort spärren för {a} ({c})',
    removeTitle: 'Ta bort spärren för {a}?',
    removeBody: 'Adressen kan kontaktas via {c} igen i kommande larm. Ändringen sparas i händelseloggen.',
    removeConfirm: 'Ta bort spärren',
    removed: 'Spärren för {a} togs bort.',
    empty: 'Inga spärrade adresser.',
    noMatch: 'Ingen spärrad adress matchar sökningen.',
    addTitle: 'Spärra en adress',
    addChannel: 'Kanal för spärren',
    addAddress: 'Adress att spärra',
    addAddressHelp: 'Telefonnummer (t.ex. 070-123 45 67), e-postadress eller Telegram chatt-id.',
    addNote: 'Anteckning (valfritt)',
    add: 'Spärra adressen',
    addedNote: '{a} spärrades för {c}.',
    needAddress: 'Skriv adressen som ska spärras.',
    badPhone: 'Numret kunde inte tolkas. Skriv ett telefonnummer, t.ex. 070-123 45 67 eller +46701234567.',
    badEmail: 'Adressen kunde inte tolkas. Skriv en e-postadress, t.ex. namn@kommun.se.',
    badTelegram: 'Ett Telegram chatt-id är bara siffror, t.ex. 123456789.',
    s_operator: 'Operatör',
    s_reply: 'Svar från mottagaren',
    s_import: 'Import',
    s_provider: 'Leverantören',
  },
  en: {
    title: 'Opt-out list',
    intro:
      'Addresses that must not be contacted on a channel, whoever they belong to – for example someone who replied STOP to an SMS. The entry holds even if the contact is changed, deleted or imported again.',
    filter: 'Show channel',
    all: 'All channels',
    search: 'Search address',
    searchHelp: 'Number, e-mail or chat id',
    table: 'Opted-out addresses',
    channel: 'Channel',
    address: 'Address',
    source: 'Reason',
    note: 'Note',
    added: 'Added',
    actions: 'Action',
    remove: 'Remove entry',
    removeLabel: 'Remove the entry for {a} ({c})',
    removeTitle: 'Remove the entry for {a}?',
    removeBody: 'The address can be contacted by {c} again in future alerts. The change is kept in the audit log.',
    removeConfirm: 'Remove the entry',
    removed: 'The entry for {a} was removed.',
    empty: 'No opted-out addresses.',
    noMatch: 'No opted-out address matches the search.',
    addTitle: 'Opt out an address',
    addChannel: 'Channel of the entry',
    addAddress: 'Address to opt out',
    addAddressHelp: 'Phone number (e.g. 070-123 45 67), e-mail address or Telegram chat id.',
    addNote: 'Note (optional)',
    add: 'Opt out the address',
    addedNote: '{a} was opted out of {c}.',
    needAddress: 'Type the address to opt out.',
    badPhone: 'The number could not be read. Type a phone number, e.g. 070-123 45 67 or +46701234567.',
    badEmail: 'The address could not be read. Type an e-mail address, e.g. name@example.org.',
    badTelegram: 'A Telegram chat id is digits only, e.g. 123456789.',
    s_operator: 'Operator',
    s_reply: 'Reply from the recipient',
    s_import: 'Import',
    s_provider: 'The provider',
  },
};

const digits = (s: string) => s.replace(/\D/g, '');

/** Whether an entry matches what the operator typed: by text, or by digits for numbers ("070 12" finds +4670 12…). */
export function optOutMatches(o: OptOut, query: string): boolean {
  const q = query.trim().toLowerCase();
  if (!q) return true;
  if (o.address.toLowerCase().includes(q)) return true;
  const d = digits(q);
  if (d.length < 3) return false;
  const national = d.startsWith('0') ? d.slice(1) : d;
  return digits(o.address).includes(national);
}

export function OptOutsSection() {
  const t = useT(dict);
  const f = useFormat();
  const { language } = useLanguage();
  const rpc = useRpc();
  const notify = useNotify();
  const [filter, setFilter] = useState<Channel | null>(null);
  const [query, setQuery] = useState('');
  const list = useQuery('contacts.optOuts.list', filter ? { channel: filter } : {});
  const [removing, setRemoving] = useState<OptOut | null>(null);
  const [channel, setChannel] = useState<Channel>('sms');
  const [address, setAddress] = useState('');
  const [note, setNote] = useState('');
  const [addError, setAddError] = useState<unknown>(null);
  const [addressProblem, setAddressProblem] = useState<string | null>(null);
  const [adding, setAdding] = useState(false);
  const words = channelWords[language];
  const channelOptions = channels.map((c) => ({ value: c, label: words[c] }));
  const rows = useMemo(() => (list.data?.optOuts ?? []).filter((o) => optOutMatches(o, query)), [list.data, query]);

  const badAddress = (c: Channel) => (c === 'email' ? t('badEmail') : c === 'telegram' ? t('badTelegram') : t('badPhone'));
  const add = () => {
    setAddError(null);
    setAddressProblem(null);
    if (!address.trim()) {
      setAddressProblem(t('needAddress'));
      return;
    }
    setAdding(true);
    rpc
      .call('contacts.optOuts.add', { channel, address, note: note.trim() || null })
      .then((o) => {
        notify.done(t('addedNote', { a: displayAddress(o.address), c: words[o.channel] }));
        setAddress('');
        setNote('');
        list.reload();
      })
      .catch((e: unknown) => {
        if (e instanceof RpcError && e.fieldIssues.some((i) => i.path === 'address')) setAddressProblem(badAddress(channel));
        else setAddError(e);
      })
      .finally(() => setAdding(false));
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="optouts-title">
      <Stack>
        <Title order={3} id="optouts-title">
          {t('title')}
        </Title>
        <Text size="sm">{t('intro')}</Text>
        <Group align="flex-end">
          <Select
            w={200}
            label={t('filter')}
            data={[{ value: '', label: t('all') }, ...channelOptions]}
            value={filter ?? ''}
            allowDeselect={false}
            onChange={(v) => setFilter(v ? (v as Channel) : null)}
          />
          <TextInput
            w={280}
            label={t('search')}
            placeholder={t('searchHelp')}
            value={query}
            onChange={(e) => setQuery(e.currentTarget.value)}
          />
        </Group>
        <ErrorAlert error={list.error} />
        {list.data && rows.length === 0 ? (
          <Text c="dimmed">{list.data.optOuts.length === 0 ? t('empty') : t('noMatch')}</Text>
        ) : (
          <Table aria-label={t('table')} verticalSpacing={4}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('channel')}</Table.Th>
                <Table.Th>{t('address')}</Table.Th>
                <Table.Th>{t('source')}</Table.Th>
                <Table.Th>{t('note')}</Table.Th>
                <Table.Th>{t('added')}</Table.Th>
                <Table.Th>{t('actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((o) => (
                <Table.Tr key={`${o.channel}|${o.address}`}>
                  <Table.Td>
                    <Badge variant="light" color="gray">
                      {words[o.channel]}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{displayAddress(o.address)}</Table.Td>
                  <Table.Td>{t(`s_${o.source}`)}</Table.Td>
                  <Table.Td>{o.note ?? ''}</Table.Td>
                  <Table.Td>{f.dateTime(o.createdAt)}</Table.Td>
                  <Table.Td>
                    <Button
                      size="compact-sm"
                      variant="light"
                      color="red"
                      aria-label={t('removeLabel', { a: displayAddress(o.address), c: words[o.channel] })}
                      onClick={() => setRemoving(o)}
                    >
                      {t('remove')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}

        <form
          onSubmit={(e) => {
            e.preventDefault();
            add();
          }}
        >
          <Stack gap="xs">
            <Text fw={600}>{t('addTitle')}</Text>
            <Group align="flex-start">
              <Select
                w={160}
                label={t('addChannel')}
                data={channelOptions}
                value={channel}
                allowDeselect={false}
                onChange={(v) => v && setChannel(v as Channel)}
              />
              <TextInput
                style={{ flex: 1 }}
                miw={240}
                label={t('addAddress')}
                description={t('addAddressHelp')}
                value={address}
                error={addressProblem}
                onChange={(e) => setAddress(e.currentTarget.value)}
              />
              <TextInput
                style={{ flex: 1 }}
                miw={200}
                label={t('addNote')}
                value={note}
                maxLength={500}
                onChange={(e) => setNote(e.currentTarget.value)}
              />
            </Group>
            <ErrorAlert error={addError} />
            <Group justify="flex-end">
              <Button type="submit" color="red" variant="light" loading={adding}>
                {t('add')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Stack>
      {removing && (
        <ConfirmDialog
          opened
          title={t('removeTitle', { a: displayAddress(removing.address) })}
          confirmLabel={t('removeConfirm')}
          onClose={() => setRemoving(null)}
          onConfirm={() =>
            rpc.call('contacts.optOuts.remove', { channel: removing.channel, address: removing.address }).then(() => {
              notify.done(t('removed', { a: displayAddress(removing.address) }));
              list.reload();
            })
          }
        >
          <Text>{t('removeBody', { c: words[removing.channel] })}</Text>
        </ConfirmDialog>
      )}
    </Paper>
  );
}
