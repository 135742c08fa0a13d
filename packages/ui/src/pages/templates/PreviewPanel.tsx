// Shows a saved template the way one chosen contact will get it: variables filled, the
// fallbacks used, what is missing (a contact with a missing variable and no fallback
// cannot get the message), and for SMS the real length. Voice scripts can be listened to.
import { Alert, Badge, Button, Group, Paper, Select, Stack, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import type { Channel, MethodOutput } from '@gdial/protocol';
import { AudioPlayer } from '../../components/AudioPlayer';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useWords } from '../../components/labels';
import { useT } from '../../i18n';
import { useQuery, useRpc } from '../../rpc/react';

const dict = {
  sv: {
    title: 'Förhandsgranska för en kontakt',
    contact: 'Kontakt',
    contactHelp: 'Skriv för att söka',
    channel: 'Kanal',
    show: 'Visa',
    saveFirst: 'Spara mallen för att förhandsgranska den.',
    subject: 'Ämne',
    missing: 'Saknas för den här kontakten: {v}. Lägg till uppgiften på kontakten eller ange ett reservvärde.',
    fallbacks: 'Reservvärde användes för: {v}',
    sms: '{e}, {s} SMS, {c} tecken',
    listen: 'Lyssna på det här meddelandet',
    synth: 'Skapar tal…',
    noText: '(ingen text)',
  },
  en: {
    title: 'Preview for a contact',
    contact: 'Contact',
    contactHelp: 'Type to search',
    channel: 'Channel',
    show: 'Show',
    saveFirst: 'Save the template to preview it.',
    subject: 'Subject',
    missing: 'Missing for this contact: {v}. Add it to the contact or give a fallback value.',
    fallbacks: 'Fallback value used for: {v}',
    sms: '{e}, {s} SMS, {c} characters',
    listen: 'Listen to this message',
    synth: 'Creating speech…',
    noText: '(no text)',
  },
};

type Rendered = MethodOutput<'templates.preview'>;

export function PreviewPanel({ templateId, channels, dirty }: { templateId: number | null; channels: Channel[]; dirty: boolean }) {
  const t = useT(dict);
  const words = useWords();
  const rpc = useRpc();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 250);
  const [contactId, setContactId] = useState<string | null>(null);
  const [channel, setChannel] = useState<string | null>(null);
  const [rendered, setRendered] = useState<Rendered | null>(null);
  const [audioId, setAudioId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const contacts = useQuery('contacts.search', { query: debounced, limit: 20 });
  const chosenChannel = (channel && channels.includes(channel as Channel) ? channel : channels[0]) as Channel | undefined;

  const show = () => {
    if (templateId === null || !contactId || !chosenChannel) return;
    setBusy(true);
    setError(null);
    setAudioId(null);
    rpc
      .call('templates.preview', { templateId, contactId: Number(contactId), channel: chosenChannel })
      .then(setRendered, setError)
      .finally(() => setBusy(false));
  };
  const listen = () => {
    if (!rendered) return;
    if (rendered.audioId) {
      setAudioId(rendered.audioId);
      return;
    }
    if (!rendered.text) return;
    setBusy(true);
    rpc
      .call('tts.synthesise', { text: rendered.text })
      .then((s) => setAudioId(s.audioId), setError)
      .finally(() => setBusy(false));
  };

  return (
    <Paper withBorder p="md">
      <Stack>
        <Text fw={700}>{t('title')}</Text>
        {templateId === null || dirty ? (
          <Text size="sm" c="dimmed">
            {t('saveFirst')}
          </Text>
        ) : (
          <>
            <Group align="flex-end">
              <Select
                label={t('contact')}
                placeholder={t('contactHelp')}
                searchable
                searchValue={search}
                onSearchChange={setSearch}
                filter={({ options }) => options}
                data={(contacts.data?.items ?? []).map((c) => ({ value: String(c.id), label: c.displayName }))}
                value={contactId}
                onChange={setContactId}
                style={{ flex: 2 }}
              />
              <Select
                label={t('channel')}
                data={channels.map((c) => ({ value: c, label: words.channel[c] }))}
                value={chosenChannel ?? null}
                onChange={setChannel}
                allowDeselect={false}
                style={{ flex: 1 }}
              />
              <Button onClick={show} disabled={!contactId || !chosenChannel} loading={busy}>
                {t('show')}
              </Button>
            </Group>
            <ErrorAlert error={error} />
            {rendered && (
              <Stack gap="xs" aria-live="polite">
                {rendered.subject && (
                  <Text>
                    <strong>{t('subject')}:</strong> {rendered.subject}
                  </Text>
                )}
                <Paper bg="var(--mantine-color-default-hover)" p="sm" style={{ whiteSpace: 'pre-wrap' }}>
                  {rendered.text ?? t('noText')}
                </Paper>
                {rendered.sms && (
                  <Badge variant="light">
                    {t('sms', { e: rendered.sms.encoding, s: rendered.sms.segments, c: rendered.sms.characters })}
                  </Badge>
                )}
                {rendered.missing.length > 0 && (
                  <Alert color="red" role="alert">
                    {t('missing', { v: rendered.missing.join(', ') })}
                  </Alert>
                )}
                {rendered.usedFallbacks.length > 0 && (
                  <Text size="sm" c="var(--gdial-warn-text)">
                    {t('fallbacks', { v: rendered.usedFallbacks.join(', ') })}
                  </Text>
                )}
                {rendered.channel === 'voice' && (
                  <Group>
                    <Button variant="light" onClick={listen} loading={busy}>
                      {t('listen')}
                    </Button>
                  </Group>
                )}
                {audioId && <AudioPlayer audioId={audioId} autoPlay />}
              </Stack>
            )}
          </>
        )}
      </Stack>
    </Paper>
  );
}
