// The providers-and-relay configuration an administrator saves in settings: how it is
// stored (the non-secret parts as they are, each secret only as the text the host's sealer
// returned), the rules a configuration must meet before anything is written, and how a
// saved configuration becomes the ConnectivitySettings the engine runs with.
import { z } from 'zod';
import {
  elksWebhookUrls,
  checkSenderId,
  failoverSettingsSchema,
  relayWebhookUrls,
  type ConnectivityConfig,
  type connectivityConfigInputSchema,
  type FieldIssue,
  type SecretState,
} from '@gdial/protocol';
import { normalisePhone } from '../../contacts/phone';
import type { Db } from '../../store/db';
import { deleteSetting, readSetting, writeSetting, type SettingDef } from '../../store/settings';
import type { ConnectivitySettings } from './index';
import { secretSlots, type SecretSlot } from './secrets';

/** The non-secret part of the saved configuration. */
export const savedConfigSchema = z.object({
  relay: z.object({ url: z.string(), publicUrl: z.string(), tenant: z.string() }),
  twilio: z.object({ enabled: z.boolean(), accountSid: z.string(), from: z.string(), whatsappFrom: z.string() }),
  sendgrid: z.object({ enabled: z.boolean(), from: z.string(), fromName: z.string() }),
  telegram: z.object({ enabled: z.boolean() }),
  elks: z.object({ enabled: z.boolean(), username: z.string(), from: z.string() }).default({ enabled: false, username: '', from: '' }),
  failover: failoverSettingsSchema.prefault({}),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
export type SavedConfig = z.infer<typeof savedConfigSchema>;

export const savedConfigSetting: SettingDef<SavedConfig | null> = {
  key: 'connectivity.config',
  schema: savedConfigSchema.nullable(),
  fallback: null,
};

const sealedSecretSchema = z.object({ sealed: z.string().min(1), setAt: z.string() });
export type SealedSecret = z.infer<typeof sealedSecretSchema>;

export const sealedSecretSetting = (slot: SecretSlot): SettingDef<SealedSecret | null> => ({
  key: `connectivity.secret.${slot}`,
  schema: sealedSecretSchema.nullable(),
  fallback: null,
});

export const allSlots: SecretSlot[] = Object.values(secretSlots);

export type SealedSecrets = Record<SecretSlot, SealedSecret | null>;

export function readSealedSecrets(db: Db): SealedSecrets {
  return Object.fromEntries(allSlots.map((s) => [s, readSetting(db, sealedSecretSetting(s))])) as SealedSecrets;
}

export const emptyConfig: Omit<SavedConfig, 'updatedAt' | 'updatedBy'> = {
  relay: { url: '', publicUrl: '', tenant: '' },
  twilio: { enabled: false, accountSid: '', from: '', whatsappFrom: '' },
  sendgrid: { enabled: false, from: '', fromName: '' },
  telegram: { enabled: false },
  elks: { enabled: false, username: '', from: '' },
  failover: failoverSettingsSchema.parse({}),
};

const secretState = (s: SealedSecret | null): SecretState => ({ set: s !== null, setAt: s?.setAt ?? null });

/** The saved configuration as the console may see it: no secret values, only whether each is set. */
export function configView(config: SavedConfig | null, secrets: SealedSecrets): ConnectivityConfig {
  const c = config ?? emptyConfig;
  return {
    relay: { ...c.relay, deviceToken: secretState(secrets[secretSlots.relayDeviceToken]) },
    twilio: { ...c.twilio, authToken: secretState(secrets[secretSlots.twilioAuthToken]) },
    sendgrid: { ...c.sendgrid, apiKey: secretState(secrets[secretSlots.sendgridApiKey]) },
    telegram: { ...c.telegram, botToken: secretState(secrets[secretSlots.telegramBotToken]) },
    elks: {
      ...c.elks,
      password: secretState(secrets[secretSlots.elksPassword]),
      callbackSecret: secretState(secrets[secretSlots.elksCallbackSecret]),
    },
    failover: c.failover,
  };
}

// ── rules ────────────────────────────────────────────────────────────────────────────────

const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * A sender the console lets an operator save: the one sender rule (protocol checkSenderId),
 * with replies required (people answer "1"), and a number (an alert also calls from it).
 */
const validSender = (sender: string): boolean => {
  const check = checkSenderId(sender, { needsReplies: true });
  return check.valid && check.kind === 'phone-number';
};
const TENANT = /^[a-z0-9][a-z0-9-]{1,62}$/;
const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const TWILIO_AUTH_TOKEN = /^[0-9a-fA-F]{32}$/;
const SENDGRID_KEY = /^SG\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}$/;
const TELEGRAM_TOKEN = /^\d{3,}:[A-Za-z0-9_-]{20,}$/;
const ELKS_USERNAME = /^u[0-9a-fA-F]{32}$/;
const ELKS_SECRET = /^[A-Za-z0-9_-]{32,256}$/;

/** A phone number as typed ("+46 70-174 00 00", "whatsapp:+46…") in the form the providers take. */
const compactNumber = (s: string): string =>
  s
    .trim()
    .replace(/^whatsapp:/i, '')
    .replace(/[\s\-().]/g, '');

/**
 * A sender number as the operator types it ("070-174 00 00", "+46 8 123 456 78") in E.164,
 * Swedish unless it says otherwise; unchanged (and then refused by the E.164 check, with
 * the reason) when it is not a phone number.
 */
function senderNumber(raw: string): { value: string; reason: string | null } {
  const compact = compactNumber(raw);
  if (compact === '' || E164.test(compact)) return { value: compact, reason: null };
  const n = normalisePhone(raw.trim().replace(/^whatsapp:/i, ''));
  return n.ok ? { value: n.e164, reason: null } : { value: compact, reason: n.reason };
}
const baseUrl = (s: string): string => s.trim().replace(/\/+$/, '');

export function httpUrlProblem(value: string): string | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return 'Must be a web address starting with https:// (or http://)';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'Must start with https:// (or http://)';
  if (u.username || u.password) return 'Must not contain a user name or password';
  if (u.search || u.hash) return 'Must not contain "?" or "#" parts';
  return null;
}

/** A secret as submitted: keep what is saved, remove it, or replace it with new text. */
export type SecretChange = { kind: 'keep' } | { kind: 'remove' } | { kind: 'replace'; value: string };

const secretChangeOf = (v: string | null | undefined): SecretChange =>
  v === null ? { kind: 'remove' } : v === undefined || v.trim() === '' ? { kind: 'keep' } : { kind: 'replace', value: v.trim() };

export interface ValidatedSetup {
  config: Omit<SavedConfig, 'updatedAt' | 'updatedBy'>;
  secrets: Record<SecretSlot, SecretChange>;
}

/**
 * Checks a submitted configuration against the rules and reports every field at fault at
 * once (paths as the form names them: "twilio.from"). What is typed must be well-formed;
 * what is required depends on what is switched on. `saved` says which secrets are stored.
 */
export function validateSetup(
  input: z.output<typeof connectivityConfigInputSchema>,
  saved: Record<SecretSlot, boolean>,
): ValidatedSetup | { issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const bad = (path: string, message: string) => issues.push({ path, message });

  const secrets: Record<SecretSlot, SecretChange> = {
    [secretSlots.relayDeviceToken]: secretChangeOf(input.relay.deviceToken),
    [secretSlots.twilioAuthToken]: secretChangeOf(input.twilio.authToken),
    [secretSlots.sendgridApiKey]: secretChangeOf(input.sendgrid.apiKey),
    [secretSlots.telegramBotToken]: secretChangeOf(input.telegram.botToken),
    [secretSlots.elksPassword]: secretChangeOf(input.elks.password),
    [secretSlots.elksCallbackSecret]: secretChangeOf(input.elks.callbackSecret),
  };
  /** Whether the slot holds a secret once this save is written. */
  const present = (slot: SecretSlot) => (secrets[slot].kind === 'keep' ? saved[slot] : secrets[slot].kind === 'replace');
  const newValue = (slot: SecretSlot): string | null => {
    const c = secrets[slot];
    return c.kind === 'replace' ? c.value : null;
  };

  const relay = {
    url: baseUrl(input.relay.url),
    publicUrl: baseUrl(input.relay.publicUrl),
    tenant: input.relay.tenant.trim().toLowerCase(),
  };
  const fromNumber = senderNumber(input.twilio.from);
  const whatsappNumber = senderNumber(input.twilio.whatsappFrom);
  const twilio = {
    enabled: input.twilio.enabled,
    accountSid: input.twilio.accountSid.trim(),
    from: fromNumber.value,
    whatsappFrom: whatsappNumber.value,
  };
  const fromReason = fromNumber.reason;
  const whatsappReason = whatsappNumber.reason;
  const sendgrid = { enabled: input.sendgrid.enabled, from: input.sendgrid.from.trim(), fromName: input.sendgrid.fromName.trim() };
  const telegram = { enabled: input.telegram.enabled };
  const elksNumber = senderNumber(input.elks.from);
  const elks = { enabled: input.elks.enabled, username: input.elks.username.trim(), from: elksNumber.value };
  const failover = input.failover;
  const anyProvider = twilio.enabled || sendgrid.enabled || telegram.enabled || elks.enabled;

  // The relay: needed as soon as any provider is on, because providers post their status
  // callbacks, key presses and replies to it and voice calls fetch their call flow from it.
  const relayWanted =
    anyProvider || relay.url !== '' || relay.tenant !== '' || relay.publicUrl !== '' || newValue(secretSlots.relayDeviceToken) !== null;
  if (relay.url) {
    const p = httpUrlProblem(relay.url);
    if (p) bad('relay.url', p);
  } else if (relayWanted) {
    bad(
      'relay.url',
      anyProvider ? 'Required when a provider is on: the providers send statuses and replies to the relay' : 'Required for a relay',
    );
  }
  if (relay.publicUrl) {
    const p = httpUrlProblem(relay.publicUrl);
    if (p) bad('relay.publicUrl', p);
  }
  if (relay.tenant) {
    if (!TENANT.test(relay.tenant)) bad('relay.tenant', 'Must be 2–63 characters of a–z, 0–9 and "-", as the relay administrator gave it');
  } else if (relayWanted) {
    bad('relay.tenant', 'Required for a relay: the name of your organisation on the relay');
  }
  const token = newValue(secretSlots.relayDeviceToken);
  if (token !== null) {
    if (token.startsWith('gde_'))
      bad('relay.deviceToken', 'This is an enrolment code, not a device token: enrol this computer with it first');
    else if (!/^\S{16,}$/.test(token))
      bad('relay.deviceToken', 'Must be the device token from enrolment (at least 16 characters, no spaces)');
  } else if (relayWanted && !present(secretSlots.relayDeviceToken)) {
    bad('relay.deviceToken', 'Required for a relay: the device token this computer got when it was enrolled');
  }

  // Twilio: voice calls and SMS from one number, WhatsApp from its own sender if given.
  if (twilio.accountSid) {
    if (!ACCOUNT_SID.test(twilio.accountSid))
      bad('twilio.accountSid', 'Must be "AC" followed by 32 hexadecimal characters (Twilio Console → Account info)');
  } else if (twilio.enabled) {
    bad('twilio.accountSid', 'Required when Twilio is on');
  }
  const authToken = newValue(secretSlots.twilioAuthToken);
  if (authToken !== null) {
    if (!TWILIO_AUTH_TOKEN.test(authToken))
      bad('twilio.authToken', 'Must be 32 hexadecimal characters (Twilio Console → Account info → Auth Token)');
  } else if (twilio.enabled && !present(secretSlots.twilioAuthToken)) {
    bad('twilio.authToken', 'Required when Twilio is on');
  }
  if (twilio.from) {
    if (!validSender(twilio.from))
      bad('twilio.from', `Not a phone number (${fromReason ?? 'not in international form'}); e.g. 070-123 45 67 or +46701234567`);
  } else if (twilio.enabled) {
    bad('twilio.from', 'Required when Twilio is on: the number calls and SMS come from');
  }
  if (twilio.whatsappFrom && !validSender(twilio.whatsappFrom)) {
    bad('twilio.whatsappFrom', `Not a phone number (${whatsappReason ?? 'not in international form'}); e.g. 070-123 45 67 or +46701234567`);
  }

  // SendGrid: e-mail.
  const apiKey = newValue(secretSlots.sendgridApiKey);
  if (apiKey !== null) {
    if (!SENDGRID_KEY.test(apiKey)) bad('sendgrid.apiKey', 'Must be a SendGrid API key ("SG." followed by two parts separated by a dot)');
  } else if (sendgrid.enabled && !present(secretSlots.sendgridApiKey)) {
    bad('sendgrid.apiKey', 'Required when SendGrid is on');
  }
  if (sendgrid.from) {
    if (!z.email().safeParse(sendgrid.from).success) bad('sendgrid.from', 'Must be an e-mail address, e.g. larm@kommun.se');
  } else if (sendgrid.enabled) {
    bad('sendgrid.from', 'Required when SendGrid is on: the address e-mail comes from (verified in SendGrid)');
  }
  if (sendgrid.fromName.length > 100) bad('sendgrid.fromName', 'Must be at most 100 characters');

  // Telegram: a bot.
  const botToken = newValue(secretSlots.telegramBotToken);
  if (botToken !== null) {
    if (!TELEGRAM_TOKEN.test(botToken))
      bad('telegram.botToken', 'Must be a bot token from @BotFather (digits, ":", then letters and digits)');
  } else if (telegram.enabled && !present(secretSlots.telegramBotToken)) {
    bad('telegram.botToken', 'Required when Telegram is on');
  }

  // 46elks: SMS and calls from one number; its callbacks carry the relay's secret for this organisation.
  if (elks.username) {
    if (!ELKS_USERNAME.test(elks.username))
      bad('elks.username', 'Must be "u" followed by 32 hexadecimal characters (46elks dashboard → API)');
  } else if (elks.enabled) {
    bad('elks.username', 'Required when 46elks is on');
  }
  const elksPassword = newValue(secretSlots.elksPassword);
  if (elksPassword !== null) {
    if (!/^[A-Za-z0-9]{16,64}$/.test(elksPassword))
      bad('elks.password', 'Must be the API password from the 46elks dashboard (letters and digits)');
  } else if (elks.enabled && !present(secretSlots.elksPassword)) {
    bad('elks.password', 'Required when 46elks is on');
  }
  if (elks.from) {
    if (!validSender(elks.from))
      bad('elks.from', `Not a phone number (${elksNumber.reason ?? 'not in international form'}); e.g. 076-686 00 00 or +46766860000`);
  } else if (elks.enabled) {
    bad('elks.from', 'Required when 46elks is on: the number SMS and calls come from');
  }
  const elksSecret = newValue(secretSlots.elksCallbackSecret);
  if (elksSecret !== null) {
    if (!ELKS_SECRET.test(elksSecret))
      bad(
        'elks.callbackSecret',
        'Must be the 46elks callback secret the relay administrator gave (at least 32 letters, digits, "_" or "-")',
      );
  } else if (elks.enabled && !present(secretSlots.elksCallbackSecret)) {
    bad('elks.callbackSecret', 'Required when 46elks is on: 46elks does not sign its callbacks, so the relay checks this secret');
  }
  if (failover.primary === 'elks' && !elks.enabled && twilio.enabled) bad('failover.primary', '46elks cannot go first while it is off');

  if (issues.length) return { issues };
  // No relay any more: its device token goes too.
  if (!relayWanted && saved[secretSlots.relayDeviceToken]) secrets[secretSlots.relayDeviceToken] = { kind: 'remove' };
  return { config: { relay, twilio, sendgrid, telegram, elks, failover }, secrets };
}

/** Whether a saved configuration asks for anything at all. */
export const configIsEmpty = (c: Omit<SavedConfig, 'updatedAt' | 'updatedBy'>): boolean =>
  c.relay.url === '' && !c.twilio.enabled && !c.sendgrid.enabled && !c.telegram.enabled && !c.elks.enabled;

/** The secrets a configuration needs opened to run. */
export function slotsNeeded(c: Omit<SavedConfig, 'updatedAt' | 'updatedBy'>): SecretSlot[] {
  const out: SecretSlot[] = [];
  if (c.relay.url) out.push(secretSlots.relayDeviceToken);
  if (c.twilio.enabled) out.push(secretSlots.twilioAuthToken);
  if (c.sendgrid.enabled) out.push(secretSlots.sendgridApiKey);
  if (c.telegram.enabled) out.push(secretSlots.telegramBotToken);
  if (c.elks.enabled) out.push(secretSlots.elksPassword, secretSlots.elksCallbackSecret);
  return out;
}

/** What the engine runs with, from a saved configuration and its opened secrets. */
export function settingsFromConfig(
  c: Omit<SavedConfig, 'updatedAt' | 'updatedBy'>,
  secret: (slot: SecretSlot) => string,
): ConnectivitySettings {
  const settings: ConnectivitySettings = {};
  if (!c.relay.url) return settings;
  settings.relay = { url: c.relay.url, deviceToken: secret(secretSlots.relayDeviceToken), tenant: c.relay.tenant };
  const urls = relayWebhookUrls(c.relay.publicUrl || c.relay.url, c.relay.tenant);
  settings.providers = {};
  if (c.twilio.enabled) {
    settings.providers.twilio = {
      accountSid: c.twilio.accountSid,
      authToken: secret(secretSlots.twilioAuthToken),
      sms: { from: c.twilio.from },
      voice: { from: c.twilio.from },
      ...(c.twilio.whatsappFrom ? { whatsapp: { from: c.twilio.whatsappFrom } } : {}),
      callbacks: { messageStatusUrl: urls.twilioMessageStatus, callStatusUrl: urls.twilioCallStatus },
    };
  }
  if (c.sendgrid.enabled) {
    settings.providers.sendgrid = {
      apiKey: secret(secretSlots.sendgridApiKey),
      from: { email: c.sendgrid.from, ...(c.sendgrid.fromName ? { name: c.sendgrid.fromName } : {}) },
    };
  }
  if (c.telegram.enabled) settings.providers.telegram = { botToken: secret(secretSlots.telegramBotToken) };
  if (c.elks.enabled) {
    const callbackSecret = secret(secretSlots.elksCallbackSecret);
    const elksUrls = elksWebhookUrls(c.relay.publicUrl || c.relay.url, c.relay.tenant, callbackSecret);
    settings.providers.elks = {
      username: c.elks.username,
      password: secret(secretSlots.elksPassword),
      sms: { from: c.elks.from },
      voice: { from: c.elks.from },
      callbacks: { deliveryReportUrl: elksUrls.elksDeliveryReport, callHangupUrl: elksUrls.elksCallHangup, callbackSecret },
    };
  }
  const order = c.failover.primary === 'elks' ? (['elks', 'twilio'] as const) : (['twilio', 'elks'] as const);
  settings.providers.order = { sms: [...order], voice: [...order] };
  settings.providers.rates = {
    twilio: { sms: c.failover.twilioSmsPerSecond, voice: c.failover.twilioCallsPerSecond },
    elks: { sms: c.failover.elksSmsPerSecond, voice: c.failover.elksCallsPerSecond },
  };
  return settings;
}

// ── audit ────────────────────────────────────────────────────────────────────────────────

const secretFieldOf: Record<SecretSlot, string> = {
  [secretSlots.relayDeviceToken]: 'relay.deviceToken',
  [secretSlots.twilioAuthToken]: 'twilio.authToken',
  [secretSlots.sendgridApiKey]: 'sendgrid.apiKey',
  [secretSlots.telegramBotToken]: 'telegram.botToken',
  [secretSlots.elksPassword]: 'elks.password',
  [secretSlots.elksCallbackSecret]: 'elks.callbackSecret',
};

/**
 * One line for the audit log naming what changed: old → new for the plain fields, and for
 * secrets only "set", "replaced" or "removed" — never a value.
 */
export function describeChanges(
  before: Omit<SavedConfig, 'updatedAt' | 'updatedBy'> | null,
  after: Omit<SavedConfig, 'updatedAt' | 'updatedBy'>,
  secrets: Record<SecretSlot, SecretChange>,
  saved: Record<SecretSlot, boolean>,
): string {
  const b = before ?? emptyConfig;
  const parts: string[] = [];
  const show = (v: string | boolean | number) => (typeof v === 'boolean' ? (v ? 'on' : 'off') : v === '' ? '(empty)' : String(v));
  for (const group of ['relay', 'twilio', 'sendgrid', 'telegram', 'elks', 'failover'] as const) {
    const was = b[group] as Record<string, string | boolean | number>;
    const now = after[group] as Record<string, string | boolean | number>;
    for (const k of Object.keys(now)) {
      if (was[k] !== now[k]) parts.push(`${group}.${k} ${show(was[k] ?? '')} → ${show(now[k]!)}`);
    }
  }
  for (const slot of allSlots) {
    const c = secrets[slot];
    if (c.kind === 'replace') parts.push(`${secretFieldOf[slot]} ${saved[slot] ? 'replaced' : 'set'}`);
    else if (c.kind === 'remove' && saved[slot]) parts.push(`${secretFieldOf[slot]} removed`);
  }
  return parts.length ? `Providers and relay changed: ${parts.join('; ')}` : 'Providers and relay saved without changes';
}

export function writeSecret(db: Db, slot: SecretSlot, value: SealedSecret | null): void {
  if (value) writeSetting(db, sealedSecretSetting(slot), value);
  else deleteSetting(db, sealedSecretSetting(slot));
}
