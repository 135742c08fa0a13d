// A contact's phone numbers in the order they are tried when alerting (first is called
// first). Each line says whether the number can take SMS or only calls, as the engine
// judged it; the order changes with Move up/Move down buttons, which keep the keyboard
// focus on the moved number and announce its new place.
import { ActionIcon, Badge, Button, Group, Loader, Paper, Select, Stack, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { phoneLabels, phoneRefusal, type PhoneLabel } from '@gdial/protocol';
import { issueText } from '../../components/labels';
import { useLanguage, useT } from '../../i18n';
import { moveEntry, newKey, phoneCheckIsCurrent, type PhoneDraft } from './contactForm';

const dict = {
  sv: {
    legend: 'Telefonnummer',
    help: 'Numren provas i den här ordningen när kontakten larmas.',
    number: 'Nummer {n}',
    label: 'Typ av nummer {n}',
    mobile: 'Mobil',
    work: 'Arbete',
    home: 'Hem',
    other: 'Annat',
    up: 'Flytta upp nummer {n} ({number})',
    down: 'Flytta ned nummer {n} ({number})',
    remove: 'Ta bort nummer {n} ({number})',
    add: 'Lägg till nummer',
    sms: 'Samtal och SMS',
    voiceOnly: 'Endast samtal – kan inte ta emot SMS',
    checking: 'Kontrollerar…',
    notChecked: 'Kontrolleras när du skriver',
    moved: '{number} är nu nummer {n} av {count}.',
    removed: 'Numret togs bort.',
    none: 'Inga nummer. Kontakten kan inte ringas eller få SMS.',
    empty: '(tomt)',
    first: 'Rings först',
  },
  en: {
    legend: 'Phone numbers',
    help: 'The numbers are tried in this order when the contact is alerted.',
    number: 'Number {n}',
    label: 'Kind of number {n}',
    mobile: 'Mobile',
    work: 'Work',
    home: 'Home',
    other: 'Other',
    up: 'Move number {n} up ({number})',
    down: 'Move number {n} down ({number})',
    remove: 'Remove number {n} ({number})',
    add: 'Add number',
    sms: 'Calls and SMS',
    voiceOnly: 'Calls only – cannot take SMS',
    checking: 'Checking…',
    notChecked: 'Checked as you type',
    moved: '{number} is now number {n} of {count}.',
    removed: 'The number was removed.',
    none: 'No numbers. The contact cannot be called or texted.',
    empty: '(empty)',
    first: 'Called first',
  },
};

export interface PhoneListEditorProps {
  phones: PhoneDraft[];
  onChange: (phones: PhoneDraft[]) => void;
  /** Field errors from the engine, keyed "phones.<i>.number" / "phones.<i>.label". */
  errors: ReadonlyMap<string, string>;
  /** Checks in flight, by row key. */
  checking: ReadonlySet<string>;
}

export function PhoneListEditor({ phones, onChange, errors, checking }: PhoneListEditorProps) {
  const t = useT(dict);
  const [announcement, setAnnouncement] = useState('');
  const focusAfter = useRef<{ key: string; action: 'up' | 'down' | 'number' } | null>(null);
  const listRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const want = focusAfter.current;
    if (!want) return;
    focusAfter.current = null;
    const row = listRef.current?.querySelector<HTMLElement>(`[data-phone-key="${want.key}"]`);
    const pick = (action: string) => row?.querySelector<HTMLElement>(`[data-action="${action}"]:not([disabled]):not([data-disabled])`);
    // At the top or bottom the pressed button is disabled; the other direction keeps focus in the row.
    (pick(want.action) ?? pick(want.action === 'up' ? 'down' : 'up') ?? pick('number'))?.focus();
  }, [phones]);

  const shown = (p: PhoneDraft) => (p.number.trim() === '' ? t('empty') : p.number.trim());

  const move = (index: number, delta: number) => {
    const p = phones[index];
    if (!p) return;
    const next = moveEntry(phones, index, delta);
    focusAfter.current = { key: p.key, action: delta < 0 ? 'up' : 'down' };
    setAnnouncement(t('moved', { number: shown(p), n: next.indexOf(p) + 1, count: next.length }));
    onChange(next);
  };

  const update = (index: number, patch: Partial<PhoneDraft>) => onChange(phones.map((p, i) => (i === index ? { ...p, ...patch } : p)));

  return (
    <Stack gap="xs" component="fieldset" style={{ border: 0, padding: 0, margin: 0 }}>
      <Text component="legend" fw={700} size="lg">
        {t('legend')}
      </Text>
      <Text size="sm" c="dimmed">
        {t('help')}
      </Text>
      <div ref={listRef}>
        <Stack gap="xs">
          {phones.length === 0 && <Text c="var(--gdial-warn-text)">{t('none')}</Text>}
          {phones.map((p, i) => {
            const n = i + 1;
            const numberError = errors.get(`phones.${i}.number`);
            const labelError = errors.get(`phones.${i}.label`);
            return (
              <Paper key={p.key} withBorder p="xs" data-phone-key={p.key}>
                <Group align="flex-start" gap="xs" wrap="nowrap">
                  <Text fw={700} w={24} pt={30} aria-hidden>
                    {n}.
                  </Text>
                  <Stack gap={4} style={{ flex: 1 }}>
                    <Group align="flex-start" gap="xs" wrap="nowrap">
                      <TextInput
                        style={{ flex: 1 }}
                        label={t('number', { n })}
                        value={p.number}
                        data-action="number"
                        inputMode="tel"
                        autoComplete="off"
                        error={numberError}
                        onChange={(e) => update(i, { number: e.currentTarget.value })}
                      />
                      <Select
                        w={130}
                        label={t('label', { n })}
                        value={p.label}
                        allowDeselect={false}
                        error={labelError}
                        data={phoneLabels.map((l) => ({ value: l, label: t(l) }))}
                        onChange={(v) => v && update(i, { label: v as PhoneLabel })}
                      />
                    </Group>
                    <PhoneStatus phone={p} checking={checking.has(p.key)} t={t} first={i === 0} />
                  </Stack>
                  <Group gap={4} pt={26} wrap="nowrap">
                    <ActionIcon
                      variant="default"
                      size="lg"
                      data-action="up"
                      aria-label={t('up', { n, number: shown(p) })}
                      disabled={i === 0}
                      onClick={() => move(i, -1)}
                    >
                      <span aria-hidden>↑</span>
                    </ActionIcon>
                    <ActionIcon
                      variant="default"
                      size="lg"
                      data-action="down"
                      aria-label={t('down', { n, number: shown(p) })}
                      disabled={i === phones.length - 1}
                      onClick={() => move(i, 1)}
                    >
                      <span aria-hidden>↓</span>
                    </ActionIcon>
                    <ActionIcon
                      variant="light"
                      color="red"
                      size="lg"
                      aria-label={t('remove', { n, number: shown(p) })}
                      onClick={() => {
                        setAnnouncement(t('removed'));
                        const next = phones.filter((_, j) => j !== i);
                        const neighbour = next[Math.min(i, next.length - 1)];
                        if (neighbour) focusAfter.current = { key: neighbour.key, action: 'number' };
                        onChange(next);
                      }}
                    >
                      <span aria-hidden>✕</span>
                    </ActionIcon>
                  </Group>
                </Group>
              </Paper>
            );
          })}
        </Stack>
      </div>
      <Group>
        <Button
          variant="light"
          onClick={() => {
            const fresh: PhoneDraft = { key: newKey(), number: '', label: 'mobile', check: null, checkedNumber: null };
            focusAfter.current = { key: fresh.key, action: 'number' };
            onChange([...phones, fresh]);
          }}
        >
          {t('add')}
        </Button>
      </Group>
      <VisuallyHidden role="status" aria-live="polite">
        {announcement}
      </VisuallyHidden>
    </Stack>
  );
}

function PhoneStatus({
  phone,
  checking,
  first,
  t,
}: {
  phone: PhoneDraft;
  checking: boolean;
  first: boolean;
  t: (k: keyof (typeof dict)['sv']) => string;
}) {
  const { language } = useLanguage();
  const firstBadge =
    first && phone.number.trim() !== '' ? (
      <Badge variant="outline" color="gray">
        {t('first')}
      </Badge>
    ) : null;
  if (phone.number.trim() === '') return null;
  if (checking) {
    return (
      <Group gap={6}>
        <Loader size="xs" />
        <Text size="sm">{t('checking')}</Text>
      </Group>
    );
  }
  if (!phoneCheckIsCurrent(phone) || !phone.check)
    return (
      <Text size="sm" c="dimmed">
        {t('notChecked')}
      </Text>
    );
  if (!phone.check.ok) {
    // In English the check's own words, as before; the code gives Swedish its sentence.
    const text = issueText({ ...phoneRefusal('number', phone.number.trim(), phone.check), message: phone.check.reason }, language);
    return (
      <Text size="sm" c="var(--gdial-error-text)" fw={600}>
        {text}
      </Text>
    );
  }
  return (
    <Group gap={6}>
      <Badge color={phone.check.canSms ? 'green' : 'orange'} variant="light" size="lg">
        {phone.check.canSms ? t('sms') : t('voiceOnly')}
      </Badge>
      <Text size="sm" c="dimmed">
        {phone.check.e164}
      </Text>
      {firstBadge}
    </Group>
  );
}
