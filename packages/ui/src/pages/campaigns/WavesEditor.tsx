// The wizard's escalation waves: "if fewer than N people (or N %) have confirmed after M
// minutes, alert these groups too", each wave said back as a sentence so the operator reads
// what will happen. Waves are decided in order and use the alert's own channels and message.
import { ActionIcon, Button, Group, MultiSelect, NumberInput, Paper, SegmentedControl, Stack, Text } from '@mantine/core';
import type { Group as ContactGroup } from '@gdial/protocol';
import { groupOptions } from '../../components/groupTree';
import { useLanguage, useT } from '../../i18n';
import { waveWords } from './waveWords';
import { newWave, type WaveForm } from './wizardState';

const MAX_WAVES = 5;

const dict = {
  sv: {
    title: 'Vågor – om för få bekräftar',
    help: 'Om för få har bekräftat efter en viss tid larmas fler grupper, med samma kanaler och meddelande. Den som redan fått larmet larmas inte igen.',
    after: 'Efter (minuter från start)',
    fewerThan: 'Om färre än',
    unit: 'Räkna i',
    people: 'personer',
    percent: 'procent',
    groups: 'larmas dessa grupper',
    noGroup: '(välj grupper)',
    add: 'Lägg till våg',
    remove: 'Ta bort våg {n}',
  },
  en: {
    title: 'Waves – if too few confirm',
    help: 'If too few have confirmed after a set time, more groups are alerted, with the same channels and message. Whoever already got the alert is not alerted again.',
    after: 'After (minutes from the start)',
    fewerThan: 'If fewer than',
    unit: 'Count in',
    people: 'people',
    percent: 'percent',
    groups: 'alert these groups',
    noGroup: '(choose groups)',
    add: 'Add wave',
    remove: 'Remove wave {n}',
  },
};

export function WavesEditor({
  waves,
  onChange,
  groups,
}: {
  waves: WaveForm[];
  onChange: (waves: WaveForm[]) => void;
  groups: readonly ContactGroup[];
}) {
  const t = useT(dict);
  const say = waveWords(useLanguage().language);
  const options = groupOptions(groups);
  const setWave = (i: number, patch: Partial<WaveForm>) => onChange(waves.map((w, j) => (j === i ? { ...w, ...patch } : w)));
  const names = (ids: number[]) => ids.map((id) => groups.find((g) => g.id === id)?.name ?? `#${id}`).join(', ') || t('noGroup');
  return (
    <Stack mt="md" gap="sm">
      <Stack gap={2}>
        <Text fw={600}>{t('title')}</Text>
        <Text size="sm" c="dimmed">
          {t('help')}
        </Text>
      </Stack>
      {waves.map((w, i) => (
        <Paper key={i} withBorder p="md" aria-label={say.title(i)} component="section">
          <Group justify="space-between" mb="xs">
            <Text fw={700}>{say.title(i)}</Text>
            <ActionIcon
              variant="default"
              color="red"
              onClick={() => onChange(waves.filter((_, j) => j !== i))}
              aria-label={t('remove', { n: i + 1 })}
            >
              ✕
            </ActionIcon>
          </Group>
          <Group grow align="flex-end">
            <NumberInput
              label={t('after')}
              min={1}
              max={10080}
              value={w.afterMinutes}
              onChange={(v) => setWave(i, { afterMinutes: typeof v === 'number' ? v : Number(v) || 0 })}
            />
            <NumberInput
              label={t('fewerThan')}
              min={1}
              max={w.unit === 'percent' ? 100 : 100_000}
              value={w.fewerThan}
              onChange={(v) => setWave(i, { fewerThan: typeof v === 'number' ? v : Number(v) || 0 })}
            />
            <Stack gap={4}>
              <Text size="sm" fw={500} id={`wave-unit-${i}`}>
                {t('unit')}
              </Text>
              <SegmentedControl
                aria-labelledby={`wave-unit-${i}`}
                value={w.unit}
                onChange={(v) => setWave(i, { unit: v as WaveForm['unit'] })}
                data={[
                  { value: 'percent', label: t('percent') },
                  { value: 'people', label: t('people') },
                ]}
              />
            </Stack>
          </Group>
          <MultiSelect
            mt="xs"
            label={t('groups')}
            data={options}
            value={w.groupIds.map(String)}
            onChange={(v) => setWave(i, { groupIds: v.map(Number) })}
            searchable
          />
          <Text size="sm" mt="xs" role="status">
            {say.sentence(w, names(w.groupIds))}
          </Text>
        </Paper>
      ))}
      <Group>
        <Button
          variant="default"
          disabled={waves.length >= MAX_WAVES}
          onClick={() => onChange([...waves, newWave((waves.at(-1)?.afterMinutes ?? 0) + 10)])}
        >
          + {t('add')}
        </Button>
      </Group>
    </Stack>
  );
}
