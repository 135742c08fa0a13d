import { describe, expect, it } from 'vitest';
import { connectivityConfigInputSchema } from '@gdial/protocol';
import { settingsFromConfig, validateSetup } from '../../src/services/connectivity/saved';
import { secretSlots } from '../../src/services/connectivity/secrets';

const nothingSaved = Object.fromEntries(Object.values(secretSlots).map((s) => [s, false])) as Record<
  (typeof secretSlots)[keyof typeof secretSlots],
  boolean
>;
const SECRET = 'elks_secret_0123456789_abcdefghijklmnopqrstuvw';

const input = (elks: Record<string, unknown>, failover: Record<string, unknown> = {}) =>
  connectivityConfigInputSchema.parse({
    relay: { url: 'https://relay.kommun-x.se', tenant: 'kommun-x', deviceToken: 'gdd_device_token_0123456789' },
    twilio: { enabled: true, accountSid: `AC${'ab'.repeat(16)}`, from: '070-174 00 00', authToken: 'ab'.repeat(16) },
    sendgrid: { enabled: false },
    telegram: { enabled: false },
    elks,
    failover,
  });

describe('46elks and failover in the saved setup', () => {
  it('names every 46elks field that is missing or malformed, and refuses 46elks first while it is off', () => {
    const r = validateSetup(input({ enabled: true, username: 'admin', from: 'växeln' }), nothingSaved);
    expect('issues' in r && r.issues.map((i) => i.path).sort()).toEqual([
      'elks.callbackSecret',
      'elks.from',
      'elks.password',
      'elks.username',
    ]);
    const off = validateSetup(input({ enabled: false }, { primary: 'elks' }), nothingSaved);
    expect('issues' in off && off.issues.map((i) => i.path)).toEqual(['failover.primary']);
  });

  it('runs 46elks with callback URLs carrying the secret, in the chosen order and throughput', () => {
    const r = validateSetup(
      input(
        { enabled: true, username: `u${'0a'.repeat(16)}`, from: '076-686 00 00', password: 'ABCdef0123456789XYZ', callbackSecret: SECRET },
        { primary: 'elks', elksSmsPerSecond: 50 },
      ),
      nothingSaved,
    );
    if ('issues' in r) throw new Error(JSON.stringify(r.issues));
    expect(r.config.elks).toEqual({ enabled: true, username: `u${'0a'.repeat(16)}`, from: '+46766860000' });
    const settings = settingsFromConfig(r.config, (slot) => (slot === secretSlots.elksCallbackSecret ? SECRET : `secret:${slot}`));
    const elks = settings.providers!.elks!;
    expect(elks.password).toBe('secret:provider.elks.password');
    expect(elks.callbacks.deliveryReportUrl).toBe(`https://relay.kommun-x.se/hooks/kommun-x/elks/sms-status?s=${SECRET}`);
    expect(elks.callbacks.callHangupUrl).toBe(`https://relay.kommun-x.se/hooks/kommun-x/elks/call-hangup?s=${SECRET}`);
    expect(settings.providers!.order).toEqual({ sms: ['elks', 'twilio'], voice: ['elks', 'twilio'] });
    expect(settings.providers!.rates).toEqual({ twilio: { sms: 10, voice: 1 }, elks: { sms: 50, voice: 1 } });
  });
});
