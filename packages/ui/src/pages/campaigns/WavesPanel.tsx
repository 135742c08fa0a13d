// The live view's escalation waves: each wave's rule, with the groups it alerts, and what
// became of it — still to be decided (and when), alerted (how many people), or not needed.
import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import type { CampaignProgress, CampaignSettings } from '@gdial/protocol';
import { useFormat, useLanguage, useT } from '../../i18n';
import { useQuery } from '../../rpc/react';
import { waveWords } from './waveWords';

const dict = {
  sv: { title: 'Vågor' },
  en: { title: 'Waves' },
};

const stateColour = { pending: 'blue', alerted: 'orange', 'not-needed': 'green' } as const;

export function WavesPanel({
  waves,
  settings,
}: {
  waves: CampaignProgress['waves'];
  settings: Pick<CampaignSettings, 'waves'> | undefined;
}) {
  const t = useT(dict);
  const f = useFormat();
  const say = waveWords(useLanguage().language);
  const groups = useQuery('groups.list', {});
  if (waves.length === 0) return null;
  const names = (ids: readonly number[]) => ids.map((id) => groups.data?.groups.find((g) => g.id === id)?.name ?? `#${id}`).join(', ');
  return (
    <Paper withBorder p="md" component="section" aria-label={t('title')}>
      <Title order={3} size="h5" mb="xs">
        {t('title')}
      </Title>
      <Stack gap="xs">
        {waves.map((w) => (
          <Group key={w.index} justify="space-between" wrap="nowrap" align="flex-start">
            <Text size="sm">
              <Text span fw={700}>
                {say.title(w.index)}:{' '}
              </Text>
              {say.sentence(w, names(settings?.waves?.[w.index]?.audience.groupIds ?? []))}
            </Text>
            <Badge color={stateColour[w.state]} variant="light" size="lg" style={{ flexShrink: 0 }}>
              {say.state(w, f.dateTime)}
            </Badge>
          </Group>
        ))}
      </Stack>
    </Paper>
  );
}
