// The on-call schedule editor's rules apart from the screen: what keeps a layer or an
// override from being saved, a new form the contract accepts once people are chosen, and how
// a gap is written in Swedish time ("tis 8 dec 17:00–08:00"), also over a summer-time change.
import { describe, expect, it } from 'vitest';
import { onCallScheduleInputSchema, swedishInstant } from '@gdial/protocol';
import {
  blankOverride,
  formProblems,
  inputOf,
  layerProblem,
  newScheduleForm,
  overrideProblem,
  spanText,
  thisMonday,
  timesOfDay,
} from '../src/pages/schedules/scheduleForm';

const now = swedishInstant('2026-12-09T14:20'); // a Wednesday

describe('schedule form', () => {
  it('starts a new rotation on Monday 08:00 of this week, and is saveable once it has a name and people', () => {
    expect(thisMonday(now)).toBe('2026-12-07T08:00');
    const f = newScheduleForm(now);
    expect(formProblems(f)).toEqual(['no-name', 'layer']);
    expect(layerProblem(f.layers[0]!)).toBe('no-people');
    const filled = { ...f, name: 'Jour', layers: [{ ...f.layers[0]!, people: [4, 2] }] };
    expect(formProblems(filled)).toEqual([]);
    expect(onCallScheduleInputSchema.safeParse(inputOf(filled)).success).toBe(true);
  });

  it('names what is wrong with a layer or an override', () => {
    const l = { ...newScheduleForm(now).layers[0]!, people: [1] };
    expect(layerProblem({ ...l, name: ' ' })).toBe('no-name');
    expect(layerProblem({ ...l, start: '2026-02-30T08:00' })).toBe('bad-start');
    expect(layerProblem({ ...l, turnLength: 0 })).toBe('bad-length');
    expect(layerProblem({ ...l, restriction: { kind: 'daily', from: '08:00', to: '08:00' } })).toBe('bad-window');
    expect(layerProblem({ ...l, restriction: { kind: 'daily', from: '17:00', to: '08:00' } })).toBeNull();
    const o = blankOverride(now);
    expect(o).toEqual({ contactId: null, from: '2026-12-09T15:00', to: '2026-12-10T15:00' });
    expect(overrideProblem(o)).toBeNull();
    expect(overrideProblem({ ...o, to: o.from })).toBe('ends-first');
    expect(overrideProblem({ ...o, from: '' })).toBe('bad-time');
  });

  it('writes a gap the way the warning shows it, and a stretch of one day the way the timeline does', () => {
    expect(timesOfDay(swedishInstant('2026-12-08T00:00'), swedishInstant('2026-12-09T00:00'))).toBe('00:00–24:00');
    expect(timesOfDay(swedishInstant('2026-10-25T00:00'), swedishInstant('2026-10-25T08:00'))).toBe('00:00–08:00');
    expect(spanText(swedishInstant('2026-12-08T17:00'), swedishInstant('2026-12-09T08:00'), 'sv')).toBe('tis 8 dec 17:00–08:00');
    expect(spanText(swedishInstant('2026-12-08T17:00'), swedishInstant('2026-12-10T08:00'), 'sv')).toBe(
      'tis 8 dec 17:00 – tor 10 dec 08:00',
    );
    expect(spanText(swedishInstant('2026-10-24T22:00'), swedishInstant('2026-10-25T06:00'), 'en')).toBe('Sat 24 Oct 22:00–06:00');
  });
});
