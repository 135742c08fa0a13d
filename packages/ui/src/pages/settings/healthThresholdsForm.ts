// The health thresholds form's rule: what the operator typed per rule becomes the thresholds
// the engine takes (whole numbers in each rule's range, from the contract's schema), or the
// fields at fault with their allowed range, so nothing half-written is saved.
import { healthRules, healthThresholdsSchema, type HealthRule, type HealthThresholds } from '@gdial/protocol';

export type ThresholdDraft = Record<HealthRule, string>;

export interface ThresholdProblem {
  rule: HealthRule;
  min: number;
  max: number;
}

/** The allowed range of each threshold, as the engine checks it. */
export const thresholdRange = (rule: HealthRule): { min: number; max: number } => {
  const s = healthThresholdsSchema.shape[rule];
  return { min: s.minValue ?? 1, max: s.maxValue ?? Number.MAX_SAFE_INTEGER };
};

export const draftOf = (t: HealthThresholds): ThresholdDraft =>
  Object.fromEntries(healthRules.map((r) => [r, String(t[r])])) as ThresholdDraft;

export function thresholdsOf(d: ThresholdDraft): { ok: true; value: HealthThresholds } | { ok: false; problems: ThresholdProblem[] } {
  const problems: ThresholdProblem[] = [];
  const value = {} as HealthThresholds;
  for (const rule of healthRules) {
    const { min, max } = thresholdRange(rule);
    const text = d[rule].replace(/\s/g, '');
    const n = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(n) || n < min || n > max) problems.push({ rule, min, max });
    else value[rule] = n;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value };
}
