// Hand-picked people for an alert: search the address book by name (typos forgiven, as on
// the Contacts page), pick from the matches, and see who is picked with a way to take each
// back out. Picked people are alerted with the groups and segments, each person once.
import { Button, CloseButton, Group, Paper, Pill, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { useT } from '../../i18n';
import { useQuery } from '../../rpc/react';

const dict = {
  sv: {
    label: 'Enskilda kontakter',
    help: 'Sök på namn och välj personer som ska få larmet utöver grupperna.',
    placeholder: 'Sök kontakt…',
    pick: 'Välj {name}',
    picked: 'Valda kontakter',
    unpick: 'Ta bort {name}',
    none: 'Ingen kontakt heter så.',
  },
  en: {
    label: 'Individual contacts',
    help: 'Search by name and choose people to alert besides the groups.',
    placeholder: 'Search contacts…',
    pick: 'Choose {name}',
    picked: 'Chosen contacts',
    unpick: 'Remove {name}',
    none: 'No contact has that name.',
  },
};

/** `label` and `help` name what the people are picked for (default: an alert's individual contacts). */
export function ContactPicker({
  value,
  onChange,
  label,
  help,
}: {
  value: number[];
  onChange: (ids: number[]) => void;
  label?: string;
  help?: string;
}) {
  const t = useT(dict);
  const [query, setQuery] = useState('');
  const [debounced] = useDebouncedValue(query.trim(), 200);
  const [names, setNames] = useState<Record<number, string>>({});
  const found = useQuery('contacts.search', { query: debounced, limit: 8 }, { enabled: debounced.length > 0 });
  const matches = debounced ? (found.data?.items ?? []).filter((c) => !value.includes(c.id)) : [];
  return (
    <Stack gap={6}>
      <TextInput
        label={label ?? t('label')}
        description={help ?? t('help')}
        placeholder={t('placeholder')}
        value={query}
        onChange={(e) => setQuery(e.currentTarget.value)}
        rightSection={query ? <CloseButton aria-label="×" onClick={() => setQuery('')} /> : null}
      />
      {debounced && found.data && (
        <Paper withBorder p={6}>
          {matches.length === 0 ? (
            <Text size="sm">{t('none')}</Text>
          ) : (
            <Group gap={6}>
              {matches.map((c) => (
                <Button
                  key={c.id}
                  size="compact-sm"
                  variant="default"
                  aria-label={t('pick', { name: c.displayName })}
                  onClick={() => {
                    setNames({ ...names, [c.id]: c.displayName });
                    onChange([...value, c.id]);
                  }}
                >
                  + {c.displayName}
                </Button>
              ))}
            </Group>
          )}
        </Paper>
      )}
      {value.length > 0 && (
        <Group gap={6} role="list" aria-label={label ? `${label}: ${t('picked')}` : t('picked')}>
          {value.map((id) => (
            <PickedName key={id} id={id} known={names[id]} onRemove={() => onChange(value.filter((x) => x !== id))} removeLabel={t} />
          ))}
        </Group>
      )}
    </Stack>
  );
}

/** A picked person by name (looked up when the alert was opened with people already picked). */
function PickedName({
  id,
  known,
  onRemove,
  removeLabel,
}: {
  id: number;
  known: string | undefined;
  onRemove: () => void;
  removeLabel: (key: 'unpick', vars: { name: string }) => string;
}) {
  const contact = useQuery('contacts.get', { id }, { enabled: known === undefined });
  const name = known ?? contact.data?.displayName ?? `#${id}`;
  return (
    <Pill
      role="listitem"
      size="md"
      withRemoveButton
      onRemove={onRemove}
      removeButtonProps={{ 'aria-label': removeLabel('unpick', { name }) }}
    >
      {name}
    </Pill>
  );
}
