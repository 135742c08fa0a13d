// The WhatsApp tab's approved content template: WhatsApp lets an organisation start a
// conversation only with a template it approved (people who wrote in the last 24 hours
// may get the free text). The operator picks one of the account's content templates
// (listed from Twilio with WhatsApp's verdict; only approved ones can be chosen) and
// gives each numbered variable ({{1}}) a text, which may use GDial's own variables.
import { Alert, Badge, Button, Group, Paper, Select, Stack, Text } from '@mantine/core';
import type { WhatsAppApproval, WhatsAppContent, WhatsAppContentTemplate } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useLanguage, useT, type Language } from '../../i18n';
import { useQuery } from '../../rpc/react';
import { MessageField } from './MessageField';

const dict = {
  sv: {
    title: 'Godkänd WhatsApp-mall',
    help: 'WhatsApp släpper bara fram en mall som WhatsApp har godkänt till den som inte har skrivit till er det senaste dygnet. Den som har skrivit inom 24 timmar får fritexten ovan, om det finns någon. Utan godkänd mall kan larmet inte använda WhatsApp.',
    choose: 'Mall hos Twilio',
    placeholder: 'Välj en godkänd mall',
    none: 'Kontot har inga innehållsmallar ännu. Skapa en i Twilios Content Template Builder och skicka den till WhatsApp för godkännande.',
    noSender: 'Ingen WhatsApp-avsändare är inställd. Ange WhatsApp-numret under Inställningar → Leverantörer och relä.',
    providerError: 'Mallarna kunde inte hämtas från Twilio just nu ({detail}). Den mall som redan är vald finns kvar.',
    reload: 'Hämta mallarna igen',
    clear: 'Ta bort mallen',
    body: 'Mallens text',
    variable: 'Värde för {{{n}}}',
    chosen: 'Vald: {name}',
  },
  en: {
    title: 'Approved WhatsApp template',
    help: 'WhatsApp only lets a template it approved through to people who have not written to you in the last 24 hours. Those who wrote within 24 hours get the free text above, when there is one. Without an approved template the alert cannot use WhatsApp.',
    choose: 'Template at Twilio',
    placeholder: 'Choose an approved template',
    none: 'The account has no content templates yet. Create one in Twilio’s Content Template Builder and submit it to WhatsApp for approval.',
    noSender: 'No WhatsApp sender is set up. Enter the WhatsApp number under Settings → Providers and relay.',
    providerError: 'The templates could not be fetched from Twilio just now ({detail}). The template already chosen stays.',
    reload: 'Fetch the templates again',
    clear: 'Remove the template',
    body: 'The template’s text',
    variable: 'Value for {{{n}}}',
    chosen: 'Chosen: {name}',
  },
};

/** What WhatsApp said of a template, as the list and the badge show it. */
const statusWords: Record<Language, Record<WhatsAppApproval, string>> = {
  sv: {
    approved: 'godkänd',
    pending: 'granskas',
    rejected: 'avslagen',
    unsubmitted: 'inte skickad för granskning',
    paused: 'pausad',
    disabled: 'avstängd',
  },
  en: {
    approved: 'approved',
    pending: 'under review',
    rejected: 'rejected',
    unsubmitted: 'not submitted',
    paused: 'paused',
    disabled: 'disabled',
  },
};

const statusColor: Record<WhatsAppApproval, string> = {
  approved: 'green',
  pending: 'yellow',
  rejected: 'red',
  unsubmitted: 'gray',
  paused: 'orange',
  disabled: 'red',
};

/** The variables a chosen template needs, keeping what the operator already wrote for each. */
export function bindContent(t: WhatsAppContentTemplate, before: WhatsAppContent | null): WhatsAppContent {
  const keep = before?.contentSid === t.contentSid ? before.variables : {};
  // Twilio lists only the variables that have sample values; the body names all of them.
  const numbered = [...(t.body ?? '').matchAll(/\{\{(\d{1,2})\}\}/g)].map((m) => m[1]!);
  const names = [...new Set([...t.variables, ...numbered])].sort((a, b) => Number(a) - Number(b));
  return { contentSid: t.contentSid, name: t.name, variables: Object.fromEntries(names.map((n) => [n, keep[n] ?? ''])) };
}

export function WhatsAppContentPicker({
  value,
  onChange,
  active,
}: {
  value: WhatsAppContent | null;
  onChange: (v: WhatsAppContent | null) => void;
  /** The tab is shown: only then is Twilio asked for the list. */
  active: boolean;
}) {
  const t = useT(dict);
  const listing = useQuery('templates.whatsappContent', {}, { enabled: active });
  const templates = listing.data?.templates ?? [];
  const chosen = templates.find((x) => x.contentSid === value?.contentSid);
  const words = statusWords[useLanguage().language];

  return (
    <Paper withBorder p="md">
      <Stack gap="sm">
        <Text fw={700}>{t('title')}</Text>
        <Text size="sm" c="dimmed">
          {t('help')}
        </Text>
        <ErrorAlert error={listing.error} />
        {listing.data?.unavailable === 'no-whatsapp-sender' && <Alert color="yellow">{t('noSender')}</Alert>}
        {listing.data?.unavailable === 'provider-error' && (
          <Alert color="yellow">{t('providerError', { detail: listing.data.detail ?? '' })}</Alert>
        )}
        {listing.data && !listing.data.unavailable && templates.length === 0 && <Alert color="blue">{t('none')}</Alert>}
        {templates.length > 0 && (
          <Select
            label={t('choose')}
            placeholder={t('placeholder')}
            value={value?.contentSid ?? null}
            onChange={(sid) => {
              const picked = templates.find((x) => x.contentSid === sid);
              onChange(picked ? bindContent(picked, value) : null);
            }}
            data={templates.map((x) => ({
              value: x.contentSid,
              label: `${x.name} (${x.language}) – ${words[x.whatsapp]}`,
              disabled: x.whatsapp !== 'approved',
            }))}
          />
        )}
        {value && !chosen && <Text size="sm">{t('chosen', { name: value.name })}</Text>}
        {chosen && (
          <Group gap="xs">
            <Badge color={statusColor[chosen.whatsapp]}>{words[chosen.whatsapp]}</Badge>
            {chosen.body !== null && (
              <Text size="sm" aria-label={t('body')}>
                {chosen.body}
              </Text>
            )}
          </Group>
        )}
        {value &&
          Object.keys(value.variables).map((n) => (
            <MessageField
              key={n}
              singleLine
              label={t('variable', { n })}
              value={value.variables[n] ?? ''}
              onChange={(text) => onChange({ ...value, variables: { ...value.variables, [n]: text } })}
            />
          ))}
        <Group>
          <Button variant="light" onClick={listing.reload} loading={listing.loading}>
            {t('reload')}
          </Button>
          {value && (
            <Button variant="subtle" color="red" onClick={() => onChange(null)}>
              {t('clear')}
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}
