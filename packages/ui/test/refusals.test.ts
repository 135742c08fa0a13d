// Every refusal code the engine can send is worded in Swedish and in English, with every
// value it carries filled in (none left as "undefined" or a placeholder), and the two
// languages differ.
import { describe, expect, it } from 'vitest';
import { refusal, refusalCodes, refusalParams } from '@gdial/protocol';
import { refusalText } from '../src/components/refusals';

const sample: Record<string, string | number> = {
  what: 'Campaign',
  id: 7,
  owner: 'Arbetsplats 2',
  status: 'completed',
  action: 'pause',
  name: 'Övningslarm',
  templateId: 3,
  channel: 'sms',
  step: 2,
  template: 'Larm',
  count: 4,
  example: 'Anna',
  variables: 'first_name',
  channels: 'voice, sms',
  content: 'larm_samling',
  approval: 'rejected',
  role: 'reader',
  need: 'operator',
  method: 'campaigns.start',
  remaining: 3,
  until: '2026-12-07T08:15:00.000Z',
  expired: '2026-12-14T08:00:00.000Z',
  message: 'Fel användarnamn eller lösenord.',
  username: 'anna',
  line: 3,
  column: 17,
  rule: 'info.severity.missing',
  path: 'info[1]/severity',
  value: 'Allvarlig',
  missing: 'threat,publicHelp',
  recipients: 250,
  threshold: 10,
  via: 'replied 1 (sms +46701234567)',
  reasons: 'head-count,vma',
  used: 200512,
  budget: 200000,
  model: 'gpt-4.1-mini',
  seconds: 30,
};

/** Values said in words (a status, an action, a channel) and ids an operator does not need. */
const worded = new Set([
  'what',
  'status',
  'action',
  'channel',
  'approval',
  'role',
  'need',
  'until',
  'expired',
  'rule',
  'missing',
  'reasons',
  'via',
]);
const internal = new Set(['id', 'templateId', 'method', 'segment']);

describe('refusals in the operator’s language', () => {
  it.each(refusalCodes)('%s', (code) => {
    const params = Object.fromEntries(refusalParams[code].map((k) => [k, sample[k]!]));
    const sv = refusalText(refusal(code, params), 'sv');
    const en = refusalText(refusal(code, params), 'en');
    expect(sv).toBeTruthy();
    expect(en).toBeTruthy();
    expect(sv).not.toEqual(en);
    for (const text of [sv!, en!]) {
      expect(text).not.toMatch(/undefined|\{|\}/);
      for (const k of refusalParams[code].filter((x) => !worded.has(x) && !internal.has(x)))
        expect(text, `${code} names ${k}`).toContain(String(sample[k]));
    }
  });

  it('a status and an action are worded, not shown as codes', () => {
    expect(refusalText(refusal('campaign.transition', { id: 7, status: 'completed', action: 'pause' }), 'sv')).toBe(
      'Larmet är klar och kan därför inte pausas nu.',
    );
  });

  it('how a person already confirmed is worded, not shown as the engine stored it', () => {
    expect(refusalText(refusal('recipient.already-confirmed', { name: 'Anna Ek', via: 'replied 1 (sms +46701234567)' }), 'sv')).toBe(
      'Anna Ek har redan bekräftat (svarade ”1” (sms 070-123 45 67)).',
    );
  });

  it('a health alert that no longer exists is named as one', () => {
    expect(refusalText(refusal('not-found', { what: 'Health alert', id: 3 }), 'sv')).toMatch(/^Hälsolarmet \(3\) finns inte längre/);
    expect(refusalText(refusal('not-found', { what: 'Health alert', id: 3 }), 'en')).toMatch(/^The health alert \(3\) no longer exists/);
  });

  it('a role is named, not shown as a code, and a lockout says until when', () => {
    expect(refusalText(refusal('auth.forbidden', { role: 'reader', need: 'operator', method: 'campaigns.start' }), 'sv')).toBe(
      'Din roll (Läsare) får inte göra detta; det kräver Larmoperatör eller högre.',
    );
    expect(refusalText(refusal('auth.locked-out', { until: '' }), 'sv')).toContain('när nätet är tillbaka');
    expect(refusalText(refusal('auth.bad-credentials', { remaining: '' }), 'sv')).toBe('Fel användarnamn eller lösenord.');
  });

  it('a code this console does not know gives null (the English message is shown)', () => {
    expect(refusalText({ code: 'future.code' as never, params: {} }, 'sv')).toBeNull();
  });
});

describe('CAP and VMA refusals', () => {
  it('a broken CAP rule is said in the rule table’s words, naming where', () => {
    expect(refusalText(refusal('cap.invalid', { rule: 'info.severity.missing', path: 'info[1]/severity', value: '' }), 'sv')).toBe(
      'CAP-meddelandet: Hur allvarligt det är (severity) saknas (vid info[1]/severity).',
    );
    expect(refusalText(refusal('cap.invalid', { rule: 'alert.status.value', path: 'alert/status', value: 'Skarpt' }), 'en')).toBe(
      'The CAP message: The message status is not one of CAP’s values (allowed: Actual, Exercise, System, Test, Draft) (at alert/status: “Skarpt”).',
    );
  });
  it('an incomplete VMA form names each missing point in words', () => {
    expect(refusalText(refusal('vma.incomplete', { missing: 'threat,publicHelp' }), 'sv')).toBe(
      'Underlaget är inte komplett. Fyll i: det akuta hotet, hur allmänheten kan hjälpa till.',
    );
  });
});
