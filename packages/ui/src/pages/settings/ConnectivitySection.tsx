// Settings → relay and providers: whether alerts can go out (a provider per channel) and
// whether statuses and replies come back (the relay stream), live. Where they are set up is
// the next section (ProviderSetupSection).
import { Alert, Badge, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useWords } from '../../components/labels';
import { useConnectivity } from '../../components/useConnectivity';
import { useFormat, useLanguage, useT } from '../../i18n';
import { relayColour, relayWord } from './relayWords';

const dict = {
  sv: {
    relayTitle: 'Relä',
    relayIntro:
      'Reläet tar emot leverantörernas statusmeddelanden, knapptryckningar och svar och skickar dem hit. Utan relä går larm ut, men bekräftelser kommer inte tillbaka.',
    url: 'Adress',
    state: 'Läge',
    since: 'sedan {t}',
    offline: 'Utan kontakt sedan {t}',
    retry: 'Nytt försök {t}',
    unauthorizedHelp: 'Reläet känner inte igen den här datorn. Be den som administrerar reläet om en ny registreringskod.',
    resyncHelp:
      'Datorn har varit borta så länge att reläet har rensat händelser. GDial stämmer av mot leverantörerna; kontrollera pågående larm.',
    offlineHelp: 'Larm som skickas nu går ut, men bekräftelser visas först när kontakten är tillbaka.',
    providersTitle: 'Leverantörer',
    providersIntro: 'Vilken tjänst som skickar varje kanal. Inloggningsuppgifter visas aldrig här.',
    channel: 'Kanal',
    provider: 'Leverantör',
    ready: 'Klar',
    missing: 'Ingen leverantör – kanalen kan inte användas',
    demo: 'Demoläge: alla kanaler går till en simulerad leverantör på den här datorn. Inga riktiga samtal eller meddelanden skickas.',
  },
  en: {
    relayTitle: 'Relay',
    relayIntro:
      "The relay receives the providers' status callbacks, key presses and replies and passes them here. Without it alerts go out, but confirmations do not come back.",
    url: 'Address',
    state: 'State',
    since: 'since {t}',
    offline: 'No contact since {t}',
    retry: 'Next attempt {t}',
    unauthorizedHelp: 'The relay does not recognise this computer. Ask whoever runs the relay for a new enrolment code.',
    resyncHelp: 'This computer was away so long that the relay pruned events. GDial reconciles with the providers; check running alerts.',
    offlineHelp: 'Alerts sent now go out, but confirmations appear only once the connection is back.',
    providersTitle: 'Providers',
    providersIntro: 'Which service sends each channel. Credentials are never shown here.',
    channel: 'Channel',
    provider: 'Provider',
    ready: 'Ready',
    missing: 'No provider – the channel cannot be used',
    demo: 'Demo mode: every channel goes to a simulated provider on this computer. No real calls or messages are sent.',
  },
};

export function ConnectivitySection() {
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  const { language } = useLanguage();
  const { status, error } = useConnectivity();
  const relay = status?.relay;
  return (
    <>
      <Paper withBorder p="md">
        <Stack>
          <Title order={3}>{t('relayTitle')}</Title>
          <Text size="sm" c="dimmed">
            {t('relayIntro')}
          </Text>
          <ErrorAlert error={error} />
          {relay && (
            <Stack gap={6}>
              <Group>
                <Text fw={600}>{t('state')}:</Text>
                <Badge size="lg" color={relayColour(relay.status)} autoContrast={relayColour(relay.status) === 'yellow'} role="status">
                  {relayWord(relay, language)}
                </Badge>
                {relay.since && <Text size="sm">{t('since', { t: f.dateTime(relay.since) })}</Text>}
              </Group>
              <Text>
                <strong>{t('url')}:</strong> {relay.url ?? '–'}
              </Text>
              {relay.offlineSince && (
                <Text c="var(--gdial-warn-text)">
                  {t('offline', { t: f.dateTime(relay.offlineSince) })} – {t('offlineHelp')}
                </Text>
              )}
              {relay.retryAt && <Text size="sm">{t('retry', { t: f.dateTime(relay.retryAt) })}</Text>}
              {relay.detail && (
                <Text size="sm" c="dimmed">
                  {relay.detail}
                </Text>
              )}
              {relay.status === 'unauthorized' && <Alert color="red">{t('unauthorizedHelp')}</Alert>}
              {relay.status === 'resync-required' && <Alert color="orange">{t('resyncHelp')}</Alert>}
            </Stack>
          )}
        </Stack>
      </Paper>
      <Paper withBorder p="md">
        <Stack>
          <Title order={3}>{t('providersTitle')}</Title>
          <Text size="sm" c="dimmed">
            {t('providersIntro')}
          </Text>
          {status?.demo && <Alert color="orange">{t('demo')}</Alert>}
          {status && (
            <Table aria-label={t('providersTitle')}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('channel')}</Table.Th>
                  <Table.Th>{t('provider')}</Table.Th>
                  <Table.Th>{t('state')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {status.channels.map((c) => (
                  <Table.Tr key={c.channel}>
                    <Table.Td>{words.channel[c.channel]}</Table.Td>
                    <Table.Td>{c.provider ?? '–'}</Table.Td>
                    <Table.Td>
                      <Badge color={c.configured ? 'green' : 'gray'} variant="light">
                        {c.configured ? t('ready') : t('missing')}
                      </Badge>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Stack>
      </Paper>
    </>
  );
}
