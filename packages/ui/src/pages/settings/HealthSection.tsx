// Settings → Hälsolarm: the thresholds the engine's health rules fire at, one field per rule
// with its unit. An administrator changes them (audited); everyone sees them. A value out of
// range is named with the range it must be in and nothing is saved.
import { Button, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { healthRules } from '@gdial/protocol';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RoleGuard } from '../../components/RoleGuard';
import { useNotify } from '../../components/useNotify';
import { useFormat, useLanguage, useT } from '../../i18n';
import { useEvent, useQuery, useRpc } from '../../rpc/react';
import { ruleWords } from '../health/healthWords';
import { draftOf, thresholdsOf, type ThresholdDraft } from './healthThresholdsForm';

const dict = {
  sv: {
    title: 'Hälsolarm',
    intro:
      'GDial kontrollerar var 30:e sekund att leverantörerna, reläet, databasen och disken mår bra, och larmar i Hälsolarm och på Översikt när en gräns passeras. Larmet går över av sig självt när problemet är borta, men ligger kvar tills någon kvitterat det.',
    save: 'Spara gränserna',
    saved: 'Gränserna för hälsolarm sparades.',
    range: 'Ska vara ett heltal från {min} till {max}.',
  },
  en: {
    title: 'Health alerts',
    intro:
      'Every 30 seconds GDial checks that the providers, the relay, the database and the disk are well, and raises an alert in Health alerts and on the Overview when a threshold is crossed. The alert resolves by itself once the problem is gone, but stays until someone has acknowledged it.',
    save: 'Save the thresholds',
    saved: 'The health alert thresholds were saved.',
    range: 'Must be a whole number from {min} to {max}.',
  },
};

export function HealthSection() {
  const t = useT(dict);
  const f = useFormat();
  const { language } = useLanguage();
  const rpc = useRpc();
  const notify = useNotify();
  const list = useQuery('health.list', {});
  useEvent('health.changed', () => list.reload());
  const [draft, setDraft] = useState<ThresholdDraft | null>(null);
  const [problems, setProblems] = useState<Map<string, { min: number; max: number }>>(new Map());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const saved = list.data?.thresholds;
  useEffect(() => {
    if (saved && draft === null) setDraft(draftOf(saved));
  }, [saved, draft]);

  const save = () => {
    if (!draft) return;
    const parsed = thresholdsOf(draft);
    if (!parsed.ok) {
      setProblems(new Map(parsed.problems.map((p) => [p.rule, p])));
      return;
    }
    setProblems(new Map());
    setBusy(true);
    setError(null);
    rpc
      .call('health.setThresholds', parsed.value)
      .then((v) => {
        setDraft(draftOf(v));
        notify.done(t('saved'));
      }, setError)
      .finally(() => setBusy(false));
  };

  return (
    <Paper withBorder p="md" component="section" aria-labelledby="health-settings-title">
      <Stack>
        <Title order={3} id="health-settings-title">
          {t('title')}
        </Title>
        <Text size="sm">{t('intro')}</Text>
        <ErrorAlert error={error ?? list.error} />
        {draft && (
          <RoleGuard method="health.setThresholds">
            {(refused) => (
              <Stack>
                <SimpleGrid cols={{ base: 1, md: 2 }}>
                  {healthRules.map((rule) => {
                    const p = problems.get(rule);
                    return (
                      <TextInput
                        key={rule}
                        label={ruleWords[language][rule].setting}
                        value={draft[rule]}
                        inputMode="numeric"
                        disabled={refused}
                        error={p ? t('range', { min: f.number(p.min), max: f.number(p.max) }) : undefined}
                        onChange={(e) => setDraft({ ...draft, [rule]: e.currentTarget.value })}
                      />
                    );
                  })}
                </SimpleGrid>
                <div>
                  <Button onClick={save} loading={busy} disabled={refused}>
                    {t('save')}
                  </Button>
                </div>
              </Stack>
            )}
          </RoleGuard>
        )}
      </Stack>
    </Paper>
  );
}
