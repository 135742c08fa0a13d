// The inbox: replies that were not a confirmation or an opt-out ("I'm on my way but
// late", "wrong number"), newest first, live as they arrive. Someone must read each one;
// marking it handled records who did and when.
import { Anchor, Badge, Button, Checkbox, Group, Loader, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useWords } from '../../components/labels';
import { useFormat, useT } from '../../i18n';
import { useEvent, useQuery, useRpc } from '../../rpc/react';
import { pageScope } from '../../components/pageScope';
import { displayAddress } from '../../components/phone';
import { ReplyClassBadge } from '../../components/aiWords';
import { useReplySuggestions } from './ReplyAi';

const dict = {
  sv: {
    title: 'Inkorg',
    intro: 'Svar som inte var en bekräftelse eller avregistrering. Läs dem och markera dem som hanterade.',
    show: 'Visa',
    unhandled: 'Obehandlade',
    handled: 'Hanterade',
    all: 'Alla',
    when: 'Mottaget',
    from: 'Från',
    channel: 'Kanal',
    text: 'Meddelande',
    campaign: 'Larm',
    mark: 'Markera som hanterat',
    unmark: 'Markera som ohanterat',
    markSelected: 'Markera {n} som hanterade',
    select: 'Välj svaret från {n}',
    selectAll: 'Välj alla',
    handledBy: 'Hanterat av {w} {t}',
    empty: 'Inga svar här.',
    newOne: 'Nytt svar från {n}',
    table: 'Svar',
    threads: 'Visa svaren som konversationer per person, och svara',
  },
  en: {
    title: 'Inbox',
    intro: 'Replies that were not a confirmation or an opt-out. Read them and mark them handled.',
    show: 'Show',
    unhandled: 'Unhandled',
    handled: 'Handled',
    all: 'All',
    when: 'Received',
    from: 'From',
    channel: 'Channel',
    text: 'Message',
    campaign: 'Alert',
    mark: 'Mark handled',
    unmark: 'Mark unhandled',
    markSelected: 'Mark {n} handled',
    select: 'Select the reply from {n}',
    selectAll: 'Select all',
    handledBy: 'Handled by {w} {t}',
    empty: 'No replies here.',
    newOne: 'New reply from {n}',
    table: 'Replies',
    threads: 'Show the replies as conversations per person, and answer',
  },
};

export function InboxPage() {
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  const rpc = useRpc();
  const [show, setShow] = useState<'unhandled' | 'handled' | 'all'>('unhandled');
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [latest, setLatest] = useState<string | null>(null);
  const q = useQuery('inbox.list', show === 'all' ? { limit: 500 } : { handled: show === 'handled', limit: 500 });
  useEvent('inbox.received', (m) => {
    setLatest(t('newOne', { n: m.displayName ?? displayAddress(m.from) }));
    q.reload();
  });
  // Marked handled (or not) at another workstation of the organisation.
  useEvent('inbox.changed', () => q.reload());
  const all = q.data?.messages ?? [];
  const ai = useReplySuggestions(all.map((m) => m.id));
  const messages = ai.arrange(all);

  const mark = (ids: number[], handled: boolean) => {
    setBusy(true);
    setError(null);
    rpc
      .call('inbox.markHandled', { ids, handled })
      .then(() => {
        setSelected(new Set());
        q.reload();
      }, setError)
      .finally(() => setBusy(false));
  };
  const toggle = (id: number) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  return (
    <Stack className={pageScope}>
      <Title order={2}>{t('title')}</Title>
      <Text c="dimmed">{t('intro')}</Text>
      <Anchor href="#/conversations">{t('threads')}</Anchor>
      {latest && (
        <Text role="status" fw={600}>
          {latest}
        </Text>
      )}
      <Group justify="space-between">
        <SegmentedControl
          aria-label={t('show')}
          value={show}
          onChange={(v) => {
            setShow(v as typeof show);
            setSelected(new Set());
          }}
          data={[
            { value: 'unhandled', label: t('unhandled') },
            { value: 'handled', label: t('handled') },
            { value: 'all', label: t('all') },
          ]}
        />
        {selected.size > 0 && (
          <Button onClick={() => mark([...selected], true)} loading={busy}>
            {t('markSelected', { n: selected.size })}
          </Button>
        )}
      </Group>
      {ai.controls}
      <ErrorAlert error={error ?? q.error} />
      {q.loading && !q.data ? (
        <Loader aria-label="…" />
      ) : messages.length === 0 ? (
        <Text size="lg">{t('empty')}</Text>
      ) : (
        <Table aria-label={t('table')} verticalSpacing="sm" highlightOnHover>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>
                <Checkbox
                  aria-label={t('selectAll')}
                  checked={selected.size > 0 && selected.size === messages.filter((m) => !m.handled).length}
                  onChange={(e) =>
                    setSelected(e.currentTarget.checked ? new Set(messages.filter((m) => !m.handled).map((m) => m.id)) : new Set())
                  }
                />
              </Table.Th>
              <Table.Th>{t('when')}</Table.Th>
              <Table.Th>{t('from')}</Table.Th>
              <Table.Th>{t('channel')}</Table.Th>
              <Table.Th>{t('text')}</Table.Th>
              <Table.Th>{t('campaign')}</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {messages.map((m) => (
              <Table.Tr key={m.id} fw={m.handled ? 400 : 600}>
                <Table.Td>
                  {!m.handled && (
                    <Checkbox
                      aria-label={t('select', { n: m.displayName ?? displayAddress(m.from) })}
                      checked={selected.has(m.id)}
                      onChange={() => toggle(m.id)}
                    />
                  )}
                </Table.Td>
                <Table.Td style={{ whiteSpace: 'nowrap' }}>{f.dateTime(m.receivedAt)}</Table.Td>
                <Table.Td>
                  {m.displayName ?? displayAddress(m.from)}
                  {m.displayName && (
                    <Text size="xs" c="dimmed">
                      {displayAddress(m.from)}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{words.channel[m.channel]}</Table.Td>
                <Table.Td style={{ whiteSpace: 'pre-wrap' }}>
                  {m.text}
                  {(() => {
                    const s = ai.suggestion(m.id);
                    return s ? (
                      <Stack gap={2} mt={4}>
                        <ReplyClassBadge category={s.category} summary={s.summary} />
                        <Text size="xs" c="dimmed">
                          {s.summary}
                        </Text>
                      </Stack>
                    ) : null;
                  })()}
                </Table.Td>
                <Table.Td>
                  {m.campaignId ? <Anchor href={`#/campaigns/${m.campaignId}`}>{m.campaignName ?? `#${m.campaignId}`}</Anchor> : '–'}
                </Table.Td>
                <Table.Td>
                  {m.handled ? (
                    <Stack gap={2}>
                      <Badge color="green" variant="light">
                        {t('handledBy', { w: m.handledBy ?? '–', t: m.handledAt ? f.dateTime(m.handledAt) : '' })}
                      </Badge>
                      <Button size="compact-xs" variant="subtle" onClick={() => mark([m.id], false)}>
                        {t('unmark')}
                      </Button>
                    </Stack>
                  ) : (
                    <Button size="sm" variant="light" onClick={() => mark([m.id], true)} loading={busy}>
                      {t('mark')}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
