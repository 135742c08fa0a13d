// Alerts other systems raise and follow through the REST API v1 (protocol's api-alerts.ts,
// docs/api.md). The relay records a request and wakes the organisation's desktops through the
// event log (an `alert-request` entry); a desktop claims it (exactly one wins), makes and
// starts the alert from the prepared alert and reports each step back. The relay never
// sends: if no desktop is online the request waits for the next one that connects.
import { createHash } from 'node:crypto';
import { sharedPreApproved } from '@gdial/engine/plan-hash';
import {
  apiAlertTriggerRequestSchema,
  describeIssues,
  fieldIssues,
  placeholdersOf,
  valuesOf,
  type ApiAlertRequest,
  type ApiAlertRequestUpdate,
  type ApiAlertView,
} from '@gdial/protocol';
import type { KeyCaller } from '../auth/api-keys';
import type { AuthService } from '../auth/service';
import type { EventAppender } from '../ingest/appender';
import { preparedAlertsNamed } from '../store/alert-reads';
import type { RelayDb } from '../store/db';
import {
  claimAlertRequest,
  findByIdempotencyKey,
  getAlertRequest,
  openAlertRequests,
  recordAlertRequest,
  requestCancel,
  updateAlertRequest,
  type AlertRequestRow,
} from '../store/alert-requests';
import { listDevices, type Tenant } from '../store/tenants';
import { readCap, type CapRefusal } from './cap';
import { alertAndCounts } from './read-model';

/** A desktop seen within this long counts as online (the stream's heartbeat and every API call refresh it). */
export const DESKTOP_ONLINE_WITHIN_MS = 45_000;

export type Outcome<T> = { ok: true; value: T } | { ok: false; status: number; code: string; message: string };
const refuse = (status: number, code: string, message: string): Outcome<never> => ({ ok: false, status, code, message });

interface PreparedRef {
  id: string;
  name: string;
  /** Pre-approved by two people, for the plan as it is now (engine's plan-hash.ts). */
  preApproved: boolean;
}

/** The body's fingerprint: the same Idempotency-Key with another body is a different request, refused. */
const bodyHashOf = (b: unknown): string =>
  createHash('sha256')
    .update(JSON.stringify(b, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? sortKeys(v) : v)))
    .digest('hex');
const sortKeys = (o: object): object => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export class AlertRequests {
  constructor(
    /** The relay's database (the routes read the synced alert through it, alerts-api/read-model.ts). */
    readonly db: RelayDb,
    private readonly appender: EventAppender,
    private readonly auth: AuthService,
    private readonly now: () => number = Date.now,
  ) {}

  /** The organisation's prepared alerts as sync holds them, found by id or by exact name. */
  private async findPrepared(tenantId: string, ref: string): Promise<PreparedRef[]> {
    return (await preparedAlertsNamed(this.db, tenantId, ref)).flatMap((r) => {
      const p = valuesOf(r.state).preparedAlert;
      const name = p && typeof p === 'object' && !Array.isArray(p) && typeof p.name === 'string' ? p.name : null;
      return name === null ? [] : [{ id: r.id, name, preApproved: sharedPreApproved(p) }];
    });
  }

  async desktopOnline(tenant: Tenant): Promise<boolean> {
    const now = this.now();
    return (await listDevices(this.db, tenant)).some(
      (d) => d.revokedAt === null && d.lastSeenAt !== null && now - d.lastSeenAt.getTime() < DESKTOP_ONLINE_WITHIN_MS,
    );
  }

  async trigger(
    caller: KeyCaller,
    body: unknown,
    idempotencyKey: string | null,
  ): Promise<Outcome<{ view: ApiAlertView; created: boolean; preApproved: boolean }>> {
    const { tenant, key } = caller;
    if (idempotencyKey !== null && (idempotencyKey.length === 0 || idempotencyKey.length > 200))
      return refuse(400, 'validation', 'Idempotency-Key: 1–200 tecken.');
    const parsed = apiAlertTriggerRequestSchema.safeParse(body);
    if (!parsed.success) return refuse(400, 'validation', describeIssues(fieldIssues(parsed.error)));
    const r = parsed.data;
    const bodyHash = bodyHashOf(r);
    const reused = (row: AlertRequestRow): Outcome<never> =>
      refuse(
        422,
        'idempotency-key-reused',
        `Idempotency-Key ”${idempotencyKey}” användes redan för en annan begäran (larmmallen ”${row.preparedAlertName}”, ${row.createdAt.toISOString()}): använd en ny nyckel för en ny begäran.`,
      );
    // A retry answers with what the first request made, whatever changed since (a renamed or deleted prepared alert).
    const earlier = idempotencyKey === null ? null : await findByIdempotencyKey(this.db, tenant.id, key.id, idempotencyKey);
    if (earlier) {
      if (earlier.bodyHash !== bodyHash) return reused(earlier);
      const preApproved = (await this.findPrepared(tenant.id, earlier.preparedAlert)).some(
        (p) => p.id === earlier.preparedAlert && p.preApproved,
      );
      return { ok: true, value: { view: await this.view(tenant, earlier, await this.desktopOnline(tenant)), created: false, preApproved } };
    }
    const found = await this.findPrepared(tenant.id, r.preparedAlert);
    const exact = found.filter((p) => p.id === r.preparedAlert);
    const matches = exact.length > 0 ? exact : found;
    if (matches.length === 0) return refuse(404, 'not-found', `Det finns ingen larmmall med id eller namn ”${r.preparedAlert}”.`);
    if (matches.length > 1)
      return refuse(
        409,
        'ambiguous',
        `Flera larmmallar heter ”${r.preparedAlert}”: ange larmmallens id (${matches.map((m) => m.id).join(', ')}).`,
      );
    const prepared = matches[0]!;
    const wanted = placeholdersOf(prepared.name);
    const missing = wanted.filter((v) => r.variables[v] === undefined);
    if (missing.length > 0)
      return refuse(
        422,
        'missing-variables',
        `Larmmallen ”${prepared.name}” behöver variablerna ${missing.map((m) => `”${m}”`).join(', ')}.`,
      );
    const unknown = Object.keys(r.variables).filter((v) => !wanted.includes(v));
    if (unknown.length > 0)
      return refuse(
        422,
        'unknown-variables',
        `Larmmallen ”${prepared.name}” har inga variabler ${unknown.map((m) => `”${m}”`).join(', ')}${wanted.length > 0 ? ` (den har ${wanted.join(', ')})` : ''}.`,
      );
    const online = await this.desktopOnline(tenant);
    const { row, created } = await recordAlertRequest(
      this.db,
      tenant.id,
      {
        keyId: key.id,
        keyName: key.name,
        idempotencyKey,
        bodyHash,
        preparedAlert: prepared.id,
        preparedAlertName: prepared.name,
        variables: r.variables,
        test: r.test,
      },
      async () => undefined,
    );
    if (!created && row.bodyHash !== bodyHash) return reused(row);
    if (created) {
      // The desktops first (the alert's way out), then the audit entry.
      await this.wake(tenant.id, row);
      await this.auth.audit(tenant.id, {
        actorUsername: key.name,
        action: 'api-alert-requested',
        subject: row.id,
        detail: { preparedAlert: prepared.name, test: r.test ? 1 : 0, desktopOnline: online ? 1 : 0 },
      });
    }
    return { ok: true, value: { view: await this.view(tenant, row, online), created, preApproved: prepared.preApproved } };
  }

  /**
   * A CAP 1.2 message to be made into a draft alert by a desktop. Idempotent by the
   * Idempotency-Key, else by the message's sender and identifier (CAP: unique per sender):
   * the same message again answers with the first request; another message under the same
   * identifier is refused. It never starts an alert: an operator reviews and starts the draft.
   */
  async triggerCap(
    caller: KeyCaller,
    xml: string,
    idempotencyKey: string | null,
  ): Promise<Outcome<{ view: ApiAlertView; created: boolean }> | { ok: false; status: 422; cap: CapRefusal }> {
    const { tenant, key } = caller;
    if (idempotencyKey !== null && (idempotencyKey.length === 0 || idempotencyKey.length > 200))
      return refuse(400, 'validation', 'Idempotency-Key: 1–200 tecken.');
    const read = readCap(xml);
    if (!read.ok) return { ok: false, status: 422, cap: read.refusal };
    const cap = read.cap;
    const idem = idempotencyKey ?? `cap:${cap.sender} ${cap.identifier}`;
    const bodyHash = createHash('sha256').update(xml).digest('hex');
    const reused = (row: AlertRequestRow): Outcome<never> =>
      refuse(
        422,
        'idempotency-key-reused',
        idempotencyKey === null
          ? `Ett annat CAP-meddelande med samma avsändare och id (”${cap.sender}”, ”${cap.identifier}”) togs emot ${row.createdAt.toISOString()}: ett nytt meddelande behöver ett nytt id (identifier).`
          : `Idempotency-Key ”${idempotencyKey}” användes redan för en annan begäran (${row.createdAt.toISOString()}): använd en ny nyckel för en ny begäran.`,
      );
    const earlier = await findByIdempotencyKey(this.db, tenant.id, key.id, idem);
    if (earlier) {
      if (earlier.bodyHash !== bodyHash) return reused(earlier);
      return { ok: true, value: { view: await this.view(tenant, earlier, await this.desktopOnline(tenant)), created: false } };
    }
    const online = await this.desktopOnline(tenant);
    const { row, created } = await recordAlertRequest(
      this.db,
      tenant.id,
      {
        keyId: key.id,
        keyName: key.name,
        idempotencyKey: idem,
        bodyHash,
        preparedAlert: '',
        preparedAlertName: `CAP: ${cap.headline}`,
        variables: {},
        cap,
        test: false,
      },
      async () => undefined,
    );
    if (!created && row.bodyHash !== bodyHash) return reused(row);
    if (created) {
      await this.auth.audit(tenant.id, {
        actorUsername: key.name,
        action: 'api-alert-requested',
        subject: row.id,
        detail: { preparedAlert: row.preparedAlertName, test: 0, desktopOnline: online ? 1 : 0 },
      });
      await this.wake(tenant.id, row);
    }
    return { ok: true, value: { view: await this.view(tenant, row, online), created } };
  }

  /** Wakes the organisation's desktops through the event log (a desktop that connects later finds the request itself). */
  private async wake(tenantId: string, row: AlertRequestRow): Promise<void> {
    const key = `alert-request:${row.id}:${row.status}`;
    await this.appender.append(tenantId, { eventKey: key, kind: 'alert-request', event: { type: 'alert-request', key, id: row.id } });
  }

  async get(tenant: Tenant, id: string): Promise<ApiAlertView | null> {
    const row = await getAlertRequest(this.db, tenant.id, id);
    return row ? this.view(tenant, row, await this.desktopOnline(tenant)) : null;
  }

  async row(tenantId: string, id: string): Promise<AlertRequestRow | null> {
    return getAlertRequest(this.db, tenantId, id);
  }

  async cancel(caller: KeyCaller, id: string, reason: string | undefined): Promise<Outcome<ApiAlertView>> {
    const { tenant, key } = caller;
    const before = await getAlertRequest(this.db, tenant.id, id);
    if (!before) return refuse(404, 'not-found', 'Ingen larmbegäran med det id:t.');
    const row = await requestCancel(this.db, tenant.id, id, key.name, {
      sv: `Avbrutet via API-nyckeln ”${key.name}”${reason ? `: ${reason}` : ''}`,
      en: `Cancelled through the API key "${key.name}"${reason ? `: ${reason}` : ''}`,
    });
    if (!row) return refuse(409, 'already-final', `Larmbegäran är redan avslutad (${before.status}).`);
    await this.auth.audit(tenant.id, {
      actorUsername: key.name,
      action: 'api-alert-cancel-requested',
      subject: row.id,
      detail: { preparedAlert: row.preparedAlertName, status: row.status, ...(reason ? { reason } : {}) },
    });
    if (row.status === 'cancelling') await this.wake(tenant.id, row);
    return { ok: true, value: await this.view(tenant, row, await this.desktopOnline(tenant)) };
  }

  // ── the desktop's side ──

  async open(tenant: Tenant): Promise<ApiAlertRequest[]> {
    const rows = await openAlertRequests(this.db, tenant.id);
    const names = await this.deviceNames(tenant);
    return rows.map((r) => this.request(r, names));
  }

  async claim(tenant: Tenant, id: string, deviceId: string): Promise<{ claimed: boolean; request: ApiAlertRequest } | null> {
    const { claimed, row } = await claimAlertRequest(this.db, tenant.id, id, deviceId);
    if (!row) return null;
    const names = await this.deviceNames(tenant);
    if (claimed)
      await this.auth.audit(tenant.id, {
        actorUsername: row.keyName,
        deviceId,
        action: 'api-alert-progressed',
        subject: row.id,
        detail: { preparedAlert: row.preparedAlertName, status: 'accepted', desktop: names.get(deviceId) ?? deviceId },
      });
    return { claimed, request: this.request(row, names) };
  }

  async update(tenant: Tenant, id: string, deviceId: string, u: ApiAlertRequestUpdate): Promise<ApiAlertRequest | null> {
    const row = await updateAlertRequest(this.db, tenant.id, id, deviceId, u);
    if (!row) return null;
    const names = await this.deviceNames(tenant);
    await this.auth.audit(tenant.id, {
      actorUsername: row.keyName,
      deviceId,
      action: 'api-alert-progressed',
      subject: row.id,
      detail: {
        preparedAlert: row.preparedAlertName,
        status: u.status,
        desktop: names.get(deviceId) ?? deviceId,
        ...(u.reason ? { reason: u.reason.sv } : {}),
      },
    });
    return this.request(row, names);
  }

  private async deviceNames(tenant: Tenant): Promise<Map<string, string>> {
    return new Map((await listDevices(this.db, tenant)).map((d) => [d.id, d.name]));
  }

  private request(r: AlertRequestRow, names: ReadonlyMap<string, string>): ApiAlertRequest {
    return {
      id: r.id,
      status: r.status,
      preparedAlert: r.cap ? null : { id: r.preparedAlert, name: r.preparedAlertName },
      cap: r.cap,
      variables: r.variables,
      test: r.test,
      requestedBy: { keyId: r.keyId, keyName: r.keyName },
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
      claimedBy: r.claimedBy === null ? null : { deviceId: r.claimedBy, name: names.get(r.claimedBy) ?? null },
      alertId: r.alertId,
      reason: r.problem === null ? null : { sv: r.problem, en: r.problemEn ?? r.problem },
      cancelRequestedBy: r.cancelRequestedBy,
    };
  }

  private async view(tenant: Tenant, r: AlertRequestRow, online: boolean): Promise<ApiAlertView> {
    const names = await this.deviceNames(tenant);
    const { alert, counts } = r.alertId === null ? { alert: null, counts: null } : await alertAndCounts(this.db, tenant.id, r.alertId);
    return { ...this.request(r, names), desktopOnline: online, alert, counts };
  }
}
