// The bell in the header: what an operator must not miss (an alert held for network, a
// provider or the relay down, an approval waiting, replies nobody handled, an alert that
// finished), as the engine lists it for every console, with how many the signed-in user has
// not read. Each item links to the page it is about; following it marks it read.
import { Anchor, Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import type { Notification } from '@gdial/protocol';
import { HeaderDrawer } from '../../components/HeaderDrawer';
import { useWords } from '../../components/labels';
import { useFormat, useT, type Translate } from '../../i18n';
import { useConnectionState, useEvent, useQuery, useRpc } from '../../rpc/react';

const dict = {
  sv: {
    bell: 'Notiser',
    bellLabel: 'Notiser: {n} olästa',
    bellNone: 'Notiser: inga olästa',
    title: 'Notiser',
    explain: 'Det här får du inte missa. Klicka på en notis för att gå dit den gäller; då räknas den som läst.',
    none: 'Inget att se just nu: inga larm väntar på nät eller godkännande, inga svar väntar och inget larm har blivit klart det senaste dygnet.',
    allRead: 'Markera alla som lästa',
    unread: 'Oläst',
    heldTitle: 'Väntar på nät: {name}',
    heldBody: '{channels} når inte fram via {provider}. Ingen förbrukar försök; utskicken fortsätter av sig själva när vägen är tillbaka.',
    downTitle: 'Leverantören {p} misslyckas',
    downBody: 'Många utskick misslyckas just nu. Se hälsolarmen på Översikt.',
    relayTitle: 'Reläet går inte att nå',
    relayBody: 'Status och svar från leverantörerna kommer inte fram förrän reläet svarar igen. Se hälsolarmen på Översikt.',
    approvalTitle: 'Väntar på godkännande: {name}',
    approvalBody: '{n} mottagare, skickat för godkännande av {who}. En andra person måste godkänna.',
    repliesTitle: '{n} svar väntar i inkorgen',
    repliesBody: 'Svar som ingen har hanterat ännu; någon kan behöva hjälp.',
    finishedTitle: 'Larmet är klart: {name}',
    cancelledTitle: 'Larmet avbröts: {name}',
    finishedBody: 'Öppna efterhandsrapporten.',
  },
  en: {
    bell: 'Notifications',
    bellLabel: 'Notifications: {n} unread',
    bellNone: 'Notifications: none unread',
    title: 'Notifications',
    explain: 'What you must not miss. Click one to go where it is about; it then counts as read.',
    none: 'Nothing right now: no alert waits for network or approval, no replies wait, and no alert finished in the last day.',
    allRead: 'Mark all as read',
    unread: 'Unread',
    heldTitle: 'Waiting for network: {name}',
    heldBody: '{channels} cannot get through via {provider}. Nobody uses up attempts; sending resumes by itself when the path is back.',
    downTitle: 'Provider {p} is failing',
    downBody: 'Many sends fail right now. See the health alerts on Overview.',
    relayTitle: 'The relay cannot be reached',
    relayBody: 'Statuses and replies from the providers do not arrive until the relay answers again. See the health alerts on Overview.',
    approvalTitle: 'Awaiting approval: {name}',
    approvalBody: '{n} recipients, submitted for approval by {who}. A second person must approve.',
    repliesTitle: '{n} replies wait in the inbox',
    repliesBody: 'Replies nobody has handled yet; someone may need help.',
    finishedTitle: 'Alert finished: {name}',
    cancelledTitle: 'Alert cancelled: {name}',
    finishedBody: 'Open the after-action report.',
  },
};

type Words = ReturnType<typeof useWords>;

/** The item's title and sentence in the operator's language. */
export function notificationText(n: Notification, t: Translate<keyof (typeof dict)['sv']>, words: Words, num: (x: number) => string) {
  const name = n.campaignName ?? '';
  switch (n.kind) {
    case 'held':
      return {
        title: t('heldTitle', { name }),
        body: t('heldBody', { channels: n.channels.map((c) => words.channel[c]).join(', '), provider: n.subject }),
      };
    case 'provider-down':
      return n.subject === 'relay'
        ? { title: t('relayTitle'), body: t('relayBody') }
        : { title: t('downTitle', { p: n.subject }), body: t('downBody') };
    case 'approval':
      return { title: t('approvalTitle', { name }), body: t('approvalBody', { n: num(n.count), who: n.subject }) };
    case 'replies':
      return { title: t('repliesTitle', { n: num(n.count) }), body: t('repliesBody') };
    case 'finished':
      return { title: t(n.subject === 'cancelled' ? 'cancelledTitle' : 'finishedTitle', { name }), body: t('finishedBody') };
    default: {
      const never: never = n.kind;
      throw new Error(`unknown notification ${String(never)}`);
    }
  }
}

export function NotificationBell() {
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  const rpc = useRpc();
  const connection = useConnectionState();
  const list = useQuery('notifications.list', {}, { enabled: connection === 'open' });
  // Everything the bell lists changes with one of these; the engine decides what is listed.
  useEvent('campaigns.changed', () => list.reload());
  useEvent('campaigns.approvals', () => list.reload());
  useEvent('inbox.received', () => list.reload());
  useEvent('health.changed', () => list.reload());
  useEvent('sync.alertOwner', () => list.reload());
  const items = list.data?.items ?? [];
  const unread = list.data?.unread ?? 0;
  const markRead = (keys?: string[]) => void rpc.call('notifications.markRead', keys ? { keys } : {}).then(list.reload, list.reload);

  return (
    <HeaderDrawer
      label={t('bell')}
      ariaLabel={unread > 0 ? t('bellLabel', { n: unread }) : t('bellNone')}
      count={unread}
      color={unread > 0 ? '#8a5a00' : undefined}
      title={t('title')}
      explain={t('explain')}
      error={list.error}
      onOpen={list.reload}
    >
      {(close) =>
        items.length === 0 ? (
          <Text c="dimmed">{t('none')}</Text>
        ) : (
          <>
            <Group justify="flex-end">
              <Button size="compact-sm" variant="light" onClick={() => markRead()} disabled={unread === 0}>
                {t('allRead')}
              </Button>
            </Group>
            <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
              {items.map((n) => {
                const text = notificationText(n, t, words, f.number);
                return (
                  <Paper key={n.key} component="li" withBorder p="sm" bg={n.read ? undefined : 'var(--mantine-color-yellow-light)'}>
                    <Group gap="xs" wrap="nowrap" align="start">
                      {!n.read && (
                        <Badge color="#8a5a00" variant="filled" size="sm" style={{ flexShrink: 0 }}>
                          {t('unread')}
                        </Badge>
                      )}
                      <Stack gap={2}>
                        <Anchor
                          href={n.link}
                          fw={700}
                          onClick={() => {
                            if (!n.read) markRead([n.key]);
                            close();
                          }}
                        >
                          {text.title}
                        </Anchor>
                        <Text size="sm">{text.body}</Text>
                        <Text size="xs" c="dimmed">
                          {n.at && f.dateTime(n.at)}
                        </Text>
                      </Stack>
                    </Group>
                  </Paper>
                );
              })}
            </Stack>
          </>
        )
      }
    </HeaderDrawer>
  );
}
