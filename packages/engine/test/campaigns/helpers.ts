// Test fixtures for the campaign engine: a fresh store and engine context per test,
// contacts and groups written straight into the contacts tables, and a scriptable fake
// provider for the dispatcher tests that must not depend on network timing.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Channel, DeliveryStatus, EventName, EventPayload, ProviderEvent, SignedInUser, TemplateFields } from '@gdial/protocol';
import type { EngineContext } from '../../src/context';
import { DomainError } from '../../src/errors';
import { silentLogger } from '../../src/log';
import { openStore, type Store } from '../../src/store/db';
import { approveTemplate, createTemplate } from '../../src/campaigns/templates';
import { approvalRuleSetting } from '../../src/campaigns/approvals';
import { writeSetting } from '../../src/store/settings';
import type { ChannelSender, ChannelSenders, LookupOutcome, OutboundDelivery, SendResult } from '../../src/campaigns/ports';

export interface TestEnv {
  dir: string;
  store: Store;
  ctx: EngineContext;
  events: { name: string; payload: unknown }[];
  close(): void;
}

export function makeEnv(dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-campaigns-'))): TestEnv {
  const store = openStore(path.join(dir, 'gdial.db'), { logger: silentLogger() });
  // These tests start alerts alone; the two-person rule has its own (approvals.test.ts sets the organisation's default).
  store.transaction((tx) =>
    writeSetting(tx, approvalRuleSetting, { threshold: 1_000_000, testGroup: null, authorMayApproveTemplates: true }),
  );
  const events: { name: string; payload: unknown }[] = [];
  const ctx: EngineContext = {
    store,
    logger: silentLogger(),
    events: { emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void events.push({ name, payload }) },
    dataDir: dir,
    resourcesDir: null,
    demo: true,
    startedAt: new Date(),
    operator: () => 'Test Operatör',
  };
  return {
    dir,
    store,
    ctx,
    events,
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ContactSpec {
  name: string;
  firstName?: string | null;
  language?: 'sv' | 'en';
  phones?: (string | { e164: string; label?: 'mobile' | 'work' | 'home' | 'other'; canSms?: boolean })[];
  emails?: string[];
  tags?: string[];
  custom?: Record<string, string | number | boolean | null>;
  groups?: number[];
  dnc?: Partial<Record<Channel, boolean>>;
  organisation?: string | null;
}

export function addContact(store: Store, c: ContactSpec): number {
  const s = store.sqlite;
  const row = s
    .prepare(
      `INSERT INTO contacts (display_name, first_name, organisation, language, custom_fields, sort_key, dnc_voice, dnc_sms, dnc_email, dnc_whatsapp, dnc_telegram)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
    )
    .get(
      c.name,
      c.firstName === undefined ? c.name.split(' ')[0] : c.firstName,
      c.organisation ?? 'Kommunen',
      c.language ?? 'sv',
      JSON.stringify(c.custom ?? {}),
      c.name.toLowerCase(),
      c.dnc?.voice ? 1 : 0,
      c.dnc?.sms ? 1 : 0,
      c.dnc?.email ? 1 : 0,
      c.dnc?.whatsapp ? 1 : 0,
      c.dnc?.telegram ? 1 : 0,
    ) as { id: number };
  (c.phones ?? []).forEach((p, i) => {
    const spec = typeof p === 'string' ? { e164: p } : p;
    const canSms = spec.canSms ?? !spec.e164.startsWith('+468');
    s.prepare('INSERT INTO contact_phones (contact_id, e164, label, priority, kind, can_sms) VALUES (?, ?, ?, ?, ?, ?)').run(
      row.id,
      spec.e164,
      spec.label ?? (canSms ? 'mobile' : 'work'),
      i,
      canSms ? 'mobile' : 'fixedLine',
      canSms ? 1 : 0,
    );
  });
  (c.emails ?? []).forEach((e, i) => {
    s.prepare('INSERT INTO contact_emails (contact_id, address, address_key, label, priority) VALUES (?, ?, ?, ?, ?)').run(
      row.id,
      e,
      e.toLowerCase(),
      'work',
      i,
    );
  });
  for (const t of c.tags ?? []) s.prepare('INSERT INTO contact_tags (contact_id, tag) VALUES (?, ?)').run(row.id, t);
  for (const g of c.groups ?? []) s.prepare('INSERT INTO group_members (group_id, contact_id) VALUES (?, ?)').run(g, row.id);
  return row.id;
}

export function addGroup(store: Store, name: string, parentId: number | null = null): number {
  return (
    store.sqlite
      .prepare('INSERT INTO contact_groups (name, name_key, parent_id) VALUES (?, ?, ?) RETURNING id')
      .get(name, name.toLowerCase(), parentId) as {
      id: number;
    }
  ).id;
}

export const alertTemplate: TemplateFields = {
  name: 'Larm',
  variants: {
    sv: {
      sms: 'Hej {{first_name}}! Larm från {{organisation}}. Svara 1 för att bekräfta.',
      voice: { kind: 'tts', script: 'Hej {{first_name}}. Detta är ett larm från {{organisation}}.' },
      email: { subject: 'Larm: {{campaign_name}}', html: '<p>Hej {{first_name}}</p>', text: 'Hej {{first_name}}, larm.' },
    },
    en: { sms: 'Hi {{first_name}}! Alert from {{organisation}}. Reply 1 to confirm.' },
  },
  fallbacks: { first_name: 'du' },
};

export function addTemplate(store: Store, fields: TemplateFields = alertTemplate, approved = true): number {
  return store.transaction((tx) => {
    const id = createTemplate(tx, fields);
    if (approved) approveTemplate(tx, id, 'Test Operatör');
    return id;
  });
}

type Script = (d: OutboundDelivery, attempt: number) => SendResult | Promise<SendResult>;

/** A provider that records what it is asked to send and answers as a test scripts it. */
export class FakeSender implements ChannelSender {
  readonly sent: (OutboundDelivery & { providerId: string })[] = [];
  readonly attempts = new Map<string, number>();
  readonly hungUp: string[] = [];
  private n = 0;
  script: Script = () => ({ ok: true, providerId: '', status: 'queued' });

  constructor(readonly provider = 'fake') {}

  async send(d: OutboundDelivery): Promise<SendResult> {
    const attempt = (this.attempts.get(d.token) ?? 0) + 1;
    this.attempts.set(d.token, attempt);
    const out = await this.script(d, attempt);
    if (out.ok) {
      const providerId = out.providerId || `P${++this.n}`;
      this.sent.push({ ...d, providerId });
      return { ...out, providerId };
    }
    return out;
  }

  /** How a look-up finds a message: by our token, or (as Twilio's listing) by the number and text. */
  findBy: 'token' | 'address' = 'token';
  /** A look-up that cannot reach the provider. */
  lookUpFails = false;

  async findByToken(q: { token: string; to: string; body?: string | null }): Promise<LookupOutcome> {
    if (this.lookUpFails) return { found: 'unknown', message: 'provider unreachable' };
    const s = this.sent.find((x) => (this.findBy === 'token' ? x.token === q.token : x.to === q.to && x.body === q.body));
    return s ? { found: true, providerId: s.providerId, status: 'sent' } : { found: false };
  }

  async hangUp(providerId: string): Promise<void> {
    this.hungUp.push(providerId);
  }

  /** What the provider reports when asked directly (lost-callback sweep). */
  statusOf: (providerId: string) => DeliveryStatus | null = () => null;

  async fetchStatus(providerId: string) {
    const status = this.statusOf(providerId);
    return status ? { status, answeredBy: null, failure: null } : null;
  }
}

export function fakeSenders(map: Partial<Record<Channel, FakeSender>>): ChannelSenders {
  return { get: (ch) => map[ch] ?? null };
}

let keySeq = 0;
export function statusEvent(token: string, status: DeliveryStatus, at = new Date(), channel: Channel = 'sms'): ProviderEvent {
  return {
    type: 'status',
    eventKey: `k${++keySeq}`,
    provider: 'twilio',
    channel,
    deliveryToken: token,
    providerId: null,
    occurredAt: at.toISOString(),
    status,
    failure: null,
    answeredBy: status === 'answered' ? 'human' : null,
    durationSec: null,
  };
}

export function replyEvent(from: string, text: string, at = new Date()): ProviderEvent {
  return {
    type: 'reply',
    eventKey: `k${++keySeq}`,
    provider: 'twilio',
    channel: 'sms',
    deliveryToken: null,
    providerId: null,
    occurredAt: at.toISOString(),
    from,
    to: '+46700000001',
    text,
  };
}

export function dtmfEvent(token: string, digits: string, at = new Date()): ProviderEvent {
  return {
    type: 'dtmf',
    eventKey: `k${++keySeq}`,
    provider: 'twilio',
    channel: 'voice',
    deliveryToken: token,
    providerId: null,
    occurredAt: at.toISOString(),
    digits,
  };
}

/** The dispatcher's clock under a test's control: real time plus whatever the test has moved it forward by. */
export interface TestClock {
  readonly now: number;
  offset: number;
}
export const testClock = (): TestClock => ({
  offset: 0,
  get now() {
    return Date.now() + this.offset;
  },
});

/** Moves a controlled clock forward in steps, letting the engine run between them. */
export async function advance(clock: TestClock, ms: number, step = 30_000): Promise<void> {
  for (let left = ms; left > 0; left -= step) {
    clock.offset += Math.min(step, left);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Polls a condition (no fixed sleeps in assertions): resolves when it holds. */
export async function until(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface DeliveryView {
  id: number;
  recipient_id: number;
  contact_id: number;
  step_index: number;
  channel: string;
  address: string;
  token: string;
  state: string;
  provider_status: string | null;
  provider: string | null;
  possible_duplicate: number;
  attempts: number;
  error: string | null;
}

export function deliveriesOf(store: Store, campaignId: number): DeliveryView[] {
  return store.sqlite
    .prepare(
      `SELECT d.id, d.recipient_id, r.contact_id, d.step_index, d.channel, d.address, d.token, d.state, d.provider_status, d.provider, d.possible_duplicate, d.attempts, d.error
         FROM deliveries d JOIN campaign_recipients r ON r.id = d.recipient_id WHERE d.campaign_id = ? ORDER BY d.id`,
    )
    .all(campaignId) as DeliveryView[];
}

export function outcomesOf(store: Store, campaignId: number): Map<number, string> {
  const rows = store.sqlite.prepare('SELECT contact_id, outcome FROM campaign_recipients WHERE campaign_id = ?').all(campaignId) as {
    contact_id: number;
    outcome: string;
  }[];
  return new Map(rows.map((r) => [r.contact_id, r.outcome]));
}

/** A signed-in user of the organisation (the two-person rule compares their ids). */
export const signedInUser = (id: string, displayName: string, role: SignedInUser['role'] = 'operator'): SignedInUser => ({
  id,
  username: id,
  displayName,
  role,
  source: 'local',
});

/** The refusal code the call is refused with; undefined when it is not refused. */
export function refusalCodeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (err) {
    if (err instanceof DomainError) return err.refusal?.code;
    throw err;
  }
  return undefined;
}

/** The audit log, oldest first. */
export const auditRows = (store: Store): { action: string; actor: string; summary: string; params: unknown }[] =>
  store.sqlite.prepare('SELECT action, actor, summary, params FROM audit_log ORDER BY id').all() as {
    action: string;
    actor: string;
    summary: string;
    params: unknown;
  }[];
