// Answering in a conversation: free text, or a quick reply from an approved template (its
// text filled in for the person, to edit before sending). On WhatsApp the engine says whether
// the 24-hour window is open; when it has closed only a template with an approved WhatsApp
// content template can go, and the box says so and offers those templates instead of text.
// A free-form answer can be an engångsmeddelande: the person gets a link that shows it once.
import { Button, Group, Select, Stack, Switch, Text, Textarea } from '@mantine/core';
import { useState } from 'react';
import { BURN_EXPIRY_HOURS, type ConversationKey, type ReplyMode, type Template } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useFormat, useLanguage, useT } from '../../i18n';
import { useQuery, useRpc } from '../../rpc/react';
import { useAllowed } from '../../session';

const dict = {
  sv: {
    answer: 'Svar till {n}',
    quick: 'Snabbsvar från mall',
    quickNone: 'Inga godkända mallar för kanalen',
    send: 'Skicka svar',
    sendTemplate: 'Skicka mallen',
    sent: 'Svaret är skickat och visas i konversationen.',
    windowOpen: 'WhatsApp: ett fritt svar går fram till {t}. Därefter bara en godkänd mall.',
    windowClosed:
      'Det har gått mer än 24 timmar sedan personen skrev på WhatsApp. Ett fritt svar går inte fram; välj en mall med godkänd WhatsApp-mall.',
    unavailable: 'Det går inte att svara på ett samtal härifrån.',
    chooseTemplate: 'Välj mall',
    burn: 'Engångsmeddelande',
    burnHelp: 'Personen får en länk i stället för texten. Den kan läsas en gång och raderas sedan, senast efter {h} timmar.',
  },
  en: {
    answer: 'Answer to {n}',
    quick: 'Quick reply from a template',
    quickNone: 'No approved templates for the channel',
    send: 'Send answer',
    sendTemplate: 'Send the template',
    sent: 'The answer is sent and shows in the conversation.',
    windowOpen: 'WhatsApp: a free-form answer is delivered until {t}. After that only an approved template.',
    windowClosed:
      'More than 24 hours have passed since the person wrote on WhatsApp. A free-form answer cannot be delivered; choose a template with an approved WhatsApp template.',
    unavailable: 'A call cannot be answered from here.',
    chooseTemplate: 'Choose a template',
    burn: 'One-time message',
    burnHelp: 'The person gets a link instead of the text. It can be read once and is then deleted, at the latest after {h} hours.',
  },
};

/** Whether a template can answer on this channel now: its text for the channel, or (template-only) its WhatsApp content template. */
function fits(t: Template, key: ConversationKey, mode: ReplyMode): boolean {
  if (t.status !== 'approved') return false;
  return (['sv', 'en'] as const).some((l) => {
    const v = t.variants[l];
    if (!v) return false;
    if (mode === 'template-only') return v.whatsappContent !== undefined;
    switch (key.channel) {
      case 'sms':
        return v.sms !== undefined;
      case 'email':
        return v.email !== undefined;
      case 'whatsapp':
        return v.whatsapp !== undefined;
      case 'telegram':
        return v.telegram !== undefined;
      case 'voice':
        return false;
    }
  });
}

/** The template's own text for the channel, for a sender nobody knows (no person to fill it for). */
function rawText(t: Template, key: ConversationKey, language: 'sv' | 'en'): string {
  const v = t.variants[language] ?? t.variants.sv ?? t.variants.en;
  if (!v) return '';
  return (
    (key.channel === 'email' ? v.email?.text : key.channel === 'sms' ? v.sms : key.channel === 'whatsapp' ? v.whatsapp : v.telegram) ?? ''
  );
}

export function ReplyBox({
  conversationKey: key,
  name,
  mode,
  windowEndsAt,
  onSent,
}: {
  conversationKey: ConversationKey;
  name: string;
  mode: ReplyMode;
  windowEndsAt: string | null;
  onSent: () => void;
}) {
  const t = useT(dict);
  const f = useFormat();
  const { language } = useLanguage();
  const rpc = useRpc();
  const allowed = useAllowed('conversations.reply');
  const [text, setText] = useState('');
  const [templateId, setTemplateId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [sent, setSent] = useState(false);
  const [burn, setBurn] = useState(false);
  const templates = useQuery('templates.list', {});
  if (mode === 'unavailable') return <Text c="dimmed">{t('unavailable')}</Text>;
  const usable = (templates.data?.templates ?? []).filter((x) => fits(x, key, mode));

  const send = (input: { text: string } | { templateId: number }) => {
    setBusy(true);
    setError(null);
    setSent(false);
    rpc
      .call('conversations.reply', {
        key,
        ...input,
        ...(burn && 'text' in input ? { burn: { expiresAfterHours: BURN_EXPIRY_HOURS.default } } : {}),
      })
      .then(() => {
        setText('');
        setTemplateId(null);
        setBurn(false);
        setSent(true);
        onSent();
      }, setError)
      .finally(() => setBusy(false));
  };

  // A quick reply fills the text for the person (known contact) or with the template's own text, to edit before sending.
  const pick = (id: string | null) => {
    setTemplateId(id);
    if (id === null || mode === 'template-only') return;
    const chosen = usable.find((x) => String(x.id) === id);
    if (!chosen) return;
    if (key.contactId === null) {
      setText(rawText(chosen, key, language));
      return;
    }
    rpc
      .call('templates.preview', { templateId: chosen.id, contactId: key.contactId, channel: key.channel })
      .then((r) => setText(r.text ?? ''), setError);
  };

  return (
    <Stack gap="xs">
      {key.channel === 'whatsapp' && (
        <Text size="sm" c={mode === 'template-only' ? 'orange' : 'dimmed'} role="note">
          {mode === 'template-only' ? t('windowClosed') : t('windowOpen', { t: windowEndsAt ? f.dateTime(windowEndsAt) : '–' })}
        </Text>
      )}
      <Select
        label={mode === 'template-only' ? t('chooseTemplate') : t('quick')}
        placeholder={usable.length === 0 ? t('quickNone') : undefined}
        data={usable.map((x) => ({ value: String(x.id), label: x.name }))}
        value={templateId}
        onChange={pick}
        clearable
        disabled={usable.length === 0}
      />
      {mode === 'free-form' && (
        <Textarea
          label={t('answer', { n: name })}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          autosize
          minRows={2}
          maxRows={8}
        />
      )}
      {mode === 'free-form' && key.channel !== 'voice' && (
        <Switch
          label={t('burn')}
          description={t('burnHelp', { h: BURN_EXPIRY_HOURS.default })}
          checked={burn}
          onChange={(e) => setBurn(e.currentTarget.checked)}
        />
      )}
      <ErrorAlert error={error} />
      {sent && (
        <Text role="status" size="sm" c="green">
          {t('sent')}
        </Text>
      )}
      <Group justify="flex-end">
        {mode === 'template-only' ? (
          <Button
            loading={busy}
            disabled={!allowed.allowed || templateId === null}
            title={allowed.reason}
            onClick={() => send({ templateId: Number(templateId) })}
          >
            {t('sendTemplate')}
          </Button>
        ) : (
          <Button loading={busy} disabled={!allowed.allowed || text.trim() === ''} title={allowed.reason} onClick={() => send({ text })}>
            {t('send')}
          </Button>
        )}
      </Group>
    </Stack>
  );
}
