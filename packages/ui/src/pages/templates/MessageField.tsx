// A message text with an "insert variable" menu that puts {{name}} where the cursor is.
// Used for every channel's text, the voice script and the e-mail subject.
import { Button, Group, Menu, Stack, TextInput, Textarea } from '@mantine/core';
import { useRef, type ReactNode } from 'react';
import { templateVariables } from '@gdial/protocol';
import { useT } from '../../i18n';
import { insertVariable } from './templateForm';
import { pageScope } from '../../components/pageScope';

const dict = {
  sv: {
    insert: 'Infoga variabel',
    insertFor: 'Infoga variabel i {f}',
    first_name: 'Förnamn',
    last_name: 'Efternamn',
    display_name: 'Hela namnet',
    organisation: 'Organisation',
    role: 'Roll',
    campaign_name: 'Larmets namn',
    operator: 'Operatör',
    date: 'Datum',
    time: 'Klockslag',
    telegram_link: 'Länk till Telegram-boten',
  },
  en: {
    insert: 'Insert variable',
    insertFor: 'Insert variable in {f}',
    first_name: 'First name',
    last_name: 'Last name',
    display_name: 'Full name',
    organisation: 'Organisation',
    role: 'Role',
    campaign_name: 'Alert name',
    operator: 'Operator',
    date: 'Date',
    time: 'Time',
    telegram_link: 'Link to the Telegram bot',
  },
};

export interface MessageFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  description?: ReactNode;
  placeholder?: string;
  singleLine?: boolean;
  minRows?: number;
  error?: string | undefined;
  footer?: ReactNode;
  describedBy?: string;
}

export function MessageField({
  label,
  value,
  onChange,
  description,
  placeholder,
  singleLine,
  minRows = 4,
  error,
  footer,
  describedBy,
}: MessageFieldProps) {
  const t = useT(dict);
  const ref = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const insert = (name: string) => {
    const el = ref.current;
    const r = insertVariable(value, el?.selectionStart ?? value.length, el?.selectionEnd ?? value.length, name);
    onChange(r.text);
    // Put the cursor after the inserted variable once React has written the new value.
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(r.cursor, r.cursor);
    });
  };
  const common = {
    label,
    value,
    description,
    placeholder,
    error,
    onChange: (e: { currentTarget: { value: string } }) => onChange(e.currentTarget.value),
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
  };
  return (
    <Stack gap={4}>
      {singleLine ? <TextInput ref={ref} {...common} /> : <Textarea ref={ref} autosize minRows={minRows} maxRows={14} {...common} />}
      <Group justify="space-between" align="flex-start" wrap="nowrap">
        <div style={{ flex: 1 }}>{footer}</div>
        <Menu position="bottom-end" withinPortal>
          <Menu.Target>
            <Button variant="light" size="compact-sm" aria-label={t('insertFor', { f: label })}>
              {t('insert')}
            </Button>
          </Menu.Target>
          <Menu.Dropdown className={pageScope}>
            {templateVariables.map((v) => (
              <Menu.Item key={v} onClick={() => insert(v)}>
                {t(v)} <code style={{ opacity: 0.6 }}>{`{{${v}}}`}</code>
              </Menu.Item>
            ))}
          </Menu.Dropdown>
        </Menu>
      </Group>
    </Stack>
  );
}
