// The contact drawer's Historik: what happened to one person, newest first — each alert that
// named them, every attempt and its outcome (provider and reason in the operator's language),
// their confirmation, replies, opt-outs and changes to their record with who made them. It
// follows a running alert: the events the console already receives make it read again.
import { Badge, Button, Group, Stack, Text, Timeline } from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { OptOut, PersonTimelineEntry } from '@gdial/protocol';
import { outcomeColour, useWords } from '../../components/labels';
import { displayAddress } from '../../components/phone';
import { providerReasonText } from '../../components/providerReasons';
import { useLanguage, useT, type Language, type Translate } from '../../i18n';
import { useEvent, useQuery } from '../../rpc/react';
import { ErrorAlert } from '../../components/ErrorAlert';
import { auditText } from '../auditText';
import { providerLabel } from '../campaigns/RecipientTimeline';

const dict = {
  sv: {
    title: 'Historik',
    intro: 'Larm, försök, bekräftelser, svar och ändringar för personen, senaste först.',
    empty: 'Inget har hänt personen ännu: inga larm, svar eller ändringar.',
    loading: 'Hämtar historiken…',
    more: 'Visa fler ({n} till)',
    shown: 'Visar {n} av {total}',
    alert: 'Larm startat: {name}',
    testAlert: 'Testlarm startat: {name}',
    outcome: 'Utfall för personen: {o}',
    attempt: '{event} · {channel} {address}',
    via: 'via {p}',
    reason: 'Orsak: {r}',
    confirmed: 'Bekräftade',
    reply: 'Svar: ”{text}”',
    handledBy: 'Hanterat av {who}',
    unhandled: 'Inte hanterat i inkorgen',
    optOut: 'Avregistrerad från {channel} {address}',
    by: 'av {who}',
    inAlert: 'I larmet {name}',
    'source.operator': 'lagd av en operatör',
    'source.reply': 'svarade STOPP',
    'source.import': 'från en import',
    'source.provider': 'rapporterad av leverantören',
  },
  en: {
    title: 'History',
    intro: 'Alerts, attempts, confirmations, replies and changes for the person, newest first.',
    empty: 'Nothing has happened to this person yet: no alerts, replies or changes.',
    loading: 'Loading the history…',
    more: 'Show more ({n} left)',
    shown: 'Showing {n} of {total}',
    alert: 'Alert started: {name}',
    testAlert: 'Test alert started: {name}',
    outcome: 'Outcome for the person: {o}',
    attempt: '{event} · {channel} {address}',
    via: 'via {p}',
    reason: 'Reason: {r}',
    confirmed: 'Confirmed',
    reply: 'Reply: “{text}”',
    handledBy: 'Handled by {who}',
    unhandled: 'Not handled in the inbox',
    optOut: 'Opted out of {channel} {address}',
    by: 'by {who}',
    inAlert: 'In the alert {name}',
    'source.operator': 'added by an operator',
    'source.reply': 'replied STOP',
    'source.import': 'from an import',
    'source.provider': 'reported by the provider',
  },
};

const PAGE = 50;

/** Times as they were in Sweden, whatever the desktop's own time zone. */
function stockholmTime(language: Language): (iso: string) => string {
  const dt = new Intl.DateTimeFormat(language === 'sv' ? 'sv-SE' : 'en-GB', {
    dateStyle: 'short',
    timeStyle: 'medium',
    timeZone: 'Europe/Stockholm',
  });
  return (iso) => dt.format(new Date(iso));
}

export function PersonTimeline({ contactId }: { contactId: number }) {
  const t = useT(dict);
  const { language } = useLanguage();
  const words = useWords();
  const time = useMemo(() => stockholmTime(language), [language]);
  const [limit, setLimit] = useState(PAGE);
  useEffect(() => setLimit(PAGE), [contactId]);
  const { data, error, loading, reload } = useQuery('contacts.history', { id: contactId, limit });

  // Live while an alert runs: progress comes up to ten times a second per alert, so read again
  // at most once a second, after the last of a burst.
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const soon = () => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      reload();
    }, 1000);
  };
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  useEvent('campaigns.progress', soon);
  useEvent('campaigns.changed', soon);
  useEvent('inbox.received', (m) => m.contactId === contactId && soon());
  useEvent('inbox.changed', soon);
  useEvent('contacts.changed', soon);

  const entries = data?.contactId === contactId ? data.entries : [];
  const total = data?.contactId === contactId ? data.total : 0;
  return (
    <Stack gap="xs" aria-label={t('title')} role="region">
      <Text fw={700} size="lg">
        {t('title')}
      </Text>
      <Text size="sm" c="dimmed">
        {t('intro')}
      </Text>
      {error && <ErrorAlert error={error} />}
      {!data && loading && <Text size="sm">{t('loading')}</Text>}
      {data && entries.length === 0 && <Text size="sm">{t('empty')}</Text>}
      {entries.length > 0 && (
        <Timeline bulletSize={14} lineWidth={2} active={-1}>
          {entries.map((e, i) => (
            <Timeline.Item key={i} title={<EntryTitle e={e} t={t} words={words} language={language} />}>
              <Text size="xs" c="dimmed">
                {time(e.at)}
                {e.campaignName && e.kind !== 'alert' ? ` · ${t('inAlert', { name: e.campaignName })}` : ''}
              </Text>
              <EntryDetail e={e} t={t} words={words} language={language} />
            </Timeline.Item>
          ))}
        </Timeline>
      )}
      {total > entries.length && (
        <Group>
          <Text size="sm" c="dimmed">
            {t('shown', { n: entries.length, total })}
          </Text>
          <Button variant="default" size="xs" loading={loading} onClick={() => setLimit((l) => l + PAGE)}>
            {t('more', { n: total - entries.length })}
          </Button>
        </Group>
      )}
    </Stack>
  );
}

type T = Translate<keyof (typeof dict)['sv']>;
type Words = ReturnType<typeof useWords>;
interface EntryProps {
  e: PersonTimelineEntry;
  t: T;
  words: Words;
  language: Language;
}

function EntryTitle({ e, t, words, language }: EntryProps) {
  switch (e.kind) {
    case 'alert':
      return <Text fw={700}>{t(e.testMode ? 'testAlert' : 'alert', { name: e.campaignName ?? '' })}</Text>;
    case 'attempt':
      return (
        <Group gap="xs">
          <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
            {t('attempt', { event: words.deliveryEvent(e.event), channel: words.channel[e.channel], address: displayAddress(e.address) })}
          </Text>
          {e.provider && (
            <Badge variant="outline" color="blue">
              {t('via', { p: providerLabel(e.provider) })}
            </Badge>
          )}
        </Group>
      );
    case 'confirmed':
      return (
        <Text fw={700} c="var(--gdial-ok-text)">
          {t('confirmed')}
        </Text>
      );
    case 'reply':
      return <Text fw={600}>{t('reply', { text: e.text })}</Text>;
    case 'opt-out':
      return <Text fw={600}>{t('optOut', { channel: words.channel[e.channel], address: displayAddress(e.address) })}</Text>;
    case 'record':
      return <Text fw={600}>{auditText(e, language).text}</Text>;
    default: {
      const never: never = e;
      return String(never);
    }
  }
}

function EntryDetail({ e, t, words, language }: EntryProps) {
  const line = (text: string, colour?: string) => (
    <Text size="sm" c={colour} style={{ overflowWrap: 'anywhere' }}>
      {text}
    </Text>
  );
  switch (e.kind) {
    case 'alert':
      return (
        <Badge mt={4} color={outcomeColour(e.outcome)}>
          {t('outcome', { o: words.outcome[e.outcome] })}
        </Badge>
      );
    case 'attempt': {
      const reason = providerReasonText(e.errorCode, e.error, language);
      if (reason) return line(t('reason', { r: reason }), 'var(--gdial-error-text)');
      return e.detail ? line(words.eventDetail(e.detail)) : null;
    }
    case 'confirmed':
      return e.via ? line(words.confirmedVia(e.via)) : null;
    case 'reply':
      return line(e.handled ? t('handledBy', { who: e.handledBy ?? '–' }) : t('unhandled'));
    case 'opt-out':
      return line(t(`source.${e.source satisfies OptOut['source']}`));
    case 'record':
      return line(t('by', { who: e.actor }));
    default: {
      const never: never = e;
      return String(never);
    }
  }
}
