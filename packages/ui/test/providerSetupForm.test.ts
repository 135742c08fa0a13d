import { describe, expect, it } from 'vitest';
import type { ConnectivitySetup } from '@gdial/protocol';
import { draftFromSetup, draftToInput, isDirty, issuesByField } from '../src/pages/settings/providerSetupForm';

const saved = { set: true, setAt: '2026-03-01T08:00:00.000Z' };
const none = { set: false, setAt: null };
const setup: ConnectivitySetup = {
  source: 'saved',
  editable: true,
  readOnlyReason: null,
  secureStorage: { available: true, message: null },
  problem: null,
  saved: {
    relay: { url: 'https://relay.kommun-x.se', publicUrl: '', tenant: 'kommun-x', deviceToken: saved },
    twilio: { enabled: true, accountSid: `AC${'ab'.repeat(16)}`, from: '+46701740000', whatsappFrom: '', authToken: saved },
    sendgrid: { enabled: false, from: '', fromName: '', apiKey: none },
    telegram: { enabled: false, botToken: none },
    elks: { enabled: false, username: '', from: '', password: none, callbackSecret: none },
    failover: { primary: 'twilio', twilioSmsPerSecond: 10, twilioCallsPerSecond: 1, elksSmsPerSecond: 10, elksCallsPerSecond: 1 },
  },
  updatedAt: '2026-03-01T08:00:00.000Z',
  updatedBy: 'Ida',
  environment: null,
};

describe('providers and relay form', () => {
  it('sends blank secrets as "keep", typed ones trimmed, forgotten ones as null', () => {
    const d = draftFromSetup(setup);
    expect(draftToInput(d)).toMatchObject({
      relay: { deviceToken: undefined },
      twilio: { authToken: undefined },
      telegram: { botToken: undefined },
    });
    d.twilio.authToken.value = '  0123456789abcdef0123456789abcdef\n';
    d.relay.deviceToken.forget = true;
    const input = draftToInput(d);
    expect(input.twilio.authToken).toBe('0123456789abcdef0123456789abcdef');
    expect(input.relay.deviceToken).toBeNull();
  });

  it('is dirty only when something would change', () => {
    const d = draftFromSetup(setup);
    expect(isDirty(d, setup)).toBe(false);
    d.sendgrid.enabled = true;
    expect(isDirty(d, setup)).toBe(true);
    const e = draftFromSetup(setup);
    e.telegram.botToken.value = '   ';
    expect(isDirty(e, setup)).toBe(false);
  });

  it('puts each field issue next to its field, first one wins, and knows the kinds it words itself', () => {
    const m = issuesByField([
      { path: 'twilio.from', message: 'Must be a phone number in international form, e.g. +46701234567' },
      { path: 'twilio.from', message: 'second' },
      { path: 'twilio.authToken', message: 'the saved value could not be opened (x); enter it again' },
      { path: 'relay.deviceToken', message: 'This is an enrolment code, not a device token: enrol this computer with it first' },
      { path: '(input)', message: 'elsewhere' },
    ]);
    expect([...m.keys()]).toEqual(['twilio.from', 'twilio.authToken', 'relay.deviceToken']);
    expect(m.get('twilio.from')).toEqual({ kind: 'other', message: expect.stringContaining('+46701234567') as string });
    expect(m.get('twilio.authToken')?.kind).toBe('cannot-open');
    expect(m.get('relay.deviceToken')?.kind).toBe('enrolment-code');
  });
});
