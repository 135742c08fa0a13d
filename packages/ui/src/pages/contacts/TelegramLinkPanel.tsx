// A contact's link to the alerting bot on Telegram. Telegram cannot be sent to a phone
// number: the person must start a chat with the bot once. The operator makes a link
// (t.me/<bot>?start=<token>) and gives it to the person — copied into an SMS or e-mail, or
// as a QR code they scan with their phone's camera from the screen; when they open it and
// press Start, their chat is bound to this contact by itself. The link can also be sent to
// them by SMS (TelegramLinkSms.tsx), as an alert reviewed and started like any other.
import { Alert, Button, CopyButton, Group, Image, Stack, Text, TextInput } from '@mantine/core';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import type { MethodOutput } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useT } from '../../i18n';
import { useRpc } from '../../rpc/react';
import { TelegramLinkSmsButton } from './TelegramLinkSms';

const dict = {
  sv: {
    title: 'Koppla Telegram',
    help: 'Ge personen en länk till larmboten. När hen öppnar länken och trycker Starta i Telegram kopplas chatten till kontakten av sig själv. Länken fungerar en gång. Du kan skicka länken med SMS eller visa den som QR-kod.',
    connected: 'Telegram är kopplat (chatt {chat}).',
    make: 'Skapa länk för Telegram',
    link: 'Länk till larmboten',
    copy: 'Kopiera länken',
    copied: 'Kopierad',
    qr: 'QR-kod med länken till larmboten',
    qrHelp: 'Personen kan skanna koden med mobilens kamera i stället för att få länken skickad.',
    noBot: 'Ingen Telegram-bot är inställd. Ange botens token under Inställningar → Leverantörer och relä.',
    unreachable: 'Telegram svarar inte just nu, så botens namn är okänt. Försök igen om en stund.',
  },
  en: {
    title: 'Connect Telegram',
    help: 'Give the person a link to the alerting bot. When they open it and press Start in Telegram, their chat is connected to this contact by itself. The link works once. You can send the link by SMS or show it as a QR code.',
    connected: 'Telegram is connected (chat {chat}).',
    make: 'Make a Telegram link',
    link: 'Link to the alerting bot',
    copy: 'Copy the link',
    copied: 'Copied',
    qr: 'QR code with the link to the alerting bot',
    qrHelp: 'The person can scan the code with their phone’s camera instead of being sent the link.',
    noBot: 'No Telegram bot is set up. Enter the bot’s token under Settings → Providers and relay.',
    unreachable: 'Telegram does not answer right now, so the bot’s name is unknown. Try again in a while.',
  },
};

export function TelegramLinkPanel({ contactId, name, chatId }: { contactId: number; name: string; chatId: string | null }) {
  const t = useT(dict);
  const rpc = useRpc();
  const [link, setLink] = useState<MethodOutput<'telegram.link'> | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const qr = useQrCode(link?.url ?? null);
  const make = () => {
    setBusy(true);
    setError(null);
    rpc
      .call('telegram.link', { contactId })
      .then(setLink, setError)
      .finally(() => setBusy(false));
  };
  return (
    <Stack gap="xs" role="group" aria-labelledby={`telegram-link-${contactId}`}>
      <Text fw={700} size="lg" id={`telegram-link-${contactId}`}>
        {t('title')}
      </Text>
      <Text size="sm" c="dimmed">
        {t('help')}
      </Text>
      {chatId && <Text size="sm">{t('connected', { chat: chatId })}</Text>}
      <ErrorAlert error={error} />
      {link?.unavailable === 'no-telegram-bot' && <Alert color="yellow">{t('noBot')}</Alert>}
      {link?.unavailable === 'provider-error' && <Alert color="yellow">{t('unreachable')}</Alert>}
      {link?.url && (
        <Group align="flex-end">
          <TextInput label={t('link')} value={link.url} readOnly style={{ flex: 1 }} onFocus={(e) => e.currentTarget.select()} />
          <CopyButton value={link.url}>
            {({ copied, copy }) => (
              <Button variant="light" onClick={copy}>
                {copied ? t('copied') : t('copy')}
              </Button>
            )}
          </CopyButton>
        </Group>
      )}
      {link?.url && qr && (
        <Stack gap={4} align="flex-start">
          <Image src={qr} alt={t('qr')} w={180} h={180} fit="contain" bg="white" />
          <Text size="sm" c="dimmed">
            {t('qrHelp')}
          </Text>
        </Stack>
      )}
      {!link?.url && (
        <Group>
          <Button variant="default" onClick={make} loading={busy}>
            {t('make')}
          </Button>
        </Group>
      )}
      {!chatId && <TelegramLinkSmsButton name={name} contactIds={[contactId]} />}
    </Stack>
  );
}

/** The link as a QR code (an SVG data URL), dark on white whatever the theme so any camera reads it. */
function useQrCode(url: string | null): string | null {
  const [qr, setQr] = useState<{ url: string; data: string } | null>(null);
  useEffect(() => {
    if (!url) return;
    let live = true;
    void QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#000000', light: '#ffffff' } }).then(
      (svg) => live && setQr({ url, data: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` }),
    );
    return () => {
      live = false;
    };
  }, [url]);
  return qr && qr.url === url ? qr.data : null;
}
