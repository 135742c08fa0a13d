// The edit drawer: every field of one contact (or a new one), saved in one call. The
// engine's verdict on each phone number (valid? SMS or calls only?) shows as the operator
// types; a refused save shows each problem next to its field. GDPR requests for the
// contact (export everything as JSON, erase completely) live here too.
import {
  ActionIcon,
  Alert,
  Box,
  Button,
  Checkbox,
  Divider,
  Drawer,
  Group as Row,
  Loader,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useEffect, useMemo, useRef, useState } from 'react';
import { emailLabels, type Channel, type Contact, type EmailLabel, type Group } from '@gdial/protocol';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { useNotify } from '../../components/useNotify';
import { downloadJson } from '../../components/download';
import { useLanguage, useT, type Translate } from '../../i18n';
import { RpcError } from '../../rpc/client';
import { useRpc } from '../../rpc/react';
import { groupOptions } from '../groups/groupTree';
import {
  channelOrder,
  draftFromContact,
  draftToFields,
  emptyDraft,
  issuesByField,
  newKey,
  phoneCheckIsCurrent,
  type ContactDraft,
} from './contactForm';
import { PhoneListEditor } from './PhoneListEditor';
import contrast from '../../components/contrast.module.css';

const dict = {
  sv: {
    editTitle: 'Redigera kontakt: {name}',
    newTitle: 'Ny kontakt',
    loading: 'Hämtar kontakten…',
    names: 'Namn och roll',
    firstName: 'Förnamn',
    lastName: 'Efternamn',
    displayName: 'Visningsnamn',
    displayNameHelp: 'Lämna tomt för att använda för- och efternamn.',
    organisation: 'Organisation',
    role: 'Roll',
    language: 'Språk för meddelanden',
    sv: 'Svenska',
    en: 'Engelska',
    emails: 'E-postadresser',
    email: 'E-post {n}',
    emailLabel: 'Typ av adress {n}',
    addEmail: 'Lägg till e-postadress',
    removeEmail: 'Ta bort e-post {n}',
    work: 'Arbete',
    home: 'Hem',
    other: 'Annat',
    otherChannels: 'Andra kanaler',
    whatsapp: 'WhatsApp-nummer',
    telegram: 'Telegram chatt-id',
    telegramHelp: 'Numret som GDials Telegram-bot ser, t.ex. 123456789.',
    membership: 'Grupper och taggar',
    groups: 'Grupper',
    tags: 'Taggar',
    tagsHelp: 'Skriv och tryck Enter.',
    dnc: 'Får inte kontaktas via',
    dncHelp: 'Kontakten hoppas över i utskick på de kanaler som är markerade.',
    voice: 'Samtal',
    sms: 'SMS',
    emailChannel: 'E-post',
    whatsappChannel: 'WhatsApp',
    telegramChannel: 'Telegram',
    custom: 'Egna fält',
    customName: 'Fältnamn {n}',
    customValue: 'Värde {n}',
    addCustom: 'Lägg till fält',
    removeCustom: 'Ta bort fält {n}',
    notes: 'Anteckningar',
    save: 'Spara',
    create: 'Skapa kontakt',
    close: 'Stäng',
    saved: 'Kontakten sparades.',
    created: 'Kontakten skapades.',
    unchanged: 'Inga ändringar att spara.',
    gdpr: 'Personuppgifter (GDPR)',
    exportData: 'Exportera allt om kontakten (JSON)',
    erase: 'Radera kontakten permanent…',
    eraseTitle: 'Radera {name} permanent?',
    eraseConfirm: 'Radera {name} permanent',
    eraseBody:
      'Allt som finns sparat om kontakten raderas: nummer, adresser, gruppmedlemskap, taggar och anteckningar. I händelseloggen står bara att kontakt #{id} raderades. Det går inte att ångra.',
    erased: 'Kontakten raderades.',
    exported: 'Personuppgifterna laddades ned som {file}.',
    discardTitle: 'Stänga utan att spara?',
    discardBody: 'Du har ändringar som inte är sparade. De försvinner om du stänger.',
    discard: 'Stäng utan att spara',
    keepEditing: 'Fortsätt redigera',
    fixFields: 'Kontakten sparades inte. Rätta de markerade fälten.',
    phonesLegend: 'Telefonnummer',
  },
  en: {
    editTitle: 'Edit contact: {name}',
    newTitle: 'New contact',
    loading: 'Loading the contact…',
    names: 'Name and role',
    firstName: 'First name',
    lastName: 'Last name',
    displayName: 'Display name',
    displayNameHelp: 'Leave empty to use the first and last name.',
    organisation: 'Organisation',
    role: 'Role',
    language: 'Language of messages',
    sv: 'Swedish',
    en: 'English',
    emails: 'E-mail addresses',
    email: 'E-mail {n}',
    emailLabel: 'Kind of address {n}',
    addEmail: 'Add e-mail address',
    removeEmail: 'Remove e-mail {n}',
    work: 'Work',
    home: 'Home',
    other: 'Other',
    otherChannels: 'Other channels',
    whatsapp: 'WhatsApp number',
    telegram: 'Telegram chat id',
    telegramHelp: "The number GDial's Telegram bot sees, e.g. 123456789.",
    membership: 'Groups and tags',
    groups: 'Groups',
    tags: 'Tags',
    tagsHelp: 'Type and press Enter.',
    dnc: 'Must not be contacted by',
    dncHelp: 'The contact is skipped on the channels ticked here.',
    voice: 'Calls',
    sms: 'SMS',
    emailChannel: 'E-mail',
    whatsappChannel: 'WhatsApp',
    telegramChannel: 'Telegram',
    custom: 'Custom fields',
    customName: 'Field name {n}',
    customValue: 'Value {n}',
    addCustom: 'Add field',
    removeCustom: 'Remove field {n}',
    notes: 'Notes',
    save: 'Save',
    create: 'Create contact',
    close: 'Close',
    saved: 'The contact was saved.',
    created: 'The contact was created.',
    unchanged: 'No changes to save.',
    gdpr: 'Personal data (GDPR)',
    exportData: 'Export everything about the contact (JSON)',
    erase: 'Erase the contact permanently…',
    eraseTitle: 'Erase {name} permanently?',
    eraseConfirm: 'Erase {name} permanently',
    eraseBody:
      'Everything stored about the contact is erased: numbers, addresses, group memberships, tags and notes. The audit log only keeps that contact #{id} was erased. This cannot be undone.',
    erased: 'The contact was erased.',
    exported: 'The personal data was downloaded as {file}.',
    discardTitle: 'Close without saving?',
    discardBody: 'You have changes that are not saved. They are lost if you close.',
    discard: 'Close without saving',
    keepEditing: 'Keep editing',
    fixFields: 'The contact was not saved. Correct the marked fields.',
    phonesLegend: 'Phone number',
  },
};

const channelKey: Record<Channel, 'voice' | 'sms' | 'emailChannel' | 'whatsappChannel' | 'telegramChannel'> = {
  voice: 'voice',
  sms: 'sms',
  email: 'emailChannel',
  whatsapp: 'whatsappChannel',
  telegram: 'telegramChannel',
};

export interface ContactDrawerProps {
  /** A contact id, 'new' for a blank form, or null when closed. */
  target: number | 'new' | null;
  groups: readonly Group[];
  onClose: () => void;
  onSaved: (contact: Contact) => void;
  onErased: (id: number) => void;
}

export function ContactDrawer({ target, groups, onClose, onSaved, onErased }: ContactDrawerProps) {
  const t = useT(dict);
  const { language } = useLanguage();
  const rpc = useRpc();
  const notify = useNotify();
  const [stored, setStored] = useState<Contact | null>(null);
  const [draft, setDraft] = useState<ContactDraft>(emptyDraft);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [status, setStatus] = useState('');
  const [checking, setChecking] = useState<ReadonlySet<string>>(new Set());
  const [eraseOpen, setEraseOpen] = useState(false);
  const [discardOpen, setDiscardOpen] = useState(false);
  const baseline = useRef('');

  const heldId = useRef<number | null>(null);
  heldId.current = stored?.id ?? null;

  useEffect(() => {
    // A contact just created here becomes the target; it is already held, so keep its status.
    if (typeof target === 'number' && heldId.current === target) return;
    setSaveError(null);
    setLoadError(null);
    setStatus('');
    if (target === null) {
      // Reopening the same contact later must fetch it afresh.
      setStored(null);
      return;
    }
    if (target === 'new') {
      const d = emptyDraft();
      setStored(null);
      setDraft(d);
      baseline.current = JSON.stringify(draftToFields(d));
      return;
    }
    let live = true;
    setStored(null);
    rpc.call('contacts.get', { id: target }).then(
      (c) => {
        if (!live) return;
        const d = draftFromContact(c);
        setStored(c);
        setDraft(d);
        baseline.current = JSON.stringify(draftToFields(d));
      },
      (e: unknown) => live && setLoadError(e),
    );
    return () => {
      live = false;
    };
  }, [rpc, target]);

  // Ask the engine about each number the operator has typed, once typing pauses.
  const phoneTexts = draft.phones.map((p) => `${p.key}=${p.number}`).join('|');
  useEffect(() => {
    const pending = draft.phones.filter((p) => p.number.trim() !== '' && !phoneCheckIsCurrent(p));
    if (pending.length === 0) return;
    const timer = setTimeout(() => {
      for (const p of pending) {
        const text = p.number.trim();
        setChecking((s) => new Set(s).add(p.key));
        rpc.call('contacts.checkPhone', { number: text }).then(
          (check) => {
            setDraft((d) => ({
              ...d,
              phones: d.phones.map((q) => (q.key === p.key && q.number.trim() === text ? { ...q, check, checkedNumber: text } : q)),
            }));
            setChecking((s) => {
              const n = new Set(s);
              n.delete(p.key);
              return n;
            });
          },
          () =>
            setChecking((s) => {
              const n = new Set(s);
              n.delete(p.key);
              return n;
            }),
        );
      }
    }, 400);
    return () => clearTimeout(timer);
    // Re-run only when a number's text changes, not when a check result arrives.
  }, [phoneTexts]);

  const issues = useMemo(
    () => (saveError instanceof RpcError ? issuesByField(saveError.fieldIssues, draft, language) : new Map<string, string>()),
    [saveError, draft, language],
  );
  const dirty = JSON.stringify(draftToFields(draft)) !== baseline.current;
  const set = <K extends keyof ContactDraft>(key: K, value: ContactDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const opened = target !== null;
  const isNew = target === 'new';
  const title = isNew ? t('newTitle') : t('editTitle', { name: stored?.displayName ?? '…' });

  const save = () => {
    if (!dirty && !isNew) {
      setStatus(t('unchanged'));
      return;
    }
    setSaving(true);
    setSaveError(null);
    setStatus('');
    const fields = draftToFields(draft);
    const call =
      isNew || stored === null ? rpc.call('contacts.create', fields) : rpc.call('contacts.update', { id: stored.id, changes: fields });
    call.then(
      (c) => {
        setSaving(false);
        const d = draftFromContact(c);
        setStored(c);
        setDraft(d);
        baseline.current = JSON.stringify(draftToFields(d));
        // Said in the drawer's own footer: a toast would cover the Save button.
        setStatus(isNew ? t('created') : t('saved'));
        onSaved(c);
      },
      (e: unknown) => {
        setSaving(false);
        setSaveError(e);
      },
    );
  };

  const exportData = () => {
    if (!stored) return;
    rpc.call('contacts.exportPersonalData', { id: stored.id }).then((data) => {
      const file = `personuppgifter-kontakt-${stored.id}.json`;
      downloadJson(file, data);
      setStatus(t('exported', { file }));
    }, setSaveError);
  };

  const fieldError = (path: string) => issues.get(path);
  /** Closing with unsaved edits asks first: a half-edited number must not be lost silently. */
  const requestClose = () => {
    if (dirty && (isNew || stored !== null)) setDiscardOpen(true);
    else onClose();
  };

  return (
    <Drawer
      opened={opened}
      onClose={requestClose}
      position="right"
      className={contrast.scope}
      size={640}
      title={
        <Text fw={700} size="xl">
          {title}
        </Text>
      }
      closeButtonProps={{ 'aria-label': t('close') }}
      padding="lg"
    >
      {loadError ? (
        <ErrorAlert error={loadError} />
      ) : !isNew && stored === null ? (
        <Row>
          <Loader size="sm" />
          <Text>{t('loading')}</Text>
        </Row>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <Stack gap="lg" pb={90}>
            <Stack gap="xs">
              <Text fw={700} size="lg">
                {t('names')}
              </Text>
              <SimpleGrid cols={2}>
                <TextInput
                  label={t('firstName')}
                  value={draft.firstName}
                  error={fieldError('firstName')}
                  onChange={(e) => set('firstName', e.currentTarget.value)}
                  data-autofocus
                />
                <TextInput
                  label={t('lastName')}
                  value={draft.lastName}
                  error={fieldError('lastName')}
                  onChange={(e) => set('lastName', e.currentTarget.value)}
                />
              </SimpleGrid>
              <TextInput
                label={t('displayName')}
                description={t('displayNameHelp')}
                value={draft.displayNameDerived ? '' : draft.displayName}
                placeholder={draft.displayNameDerived ? [draft.firstName, draft.lastName].join(' ').trim() : undefined}
                error={fieldError('displayName')}
                onChange={(e) => {
                  const v = e.currentTarget.value;
                  setDraft((d) => ({ ...d, displayName: v, displayNameDerived: v.trim() === '' }));
                }}
              />
              <SimpleGrid cols={2}>
                <TextInput
                  label={t('organisation')}
                  value={draft.organisation}
                  error={fieldError('organisation')}
                  onChange={(e) => set('organisation', e.currentTarget.value)}
                />
                <TextInput
                  label={t('role')}
                  value={draft.role}
                  error={fieldError('role')}
                  onChange={(e) => set('role', e.currentTarget.value)}
                />
              </SimpleGrid>
              <Select
                w={240}
                label={t('language')}
                value={draft.language}
                allowDeselect={false}
                data={[
                  { value: 'sv', label: t('sv') },
                  { value: 'en', label: t('en') },
                ]}
                onChange={(v) => v && set('language', v as ContactDraft['language'])}
              />
            </Stack>

            <Divider />
            <PhoneListEditor phones={draft.phones} onChange={(phones) => set('phones', phones)} errors={issues} checking={checking} />
            {fieldError('phones') && (
              <Text c="var(--gdial-error-text)" size="sm">
                {fieldError('phones')}
              </Text>
            )}

            <Divider />
            <Stack gap="xs">
              <Text fw={700} size="lg">
                {t('emails')}
              </Text>
              {draft.emails.map((e, i) => (
                <Row key={e.key} align="flex-start" gap="xs" wrap="nowrap">
                  <TextInput
                    style={{ flex: 1 }}
                    type="email"
                    label={t('email', { n: i + 1 })}
                    value={e.address}
                    error={fieldError(`emails.${i}.address`)}
                    onChange={(ev) => {
                      const v = ev.currentTarget.value;
                      set(
                        'emails',
                        draft.emails.map((x, j) => (j === i ? { ...x, address: v } : x)),
                      );
                    }}
                  />
                  <Select
                    w={130}
                    label={t('emailLabel', { n: i + 1 })}
                    value={e.label}
                    allowDeselect={false}
                    data={emailLabels.map((l) => ({ value: l, label: t(l) }))}
                    onChange={(v) =>
                      v &&
                      set(
                        'emails',
                        draft.emails.map((x, j) => (j === i ? { ...x, label: v as EmailLabel } : x)),
                      )
                    }
                  />
                  <ActionIcon
                    mt={26}
                    variant="light"
                    color="red"
                    size="lg"
                    aria-label={t('removeEmail', { n: i + 1 })}
                    onClick={() =>
                      set(
                        'emails',
                        draft.emails.filter((_, j) => j !== i),
                      )
                    }
                  >
                    <span aria-hidden>✕</span>
                  </ActionIcon>
                </Row>
              ))}
              <Row>
                <Button variant="light" onClick={() => set('emails', [...draft.emails, { key: newKey(), address: '', label: 'work' }])}>
                  {t('addEmail')}
                </Button>
              </Row>
            </Stack>

            <Divider />
            <Stack gap="xs">
              <Text fw={700} size="lg">
                {t('otherChannels')}
              </Text>
              <SimpleGrid cols={2}>
                <TextInput
                  label={t('whatsapp')}
                  inputMode="tel"
                  value={draft.whatsapp}
                  error={fieldError('whatsapp')}
                  onChange={(e) => set('whatsapp', e.currentTarget.value)}
                />
                <TextInput
                  label={t('telegram')}
                  description={t('telegramHelp')}
                  value={draft.telegramChatId}
                  error={fieldError('telegramChatId')}
                  onChange={(e) => set('telegramChatId', e.currentTarget.value)}
                />
              </SimpleGrid>
            </Stack>

            <Divider />
            <Stack gap="xs">
              <Text fw={700} size="lg">
                {t('membership')}
              </Text>
              <MultiSelect
                label={t('groups')}
                data={groupOptions(groups)}
                value={draft.groupIds.map(String)}
                error={fieldError('groupIds')}
                searchable
                onChange={(v) => set('groupIds', v.map(Number))}
              />
              <TagsInput
                label={t('tags')}
                description={t('tagsHelp')}
                value={draft.tags}
                error={fieldError('tags') ?? [...issues.entries()].find(([k]) => k.startsWith('tags.'))?.[1]}
                onChange={(v) => set('tags', v)}
              />
            </Stack>

            <Divider />
            <Checkbox.Group
              label={
                <Text fw={700} size="lg" span>
                  {t('dnc')}
                </Text>
              }
              description={t('dncHelp')}
              value={channelOrder.filter((c) => draft.doNotContact[c])}
              onChange={(v) =>
                set('doNotContact', Object.fromEntries(channelOrder.map((c) => [c, v.includes(c)])) as ContactDraft['doNotContact'])
              }
            >
              <Row mt="xs">
                {channelOrder.map((c) => (
                  <Checkbox key={c} value={c} label={t(channelKey[c])} color="red" />
                ))}
              </Row>
            </Checkbox.Group>

            <Divider />
            <Stack gap="xs">
              <Text fw={700} size="lg">
                {t('custom')}
              </Text>
              {draft.customFields.map((cf, i) => (
                <Row key={cf.key} align="flex-start" gap="xs" wrap="nowrap">
                  <TextInput
                    style={{ flex: 1 }}
                    label={t('customName', { n: i + 1 })}
                    value={cf.name}
                    onChange={(e) => {
                      const v = e.currentTarget.value;
                      set(
                        'customFields',
                        draft.customFields.map((x, j) => (j === i ? { ...x, name: v } : x)),
                      );
                    }}
                  />
                  <TextInput
                    style={{ flex: 2 }}
                    label={t('customValue', { n: i + 1 })}
                    value={cf.value}
                    error={fieldError(`customFields.${cf.name}`)}
                    onChange={(e) => {
                      const v = e.currentTarget.value;
                      set(
                        'customFields',
                        draft.customFields.map((x, j) => (j === i ? { ...x, value: v } : x)),
                      );
                    }}
                  />
                  <ActionIcon
                    mt={26}
                    variant="light"
                    color="red"
                    size="lg"
                    aria-label={t('removeCustom', { n: i + 1 })}
                    onClick={() =>
                      set(
                        'customFields',
                        draft.customFields.filter((_, j) => j !== i),
                      )
                    }
                  >
                    <span aria-hidden>✕</span>
                  </ActionIcon>
                </Row>
              ))}
              <Row>
                <Button
                  variant="light"
                  onClick={() => set('customFields', [...draft.customFields, { key: newKey(), name: '', value: '', original: undefined }])}
                >
                  {t('addCustom')}
                </Button>
              </Row>
            </Stack>

            <Textarea
              label={
                <Text fw={700} size="lg" span>
                  {t('notes')}
                </Text>
              }
              autosize
              minRows={3}
              value={draft.notes}
              error={fieldError('notes')}
              onChange={(e) => set('notes', e.currentTarget.value)}
            />

            {stored && (
              <>
                <Divider />
                <Stack gap="xs">
                  <Text fw={700} size="lg">
                    {t('gdpr')}
                  </Text>
                  <Row>
                    <Button variant="default" onClick={exportData}>
                      {t('exportData')}
                    </Button>
                    <Button variant="light" color="red" onClick={() => setEraseOpen(true)}>
                      {t('erase')}
                    </Button>
                  </Row>
                </Stack>
              </>
            )}
          </Stack>

          <Box
            pos="sticky"
            bottom={0}
            py="sm"
            bg="var(--mantine-color-body)"
            style={{ borderTop: '1px solid var(--mantine-color-gray-3)', zIndex: 5 }}
          >
            {saveError !== null && (
              <Box mb="sm" mah={220} style={{ overflow: 'auto' }}>
                {saveError instanceof RpcError && saveError.code === 'VALIDATION' ? (
                  <Alert color="red" role="alert" title={t('fixFields')}>
                    <ErrorList issues={issues} t={t} />
                  </Alert>
                ) : (
                  <ErrorAlert error={saveError} />
                )}
              </Box>
            )}
            <Row justify="space-between">
              <Text role="status" c="var(--gdial-ok-text)" fw={600}>
                {status}
              </Text>
              <Row>
                <Button variant="default" onClick={requestClose}>
                  {t('close')}
                </Button>
                <Button type="submit" loading={saving} size="md">
                  {isNew ? t('create') : t('save')}
                </Button>
              </Row>
            </Row>
          </Box>
        </form>
      )}
      <ConfirmDialog
        opened={discardOpen}
        title={t('discardTitle')}
        confirmLabel={t('discard')}
        cancelLabel={t('keepEditing')}
        onClose={() => setDiscardOpen(false)}
        onConfirm={async () => {
          setDiscardOpen(false);
          onClose();
        }}
      >
        <Text>{t('discardBody')}</Text>
      </ConfirmDialog>
      {stored && (
        <ConfirmDialog
          opened={eraseOpen}
          title={t('eraseTitle', { name: stored.displayName })}
          confirmLabel={t('eraseConfirm', { name: stored.displayName })}
          onClose={() => setEraseOpen(false)}
          onConfirm={() =>
            rpc.call('contacts.erase', { id: stored.id }).then(() => {
              notify.done(t('erased'));
              onErased(stored.id);
            })
          }
        >
          <Text>{t('eraseBody', { id: stored.id })}</Text>
        </ConfirmDialog>
      )}
    </Drawer>
  );
}

type DrawerKey = keyof (typeof dict)['sv'];

/** The label the operator sees for a field the engine named by its path. */
function fieldLabel(path: string, t: Translate<DrawerKey>): string {
  const m = /^(phones|emails|customFields|tags)\.([^.]+)/.exec(path);
  if (m?.[1] === 'phones') return `${t('phonesLegend')} ${Number(m[2]) + 1}`;
  if (m?.[1] === 'emails') return t('email', { n: Number(m[2]) + 1 });
  if (m?.[1] === 'customFields') return `${t('custom')}: ${m[2]}`;
  if (m?.[1] === 'tags') return t('tags');
  const simple: Partial<Record<string, DrawerKey>> = {
    firstName: 'firstName',
    lastName: 'lastName',
    displayName: 'displayName',
    organisation: 'organisation',
    role: 'role',
    notes: 'notes',
    whatsapp: 'whatsapp',
    telegramChatId: 'telegram',
    groupIds: 'groups',
    phones: 'phonesLegend',
    emails: 'emails',
  };
  const key = simple[path];
  return key ? t(key) : path;
}

function ErrorList({ issues, t }: { issues: ReadonlyMap<string, string>; t: Translate<DrawerKey> }) {
  return (
    <Stack gap={2}>
      {[...issues.entries()].map(([path, message]) => (
        <Text key={path} size="sm">
          <strong>{fieldLabel(path, t)}</strong>: {message}
        </Text>
      ))}
    </Stack>
  );
}
