// The health thresholds form: whole numbers within each rule's range become the thresholds;
// anything else names the rule and its range, and nothing is taken.
import { describe, expect, it } from 'vitest';
import { defaultHealthThresholds } from '@gdial/protocol';
import { draftOf, thresholdRange, thresholdsOf } from '../src/pages/settings/healthThresholdsForm';

describe('health thresholds form', () => {
  it('takes what was typed, spaces and all, and gives back the defaults unchanged', () => {
    expect(thresholdsOf(draftOf(defaultHealthThresholds))).toEqual({ ok: true, value: defaultHealthThresholds });
    const d = { ...draftOf(defaultHealthThresholds), 'relay.lag': '2 000' };
    expect(thresholdsOf(d)).toEqual({ ok: true, value: { ...defaultHealthThresholds, 'relay.lag': 2000 } });
  });

  it('names every field out of range or not a whole number, with the range the engine checks', () => {
    const d = { ...draftOf(defaultHealthThresholds), 'provider.errorRate': '101', 'store.diskSpace': '1,5', 'sync.outbox': '' };
    const r = thresholdsOf(d);
    expect(r).toEqual({
      ok: false,
      problems: [
        { rule: 'provider.errorRate', min: 1, max: 100 },
        { rule: 'sync.outbox', ...thresholdRange('sync.outbox') },
        { rule: 'store.diskSpace', ...thresholdRange('store.diskSpace') },
      ],
    });
    expect(thresholdRange('relay.unreachable')).toEqual({ min: 1, max: 1440 });
  });
});
