// The progress of one long step of an import: what is happening, how far it is, in words
// and as a bar (indeterminate while the total is not known yet).
import { Paper, Progress, Stack, Text } from '@mantine/core';
import { useFormat, useT } from '../../i18n';

/** How far one long step of an import has come, as the engine's progress events report it. */
export interface ImportProgress {
  phase: 'reading' | 'validating' | 'writing';
  processed: number;
  total: number;
}

const dict = {
  sv: {
    reading: 'Läser filen…',
    validating: 'Kontrollerar raderna…',
    writing: 'Sparar kontakterna…',
    starting: 'Startar…',
    counted: '{done} av {total}',
    bytes: '{done} av {total} kB',
    label: 'Importens förlopp',
  },
  en: {
    reading: 'Reading the file…',
    validating: 'Checking the rows…',
    writing: 'Saving the contacts…',
    starting: 'Starting…',
    counted: '{done} of {total}',
    bytes: '{done} of {total} kB',
    label: 'Import progress',
  },
};

export function ProgressPanel({ progress, fallback }: { progress: ImportProgress | null; fallback: 'reading' | 'validating' | 'writing' }) {
  const t = useT(dict);
  const f = useFormat();
  const phase = progress?.phase ?? fallback;
  const known = progress !== null && progress.total > 0;
  const pct = known ? Math.min(100, Math.round((progress.processed / progress.total) * 100)) : 100;
  const count = !known
    ? t('starting')
    : phase === 'reading'
      ? t('bytes', { done: f.number(Math.round(progress.processed / 1024)), total: f.number(Math.round(progress.total / 1024)) })
      : t('counted', { done: f.number(progress.processed), total: f.number(progress.total) });
  return (
    <Paper withBorder p="lg">
      <Stack gap="xs">
        <Text fw={700} size="lg">
          {t(phase)}
        </Text>
        <Progress
          value={pct}
          size="xl"
          animated={!known || pct < 100}
          striped={!known}
          aria-label={t('label')}
          aria-valuetext={known ? `${pct} %` : t('starting')}
        />
        <Text role="status" aria-live="polite">
          {known ? `${pct} % – ${count}` : count}
        </Text>
      </Stack>
    </Paper>
  );
}
