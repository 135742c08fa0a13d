// Sends people their own link to the Telegram alerting bot by SMS: one contact from their
// drawer, or every member of a group who is not connected yet. The engine makes a draft
// SMS alert (outreach) with the link template, and "Granska och starta" opens for it, so it
// is reviewed (who cannot be texted, and why) and started like any alert.
import { Alert, Button, Stack } from '@mantine/core';
import { useState } from 'react';
import type { MethodOutput } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useT } from '../../i18n';
import { navigate } from '../../router';
import { useRpc } from '../../rpc/react';

const dict = {
  sv: {
    send: 'Skicka länken med SMS…',
    sendGroup: 'Skicka Telegram-länk med SMS…',
    name: 'Telegram-länk till {name}',
    noBot: 'Ingen Telegram-bot är inställd. Ange botens token under Inställningar → Leverantörer och relä.',
    unreachable: 'Telegram svarar inte just nu, så botens namn är okänt. Försök igen om en stund.',
    allConnected: 'Alla som valts har redan kopplat Telegram ({n} {n|person|personer}). Ingen länk behöver skickas.',
  },
  en: {
    send: 'Send the link by SMS…',
    sendGroup: 'Send the Telegram link by SMS…',
    name: 'Telegram link to {name}',
    noBot: 'No Telegram bot is set up. Enter the bot’s token under Settings → Providers and relay.',
    unreachable: 'Telegram does not answer right now, so the bot’s name is unknown. Try again in a while.',
    allConnected: 'Everyone chosen has connected Telegram already ({n} {n|person|people}). No link needs to be sent.',
  },
};

/** `name`: whom it goes to, as the alert's name says it (the contact's or the group's name). */
export function TelegramLinkSmsButton({
  name,
  contactIds = [],
  groupIds = [],
}: {
  name: string;
  contactIds?: number[];
  groupIds?: number[];
}) {
  const t = useT(dict);
  const rpc = useRpc();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<MethodOutput<'telegram.linkAlert'> | null>(null);
  const send = () => {
    setBusy(true);
    setError(null);
    setOutcome(null);
    rpc
      .call('telegram.linkAlert', { name: t('name', { name }).slice(0, 200), contactIds, groupIds })
      .then((r) => {
        setOutcome(r);
        if (r.campaignId !== null) navigate('campaigns', r.campaignId, 'review');
      }, setError)
      .finally(() => setBusy(false));
  };
  return (
    <Stack gap="xs" align="flex-start">
      <Button variant="default" onClick={send} loading={busy}>
        {groupIds.length > 0 ? t('sendGroup') : t('send')}
      </Button>
      <ErrorAlert error={error} />
      {outcome?.unavailable === 'no-telegram-bot' && <Alert color="yellow">{t('noBot')}</Alert>}
      {outcome?.unavailable === 'provider-error' && <Alert color="yellow">{t('unreachable')}</Alert>}
      {outcome?.unavailable === 'all-connected' && <Alert color="blue">{t('allConnected', { n: outcome.alreadyConnected })}</Alert>}
    </Stack>
  );
}
