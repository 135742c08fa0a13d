// AI help with replies (issue #18), kept apart from the inbox page so that page stays small:
// the suggested classes of the listed replies (badges, a filter and "behöver hjälp" first),
// the button that asks the AI to suggest classes for replies without one, and the summary of
// an alert's replies for the after-action report. A class is a suggestion shown as such: it
// handles, confirms or answers nothing. With AI off the controls say so and the inbox works.
import { Alert, Button, Group, Select, Stack, Switch, Text } from '@mantine/core';
import { useMemo, useState } from 'react';
import { replyClasses, type AiUse, type ReplyClass, type ReplySuggestion } from '@gdial/protocol';
import { AiUseLine, useAiWords } from '../../components/aiWords';
import { ErrorAlert } from '../../components/ErrorAlert';
import { RoleGuard } from '../../components/RoleGuard';
import { useT } from '../../i18n';
import { useQuery, useRpc } from '../../rpc/react';

const dict = {
  sv: {
    classify: 'Sortera svaren med AI',
    classified: '{n} svar fick ett förslag. Förslagen är bara förslag: läs svaren.',
    nothing: 'Alla svar har redan ett förslag.',
    filter: 'AI-förslag',
    allClasses: 'Alla svar',
    sort: 'Behöver hjälp först',
    off: 'AI-stödet är avstängt; svaren sorteras inte.',
    summarise: 'Sammanfatta svaren med AI',
    summary: 'AI-sammanfattning av {n} svar (förslag, kontrollera mot svaren)',
  },
  en: {
    classify: 'Sort the replies with AI',
    classified: '{n} replies got a suggestion. Suggestions are only suggestions: read the replies.',
    nothing: 'Every reply already has a suggestion.',
    filter: 'AI suggestion',
    allClasses: 'All replies',
    sort: 'Needs help first',
    off: 'AI assistance is turned off; replies are not sorted.',
    summarise: 'Summarise the replies with AI',
    summary: 'AI summary of {n} replies (a suggestion; check it against the replies)',
  },
};

const order: Record<ReplyClass, number> = { 'behöver-hjälp': 0, fråga: 1, bekräftelse: 2, övrigt: 3 };

/** The suggestions of the listed replies, the filter and order the operator chose, and the controls. */
export function useReplySuggestions(ids: number[]) {
  const t = useT(dict);
  const words = useAiWords();
  const rpc = useRpc();
  const status = useQuery('ai.status', {});
  const q = useQuery('ai.replySuggestions', { inboxIds: ids.slice(0, 1000) }, { enabled: ids.length > 0 });
  const [filter, setFilter] = useState<ReplyClass | 'all'>('all');
  const [helpFirst, setHelpFirst] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [outcome, setOutcome] = useState<{ n: number; use: AiUse | null } | null>(null);
  const byId = useMemo(() => new Map<number, ReplySuggestion>((q.data?.suggestions ?? []).map((s) => [s.inboxId, s])), [q.data]);
  const enabled = status.data?.settings.enabled ?? false;

  const classify = () => {
    setBusy(true);
    setError(null);
    rpc
      .call('ai.classifyReplies', { limit: 200 })
      .then((r) => {
        setOutcome({ n: r.suggestions.length, use: r.use });
        q.reload();
      }, setError)
      .finally(() => setBusy(false));
  };

  /** The replies the filter keeps, in the chosen order (stable otherwise). */
  const arrange = <T extends { id: number }>(items: T[]): T[] => {
    const kept = filter === 'all' ? items : items.filter((m) => byId.get(m.id)?.category === filter);
    if (!helpFirst) return kept;
    const rank = (m: T) => {
      const s = byId.get(m.id);
      return s ? order[s.category] : 4;
    };
    return [...kept].sort((a, b) => rank(a) - rank(b));
  };

  const controls = (
    <Stack gap="xs">
      {enabled ? (
        <Group align="end">
          <RoleGuard method="ai.classifyReplies">
            {(refused) => (
              <Button variant="light" onClick={classify} loading={busy} disabled={refused}>
                {t('classify')}
              </Button>
            )}
          </RoleGuard>
          <Select
            label={t('filter')}
            value={filter}
            onChange={(v) => setFilter((v as ReplyClass | 'all' | null) ?? 'all')}
            data={[{ value: 'all', label: t('allClasses') }, ...replyClasses.map((c) => ({ value: c, label: words.replyClass[c] }))]}
            allowDeselect={false}
            w={240}
          />
          <Switch label={t('sort')} checked={helpFirst} onChange={(e) => setHelpFirst(e.currentTarget.checked)} />
        </Group>
      ) : (
        status.data && (
          <Text size="sm" c="dimmed">
            {t('off')}
          </Text>
        )
      )}
      {outcome && (
        <Alert color={outcome.n ? 'blue' : 'gray'} role="status">
          <Stack gap={2}>
            <Text size="sm">{outcome.n ? t('classified', { n: outcome.n }) : t('nothing')}</Text>
            {outcome.use && <AiUseLine use={outcome.use} text={false} />}
          </Stack>
        </Alert>
      )}
      <ErrorAlert error={error} />
    </Stack>
  );
  return { suggestion: (id: number) => byId.get(id) ?? null, arrange, controls };
}

/** The after-action report's AI summary of an alert's replies, asked for on demand. */
export function ReplySummary({ campaignId }: { campaignId: number }) {
  const t = useT(dict);
  const rpc = useRpc();
  const status = useQuery('ai.status', {});
  const [result, setResult] = useState<{ summary: string; replies: number; use: AiUse } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (!status.data?.settings.enabled) return null;
  const run = () => {
    setBusy(true);
    setError(null);
    rpc
      .call('ai.summariseReplies', { campaignId })
      .then(setResult, setError)
      .finally(() => setBusy(false));
  };
  return (
    <Stack gap="xs" className="no-print">
      <RoleGuard method="ai.summariseReplies">
        {(refused) => (
          <Button variant="light" onClick={run} loading={busy} disabled={refused} style={{ alignSelf: 'flex-start' }}>
            {t('summarise')}
          </Button>
        )}
      </RoleGuard>
      <ErrorAlert error={error} />
      {result && (
        <Alert color="blue" title={t('summary', { n: result.replies })}>
          <Stack gap={4}>
            <Text style={{ whiteSpace: 'pre-wrap' }}>{result.summary}</Text>
            <AiUseLine use={result.use} text={false} />
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}
