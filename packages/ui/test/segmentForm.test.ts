import { describe, expect, it } from 'vitest';
import { segmentRuleSchema } from '@gdial/protocol';
import {
  blankRule,
  completeRules,
  formatDistance,
  formProblems,
  newSegmentForm,
  parseLatLon,
  ruleKinds,
  ruleProblem,
} from '../src/pages/segments/segmentForm';

describe('the segment editor', () => {
  it('offers a blank of every rule kind, each a rule the contract accepts once filled in', () => {
    for (const kind of ruleKinds) {
      const rule = blankRule(kind);
      expect(rule.kind).toBe(kind);
      const filled =
        rule.kind === 'group'
          ? { ...rule, groupIds: [1] }
          : rule.kind === 'tags'
            ? { ...rule, tags: ['brand'] }
            : rule.kind === 'field'
              ? { ...rule, key: 'ort', value: 'Umeå' }
              : rule.kind === 'onDuty'
                ? { ...rule, scheduleId: 'jour-1' }
                : rule.kind === 'area'
                  ? { ...rule, area: { shape: 'municipality' as const, municipalities: ['Göteborg'] } }
                  : rule;
      expect(ruleProblem(filled)).toBeNull();
      expect(segmentRuleSchema.safeParse(filled).success).toBe(true);
    }
  });

  it('names what is missing from a rule, and numeric comparisons need a number (a decimal comma is one)', () => {
    expect(ruleProblem(blankRule('group'))).toBe('no-groups');
    expect(ruleProblem(blankRule('onDuty'))).toBe('no-schedule');
    expect(ruleProblem({ kind: 'field', key: '', op: 'eq', value: 'x' })).toBe('no-key');
    expect(ruleProblem({ kind: 'field', key: 'ort', op: 'eq', value: ' ' })).toBe('no-value');
    expect(ruleProblem({ kind: 'field', key: 'ort', op: 'empty', value: '' })).toBeNull();
    expect(ruleProblem({ kind: 'field', key: 'ålder', op: 'gt', value: 'tio' })).toBe('not-a-number');
    expect(ruleProblem({ kind: 'field', key: 'ålder', op: 'gt', value: '3,5' })).toBeNull();
    expect(ruleProblem({ kind: 'language', languages: [] })).toBe('no-languages');
    expect(ruleProblem(blankRule('area'))).toBe('no-area');
    const area = (a: Extract<ReturnType<typeof blankRule>, { kind: 'area' }>['area']) =>
      ruleProblem({ kind: 'area', area: a, negate: false });
    expect(area({ shape: 'postcode', postcodes: ['4110'] })).toBe('no-area');
    expect(area({ shape: 'postcode', postcodes: ['41101'] })).toBeNull();
    expect(
      area({
        shape: 'polygon',
        ring: [
          [11.9, 57.7],
          [12, 57.7],
        ],
      }),
    ).toBe('no-area');
    expect(
      area({
        shape: 'polygon',
        ring: [
          [11.9, 57.7],
          [12, 57.7],
          [12, 57.8],
        ],
      }),
    ).toBeNull();
    expect(area({ shape: 'radius', centre: [11.97, 57.7], metres: 500, label: null })).toBeNull();
  });

  it('counts people by the complete rules only, and will not save without a name and complete rules', () => {
    const f = newSegmentForm();
    expect(formProblems(f)).toEqual(['no-name', 'rule']);
    const rules = [blankRule('group'), blankRule('reachable')];
    expect(completeRules(rules)).toEqual([rules[1]]);
    expect(formProblems({ ...f, name: 'Rökdykare i tjänst', rules: [rules[1]!] })).toEqual([]);
    expect(formProblems({ ...f, name: 'X', rules: [] })).toEqual(['no-rules']);
  });

  it('reads a typed map point as latitude, longitude with a point or a decimal comma, and refuses anything else', () => {
    expect(parseLatLon('57.7089, 11.9746')).toEqual([11.9746, 57.7089]);
    expect(parseLatLon(' 57,7089 11,9746 ')).toEqual([11.9746, 57.7089]);
    expect(parseLatLon('57,7089, 11,9746')).toEqual([11.9746, 57.7089]);
    expect(parseLatLon('57.7089;11.9746')).toEqual([11.9746, 57.7089]);
    expect(parseLatLon('-33.9, -70.6')).toEqual([-70.6, -33.9]);
    expect(parseLatLon('57.7089')).toBeNull();
    expect(parseLatLon('91, 11')).toBeNull();
    expect(parseLatLon('57, 181')).toBeNull();
    expect(parseLatLon('Storgatan 1')).toBeNull();
    expect(parseLatLon('')).toBeNull();
  });

  it('says the map square size as people say distances, in the chosen language', () => {
    expect(formatDistance(347, 'sv-SE')).toBe('350 m');
    expect(formatDistance(2, 'sv-SE')).toBe('10 m');
    expect(formatDistance(1234, 'sv-SE')).toBe('1,2 km');
    expect(formatDistance(1234, 'en-GB')).toBe('1.2 km');
    expect(formatDistance(15_400, 'sv-SE')).toBe('15 km');
  });
});
