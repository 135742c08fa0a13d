// The segment editor's state and rules, apart from the screen: a blank rule of each kind,
// what is wrong with a rule as the operator has filled it in (as keys for the page's
// dictionary), and which rules are complete enough to count people by while the operator is
// still building. A rule kind added later gets a blank here and a case in
// `ruleProblem`; the exhaustive switches make a forgotten one a compile error.
import { segmentNumber, segmentOpTakesValue, type Segment, type SegmentRule, type SegmentRuleKind } from '@gdial/protocol';

/** The kinds the builder offers, in the order of its menu. */
export const ruleKinds: readonly SegmentRuleKind[] = ['group', 'tags', 'field', 'language', 'reachable', 'doNotContact', 'onDuty', 'area'];

export function blankRule(kind: SegmentRuleKind): SegmentRule {
  switch (kind) {
    case 'group':
      return { kind, groupIds: [], includeSubgroups: true, negate: false };
    case 'tags':
      return { kind, tags: [], match: 'any' };
    case 'field':
      return { kind, key: '', op: 'eq', value: '' };
    case 'language':
      return { kind, languages: ['sv'] };
    case 'reachable':
      return { kind, channel: 'sms', negate: false };
    case 'doNotContact':
      return { kind, channel: 'any', negate: false };
    case 'onDuty':
      return { kind, scheduleId: '' };
    case 'area':
      return { kind, area: { shape: 'municipality', municipalities: [] }, negate: false };
    default: {
      const never: never = kind;
      return never;
    }
  }
}

export type RuleProblem =
  'no-groups' | 'no-tags' | 'no-key' | 'bad-key' | 'no-value' | 'not-a-number' | 'no-languages' | 'no-schedule' | 'no-area';

/** What keeps a rule from being saved; null when it is complete. */
export function ruleProblem(rule: SegmentRule): RuleProblem | null {
  switch (rule.kind) {
    case 'group':
      return rule.groupIds.length === 0 ? 'no-groups' : null;
    case 'tags':
      return rule.tags.length === 0 ? 'no-tags' : null;
    case 'field':
      if (!rule.key.trim()) return 'no-key';
      if (/["\\]/.test(rule.key)) return 'bad-key';
      if (!segmentOpTakesValue(rule.op)) return null;
      if (!rule.value.trim()) return 'no-value';
      if ((rule.op === 'lt' || rule.op === 'gt') && segmentNumber(rule.value) === null) return 'not-a-number';
      return null;
    case 'language':
      return rule.languages.length === 0 ? 'no-languages' : null;
    case 'reachable':
    case 'doNotContact':
      return null;
    case 'onDuty':
      return rule.scheduleId ? null : 'no-schedule';
    case 'area': {
      const a = rule.area;
      if (a.shape === 'municipality') return a.municipalities.length === 0 ? 'no-area' : null;
      if (a.shape === 'postcode') return a.postcodes.length === 0 || a.postcodes.some((p) => !/^\d{5}$/.test(p)) ? 'no-area' : null;
      if (a.shape === 'polygon') return a.ring.length < 3 ? 'no-area' : null;
      return a.metres > 0 ? null : 'no-area';
    }
    default: {
      const never: never = rule;
      return never;
    }
  }
}

export interface SegmentForm {
  id: string | null;
  name: string;
  description: string;
  match: 'all' | 'any';
  rules: SegmentRule[];
}

export const newSegmentForm = (): SegmentForm => ({ id: null, name: '', description: '', match: 'all', rules: [blankRule('group')] });

export const formOf = (s: Segment): SegmentForm => ({
  id: s.id,
  name: s.name,
  description: s.description ?? '',
  match: s.match,
  rules: s.rules,
});

/** The rules complete enough to count people by (the live preview leaves the others out). */
export const completeRules = (rules: readonly SegmentRule[]): SegmentRule[] => rules.filter((r) => ruleProblem(r) === null);

export type FormProblem = 'no-name' | 'no-rules' | 'rule';

/** What keeps the form from being saved, in order. */
export function formProblems(f: SegmentForm): FormProblem[] {
  const out: FormProblem[] = [];
  if (!f.name.trim()) out.push('no-name');
  if (f.rules.length === 0) out.push('no-rules');
  if (f.rules.some((r) => ruleProblem(r) !== null)) out.push('rule');
  return out;
}

/**
 * A map point typed as "latitude, longitude" (the order a map app copies), with a point or a
 * decimal comma: "57.7089, 11.9746", "57,7089 11,9746" or "57.7089;11.9746". Returns
 * [lon, lat] (the order areas are stored in), or null when it is not two numbers in range.
 */
export function parseLatLon(text: string): [number, number] | null {
  const m = /^\s*(-?\d+(?:[.,]\d+)?)\s*(?:[,;]\s*|\s+)(-?\d+(?:[.,]\d+)?)\s*$/.exec(text);
  if (!m) return null;
  const lat = Number(m[1]!.replace(',', '.'));
  const lon = Number(m[2]!.replace(',', '.'));
  if (!(Math.abs(lat) <= 90 && Math.abs(lon) <= 180)) return null;
  return [lon, lat];
}

/** A distance on the map as people say it: "350 m", "1,2 km", "15 km" (locale "sv-SE" or "en-GB"). */
export function formatDistance(metres: number, locale: string): string {
  if (metres < 1000) return `${new Intl.NumberFormat(locale).format(Math.max(10, Math.round(metres / 10) * 10))} m`;
  const km = metres / 1000;
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: km < 10 ? 1 : 0 }).format(km)} km`;
}
