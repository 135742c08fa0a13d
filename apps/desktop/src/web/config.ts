// The browser host's provider and relay configuration from the environment. With no
// provider variables at all it runs in demo mode; a partial configuration is an error that
// names what is missing, so a half-configured console never pretends it can alert people.
// What the environment configures takes precedence over anything saved in the console's
// settings (the browser host has no secure storage, so it never saves secrets itself).
import { checkSenderId, relayWebhookUrls } from '@gdial/protocol';
import type { ConnectivitySettings } from '@gdial/engine';

/** Every variable read below, in the order the settings page lists them. */
export const CONNECTIVITY_VARIABLES = [
  'GDIAL_RELAY_URL',
  'GDIAL_RELAY_PUBLIC_URL',
  'GDIAL_RELAY_TENANT',
  'GDIAL_RELAY_DEVICE_TOKEN',
  'GDIAL_TWILIO_ACCOUNT_SID',
  'GDIAL_TWILIO_AUTH_TOKEN',
  'GDIAL_TWILIO_FROM',
  'GDIAL_TWILIO_WHATSAPP_FROM',
  'GDIAL_SENDGRID_API_KEY',
  'GDIAL_SENDGRID_FROM',
  'GDIAL_TELEGRAM_BOT_TOKEN',
] as const;

export type HostConnectivity = ({ mode: 'demo' } | { mode: 'live'; settings: ConnectivitySettings }) & {
  /** Which of the variables are set (never their values), for the settings page. */
  environment?: { name: string; set: boolean }[];
};

const PROVIDER_VARS = ['GDIAL_TWILIO_ACCOUNT_SID', 'GDIAL_TWILIO_AUTH_TOKEN', 'GDIAL_SENDGRID_API_KEY', 'GDIAL_TELEGRAM_BOT_TOKEN'];

export class ConfigError extends Error {}

/** The one sender rule (protocol checkSenderId), replies required: people answer "1" to an alert. */
function sender(name: string, value: string): string {
  const check = checkSenderId(value, { needsReplies: true });
  if (!check.valid || check.kind !== 'phone-number')
    throw new ConfigError(
      `${name} must be a phone number in international form, e.g. +46701234567 (${check.errors.join('; ') || 'a short code cannot be called from'}).`,
    );
  return value;
}

export function connectivityFromEnv(env: NodeJS.ProcessEnv): HostConnectivity {
  const environment = CONNECTIVITY_VARIABLES.map((name) => ({ name, set: Boolean(env[name]?.trim()) }));
  if (!PROVIDER_VARS.some((v) => env[v])) return { mode: 'demo', environment };
  const need = (name: string): string => {
    const v = env[name]?.trim();
    if (!v) throw new ConfigError(`${name} is required when provider credentials are configured (see docs/operations/relay.md).`);
    return v;
  };
  const relayUrl = need('GDIAL_RELAY_URL');
  if (!/^https?:\/\//.test(relayUrl)) throw new ConfigError(`GDIAL_RELAY_URL must be an http(s) URL, got "${relayUrl}".`);
  const tenant = need('GDIAL_RELAY_TENANT');
  const urls = relayWebhookUrls(env.GDIAL_RELAY_PUBLIC_URL?.trim() || relayUrl, tenant);
  const settings: ConnectivitySettings = { relay: { url: relayUrl, deviceToken: need('GDIAL_RELAY_DEVICE_TOKEN'), tenant }, providers: {} };
  if (env.GDIAL_TWILIO_ACCOUNT_SID || env.GDIAL_TWILIO_AUTH_TOKEN) {
    const from = sender('GDIAL_TWILIO_FROM', need('GDIAL_TWILIO_FROM'));
    settings.providers!.twilio = {
      accountSid: need('GDIAL_TWILIO_ACCOUNT_SID'),
      authToken: need('GDIAL_TWILIO_AUTH_TOKEN'),
      sms: { from },
      voice: { from },
      ...(env.GDIAL_TWILIO_WHATSAPP_FROM
        ? { whatsapp: { from: sender('GDIAL_TWILIO_WHATSAPP_FROM', env.GDIAL_TWILIO_WHATSAPP_FROM.trim()) } }
        : {}),
      callbacks: { messageStatusUrl: urls.twilioMessageStatus, callStatusUrl: urls.twilioCallStatus },
    };
  }
  if (env.GDIAL_SENDGRID_API_KEY) {
    settings.providers!.sendgrid = { apiKey: env.GDIAL_SENDGRID_API_KEY, from: { email: need('GDIAL_SENDGRID_FROM') } };
  }
  if (env.GDIAL_TELEGRAM_BOT_TOKEN) settings.providers!.telegram = { botToken: env.GDIAL_TELEGRAM_BOT_TOKEN };
  return { mode: 'live', settings, environment };
}
