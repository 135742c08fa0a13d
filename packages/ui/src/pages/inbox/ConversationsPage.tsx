// Conversations: the inbox read as threads, one per person and channel. The list shows who
// wrote, what they wrote last, how many of their messages nobody has handled and who has
// taken the thread; the open thread interleaves what they wrote with what went to them (the
// alert's messages and answers from the console), each outbound message with how far it got.
// An operator takes a thread (assigned to them at every workstation) and marks it handled.
import { Anchor, Badge, Button, Checkbox, Grid, Group, Loader, Paper, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { conversationKeyText, type ConversationEntry, type ConversationKey } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useWords } from '../../components/labels';
import { useFormat, useT } from '../../i18n';
import { useEvent, useQuery, useRpc } from '../../rpc/react';
import { pageScope } from '../../components/pageScope';
import { displayAddress } from '../../components/phone';
import { useSession } from '../../session';
import { ReplyBox } from './ReplyBox';

const dict = {
  sv: {
    title: 'Konversationer',
    intro:
      'Svaren samlade per person och kanal, med larmen och svaren som gick till personen. Ta en konversation, svara och markera den som hanterad.',
    show: 'Visa',
    unhandled: 'Obehandlade',
    handled: 'Hanterade',
    all: 'Alla',
    mine: 'Bara mina',
    list: 'Konversationer',
    who: 'Person',
    channel: 'Kanal',
    last: 'Senast',
    open: 'Öppna konversationen med {n}',
    waiting: '{n} obehandlade',
    assigned: 'Tagen av {n}',
    empty: 'Inga konversationer här.',
    choose: 'Välj en konversation i listan.',
    thread: 'Meddelanden',
    from: 'Från {n}',
    to: 'Till {n}',
    alert: 'Larm: ',
    reply: 'Svar från {n}',
    take: 'Ta konversationen',
    release: 'Släpp konversationen',
    markHandled: 'Markera som hanterad',
    markUnhandled: 'Markera som ohanterad',
    handledMark: 'Hanterat',
    newOne: 'Nytt svar från {n}',
  },
  en: {
    title: 'Conversations',
    intro:
      'Replies gathered per person and channel, with the alerts and answers that went to them. Take a conversation, answer and mark it handled.',
    show: 'Show',
    unhandled: 'Unhandled',
    handled: 'Handled',
    all: 'All',
    mine: 'Only mine',
    list: 'Conversations',
    who: 'Person',
    channel: 'Channel',
    last: 'Latest',
    open: 'Open the conversation with {n}',
    waiting: '{n} unhandled',
    assigned: 'Taken by {n}',
    empty: 'No conversations here.',
    choose: 'Choose a conversation in the list.',
    thread: 'Messages',
    from: 'From {n}',
    to: 'To {n}',
    alert: 'Alert: ',
    reply: 'Answer from {n}',
    take: 'Take the conversation',
    release: 'Release the conversation',
    markHandled: 'Mark handled',
    markUnhandled: 'Mark unhandled',
    handledMark: 'Handled',
    newOne: 'New reply from {n}',
  },
};

export function ConversationsPage() {
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  const [show, setShow] = useState<'unhandled' | 'handled' | 'all'>('unhandled');
  const [mine, setMine] = useState(false);
  const [open, setOpen] = useState<ConversationKey | null>(null);
  const [latest, setLatest] = useState<string | null>(null);
  const q = useQuery('conversations.list', show === 'all' ? { mine, limit: 300 } : { handled: show === 'handled', mine, limit: 300 });
  useEvent('inbox.received', (m) => {
    setLatest(t('newOne', { n: m.displayName ?? displayAddress(m.from) }));
    q.reload();
  });
  useEvent('inbox.changed', () => q.reload());
  const list = q.data?.conversations ?? [];
  const openText = open ? conversationKeyText(open) : null;

  return (
    <Stack className={pageScope}>
      <Title order={2}>{t('title')}</Title>
      <Text c="dimmed">{t('intro')}</Text>
      {latest && (
        <Text role="status" fw={600}>
          {latest}
        </Text>
      )}
      <Group>
        <SegmentedControl
          aria-label={t('show')}
          value={show}
          onChange={(v) => setShow(v as typeof show)}
          data={[
            { value: 'unhandled', label: t('unhandled') },
            { value: 'handled', label: t('handled') },
            { value: 'all', label: t('all') },
          ]}
        />
        <Checkbox label={t('mine')} checked={mine} onChange={(e) => setMine(e.currentTarget.checked)} />
      </Group>
      <ErrorAlert error={q.error} />
      <Grid>
        <Grid.Col span={{ base: 12, lg: 5 }}>
          {q.loading && !q.data ? (
            <Loader aria-label="…" />
          ) : list.length === 0 ? (
            <Text size="lg">{t('empty')}</Text>
          ) : (
            <Table aria-label={t('list')} verticalSpacing="sm" highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('who')}</Table.Th>
                  <Table.Th>{t('channel')}</Table.Th>
                  <Table.Th>{t('last')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((c) => {
                  const name = c.displayName ?? displayAddress(c.address);
                  const selected = conversationKeyText(c.key) === openText;
                  return (
                    <Table.Tr key={conversationKeyText(c.key)} fw={c.unhandled > 0 ? 600 : 400} aria-selected={selected}>
                      <Table.Td>
                        <Anchor component="button" type="button" onClick={() => setOpen(c.key)} aria-label={t('open', { n: name })}>
                          {name}
                        </Anchor>
                        {c.displayName && (
                          <Text size="xs" c="dimmed">
                            {displayAddress(c.address)}
                          </Text>
                        )}
                        <Group gap={4} mt={4}>
                          {c.unhandled > 0 && (
                            <Badge color="orange" variant="light">
                              {t('waiting', { n: c.unhandled })}
                            </Badge>
                          )}
                          {c.assignedName && <Badge variant="light">{t('assigned', { n: c.assignedName })}</Badge>}
                        </Group>
                      </Table.Td>
                      <Table.Td>{words.channel[c.key.channel]}</Table.Td>
                      <Table.Td>
                        <Text size="sm" lineClamp={2}>
                          {c.lastText}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {f.dateTime(c.lastAt)}
                          {c.campaignName ? ` · ${c.campaignName}` : ''}
                        </Text>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 7 }}>
          {open ? <Thread key={openText} conversationKey={open} onChanged={q.reload} /> : <Text c="dimmed">{t('choose')}</Text>}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

function Thread({ conversationKey, onChanged }: { conversationKey: ConversationKey; onChanged: () => void }) {
  const t = useT(dict);
  const words = useWords();
  const rpc = useRpc();
  const session = useSession();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const q = useQuery('conversations.get', { key: conversationKey });
  const reload = () => {
    q.reload();
    onChanged();
  };
  useEvent('inbox.changed', () => q.reload());
  useEvent('inbox.received', () => q.reload());
  useEvent('campaigns.progress', () => q.reload());
  const c = q.data;
  if (!c) return q.error ? <ErrorAlert error={q.error} /> : <Loader aria-label="…" />;
  const s = c.summary;
  const name = s.displayName ?? displayAddress(s.address);
  const mineNow = s.assignedTo !== null && s.assignedTo === session.state?.user?.id;
  const act = (p: Promise<unknown>) => {
    setBusy(true);
    setError(null);
    p.then(reload, setError).finally(() => setBusy(false));
  };

  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <Stack gap={0}>
          <Title order={3}>
            {name} · {words.channel[s.key.channel]}
          </Title>
          {s.displayName && <Text c="dimmed">{displayAddress(s.address)}</Text>}
          {s.campaignId && (
            <Text size="sm">
              {t('alert')}
              <Anchor href={`#/campaigns/${s.campaignId}`}>{s.campaignName ?? `#${s.campaignId}`}</Anchor>
            </Text>
          )}
        </Stack>
        <Group gap="xs">
          {s.assignedName && <Badge variant="light">{t('assigned', { n: s.assignedName })}</Badge>}
          <Button
            variant="default"
            loading={busy}
            onClick={() => act(rpc.call('conversations.assign', { key: conversationKey, assign: !mineNow }))}
          >
            {mineNow ? t('release') : t('take')}
          </Button>
          <Button
            variant={s.unhandled > 0 ? 'filled' : 'default'}
            loading={busy}
            onClick={() => act(rpc.call('conversations.markHandled', { key: conversationKey, handled: s.unhandled > 0 }))}
          >
            {s.unhandled > 0 ? t('markHandled') : t('markUnhandled')}
          </Button>
        </Group>
      </Group>
      <ErrorAlert error={error} />
      <Stack component="ol" aria-label={t('thread')} gap="xs" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {c.entries.map((e) => (
          <Entry key={`${e.direction}${e.inboxId ?? e.deliveryId}`} entry={e} name={name} />
        ))}
      </Stack>
      <ReplyBox conversationKey={conversationKey} name={name} mode={c.reply.mode} windowEndsAt={c.reply.windowEndsAt} onSent={reload} />
    </Stack>
  );
}

function Entry({ entry: e, name }: { entry: ConversationEntry; name: string }) {
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  const out = e.direction === 'out';
  return (
    <Paper
      component="li"
      withBorder
      p="sm"
      maw="85%"
      ml={out ? 'auto' : 0}
      bg={out ? 'var(--mantine-color-blue-light)' : undefined}
      aria-label={out ? t('to', { n: name }) : t('from', { n: name })}
    >
      <Group justify="space-between" gap="xs">
        <Text size="xs" fw={600}>
          {out ? (e.kind === 'reply' ? t('reply', { n: e.by ?? '–' }) : `${t('alert')}${e.campaignName ?? ''}`) : t('from', { n: name })}
          {e.channel !== 'sms' || out ? ` · ${words.channel[e.channel]}` : ''}
        </Text>
        <Text size="xs" c="dimmed">
          {f.dateTime(e.at)}
        </Text>
      </Group>
      <Text style={{ whiteSpace: 'pre-wrap' }}>{e.text}</Text>
      <Group gap={4} mt={4}>
        {out && e.state && (
          <Badge size="sm" variant="light" color={e.state === 'failed' ? 'red' : e.state === 'delivered' ? 'green' : 'gray'}>
            {words.deliveryState[e.state]}
          </Badge>
        )}
        {out && e.error && (
          <Text size="xs" c="red">
            {e.error}
          </Text>
        )}
        {!out && e.handled && (
          <Badge size="sm" color="green" variant="light">
            {t('handledMark')}
          </Badge>
        )}
        {!out && e.campaignName && (
          <Text size="xs" c="dimmed">
            {t('alert')}
            {e.campaignName}
          </Text>
        )}
      </Group>
    </Paper>
  );
}
