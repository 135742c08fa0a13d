// The roll-call's filter, search and list as one part of the live view that keeps its own
// state: a keystroke in the search redraws this part only (not the counts, the chart and the
// buttons above), and the progress pushed ten times a second redraws only the filter's counts
// here. The search runs over the lines the view already holds, in the keystroke's own frame
// (a loop over 10,000 prepared keys is about a millisecond), so it is never starved by the
// stream of updates the way a deferred render would be; the keys are made beforehand, while
// the page is idle, and kept per person across the versions of their line. The list follows
// the stream of new lines as a deferred value instead: a keystroke that arrives while a new
// version of 10,000 lines is being drawn interrupts that drawing and filters the lines already
// shown, rather than waiting behind it (that wait was the search's p95 tail of 50–140 ms).
import { Group, SegmentedControl, Text, TextInput } from '@mantine/core';
import { memo, useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { RecipientReport } from '@gdial/protocol';
import { useT } from '../../i18n';
import { filterRollCall, prepareSearchKeys, type RollCallFilter } from './rollCall';
import { RollCallList } from './RollCallList';

const dict = {
  sv: {
    search: 'Sök i upproplistan',
    searchHelp: 'Namn eller telefonnummer',
    name: 'Namn',
    status: 'Status',
    latest: 'Utskick',
    confirmedAt: 'Bekräftelse',
    rollCall: 'Upprop',
    showHistory: 'Visa förlopp för {n}',
    nobody: 'Ingen här just nu.',
  },
  en: {
    search: 'Search the roll-call',
    searchHelp: 'Name or phone number',
    name: 'Name',
    status: 'Status',
    latest: 'Sends',
    confirmedAt: 'Confirmation',
    rollCall: 'Roll-call',
    showHistory: 'Show history for {n}',
    nobody: 'Nobody here right now.',
  },
};

export interface RollCallSectionProps {
  recipients: readonly RecipientReport[];
  /** The filter's choices with their counts, in the operator's language. */
  filterLabels: Record<RollCallFilter, string>;
  heldChannels: ReadonlySet<string>;
  confirmationEnabled: boolean;
  onSelect: (r: RecipientReport) => void;
}

export const RollCallSection = memo(function RollCallSection({
  recipients,
  filterLabels,
  heldChannels,
  confirmationEnabled,
  onSelect,
}: RollCallSectionProps) {
  const t = useT(dict);
  const [filter, setFilter] = useState<RollCallFilter>('all');
  const [query, setQuery] = useState('');
  const shown = useDeferredValue(recipients);
  const rows = useMemo(() => filterRollCall(shown, filter, query, confirmationEnabled), [shown, filter, query, confirmationEnabled]);
  // The search's keys are made while the page is idle, not in the first keystroke's frame.
  useEffect(() => prepareSearchKeys(shown), [shown]);
  const showHistory = useCallback((n: string) => t('showHistory', { n }), [t]);
  const columns = useMemo(() => ({ name: t('name'), status: t('status'), latest: t('latest'), confirmedAt: t('confirmedAt') }), [t]);
  return (
    <>
      <Group align="flex-end">
        <SegmentedControl
          size="md"
          value={filter}
          onChange={(v) => setFilter(v as RollCallFilter)}
          aria-label={t('rollCall')}
          data={(['all', 'confirmed', 'waiting', 'failed'] as const).map((value) => ({ value, label: filterLabels[value] }))}
        />
        <TextInput
          label={t('search')}
          placeholder={t('searchHelp')}
          value={query}
          onChange={(e) => setQuery(e.currentTarget.value)}
          style={{ flex: 1, minWidth: 220 }}
        />
      </Group>
      {rows.length === 0 ? (
        <Text>{t('nobody')}</Text>
      ) : (
        <RollCallList
          rows={rows}
          label={t('rollCall')}
          columns={columns}
          showHistory={showHistory}
          heldChannels={heldChannels}
          confirmationEnabled={confirmationEnabled}
          onSelect={onSelect}
        />
      )}
    </>
  );
});
