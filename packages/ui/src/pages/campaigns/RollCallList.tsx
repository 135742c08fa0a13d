// The roll-call: everyone in the alert, however many, as a table whose rows exist in the DOM
// only while in view (fixed row height, positioned by transform), so 10,000 people scroll
// and update as smoothly as ten. Each person's name opens their history.
import { Badge } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef } from 'react';
import type { RecipientReport } from '@gdial/protocol';
import { useWords } from '../../components/labels';
import { useFormat, useLanguage } from '../../i18n';
import { PhoneNumbers } from './PhoneFollowUp';
import { WaveMark } from './WaveMark';
import { openedWords, personStateColour, personStateWords } from './personStateWords';
import { openedAt, personState, startedDeliveries, unreachedReason } from './rollCall';
import classes from './RollCallList.module.css';

/** Two lines: the name and the numbers to call. */
const ROW_HEIGHT = 56;
/** Rows in view before the list scrolls: short lists show whole, without a scrollbar of their own. */
const ROWS_IN_VIEW = 14;

export interface RollCallListProps {
  rows: readonly RecipientReport[];
  label: string;
  columns: { name: string; status: string; latest: string; confirmedAt: string };
  showHistory: (name: string) => string;
  heldChannels: ReadonlySet<string>;
  confirmationEnabled: boolean;
  onSelect: (r: RecipientReport) => void;
}

/** Drawn again when its lines change (a new array), not with each progress push around it. */
export const RollCallList = memo(function RollCallList({
  rows,
  label,
  columns,
  showHistory,
  heldChannels,
  confirmationEnabled,
  onSelect,
}: RollCallListProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
    scrollMargin: ROW_HEIGHT,
    scrollPaddingStart: ROW_HEIGHT,
  });
  const height = (Math.min(rows.length, ROWS_IN_VIEW) + 1) * ROW_HEIGHT + 2;
  return (
    <div ref={scrollRef} className={classes.table} style={{ height }} role="table" aria-label={label} aria-rowcount={rows.length + 1}>
      <div role="rowgroup">
        <div role="row" aria-rowindex={1} className={`${classes.row} ${classes.header}`}>
          <span role="columnheader" className={classes.cell}>
            {columns.name}
          </span>
          <span role="columnheader" className={classes.cell}>
            {columns.status}
          </span>
          <span role="columnheader" className={classes.cell}>
            {columns.latest}
          </span>
          <span role="columnheader" className={classes.cell}>
            {columns.confirmedAt}
          </span>
        </div>
      </div>
      <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const r = rows[item.index]!;
          return (
            <RollCallRow
              key={r.id}
              index={item.index}
              start={item.start - ROW_HEIGHT}
              r={r}
              showHistory={showHistory}
              heldChannels={heldChannels}
              confirmationEnabled={confirmationEnabled}
              onSelect={onSelect}
            />
          );
        })}
      </div>
    </div>
  );
});

interface RowProps {
  index: number;
  start: number;
  r: RecipientReport;
  showHistory: (name: string) => string;
  heldChannels: ReadonlySet<string>;
  confirmationEnabled: boolean;
  onSelect: (r: RecipientReport) => void;
}

/** A line is drawn again only when that person's line changed (a new object from the engine). */
const RollCallRow = memo(function RollCallRow({ index, start, r, showHistory, heldChannels, confirmationEnabled, onSelect }: RowProps) {
  const words = useWords();
  const f = useFormat();
  const { language } = useLanguage();
  const state = personState(r, heldChannels, confirmationEnabled);
  const reason = state === 'unreached' ? unreachedReason(r, language) : null;
  const started = startedDeliveries(r);
  const opened = openedAt(r);
  const sends = [
    ...started.map(
      (d) => `${words.channel[d.channel]}: ${words.deliveryState[d.state]}${d.error ? ` (${words.eventDetail(d.error)})` : ''}`,
    ),
    // An engångsmeddelande's link was opened: with the time, beside the sends it came in.
    ...(opened ? [openedWords[language](f.dateTime(opened))] : []),
  ].join(' · ');
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={`${classes.row} ${classes.bodyRow}`}
      style={{ transform: `translateY(${start}px)` }}
    >
      <span role="cell" className={classes.cell}>
        <button type="button" className={classes.name} onClick={() => onSelect(r)} aria-label={showHistory(r.displayName)}>
          {r.displayName}
        </button>
        <WaveMark wave={r.wave} />
        <PhoneNumbers recipient={r} size="xs" />
      </span>
      <span role="cell" className={classes.cell}>
        <Badge color={personStateColour[state]} variant={state === 'confirmed' ? 'filled' : 'light'} title={words.outcome[r.outcome]}>
          {personStateWords[language][state]}
          {reason ? ` – ${reason}` : ''}
        </Badge>
      </span>
      <span role="cell" className={classes.cell} title={sends}>
        {started.length === 0 ? '–' : sends}
      </span>
      <span role="cell" className={classes.cell}>
        {r.confirmedAt ? `${f.dateTime(r.confirmedAt)}${r.confirmedVia ? ` · ${words.confirmedVia(r.confirmedVia)}` : ''}` : ''}
      </span>
    </div>
  );
});
