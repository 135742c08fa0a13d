// The contacts table: only the rows in view exist in the DOM (fixed row height, positioned
// by transform), so 100,000 contacts scroll as smoothly as 100. Rows render from the
// window's pages as they are; rows not fetched yet (just after a scrollbar jump) show a
// placeholder while their page, addressed by position, is fetched. Keyboard: Tab reaches a row's
// checkbox and name; arrow keys, Page Up/Down, Home and End move between rows.
import { VisuallyHidden } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useMemo, useRef, useSyncExternalStore, type KeyboardEvent } from 'react';
import type { ContactSummary, Group } from '@gdial/protocol';
import { useFormat, useT, type Translate } from '../../i18n';
import classes from './ContactTable.module.css';
import type { ContactWindow } from './contactWindow';
import { displayPhone } from '../../components/phone';

export const ROW_HEIGHT = 44;

const dict = {
  sv: {
    select: 'Välj',
    name: 'Namn',
    phone: 'Telefon',
    organisation: 'Organisation',
    email: 'E-post',
    groups: 'Grupper',
    tags: 'Taggar',
    updated: 'Ändrad',
    selectRow: 'Välj {name}',
    loading: 'Hämtar…',
    dnc: 'Spärr',
    dncTitle: 'Får inte kontaktas via: {channels}',
    morePhones: '+{n}',
  },
  en: {
    select: 'Select',
    name: 'Name',
    phone: 'Phone',
    organisation: 'Organisation',
    email: 'E-mail',
    groups: 'Groups',
    tags: 'Tags',
    updated: 'Changed',
    selectRow: 'Select {name}',
    loading: 'Loading…',
    dnc: 'Blocked',
    dncTitle: 'Must not be contacted by: {channels}',
    morePhones: '+{n}',
  },
};

export interface ContactTableProps {
  window: ContactWindow;
  label: string;
  selected: { has(id: number): boolean };
  groups: ReadonlyMap<number, Group>;
  onToggle: (row: ContactSummary, range: boolean) => void;
  onOpen: (id: number) => void;
  height: number | string;
  /** Changes when the operator searches anew: the table goes back to the top. */
  searchKey: string;
}

export function ContactTable({ window: win, label, selected, groups, onToggle, onOpen, height, searchKey }: ContactTableProps) {
  const t = useT(dict);
  useSyncExternalStore(win.subscribe, win.getVersion);
  const total = win.total ?? 0;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    // The sticky header row sits inside the scroll box, above the rows.
    scrollMargin: ROW_HEIGHT,
    scrollPaddingStart: ROW_HEIGHT,
  });
  const items = virtualizer.getVirtualItems();
  const lastInView = items.length > 0 ? items[items.length - 1]!.index : 0;
  const firstInView = items.length > 0 ? items[0]!.index : 0;

  useEffect(() => {
    win.show(firstInView, lastInView);
  }, [win, firstInView, lastInView, total]);

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [searchKey]);

  const { locale } = useFormat();
  const date = useMemo(() => new Intl.DateTimeFormat(locale, { dateStyle: 'short' }), [locale]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    const rowEl = target.closest<HTMLElement>('[data-index]');
    const col = target.dataset.col;
    if (!rowEl || !col || total === 0) return;
    const index = Number(rowEl.dataset.index);
    const page = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT * 10) / ROW_HEIGHT) - 1);
    let next: number;
    switch (e.key) {
      case 'ArrowDown':
        next = index + 1;
        break;
      case 'ArrowUp':
        next = index - 1;
        break;
      case 'PageDown':
        next = index + page;
        break;
      case 'PageUp':
        next = index - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = total - 1;
        break;
      default:
        return;
    }
    e.preventDefault();
    next = Math.min(total - 1, Math.max(0, next));
    virtualizer.scrollToIndex(next, { align: 'auto' });
    focusWhenRendered(scrollRef.current, next, col);
  };

  return (
    <div className={classes.frame}>
      <div
        ref={scrollRef}
        className={classes.table}
        style={{ height }}
        role="table"
        aria-label={label}
        aria-rowcount={total + 1}
        onKeyDown={onKeyDown}
      >
        <div role="rowgroup">
          <div role="row" aria-rowindex={1} className={`${classes.row} ${classes.header}`}>
            <span role="columnheader" className={`${classes.cell} ${classes.check}`}>
              <VisuallyHidden>{t('select')}</VisuallyHidden>
            </span>
            <span role="columnheader" className={classes.cell}>
              {t('name')}
            </span>
            <span role="columnheader" className={classes.cell}>
              {t('phone')}
            </span>
            <span role="columnheader" className={classes.cell}>
              {t('organisation')}
            </span>
            <span role="columnheader" className={classes.cell}>
              {t('email')}
            </span>
            <span role="columnheader" className={classes.cell}>
              {t('groups')}
            </span>
            <span role="columnheader" className={classes.cell}>
              {t('tags')}
            </span>
            <span role="columnheader" className={classes.cell}>
              {t('updated')}
            </span>
          </div>
        </div>
        <div role="rowgroup" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {items.map((item) => {
            const row = win.row(item.index);
            return row ? (
              <ContactRow
                key={row.id}
                index={item.index}
                start={item.start - ROW_HEIGHT}
                row={row}
                selected={selected.has(row.id)}
                groups={groups}
                date={date}
                t={t}
                onToggle={onToggle}
                onOpen={onOpen}
              />
            ) : (
              <PlaceholderRow key={`p${item.index}`} index={item.index} start={item.start - ROW_HEIGHT} label={t('loading')} />
            );
          })}
        </div>
      </div>
    </div>
  );
}

/** The row may not exist until the virtualizer has scrolled to it: try for a few frames. */
function focusWhenRendered(root: HTMLElement | null, index: number, col: string, tries = 10): void {
  requestAnimationFrame(() => {
    const el = root?.querySelector<HTMLElement>(`[data-index="${index}"] [data-col="${col}"]`);
    if (el) el.focus({ preventScroll: true });
    else if (tries > 0) focusWhenRendered(root, index, col, tries - 1);
  });
}

const noop = () => {};

interface RowProps {
  index: number;
  start: number;
  row: ContactSummary;
  selected: boolean;
  groups: ReadonlyMap<number, Group>;
  date: Intl.DateTimeFormat;
  t: Translate<keyof (typeof dict)['sv']>;
  onToggle: (row: ContactSummary, range: boolean) => void;
  onOpen: (id: number) => void;
}

const ContactRow = memo(function ContactRow({ index, start, row, selected, groups, date, t, onToggle, onOpen }: RowProps) {
  const blocked = (Object.keys(row.doNotContact) as (keyof typeof row.doNotContact)[]).filter((c) => row.doNotContact[c]);
  const rowGroups = row.groupIds.map((id) => groups.get(id)).filter((g): g is Group => g !== undefined);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-index={index}
      className={`${classes.row} ${classes.bodyRow}${selected ? ` ${classes.selected}` : ''}`}
      style={{ transform: `translateY(${start}px)` }}
    >
      <span role="cell" className={`${classes.cell} ${classes.check}`}>
        <input
          type="checkbox"
          data-col="check"
          checked={selected}
          aria-label={t('selectRow', { name: row.displayName })}
          // Click (not change) carries the Shift key for range selection; Space also clicks.
          onClick={(e) => onToggle(row, e.shiftKey)}
          onChange={noop}
        />
      </span>
      <span role="cell" className={classes.cell}>
        <button type="button" data-col="name" className={classes.name} onClick={() => onOpen(row.id)}>
          {row.displayName}
        </button>
        {blocked.length > 0 && (
          <span className={classes.dnc} title={t('dncTitle', { channels: blocked.join(', ') })}>
            {t('dnc')}
          </span>
        )}
      </span>
      <span role="cell" className={classes.cell}>
        {row.phone ? displayPhone(row.phone) : ''}
        {row.phoneCount > 1 && <span className={classes.dim}> {t('morePhones', { n: row.phoneCount - 1 })}</span>}
      </span>
      <span role="cell" className={classes.cell}>
        {row.organisation ?? ''}
      </span>
      <span role="cell" className={classes.cell}>
        {row.email ?? ''}
      </span>
      <span role="cell" className={classes.cell} title={rowGroups.map((g) => g.name).join(', ')}>
        {rowGroups.map((g) => (
          <span key={g.id} style={{ marginRight: 8 }}>
            <span className={classes.dot} style={{ background: g.colour ?? 'var(--mantine-color-gray-4)' }} aria-hidden />
            {g.name}
          </span>
        ))}
      </span>
      <span role="cell" className={classes.cell} title={row.tags.join(', ')}>
        {row.tags.join(', ')}
      </span>
      <span role="cell" className={`${classes.cell} ${classes.dim}`}>
        {date.format(new Date(row.updatedAt))}
      </span>
    </div>
  );
});

function PlaceholderRow({ index, start, label }: { index: number; start: number; label: string }) {
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-busy
      data-index={index}
      className={`${classes.row} ${classes.bodyRow}`}
      style={{ transform: `translateY(${start}px)` }}
    >
      <span role="cell" className={classes.cell} />
      <span role="cell" className={classes.cell} aria-label={label}>
        <span className={classes.placeholder} />
      </span>
      <span role="cell" className={classes.cell} />
      <span role="cell" className={classes.cell} />
      <span role="cell" className={classes.cell} />
      <span role="cell" className={classes.cell} />
      <span role="cell" className={classes.cell} />
      <span role="cell" className={classes.cell} />
    </div>
  );
}
