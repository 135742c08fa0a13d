// The browser host's connectivity from environment variables: demo without provider
// variables, a named error for a partial configuration, and the list of variables (set or
// not, never their values) the settings page shows.
import { describe, expect, it } from 'vitest';
import { CONNECTIVITY_VARIABLES, ConfigError, connectivityFromEnv } from '../src/web/config';

const live = {
  GDIAL_RELAY_URL: 'https://relay.kommun-x.se',
  GDIAL_RELAY_TENANT: 'kommun-x',
  GDIAL_RELAY_DEVICE_TOKEN: 'gdd_device_token_value',
  GDIAL_TELEGRAM_BOT_TOKEN: '123456:telegram-token-value',
};

describe('browser host connectivity from the environment', () => {
  it('runs the demo with no provider variables, and says which variables are set', () => {
    const c = connectivityFromEnv({ GDIAL_RELAY_URL: 'https://relay.kommun-x.se' });
    expect(c.mode).toBe('demo');
    expect(c.environment?.map((v) => v.name)).toEqual([...CONNECTIVITY_VARIABLES]);
    expect(c.environment?.filter((v) => v.set).map((v) => v.name)).toEqual(['GDIAL_RELAY_URL']);
  });

  it('configures what is set, with the relay organisation, and never puts values in the variable list', () => {
    const c = connectivityFromEnv(live);
    expect(c).toMatchObject({
      mode: 'live',
      settings: {
        relay: { url: live.GDIAL_RELAY_URL, tenant: 'kommun-x', deviceToken: live.GDIAL_RELAY_DEVICE_TOKEN },
        providers: { telegram: { botToken: live.GDIAL_TELEGRAM_BOT_TOKEN } },
      },
    });
    expect(JSON.stringify(c.environment)).not.toContain('token_value');
    expect(c.environment?.find((v) => v.name === 'GDIAL_TELEGRAM_BOT_TOKEN')?.set).toBe(true);
    expect(c.environment?.find((v) => v.name === 'GDIAL_TWILIO_AUTH_TOKEN')?.set).toBe(false);
  });

  it('names what is missing from a partial configuration', () => {
    expect(() => connectivityFromEnv({ GDIAL_TWILIO_ACCOUNT_SID: 'AC1' })).toThrow(ConfigError);
    expect(() => connectivityFromEnv({ GDIAL_TWILIO_ACCOUNT_SID: 'AC1' })).toThrow(/GDIAL_RELAY_URL/);
  });

  it('refuses a sender people cannot answer "1" to, naming the variable (the one sender rule, checkSenderId)', () => {
    const twilio = { ...live, GDIAL_TWILIO_ACCOUNT_SID: 'AC1', GDIAL_TWILIO_AUTH_TOKEN: 'a'.repeat(32) };
    expect(() => connectivityFromEnv({ ...twilio, GDIAL_TWILIO_FROM: 'Kommunen' })).toThrow(/GDIAL_TWILIO_FROM.*reply/);
    expect(() => connectivityFromEnv({ ...twilio, GDIAL_TWILIO_FROM: '070-123 45 67' })).toThrow(/GDIAL_TWILIO_FROM.*international/);
    expect(() => connectivityFromEnv({ ...twilio, GDIAL_TWILIO_FROM: '+46701234567', GDIAL_TWILIO_WHATSAPP_FROM: 'WA' })).toThrow(
      /GDIAL_TWILIO_WHATSAPP_FROM/,
    );
    expect(connectivityFromEnv({ ...twilio, GDIAL_TWILIO_FROM: '+46701234567' })).toMatchObject({
      settings: { providers: { twilio: { sms: { from: '+46701234567' } } } },
    });
  });
});
