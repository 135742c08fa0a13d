// The relay's HTTPS API as the engine uses it: enrol this desktop, upload call audio,
// register call flows. Every answer is validated against the protocol; failures come back
// as a result with a sentence for the operator, never as a thrown network error.
import {
  apiAlertClaimResponseSchema,
  apiAlertRequestListSchema,
  apiAlertRequestSchema,
  type ApiAlertClaimResponse,
  type ApiAlertRequest,
  type ApiAlertRequestList,
  type ApiAlertRequestUpdate,
  burnUploadResponseSchema,
  type BurnUpload,
  type BurnUploadResponse,
  type CallbackUpdate,
  callFlowRegistrationResponseSchema,
  callFlowRegistrationSchema,
  deviceEnrolmentResponseSchema,
  mediaUploadResponseSchema,
  leaseListSchema,
  leaseRenewResponseSchema,
  leaseTakeResponseSchema,
  organisationViewSchema,
  relayHealthSchema,
  relayApiErrorSchema,
  type Lease,
  type LeaseRenewResponse,
  type LeaseTakeResponse,
  syncPushResponseSchema,
  checkEntityStates,
  syncSnapshotPageHeadSchema,
  syncStatesResponseSchema,
  type EntityState,
  type OrganisationView,
  type RelayHealth,
  type SyncOp,
  type SyncPushResponse,
  type SyncSnapshotPage,
  type SyncStatesResponse,
  type CallFlowRegistration,
  type CallFlowRegistrationResponse,
  type DeviceEnrolmentResponse,
  type MediaUploadResponse,
} from '@gdial/protocol';
import { z } from 'zod';

export type RelayHttpFailure = {
  /** 'network' = relay unreachable; 'refused' = 4xx (fix the request or token); 'relay' = 5xx (retry). */
  kind: 'network' | 'refused' | 'relay' | 'invalid-response';
  status?: number;
  /** The relay's error code (`{ error: { code } }`), when it answered with one. */
  code?: string;
  message: string;
};
export type RelayHttpResult<T> = { ok: true; value: T } | { ok: false; error: RelayHttpFailure };

/** How long a sync push may wait for the relay's acknowledgement before it counts as failed (and is pushed again). */
export const PUSH_DEADLINE_MS = 15_000;

export const relayBase = (relayUrl: string): string => relayUrl.replace(/\/+$/, '');

/** One request to the relay; the answer checked against `schema` (null: a body-less 204). */
export async function call<S extends z.ZodType>(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  schema: S,
  timeoutMs = 30_000,
  /** Aborts the request early (the stream found the line silent). */
  abort?: AbortSignal,
): Promise<RelayHttpResult<z.output<S>>> {
  let res: Response;
  try {
    const deadline = AbortSignal.timeout(timeoutMs);
    res = await fetchImpl(url, { ...init, signal: abort ? AbortSignal.any([deadline, abort]) : deadline });
  } catch (err) {
    return { ok: false, error: { kind: 'network', message: `Relay unreachable: ${err instanceof Error ? err.message : String(err)}` } };
  }
  const text = await res.text().catch(() => '');
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!res.ok) {
    const parsed = relayApiErrorSchema.safeParse(body);
    const message = parsed.success ? parsed.data.error.message : `HTTP ${res.status}`;
    const kind = res.status >= 500 || res.status === 429 ? 'relay' : 'refused';
    return { ok: false, error: { kind, status: res.status, message, ...(parsed.success ? { code: parsed.data.error.code } : {}) } };
  }
  const parsed = schema.safeParse(body);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, error: { kind: 'invalid-response', status: res.status, message: 'Relay answered with an unexpected body' } };
}

/** Exchanges a one-time enrolment token (from the relay admin) for this desktop's device token. */
export function enrolDevice(
  relayUrl: string,
  enrolmentToken: string,
  deviceName: string,
  fetchImpl: typeof fetch = fetch,
): Promise<RelayHttpResult<DeviceEnrolmentResponse>> {
  return call(
    fetchImpl,
    `${relayBase(relayUrl)}/api/v1/devices/enrol`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ enrolmentToken, deviceName }) },
    deviceEnrolmentResponseSchema,
  );
}

export class RelayApi {
  constructor(
    private readonly relayUrl: string,
    private readonly deviceToken: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  private get auth() {
    return { authorization: `Bearer ${this.deviceToken}` };
  }

  /** The relay's address (what marks audio as uploaded to this relay's media store). */
  get url(): string {
    return relayBase(this.relayUrl);
  }

  /** Whether the organisation's media store holds these bytes (HEAD by SHA-256). */
  async hasMedia(sha256: string): Promise<RelayHttpResult<boolean>> {
    const r = await this.media(sha256, 'HEAD');
    if (r.ok) return { ok: true, value: true };
    return r.error.status === 404 ? { ok: true, value: false } : r;
  }

  /** The organisation's audio with these bytes, as the relay returns them (the caller checks them against the hash). */
  async fetchMedia(sha256: string): Promise<RelayHttpResult<Uint8Array>> {
    return this.media(sha256, 'GET');
  }

  private async media(sha256: string, method: 'GET' | 'HEAD'): Promise<RelayHttpResult<Uint8Array>> {
    let res: Response;
    try {
      res = await this.fetchImpl(`${relayBase(this.relayUrl)}/api/v1/media/sha256/${encodeURIComponent(sha256)}`, {
        method,
        headers: this.auth,
        signal: AbortSignal.timeout(60_000),
      });
    } catch (err) {
      return { ok: false, error: { kind: 'network', message: `Relay unreachable: ${err instanceof Error ? err.message : String(err)}` } };
    }
    if (!res.ok) {
      await res.arrayBuffer().catch(() => undefined);
      const kind = res.status >= 500 || res.status === 429 ? 'relay' : 'refused';
      return {
        ok: false,
        error: { kind, status: res.status, message: res.status === 404 ? 'The relay has no audio with this hash' : `HTTP ${res.status}` },
      };
    }
    try {
      return { ok: true, value: new Uint8Array(await res.arrayBuffer()) };
    } catch (err) {
      return {
        ok: false,
        error: { kind: 'network', message: `The audio download broke off: ${err instanceof Error ? err.message : String(err)}` },
      };
    }
  }

  /** Stores audio on the relay; the same bytes give the same URL. */
  uploadMedia(bytes: Uint8Array, contentType: string): Promise<RelayHttpResult<MediaUploadResponse>> {
    return call(
      this.fetchImpl,
      `${relayBase(this.relayUrl)}/api/v1/media`,
      { method: 'POST', headers: { ...this.auth, 'content-type': contentType }, body: new Uint8Array(bytes) },
      mediaUploadResponseSchema,
    );
  }

  /** Stores a burn message's ciphertext; the answer's URL plus `#<key>` is the recipient's link. */
  uploadBurnMessage(upload: BurnUpload): Promise<RelayHttpResult<BurnUploadResponse>> {
    return call(
      this.fetchImpl,
      `${relayBase(this.relayUrl)}/api/v1/burn-messages`,
      { method: 'POST', headers: { ...this.auth, 'content-type': 'application/json' }, body: JSON.stringify(upload) },
      burnUploadResponseSchema,
    );
  }

  /** Publishes who was sent which alert and the crisis-room number (people who call back; 204, no body). */
  putCallbacks(update: CallbackUpdate): Promise<RelayHttpResult<null>> {
    return call(
      this.fetchImpl,
      `${relayBase(this.relayUrl)}/api/v1/callbacks`,
      { method: 'PUT', headers: { ...this.auth, 'content-type': 'application/json' }, body: JSON.stringify(update) },
      z.null(),
    );
  }

  /** Registers (or replaces) a call flow; Twilio then fetches it per delivery from the relay. */
  registerCallFlow(flow: CallFlowRegistration): Promise<RelayHttpResult<CallFlowRegistrationResponse>> {
    const checked = callFlowRegistrationSchema.safeParse(flow);
    if (!checked.success)
      return Promise.resolve({
        ok: false,
        error: { kind: 'refused', message: checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') },
      });
    return call(
      this.fetchImpl,
      `${relayBase(this.relayUrl)}/api/v1/call-flows/${encodeURIComponent(flow.flowId)}`,
      { method: 'PUT', headers: { ...this.auth, 'content-type': 'application/json' }, body: JSON.stringify(checked.data) },
      callFlowRegistrationResponseSchema,
    );
  }

  /**
   * Pushes operations of this desktop's outbox (organisation sync); the relay acknowledges
   * through a counter. The answer must come within `timeoutMs` (a push is idempotent, so one
   * that timed out is simply pushed again), and `abort` ends the wait at once.
   */
  pushSync(ops: readonly SyncOp[], timeoutMs = PUSH_DEADLINE_MS, abort?: AbortSignal): Promise<RelayHttpResult<SyncPushResponse>> {
    return this.postJson('/api/v1/sync/push', { ops }, syncPushResponseSchema, timeoutMs, abort);
  }

  /** Re-pushes merged states into the relay's new epoch (after its database was restored from a backup). */
  pushStates(epoch: string, states: readonly EntityState[]): Promise<RelayHttpResult<SyncStatesResponse>> {
    return this.postJson('/api/v1/sync/states', { epoch, states }, syncStatesResponseSchema);
  }

  /** One page of the organisation's current state; pass the previous page's `next` as `after`. */
  syncSnapshot(after: string | undefined, limit: number): Promise<RelayHttpResult<SyncSnapshotPage>> {
    const q = new URLSearchParams({ limit: String(limit), ...(after === undefined ? {} : { after }) });
    return call(
      this.fetchImpl,
      `${relayBase(this.relayUrl)}/api/v1/sync/snapshot?${q}`,
      { headers: this.auth },
      syncSnapshotPageHeadSchema,
    ).then((r): RelayHttpResult<SyncSnapshotPage> => {
      if (!r.ok) return r;
      // Thousands of states a page: checked by hand (checkEntityStates), not each through the schema.
      const checked = checkEntityStates(r.value.states);
      return checked.ok
        ? { ok: true, value: { ...r.value, states: checked.states } }
        : {
            ok: false,
            error: { kind: 'invalid-response', status: 200, message: `Relay answered with an unexpected snapshot page: ${checked.reason}` },
          };
    });
  }

  /** The organisation's desktops as the relay knows them. */
  organisation(): Promise<RelayHttpResult<OrganisationView>> {
    return call(this.fetchImpl, `${relayBase(this.relayUrl)}/api/v1/sync/organisation`, { headers: this.auth }, organisationViewSchema);
  }

  /** The organisation's event-log head and recent forged webhooks, for this desktop's health alerts. */
  health(): Promise<RelayHttpResult<RelayHealth>> {
    return call(this.fetchImpl, `${relayBase(this.relayUrl)}/api/v1/health`, { headers: this.auth }, relayHealthSchema);
  }

  /** Renews this desktop's leases on the alerts it runs; answers each lease as the relay now holds it. */
  renewLeases(leases: readonly { alert: string; token: number }[]): Promise<RelayHttpResult<LeaseRenewResponse>> {
    return this.postJson('/api/v1/sync/leases/renew', { leases }, leaseRenewResponseSchema);
  }

  /** Takes over an alert whose owner stopped renewing its lease. */
  takeLease(alert: string): Promise<RelayHttpResult<LeaseTakeResponse>> {
    return this.postJson('/api/v1/sync/leases/take', { alert }, leaseTakeResponseSchema);
  }

  /** Who runs each of the organisation's alerts, and whether they still renew. */
  leases(): Promise<RelayHttpResult<{ leases: Lease[] }>> {
    return call(this.fetchImpl, `${relayBase(this.relayUrl)}/api/v1/sync/leases`, { headers: this.auth }, leaseListSchema);
  }

  /** The alert requests other systems made through the relay's API that wait for a desktop, or ask to be cancelled. */
  alertRequests(): Promise<RelayHttpResult<ApiAlertRequestList>> {
    return call(
      this.fetchImpl,
      `${relayBase(this.relayUrl)}/api/v1/sync/alert-requests`,
      { headers: this.auth },
      apiAlertRequestListSchema,
    );
  }

  /** Takes an alert request for this desktop: `claimed` is true for exactly one desktop. */
  claimAlertRequest(id: string): Promise<RelayHttpResult<ApiAlertClaimResponse>> {
    return this.postJson(`/api/v1/sync/alert-requests/${encodeURIComponent(id)}/claim`, {}, apiAlertClaimResponseSchema);
  }

  /** Reports a step of an alert request this desktop took. */
  reportAlertRequest(id: string, update: ApiAlertRequestUpdate): Promise<RelayHttpResult<ApiAlertRequest>> {
    return this.postJson(`/api/v1/sync/alert-requests/${encodeURIComponent(id)}/state`, update, apiAlertRequestSchema);
  }

  private postJson<S extends z.ZodType>(
    path: string,
    body: unknown,
    schema: S,
    timeoutMs?: number,
    abort?: AbortSignal,
  ): Promise<RelayHttpResult<z.output<S>>> {
    return call(
      this.fetchImpl,
      `${relayBase(this.relayUrl)}${path}`,
      { method: 'POST', headers: { ...this.auth, 'content-type': 'application/json' }, body: JSON.stringify(body) },
      schema,
      timeoutMs,
      abort,
    );
  }
}
