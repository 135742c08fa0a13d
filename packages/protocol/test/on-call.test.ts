// The final on-call schedule in Swedish time: turns of days and weeks keep their wall-clock
// handover across both summer-time changes, turns of hours count elapsed hours, restrictions
// are wall-clock windows, overrides sit on top, and every stretch with nobody is a gap.
import { describe, expect, it } from 'vitest';
import {
  finalSchedule,
  layerShifts,
  onDutyAt,
  scheduleGaps,
  swedishInstant,
  swedishLocal,
  type RotationLayer,
  type RotationSchedule,
} from '../src/on-call';

const at = swedishInstant;
const layer = (over: Partial<RotationLayer>): RotationLayer => ({
  name: 'Jour',
  people: [1, 2, 3],
  start: '2026-03-23T08:00',
  turnLength: 1,
  turnUnit: 'days',
  restriction: null,
  ...over,
});
/** Shifts as "wall-clock from–to person" lines, easy to read in a table. */
const lines = (shifts: { from: number; to: number; contactId: number | null }[]) =>
  shifts.map((s) => `${swedishLocal(s.from)}–${swedishLocal(s.to)} ${s.contactId ?? '-'}`);

describe('Swedish wall-clock time', () => {
  it.each([
    // [wall clock, UTC instant]
    ['2026-03-29T01:59', '2026-03-29T00:59:00.000Z'],
    ['2026-03-29T02:30', '2026-03-29T01:30:00.000Z'], // not on the clock: 03:30 summer time
    ['2026-03-29T03:00', '2026-03-29T01:00:00.000Z'],
    ['2026-10-25T02:30', '2026-10-25T00:30:00.000Z'], // twice on the clock: the first (summer time)
    ['2026-10-25T03:00', '2026-10-25T02:00:00.000Z'],
    ['2027-03-28T02:00', '2027-03-28T01:00:00.000Z'],
    ['2027-01-15T12:00', '2027-01-15T11:00:00.000Z'],
  ])('%s is %s', (wall, utc) => {
    expect(new Date(at(wall)).toISOString()).toBe(utc);
  });

  it('reads instants back as wall-clock time', () => {
    expect(swedishLocal(Date.parse('2026-10-25T01:30:00Z'))).toBe('2026-10-25T02:30');
    expect(swedishLocal(Date.parse('2026-03-29T01:00:00Z'))).toBe('2026-03-29T03:00');
  });
});

describe('turns across the summer-time changes', () => {
  it.each([
    ['spring 2026', '2026-03-27T00:00', '2026-03-31T00:00'],
    ['autumn 2026', '2026-10-23T00:00', '2026-10-27T00:00'],
    ['spring 2027', '2027-03-26T00:00', '2027-03-30T00:00'],
  ])('a 1-day turn from 08:00 hands over at 08:00 every day (%s)', (_name, from, to) => {
    const shifts = layerShifts(layer({ start: '2026-01-05T08:00' }), at(from), at(to));
    const handovers = shifts.slice(1).map((s) => swedishLocal(s.from).slice(11));
    expect(handovers).toEqual(['08:00', '08:00', '08:00', '08:00']);
    // The day the clocks change is 23 or 25 hours long; no other is.
    const hours = shifts.slice(1, -1).map((s) => (s.to - s.from) / 3_600_000);
    expect(hours.filter((h) => h !== 24)).toHaveLength(1);
  });

  it('a 24-hour turn is 24 elapsed hours: the handover moves with the clocks', () => {
    const spring = layerShifts(
      layer({ start: '2026-03-27T08:00', turnLength: 24, turnUnit: 'hours' }),
      at('2026-03-27T08:00'),
      at('2026-03-31T12:00'),
    );
    expect(lines(spring)).toEqual([
      '2026-03-27T08:00–2026-03-28T08:00 1',
      '2026-03-28T08:00–2026-03-29T09:00 2',
      '2026-03-29T09:00–2026-03-30T09:00 3',
      '2026-03-30T09:00–2026-03-31T09:00 1',
      '2026-03-31T09:00–2026-03-31T12:00 2',
    ]);
    const autumn = layerShifts(
      layer({ start: '2026-10-24T08:00', turnLength: 24, turnUnit: 'hours' }),
      at('2026-10-24T08:00'),
      at('2026-10-26T12:00'),
    );
    expect(lines(autumn)).toEqual([
      '2026-10-24T08:00–2026-10-25T07:00 1',
      '2026-10-25T07:00–2026-10-26T07:00 2',
      '2026-10-26T07:00–2026-10-26T12:00 3',
    ]);
  });

  it('a weekly turn from Monday 08:00 stays Monday 08:00 over March and October', () => {
    const l = layer({ start: '2026-03-16T08:00', turnUnit: 'weeks', people: [7, 8] });
    expect(lines(layerShifts(l, at('2026-03-23T00:00'), at('2026-04-06T09:00')))).toEqual([
      '2026-03-23T00:00–2026-03-23T08:00 7',
      '2026-03-23T08:00–2026-03-30T08:00 8',
      '2026-03-30T08:00–2026-04-06T08:00 7',
      '2026-04-06T08:00–2026-04-06T09:00 8',
    ]);
    // 32 weeks after 16 March: Monday 26 October, the day after the clocks went back.
    expect(onDutyAt({ layers: [l], overrides: [] }, at('2026-10-26T07:59'))).toBe(8);
    expect(onDutyAt({ layers: [l], overrides: [] }, at('2026-10-26T08:00'))).toBe(7);
  });

  it('a turn starting at a time that does not exist begins when the clock reaches it', () => {
    const shifts = layerShifts(layer({ start: '2026-03-28T02:30' }), at('2026-03-28T00:00'), at('2026-03-30T04:00'));
    expect(lines(shifts)).toEqual([
      '2026-03-28T02:30–2026-03-29T03:30 1',
      '2026-03-29T03:30–2026-03-30T02:30 2',
      '2026-03-30T02:30–2026-03-30T04:00 3',
    ]);
  });

  it('nobody is on duty before the rotation starts', () => {
    expect(onDutyAt({ layers: [layer({ start: '2026-12-08T08:00' })], overrides: [] }, at('2026-12-08T07:59'))).toBeNull();
    expect(onDutyAt({ layers: [layer({ start: '2026-12-08T08:00' })], overrides: [] }, at('2026-12-08T08:00'))).toBe(1);
  });
});

describe('restrictions', () => {
  it('a daily window over midnight (17:00–08:00) keeps the turn’s person, wall-clock on the October night', () => {
    const l = layer({
      start: '2026-10-19T08:00',
      turnUnit: 'weeks',
      people: [5],
      restriction: { kind: 'daily', from: '17:00', to: '08:00' },
    });
    expect(lines(layerShifts(l, at('2026-10-24T00:00'), at('2026-10-26T00:00')))).toEqual([
      '2026-10-24T00:00–2026-10-24T08:00 5',
      '2026-10-24T17:00–2026-10-25T08:00 5', // 16 hours: the clocks went back that night
      '2026-10-25T17:00–2026-10-26T00:00 5',
    ]);
    const night = layerShifts(l, at('2026-10-24T17:00'), at('2026-10-25T08:00'))[0]!;
    expect((night.to - night.from) / 3_600_000).toBe(16);
  });

  it('weekly windows: weekdays 08:00–17:00 and a window over the weekend', () => {
    const restriction = {
      kind: 'weekly' as const,
      windows: [
        { fromDay: 1 as const, from: '08:00', toDay: 1 as const, to: '17:00' },
        { fromDay: 5 as const, from: '17:00', toDay: 1 as const, to: '08:00' },
      ],
    };
    const l = layer({ start: '2026-12-07T00:00', turnUnit: 'weeks', people: [9], restriction });
    expect(lines(layerShifts(l, at('2026-12-07T00:00'), at('2026-12-15T00:00')))).toEqual([
      '2026-12-07T00:00–2026-12-07T17:00 9', // the weekend before runs to Monday 08:00, then Monday's window
      '2026-12-11T17:00–2026-12-14T00:00 9', // Friday evening …
      '2026-12-14T00:00–2026-12-14T17:00 9', // … over the next turn's start (same person)
    ]);
    expect(onDutyAt({ layers: [l], overrides: [] }, at('2026-12-09T12:00'))).toBeNull();
  });
});

describe('the final schedule', () => {
  const day: RotationSchedule = {
    layers: [
      layer({ name: 'Dag', people: [1, 2], start: '2026-12-07T00:00', restriction: { kind: 'daily', from: '08:00', to: '17:00' } }),
      layer({ name: 'Kväll', people: [3], start: '2026-12-07T00:00', restriction: { kind: 'daily', from: '17:00', to: '22:00' } }),
    ],
    overrides: [],
  };

  it('a later layer wins where it has someone; the stretches nobody covers are gaps', () => {
    const shifts = finalSchedule(day, at('2026-12-08T00:00'), at('2026-12-09T00:00'));
    expect(lines(shifts)).toEqual([
      '2026-12-08T00:00–2026-12-08T08:00 -',
      '2026-12-08T08:00–2026-12-08T17:00 2',
      '2026-12-08T17:00–2026-12-08T22:00 3',
      '2026-12-08T22:00–2026-12-09T00:00 -',
    ]);
    expect(lines(scheduleGaps(shifts).map((g) => ({ ...g, contactId: null })))).toEqual([
      '2026-12-08T00:00–2026-12-08T08:00 -',
      '2026-12-08T22:00–2026-12-09T00:00 -',
    ]);
    const top = {
      ...day,
      layers: [
        ...day.layers,
        layer({ people: [4], start: '2026-12-07T00:00', restriction: { kind: 'daily', from: '12:00', to: '13:00' } }),
      ],
    };
    expect(onDutyAt(top, at('2026-12-08T12:30'))).toBe(4);
    expect(onDutyAt(top, at('2026-12-08T13:00'))).toBe(2);
  });

  it('overrides sit on top; a later one wins; an override naming nobody is a gap', () => {
    const s: RotationSchedule = {
      layers: [layer({ people: [1], start: '2026-12-01T08:00' })],
      overrides: [
        { contactId: 6, from: '2026-12-08T10:00', to: '2026-12-08T14:00' },
        { contactId: 7, from: '2026-12-08T12:00', to: '2026-12-08T13:00' },
        { contactId: null, from: '2026-12-08T20:00', to: '2026-12-08T21:00' },
      ],
    };
    const shifts = finalSchedule(s, at('2026-12-08T09:00'), at('2026-12-08T22:00'));
    expect(lines(shifts)).toEqual([
      '2026-12-08T09:00–2026-12-08T10:00 1',
      '2026-12-08T10:00–2026-12-08T12:00 6',
      '2026-12-08T12:00–2026-12-08T13:00 7',
      '2026-12-08T13:00–2026-12-08T14:00 6',
      '2026-12-08T14:00–2026-12-08T20:00 1',
      '2026-12-08T20:00–2026-12-08T21:00 -',
      '2026-12-08T21:00–2026-12-08T22:00 1',
    ]);
    expect(shifts[5]!.source).toEqual({ kind: 'override', index: 2 });
    expect(scheduleGaps(shifts)).toEqual([{ from: at('2026-12-08T20:00'), to: at('2026-12-08T21:00') }]);
  });

  it('an override across the October change lasts the wall-clock stretch (25 hours)', () => {
    const s: RotationSchedule = { layers: [], overrides: [{ contactId: 2, from: '2026-10-24T12:00', to: '2026-10-25T12:00' }] };
    const [, covered] = finalSchedule(s, at('2026-10-24T00:00'), at('2026-10-26T00:00'));
    expect((covered!.to - covered!.from) / 3_600_000).toBe(25);
  });

  it('empty coverage: no layers, a layer without people, a person who no longer exists', () => {
    const range = [at('2026-12-08T00:00'), at('2026-12-15T00:00')] as const;
    expect(scheduleGaps(finalSchedule({ layers: [], overrides: [] }, ...range))).toEqual([{ from: range[0], to: range[1] }]);
    expect(scheduleGaps(finalSchedule({ layers: [layer({ people: [] })], overrides: [] }, ...range))).toEqual([
      { from: range[0], to: range[1] },
    ]);
    const gone = finalSchedule(
      { layers: [layer({ people: [1, 2], start: '2026-12-08T00:00' })], overrides: [] },
      ...range,
      (id) => id !== 2,
    );
    expect(scheduleGaps(gone).map((g) => swedishLocal(g.from))).toEqual(['2026-12-09T00:00', '2026-12-11T00:00', '2026-12-13T00:00']);
  });
});
