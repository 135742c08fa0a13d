// The fields of the contact drawer's form: name and role, phone numbers (with the engine's
// verdict on each), e-mail addresses, other channels, groups and tags, the channels the
// contact must not be reached by, custom fields and notes. The drawer owns the draft and
// the save; this only shows the draft and reports each edit.
import {
  ActionIcon,
  Button,
  Checkbox,
  Divider,
  Group as Row,
  MultiSelect,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import type { Dispatch, SetStateAction } from 'react';
import { emailLabels, type EmailLabel, type Group } from '@gdial/protocol';
import { groupOptions } from '../../components/groupTree';
import { useT } from '../../i18n';
import { channelOrder, newKey, type ContactDraft } from './contactForm';
import { channelKey, dict } from './contactDrawerWords';
import { PhoneListEditor } from './PhoneListEditor';

export interface ContactFormFieldsProps {
  draft: ContactDraft;
  setDraft: Dispatch<SetStateAction<ContactDraft>>;
  /** The engine's objections to the last save, by field path. */
  issues: ReadonlyMap<string, string>;
  /** Keys of the phone numbers the engine is checking right now. */
  checking: ReadonlySet<string>;
  groups: readonly Group[];
}

export function ContactFormFields({ draft, setDraft, issues, checking, groups }: ContactFormFieldsProps) {
  const t = useT(dict);
  const set = <K extends keyof ContactDraft>(key: K, value: ContactDraft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const fieldError = (path: string) => issues.get(path);
  return (
    <>
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
          <TextInput label={t('role')} value={draft.role} error={fieldError('role')} onChange={(e) => set('role', e.currentTarget.value)} />
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
    </>
  );
}
