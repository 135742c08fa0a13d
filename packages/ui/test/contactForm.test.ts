import { describe, expect, it } from 'vitest';
import type { Contact, FieldIssue } from '@gdial/protocol';
import { draftFromContact, draftToFields, emptyDraft, issuesByField, moveEntry, newKey } from '../src/pages/contacts/contactForm';

const stored: Contact = {
  id: 7,
  displayName: 'Anna Berg',
  firstName: 'Anna',
  lastName: 'Berg',
  organisation: 'Räddningstjänsten',
  role: null,
  notes: null,
  language: 'sv',
  phones: [
    { e164: '+46812345678', national: '08-12 34 56 78', label: 'work', priority: 1, kind: 'fixedLine', canSms: false },
    { e164: '+46701234567', national: '070-123 45 67', label: 'mobile', priority: 0, kind: 'mobile', canSms: true },
  ],
  emails: [{ address: 'anna@example.se', label: 'work' }],
  whatsapp: null,
  telegramChatId: null,
  tags: ['rakel'],
  customFields: { personalnummer: 12, aktiv: true, kod: 'A1' },
  doNotContact: { voice: false, sms: true, email: false, whatsapp: false, telegram: false },
  groupIds: [3],
  address: { street: 'Storgatan 1', postcode: '41101', town: 'Göteborg', municipality: 'Göteborg', lat: 57.7, lon: 11.97 },
  consents: [],
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-02T00:00:00.000Z',
};

describe('contact form model', () => {
  it('orders phones by priority and knows which take SMS', () => {
    const d = draftFromContact(stored);
    expect(d.phones.map((p) => p.number)).toEqual(['070-123 45 67', '08-12 34 56 78']);
    expect(d.phones.map((p) => p.check?.ok && p.check.canSms)).toEqual([true, false]);
    expect(d.displayNameDerived).toBe(true);
  });

  it('round-trips a contact to the same fields, keeping custom value types', () => {
    const fields = draftToFields(draftFromContact(stored));
    expect(fields.phones).toEqual([
      { number: '070-123 45 67', label: 'mobile' },
      { number: '08-12 34 56 78', label: 'work' },
    ]);
    expect(fields.customFields).toEqual({ personalnummer: 12, aktiv: true, kod: 'A1' });
    expect(fields.displayName).toBeNull();
    expect(fields.doNotContact).toEqual(stored.doNotContact);
    expect(fields.role).toBeNull();
  });

  it('sends an edited custom value as text and drops empty phone rows', () => {
    const d = draftFromContact(stored);
    d.customFields[0]!.value = '13';
    d.phones.push({ key: newKey(), number: '  ', label: 'home', check: null, checkedNumber: null });
    const fields = draftToFields(d);
    expect(fields.customFields?.personalnummer).toBe('13');
    expect(fields.phones).toHaveLength(2);
  });

  it('keeps a display name the operator chose', () => {
    const d = draftFromContact({ ...stored, displayName: 'Anna på larmcentralen' });
    expect(d.displayNameDerived).toBe(false);
    expect(draftToFields(d).displayName).toBe('Anna på larmcentralen');
    expect(draftToFields(emptyDraft()).displayName).toBeNull();
  });

  it('moves entries within bounds only', () => {
    expect(moveEntry(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveEntry(['a', 'b', 'c'], 0, 1)).toEqual(['b', 'a', 'c']);
    expect(moveEntry(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveEntry(['a', 'b', 'c'], 2, 1)).toEqual(['a', 'b', 'c']);
  });

  it('maps engine field errors onto the draft rows they came from', () => {
    const d = draftFromContact(stored);
    // An empty row in the middle is not sent, so the engine's phones.1 is the draft's phones.2.
    d.phones.splice(1, 0, { key: newKey(), number: '', label: 'mobile', check: null, checkedNumber: null });
    const issues = issuesByField(
      [
        { path: 'changes.phones.1.number', message: 'Not a Swedish number' },
        { path: 'changes.firstName', message: 'Too long' },
        { path: 'emails.0', message: 'Not a valid e-mail address' },
      ],
      d,
      'en',
    );
    expect(issues.get('phones.2.number')).toBe('Not a Swedish number');
    expect(issues.get('firstName')).toBe('Too long');
    expect(issues.get('emails.0.address')).toBe('Not a valid e-mail address');
  });

  it("words the engine's refusals in the operator's language when it names them, else shows them as written", () => {
    const d = draftFromContact(stored);
    const sent: FieldIssue[] = [
      { path: 'changes.phones.0.number', message: '"123" is too short', code: 'phone.tooShort', params: { value: '123' } },
      {
        path: 'changes.phones.1.number',
        message: '"0201234" is not a valid number in Norway',
        code: 'phone.invalidInCountry',
        params: { value: '0201234', country: 'NO' },
      },
      { path: 'changes.emails.0.address', message: 'Not a valid e-mail address', code: 'format.invalid' },
      {
        path: 'changes.firstName',
        message: 'Too big: expected string to have <=100 characters',
        code: 'text.tooLong',
        params: { max: 100 },
      },
      { path: 'changes.notes', message: 'Something the console has no words for' },
    ];
    const sv = issuesByField(sent, d, 'sv');
    expect(sv.get('phones.0.number')).toBe('”123” är för kort för att vara ett telefonnummer');
    expect(sv.get('phones.1.number')).toBe('”0201234” är inte ett giltigt nummer i Norge');
    expect(sv.get('emails.0.address')).toBe('Inte en giltig e-postadress');
    expect(sv.get('firstName')).toBe('Högst 100 tecken');
    expect(sv.get('notes')).toBe('Something the console has no words for');
    const en = issuesByField(sent, d, 'en');
    expect(en.get('phones.1.number')).toBe('"0201234" is not a valid number in Norway');
  });
});
