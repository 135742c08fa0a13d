// Editing one message template: its name, the text for each channel in Swedish (and
// optionally English), fallback values for variables, the voice message, approval, and a
// preview for a chosen contact. Saving an approved template makes it a draft again (the
// engine decides); the page says so before the operator saves.
import { Alert, Badge, Button, Group, Paper, SegmentedControl, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { Channel, Template } from '@gdial/protocol';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useWords } from '../../components/labels';
import { useFormat, useT, type Language } from '../../i18n';
import { navigate } from '../../router';
import { useRpc } from '../../rpc/react';
import { MessageField } from './MessageField';
import { PreviewPanel } from './PreviewPanel';
import { SmsCounter } from './SmsCounter';
import { VoiceEditor } from './VoiceEditor';
import { WhatsAppContentPicker } from './WhatsAppContentPicker';
import { AiAssistPanel } from './AiAssistPanel';
import {
  channelsOfVariant,
  emptyForm,
  fieldsFromForm,
  formFromTemplate,
  usedVariablesInForm,
  type TemplateForm,
  type VariantForm,
} from './templateForm';
import { pageScope } from '../../components/pageScope';

const dict = {
  sv: {
    newTitle: 'Ny mall',
    language: 'Språk',
    back: '← Alla mallar',
    name: 'Mallens namn',
    description: 'Beskrivning (valfri)',
    swedish: 'Svenska',
    english: 'Engelska (valfri)',
    englishHelp: 'Kontakter med engelska som språk får den engelska texten om den finns, annars den svenska.',
    sms: 'SMS-text',
    emailSubject: 'E-postens ämne',
    emailText: 'E-postens text',
    whatsapp: 'WhatsApp-text (till den som skrivit till er det senaste dygnet)',
    telegram: 'Telegram-text',
    fallbacks: 'Reservvärden',
    fallbacksHelp: 'Används när en kontakt saknar uppgiften. Utan reservvärde får den kontakten inte meddelandet.',
    fallbackFor: 'Reservvärde för {v}',
    save: 'Spara mallen',
    saving: 'Sparar…',
    saved: 'Mallen är sparad.',
    unsaved: 'Ändringar som inte är sparade',
    draft: 'Utkast – inte godkänd',
    approved: 'Godkänd',
    approvedBy: 'Godkänd av {who} {when}',
    approve: 'Godkänn mallen',
    approveHelp: 'En godkänd mall kan användas i larm utan att någon behöver ange skäl.',
    approveSaveFirst: 'Spara ändringarna innan du godkänner.',
    reapprove: 'Mallen är godkänd. Sparar du ändringar blir den ett utkast igen och måste godkännas på nytt.',
    delete: 'Ta bort mallen',
    deleteTitle: 'Ta bort mallen "{n}"?',
    deleteBody: 'Mallen tas bort. Larm som redan skickats påverkas inte.',
    deleteConfirm: 'Ta bort',
    channels: 'Kanaler',
    none: 'Ingen kanal har text ännu.',
    used: 'har text',
  },
  en: {
    newTitle: 'New template',
    language: 'Language',
    back: '← All templates',
    name: 'Template name',
    description: 'Description (optional)',
    swedish: 'Swedish',
    english: 'English (optional)',
    englishHelp: 'Contacts whose language is English get the English text when there is one, else the Swedish.',
    sms: 'SMS text',
    emailSubject: 'E-mail subject',
    emailText: 'E-mail text',
    whatsapp: 'WhatsApp text (for people who wrote to you in the last 24 hours)',
    telegram: 'Telegram text',
    fallbacks: 'Fallback values',
    fallbacksHelp: 'Used when a contact lacks the detail. Without a fallback that contact does not get the message.',
    fallbackFor: 'Fallback for {v}',
    save: 'Save template',
    saving: 'Saving…',
    saved: 'The template is saved.',
    unsaved: 'Unsaved changes',
    draft: 'Draft – not approved',
    approved: 'Approved',
    approvedBy: 'Approved by {who} {when}',
    approve: 'Approve template',
    approveHelp: 'An approved template can be used in alerts without anyone giving a reason.',
    approveSaveFirst: 'Save the changes before approving.',
    reapprove: 'The template is approved. Saving changes makes it a draft again, to be approved anew.',
    delete: 'Delete template',
    deleteTitle: 'Delete the template "{n}"?',
    deleteBody: 'The template is deleted. Alerts already sent are not affected.',
    deleteConfirm: 'Delete',
    channels: 'Channels',
    none: 'No channel has text yet.',
    used: 'has text',
  },
};

const channelOrder: Channel[] = ['voice', 'sms', 'email', 'whatsapp', 'telegram'];

export function TemplateEditor({ template, onSaved }: { template: Template | null; onSaved: (t: Template) => void }) {
  const t = useT(dict);
  const f = useFormat();
  const words = useWords();
  const rpc = useRpc();
  const [form, setForm] = useState<TemplateForm>(() => (template ? formFromTemplate(template) : emptyForm()));
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [savedNote, setSavedNote] = useState(false);
  const [lang, setLang] = useState<Language>('sv');
  const [channelTab, setChannelTab] = useState<string | null>('voice');
  const [deleting, setDeleting] = useState(false);

  useEffect(() => {
    setForm(template ? formFromTemplate(template) : emptyForm());
    setDirty(false);
  }, [template]);

  const update = (patch: Partial<TemplateForm>) => {
    setForm((fm) => ({ ...fm, ...patch }));
    setDirty(true);
    setSavedNote(false);
  };
  const updateVariant = (l: Language, patch: Partial<VariantForm>) => {
    setForm((fm) => ({ ...fm, [l]: { ...fm[l], ...patch } }));
    setDirty(true);
    setSavedNote(false);
  };

  const save = () => {
    setBusy(true);
    setError(null);
    const fields = fieldsFromForm(form);
    const call = template ? rpc.call('templates.update', { id: template.id, fields }) : rpc.call('templates.create', fields);
    call
      .then((saved) => {
        setDirty(false);
        setSavedNote(true);
        onSaved(saved);
        if (!template) navigate('templates', saved.id);
      }, setError)
      .finally(() => setBusy(false));
  };
  const approve = () => {
    if (!template) return;
    setBusy(true);
    setError(null);
    rpc
      .call('templates.approve', { id: template.id })
      .then(onSaved, setError)
      .finally(() => setBusy(false));
  };

  const variant = form[lang];
  const variables = usedVariablesInForm(form);
  const channels = [...new Set([...channelsOfVariant(form.sv), ...channelsOfVariant(form.en)])];
  const variantChannels = channelsOfVariant(variant);

  return (
    <Stack maw={980} className={pageScope}>
      <Group justify="space-between">
        <Button variant="subtle" onClick={() => navigate('templates')}>
          {t('back')}
        </Button>
        {dirty && (
          <Badge color="orange" size="lg">
            {t('unsaved')}
          </Badge>
        )}
      </Group>
      <Title order={2}>{template ? template.name : t('newTitle')}</Title>

      {template && (
        <Paper withBorder p="md">
          <Group justify="space-between">
            <Stack gap={2}>
              <Group gap="xs">
                <Badge size="lg" color={template.status === 'approved' ? 'green' : 'gray'}>
                  {template.status === 'approved' ? t('approved') : t('draft')}
                </Badge>
                {template.status === 'approved' && template.approvedBy && template.approvedAt && (
                  <Text size="sm">{t('approvedBy', { who: template.approvedBy, when: f.dateTime(template.approvedAt) })}</Text>
                )}
              </Group>
              <Text size="sm" c="dimmed">
                {template.status === 'approved' ? (dirty ? t('reapprove') : '') : dirty ? t('approveSaveFirst') : t('approveHelp')}
              </Text>
            </Stack>
            {template.status !== 'approved' && (
              <Button color="green" onClick={approve} disabled={dirty} loading={busy}>
                {t('approve')}
              </Button>
            )}
          </Group>
        </Paper>
      )}

      <TextInput label={t('name')} value={form.name} onChange={(e) => update({ name: e.currentTarget.value })} required size="md" />
      <TextInput label={t('description')} value={form.description} onChange={(e) => update({ description: e.currentTarget.value })} />

      <Stack gap={4}>
        <Text fw={600} id="template-language">
          {t('language')}
        </Text>
        <SegmentedControl
          aria-labelledby="template-language"
          value={lang}
          onChange={(v) => setLang(v as Language)}
          data={[
            { value: 'sv', label: t('swedish') },
            { value: 'en', label: t('english') },
          ]}
          style={{ alignSelf: 'flex-start' }}
        />
      </Stack>
      {lang === 'en' && (
        <Text size="sm" c="dimmed">
          {t('englishHelp')}
        </Text>
      )}

      <Tabs value={channelTab} onChange={setChannelTab} variant="outline">
        <Tabs.List>
          {channelOrder.map((c) => (
            <Tabs.Tab
              key={c}
              value={c}
              rightSection={
                variantChannels.includes(c) ? (
                  <Badge size="xs" circle color="green" aria-label={t('used')}>
                    ✓
                  </Badge>
                ) : null
              }
            >
              {words.channel[c]}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        <Tabs.Panel value="voice" pt="md">
          <VoiceEditor key={lang} variant={variant} language={lang} fallbacks={form.fallbacks} onChange={(p) => updateVariant(lang, p)} />
        </Tabs.Panel>
        <Tabs.Panel value="sms" pt="md">
          <MessageField
            label={t('sms')}
            value={variant.sms}
            onChange={(sms) => updateVariant(lang, { sms })}
            describedBy={`sms-counter-${lang}`}
            footer={<SmsCounter id={`sms-counter-${lang}`} text={variant.sms} />}
          />
        </Tabs.Panel>
        <Tabs.Panel value="email" pt="md">
          <Stack>
            <MessageField
              singleLine
              label={t('emailSubject')}
              value={variant.emailSubject}
              onChange={(emailSubject) => updateVariant(lang, { emailSubject })}
            />
            <MessageField
              label={t('emailText')}
              minRows={8}
              value={variant.emailText}
              onChange={(emailText) => updateVariant(lang, { emailText })}
            />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="whatsapp" pt="md">
          <Stack>
            <MessageField label={t('whatsapp')} value={variant.whatsapp} onChange={(whatsapp) => updateVariant(lang, { whatsapp })} />
            <WhatsAppContentPicker
              key={lang}
              active={channelTab === 'whatsapp'}
              value={variant.whatsappContent}
              onChange={(whatsappContent) => updateVariant(lang, { whatsappContent })}
            />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="telegram" pt="md">
          <MessageField label={t('telegram')} value={variant.telegram} onChange={(telegram) => updateVariant(lang, { telegram })} />
        </Tabs.Panel>
      </Tabs>

      <AiAssistPanel
        swedishSms={form.sv.sms}
        variables={variables}
        onUseDraft={(d) =>
          updateVariant('sv', { sms: d.sms, voiceMode: 'tts', voiceScript: d.voice, emailSubject: d.emailSubject, emailText: d.emailBody })
        }
        onUseSimplified={(sms) => updateVariant('sv', { sms })}
        onUseEnglish={(sms) => updateVariant('en', { sms })}
      />

      {variables.length > 0 && (
        <Paper withBorder p="md">
          <Text fw={700}>{t('fallbacks')}</Text>
          <Text size="sm" c="dimmed" mb="xs">
            {t('fallbacksHelp')}
          </Text>
          <Group grow align="flex-start">
            {variables.map((v) => (
              <TextInput
                key={v}
                label={t('fallbackFor', { v: `{{${v}}}` })}
                value={form.fallbacks[v] ?? ''}
                onChange={(e) => update({ fallbacks: { ...form.fallbacks, [v]: e.currentTarget.value } })}
              />
            ))}
          </Group>
        </Paper>
      )}

      <Text size="sm">
        <strong>{t('channels')}:</strong> {channels.length ? channels.map((c) => words.channel[c]).join(', ') : t('none')}
      </Text>
      <ErrorAlert error={error} />
      {savedNote && !dirty && (
        <Alert color="green" role="status">
          {t('saved')}
        </Alert>
      )}
      <Group justify="space-between">
        <Button size="lg" onClick={save} loading={busy} disabled={!dirty && template !== null}>
          {t('save')}
        </Button>
        {template && (
          <Button variant="subtle" color="red" onClick={() => setDeleting(true)}>
            {t('delete')}
          </Button>
        )}
      </Group>

      <PreviewPanel templateId={template?.id ?? null} channels={channels} dirty={dirty} />

      {template && (
        <ConfirmDialog
          opened={deleting}
          title={t('deleteTitle', { n: template.name })}
          confirmLabel={t('deleteConfirm')}
          onClose={() => setDeleting(false)}
          onConfirm={() => rpc.call('templates.delete', { id: template.id }).then(() => navigate('templates'))}
        >
          <Text>{t('deleteBody')}</Text>
        </ConfirmDialog>
      )}
    </Stack>
  );
}
