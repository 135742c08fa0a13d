// The providers-and-relay form's model: what the form holds, how it comes from the saved
// configuration (secrets never arrive, only whether each is saved), and what it sends: a
// blank secret keeps the saved one, "forget" removes it, anything typed replaces it.
import type { ConnectivityConfigInput, ConnectivitySetup, FailoverSettings, FieldIssue, SecretState } from '@gdial/protocol';

export interface SecretDraft {
  /** What the operator typed; '' keeps the saved value. */
  value: string;
  /** Remove the saved value on save. */
  forget: boolean;
  saved: SecretState;
}

export interface SetupDraft {
  relay: { url: string; publicUrl: string; tenant: string; deviceToken: SecretDraft };
  twilio: { enabled: boolean; accountSid: string; from: string; whatsappFrom: string; authToken: SecretDraft };
  sendgrid: { enabled: boolean; from: string; fromName: string; apiKey: SecretDraft };
  telegram: { enabled: boolean; botToken: SecretDraft };
  elks: { enabled: boolean; username: string; from: string; password: SecretDraft; callbackSecret: SecretDraft };
  failover: FailoverSettings;
}

/** The form's fields by the paths the engine names in its field issues. */
export const fieldPaths = [
  'relay.url',
  'relay.publicUrl',
  'relay.tenant',
  'relay.deviceToken',
  'twilio.accountSid',
  'twilio.authToken',
  'twilio.from',
  'twilio.whatsappFrom',
  'sendgrid.apiKey',
  'sendgrid.from',
  'sendgrid.fromName',
  'telegram.botToken',
  'elks.username',
  'elks.password',
  'elks.from',
  'elks.callbackSecret',
  'failover.primary',
] as const;
export type FieldPath = (typeof fieldPaths)[number];

/** The environment variables the browser host reads instead, and the field each stands for. */
export const environmentVariables: readonly { name: string; field: FieldPath }[] = [
  { name: 'GDIAL_RELAY_URL', field: 'relay.url' },
  { name: 'GDIAL_RELAY_PUBLIC_URL', field: 'relay.publicUrl' },
  { name: 'GDIAL_RELAY_TENANT', field: 'relay.tenant' },
  { name: 'GDIAL_RELAY_DEVICE_TOKEN', field: 'relay.deviceToken' },
  { name: 'GDIAL_TWILIO_ACCOUNT_SID', field: 'twilio.accountSid' },
  { name: 'GDIAL_TWILIO_AUTH_TOKEN', field: 'twilio.authToken' },
  { name: 'GDIAL_TWILIO_FROM', field: 'twilio.from' },
  { name: 'GDIAL_TWILIO_WHATSAPP_FROM', field: 'twilio.whatsappFrom' },
  { name: 'GDIAL_SENDGRID_API_KEY', field: 'sendgrid.apiKey' },
  { name: 'GDIAL_SENDGRID_FROM', field: 'sendgrid.from' },
  { name: 'GDIAL_TELEGRAM_BOT_TOKEN', field: 'telegram.botToken' },
];

const secret = (saved: SecretState): SecretDraft => ({ value: '', forget: false, saved });

export function draftFromSetup(setup: ConnectivitySetup): SetupDraft {
  const s = setup.saved;
  return {
    relay: { url: s.relay.url, publicUrl: s.relay.publicUrl, tenant: s.relay.tenant, deviceToken: secret(s.relay.deviceToken) },
    twilio: {
      enabled: s.twilio.enabled,
      accountSid: s.twilio.accountSid,
      from: s.twilio.from,
      whatsappFrom: s.twilio.whatsappFrom,
      authToken: secret(s.twilio.authToken),
    },
    sendgrid: { enabled: s.sendgrid.enabled, from: s.sendgrid.from, fromName: s.sendgrid.fromName, apiKey: secret(s.sendgrid.apiKey) },
    telegram: { enabled: s.telegram.enabled, botToken: secret(s.telegram.botToken) },
    elks: {
      enabled: s.elks.enabled,
      username: s.elks.username,
      from: s.elks.from,
      password: secret(s.elks.password),
      callbackSecret: secret(s.elks.callbackSecret),
    },
    failover: { ...s.failover },
  };
}

const secretInput = (d: SecretDraft): string | null | undefined => (d.forget ? null : d.value.trim() === '' ? undefined : d.value.trim());

export function draftToInput(d: SetupDraft): ConnectivityConfigInput {
  return {
    relay: { url: d.relay.url, publicUrl: d.relay.publicUrl, tenant: d.relay.tenant, deviceToken: secretInput(d.relay.deviceToken) },
    twilio: {
      enabled: d.twilio.enabled,
      accountSid: d.twilio.accountSid,
      from: d.twilio.from,
      whatsappFrom: d.twilio.whatsappFrom,
      authToken: secretInput(d.twilio.authToken),
    },
    sendgrid: { enabled: d.sendgrid.enabled, from: d.sendgrid.from, fromName: d.sendgrid.fromName, apiKey: secretInput(d.sendgrid.apiKey) },
    telegram: { enabled: d.telegram.enabled, botToken: secretInput(d.telegram.botToken) },
    elks: {
      enabled: d.elks.enabled,
      username: d.elks.username,
      from: d.elks.from,
      password: secretInput(d.elks.password),
      callbackSecret: secretInput(d.elks.callbackSecret),
    },
    failover: { ...d.failover },
  };
}

/** What a field issue is about, so the form can say it in the operator's language. */
export type IssueKind = 'cannot-open' | 'enrolment-code' | 'other';

export interface FieldProblem {
  kind: IssueKind;
  /** The engine's own sentence (English). */
  message: string;
}

/** The first issue for each field of the form; issues on other paths are left to the general error. */
export function issuesByField(issues: FieldIssue[]): Map<FieldPath, FieldProblem> {
  const out = new Map<FieldPath, FieldProblem>();
  for (const i of issues) {
    const path = (fieldPaths as readonly string[]).includes(i.path) ? (i.path as FieldPath) : null;
    if (!path || out.has(path)) continue;
    const kind: IssueKind = /could not be opened/.test(i.message)
      ? 'cannot-open'
      : /enrolment code/.test(i.message)
        ? 'enrolment-code'
        : 'other';
    out.set(path, { kind, message: i.message });
  }
  return out;
}

/** Whether the form differs from what is saved (so leaving it would lose something). */
export function isDirty(d: SetupDraft, setup: ConnectivitySetup): boolean {
  return JSON.stringify(draftToInput(d)) !== JSON.stringify(draftToInput(draftFromSetup(setup)));
}
