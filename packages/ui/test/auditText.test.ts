import { describe, expect, it } from 'vitest';
import { auditActions } from '@gdial/protocol';
import { auditSubject, auditText } from '../src/pages/auditText';

const entry = (action: string, params: Record<string, string | number> | null, summary = 'English summary') => ({
  action,
  params,
  summary,
});

// A value for every name any action uses.
const everyValue = {
  id: 1,
  name: 'X',
  from: 'Arbetsplats 2',
  enabled: 1,
  count: 2,
  ids: '#1',
  fields: '',
  channel: 'sms',
  address: 'a',
  tags: 't',
  at: '2026-01-01T00:00:00Z',
  removed: 0,
  file: 'f.csv',
  format: 'pdf',
  row: 2,
  first: 2,
  last: 3,
  created: 1,
  updated: 0,
  skipped: 0,
  groups: 0,
  recipients: 1,
  deliveries: 1,
  test: 0,
  template: 4,
  reason: 'r',
  notSent: 0,
  hungUp: 0,
  message: 'm',
  currency: 'SEK',
  seconds: 1.5,
  minutes: 5,
  before: 'A',
  set: 1,
  source: 'reply',
  username: 'anna',
  role: 'operator',
  via: 'offline',
  lockAfterMinutes: 15,
  offlineDays: 7,
  wave: 2,
  rules: 3,
  layers: 2,
  overrides: 1,
  confirmed: 3,
  alerted: 1,
  rule: 'relay.unreachable',
  subject: '',
  disabled: 'true',
  expiresAt: '2026-12-10T08:00:00Z',
  device: 'Stabsdator 2',
  person: 'Anna Ek',
  note: 'Nådd på hemnumret',
  identifier: 'SE-VBG-42',
  sender: 'raddning@vanersborg.se',
  area: 'Öxnered',
  level: 'warning',
  requester: 'Åsa Öberg',
  desktop: 'Ledningscentralen',
  requestedBy: 'Anna',
  comment: 'Stämmer',
  prepared: 'Brand – samling',
  approvedBy: 'Bo',
  threshold: 10,
  testGroup: 'Testgruppen',
  task: 'translate',
  model: 'gpt-4.1',
  tokens: 812,
  promptHash: 'ab12',
  answerHash: 'cd34',
  hidden: 2,
  server: 'OpenAI',
  budget: 200000,
};

describe('audit entries in the operator language', () => {
  it('phrases entries from their values, in Swedish and English', () => {
    expect(auditText(entry('contact.updated', { id: 12, fields: 'phones,tags' }), 'sv').text).toBe(
      'Kontakt #12 ändrad: telefonnummer, taggar',
    );
    expect(auditText(entry('contact.updated', { id: 12, fields: 'phones,tags' }), 'en').text).toBe(
      'Changed contact #12: phone numbers, tags',
    );
    expect(auditText(entry('contact.updated', { id: 3, file: 'stab.csv', row: 7 }), 'sv').text).toBe(
      'Kontakt #3 uppdaterad från importen av stab.csv, rad 7',
    );
    expect(
      auditText(entry('contacts.imported', { file: 'k.csv', first: 2, last: 5001, created: 4990, updated: 5, skipped: 5, groups: 1 }), 'sv')
        .text,
    ).toBe('Import av k.csv, rad 2–5001: 4990 skapade, 5 uppdaterade, 5 hoppades över, 1 grupp skapade');
    expect(auditText(entry('campaign.start', { name: 'Brand', recipients: 1, deliveries: 2, test: 1 }), 'sv').text).toBe(
      'Larm ”Brand” startat i testläge: 1 mottagare, 2 utskick',
    );
    const wave = { name: 'Brand', wave: 2, confirmed: 3, recipients: 20, minutes: 10, count: 12 };
    expect(auditText(entry('campaign.wave', { ...wave, alerted: 1 }), 'sv').text).toBe(
      'Larm ”Brand”: våg 2 larmad – 3 av 20 hade bekräftat efter 10 minuter; 12 personer larmade',
    );
    expect(auditText(entry('campaign.wave', { ...wave, confirmed: 15, alerted: 0, count: 0 }), 'en').text).toBe(
      'Alert “Brand”: wave 2 not needed – 15 of 20 had confirmed after 10 minutes',
    );
    expect(
      auditText(entry('campaign.override', { name: 'Brand', desktop: 'Ledningscentralen', reason: 'Ingen annan nåbar' }), 'sv').text,
    ).toBe('NÖDUNDANTAG: larm ”Brand” startat utan en andra operatör från Ledningscentralen. Skäl: Ingen annan nåbar');
    expect(auditText(entry('contacts.doNotContact', { channel: 'voice', set: 1, count: 2, ids: '#1, #2' }), 'sv').text).toBe(
      'Spärr för röstsamtal satt på 2 kontakter: #1, #2',
    );
    expect(auditText(entry('health.acknowledged', { rule: 'provider.errorRate', subject: 'twilio' }), 'sv').text).toBe(
      'Hälsolarm kvitterat: Leverantören twilio svarar med fel',
    );
    expect(auditText(entry('health.acknowledged', { rule: 'later.rule', subject: '' }), 'en').text).toBe(
      'Health alert acknowledged: later.rule',
    );
    expect(auditText(entry('operator.set', { before: '', name: 'Karin Lind' }), 'sv').text).toBe(
      'Operatör bytt från (ingen) till Karin Lind',
    );
    expect(
      auditText(entry('vma.underlag', { area: 'Öxnered', level: 'warning', requester: 'Åsa Öberg', identifier: 'x' }), 'sv').text,
    ).toBe('Underlag för VMA (varningsmeddelande) till SOS Alarm gjort för Öxnered, begärt av Åsa Öberg');
    expect(auditText(entry('cap.imported', { identifier: 'SE-1', sender: 's@x.se', name: 'Brand', file: 'b.xml' }), 'sv').text).toBe(
      'CAP-meddelandet SE-1 från s@x.se importerat som utkast ”Brand” (b.xml)',
    );
  });

  it('phrases every action the engine writes, or gives it a heading with the summary as detail', () => {
    for (const action of auditActions) {
      for (const lang of ['sv', 'en'] as const) {
        const out = auditText(entry(action, everyValue), lang);
        expect(out.text, `${action} ${lang}`).not.toBe('English summary');
        expect(out.text, `${action} ${lang}`).not.toContain('undefined');
      }
    }
    expect(auditText(entry('connectivity.configure', null, 'Relay URL changed'), 'sv')).toEqual({
      text: 'Leverantörer och relä ändrade',
      detail: 'Relay URL changed',
    });
  });

  it('falls back to the stored summary for entries without values and actions it does not know', () => {
    expect(auditText(entry('contact.created', null, 'Created contact #4'), 'sv')).toEqual({ text: 'Created contact #4', detail: null });
    expect(auditText(entry('something.new', { a: 1 }, 'Something new happened'), 'sv')).toEqual({
      text: 'Something new happened',
      detail: null,
    });
  });

  it('names what an entry is about', () => {
    expect(auditSubject({ subjectType: 'campaign', subjectId: '7' }, 'sv')).toBe('Larm #7');
    expect(auditSubject({ subjectType: 'settings', subjectId: 'campaigns.priceTable' }, 'en')).toBe('Settings campaigns.priceTable');
    expect(auditSubject({ subjectType: 'operator', subjectId: null }, 'sv')).toBe('Operatör');
    expect(auditSubject({ subjectType: 'future', subjectId: '1' }, 'sv')).toBe('future #1');
  });
});
