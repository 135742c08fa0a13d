// The REST API's alert routes (docs/api.md) on a relay over PostgreSQL: every route with every
// scope (allowed, refused), revoked and expired keys, Idempotency-Key (concurrent identical
// requests make one request; the same key with another body is refused), the answer saying
// whether a desktop is online, the desktops' claim (exactly one wins), the steps a desktop
// reports, cancelling, and the state, roll-call and report read from the synced alert.
import { sharedPlanHash } from '@gdial/engine/plan-hash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiAlertClaimResponseSchema,
  apiAlertReportSchema,
  apiAlertRequestListSchema,
  apiAlertTriggerResponseSchema,
  apiAlertViewSchema,
  apiKeyCreateResponseSchema,
  apiRollcallPageSchema,
  formatHlc,
  type ApiKeyScope,
  type AuthAuditEntry,
  type SyncOp,
} from '@gdial/protocol';
import type { RelayHandle } from '../src/index';
import { relayWithAdmin } from './api-setup';
import { call } from './auth-helpers';
import type { PgSandbox } from './helpers';
import type { TenantFixture } from './setup';

describe('alerts through the REST API', () => {
  let sandbox: PgSandbox;
  let relay: RelayHandle;
  let t: TenantFixture;
  let admin: string;
  let counter = 0;
  const api = (path: string) => `${relay.url}/api/v1${path}`;
  const keys: Partial<Record<ApiKeyScope | 'both', string>> = {};

  const push = async (ops: Omit<SyncOp, 'device' | 'counter' | 'hlc'>[], device = t) => {
    const full: SyncOp[] = ops.map((o) => ({
      ...o,
      device: device.deviceId,
      counter: ++counter,
      hlc: formatHlc({ wall: Date.now() + counter, count: 0 }),
    }));
    const r = await call(api('/sync/push'), 'POST', device.deviceToken, { ops: full });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.rejected).toEqual([]);
  };

  const newKey = async (scopes: ApiKeyScope[], extra: object = {}) =>
    apiKeyCreateResponseSchema.parse(
      (
        await call(api('/api-keys'), 'POST', admin, {
          name: `Nyckel ${scopes.join('+')} ${++counter}`,
          scopes,
          rateLimitPerMinute: 6000,
          ...extra,
        })
      ).body,
    );

  const trigger = (key: string, body: unknown, idem?: string) =>
    fetch(api('/alerts'), {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...(idem ? { 'idempotency-key': idem } : {}) },
      body: JSON.stringify(body),
    }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as Record<string, unknown> & { error?: { code: string; message: string } },
    }));

  /** The desktop is seen: every device call refreshes it. */
  const desktopSeen = async () => expect((await call(api('/sync/organisation'), 'GET', t.deviceToken)).status).toBe(200);

  beforeAll(async () => {
    ({ sandbox, relay, t, admin } = await relayWithAdmin('api-alerts'));
    keys['alerts:trigger'] = (await newKey(['alerts:trigger'])).secret;
    keys['alerts:read'] = (await newKey(['alerts:read'])).secret;
    keys['contacts:read'] = (await newKey(['contacts:read'])).secret;
    keys['contacts:write'] = (await newKey(['contacts:write'])).secret;
    keys.both = (await newKey(['alerts:trigger', 'alerts:read'])).secret;
    const plan = (name: string) => ({ name, templateId: 1, steps: [{ channel: 'sms' }] });
    const person = { id: 'u', name: 'N', desktop: 'D' };
    const approval = (approvedPlan: unknown) => ({
      planHash: sharedPlanHash(approvedPlan),
      requestedBy: { ...person, name: 'Anna' },
      requestedAt: '2026-12-07T08:00:00.000Z',
      people: 3,
      decision: { kind: 'approved', by: { ...person, id: 'u2', name: 'Bo' }, at: '2026-12-07T08:05:00.000Z', comment: '', people: 3 },
      voided: null,
    });
    await push([
      {
        entity: 'preparedAlert',
        id: 'pa-vatten',
        kind: 'put',
        fields: { preparedAlert: { id: 'pa-vatten', name: 'Vattenläcka i {{plats}}', fields: plan('x') } },
      },
      {
        entity: 'preparedAlert',
        id: 'pa-brand',
        kind: 'put',
        fields: { preparedAlert: { id: 'pa-brand', name: 'Brandlarm', fields: plan('y') } },
      },
      {
        entity: 'preparedAlert',
        id: 'pa-godkand',
        kind: 'put',
        fields: { preparedAlert: { id: 'pa-godkand', name: 'Godkänd', fields: plan('g'), approval: approval(plan('g')) } },
      },
      {
        // Approved, but its plan was changed at a desktop that did not void it: the hash no longer matches.
        entity: 'preparedAlert',
        id: 'pa-andrad',
        kind: 'put',
        fields: { preparedAlert: { id: 'pa-andrad', name: 'Ändrad', fields: plan('h'), approval: approval(plan('g')) } },
      },
      {
        entity: 'preparedAlert',
        id: 'pa-dubbel-1',
        kind: 'put',
        fields: { preparedAlert: { id: 'pa-dubbel-1', name: 'Dubbel', fields: plan('z') } },
      },
      {
        entity: 'preparedAlert',
        id: 'pa-dubbel-2',
        kind: 'put',
        fields: { preparedAlert: { id: 'pa-dubbel-2', name: 'Dubbel', fields: plan('z') } },
      },
    ]);
  }, 120_000);
  afterAll(async () => {
    await relay?.close();
    await sandbox?.drop();
  }, 60_000);

  it('admits each route with its scope only, and refuses revoked and expired keys', async () => {
    const made = apiAlertTriggerResponseSchema.parse((await trigger(keys.both!, { preparedAlert: 'Brandlarm' })).body);
    const routes: [string, string, ApiKeyScope, unknown?][] = [
      ['POST', '/alerts', 'alerts:trigger', { preparedAlert: 'Brandlarm', test: true }],
      ['GET', `/alerts/${made.id}`, 'alerts:read'],
      ['GET', `/alerts/${made.id}/rollcall`, 'alerts:read'],
      ['GET', `/alerts/${made.id}/report`, 'alerts:read'],
      ['POST', `/alerts/${made.id}/cancel`, 'alerts:trigger', {}],
    ];
    for (const [method, path, scope, body] of routes)
      for (const held of ['alerts:trigger', 'alerts:read', 'contacts:read', 'contacts:write'] as const) {
        const r = await call(api(path), method, keys[held]!, body);
        if (held === scope) expect([200, 202, 409], `${method} ${path} with ${held}: ${JSON.stringify(r.body)}`).toContain(r.status);
        else
          expect(r, `${method} ${path} with ${held}`).toMatchObject({
            status: 403,
            body: { error: { code: 'scope-missing', requiredScope: scope } },
          });
      }
    // No key, a device token, a user's token: not an API key.
    expect((await call(api(`/alerts/${made.id}`), 'GET', null)).status).toBe(401);
    expect((await call(api(`/alerts/${made.id}`), 'GET', t.deviceToken)).status).toBe(401);
    expect((await call(api(`/alerts/${made.id}`), 'GET', admin)).status).toBe(401);
    // Revoked and expired.
    const revoked = await newKey(['alerts:trigger', 'alerts:read']);
    expect((await call(api(`/alerts/${made.id}`), 'GET', revoked.secret)).status).toBe(200);
    expect((await call(api(`/api-keys/${revoked.id}`), 'DELETE', admin)).status).toBe(204);
    expect(await call(api(`/alerts/${made.id}`), 'GET', revoked.secret)).toMatchObject({
      status: 401,
      body: { error: { code: 'key-revoked' } },
    });
    expect((await trigger(revoked.secret, { preparedAlert: 'Brandlarm' })).body.error?.code).toBe('key-revoked');
    const expiring = await newKey(['alerts:trigger', 'alerts:read'], { expiresAt: new Date(Date.now() + 1500).toISOString() });
    expect((await call(api(`/alerts/${made.id}`), 'GET', expiring.secret)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1600));
    expect(await call(api(`/alerts/${made.id}`), 'GET', expiring.secret)).toMatchObject({
      status: 401,
      body: { error: { code: 'key-expired' } },
    });
    // Device routes are the desktops': an API key is not a device token.
    expect((await call(api('/sync/alert-requests'), 'GET', keys.both!)).status).toBe(401);
  });

  it('says whether the prepared alert is pre-approved by two people for its plan as it is now', async () => {
    const approved = apiAlertTriggerResponseSchema.parse((await trigger(keys.both!, { preparedAlert: 'Godkänd' })).body);
    expect(approved.preApproved).toBe(true);
    expect(approved.message).toContain('förhandsgodkänd av två personer');
    const changed = apiAlertTriggerResponseSchema.parse((await trigger(keys.both!, { preparedAlert: 'Ändrad' })).body);
    expect(changed.preApproved).toBe(false);
    expect(changed.message).toContain('väntar det på godkännande');
    expect(apiAlertTriggerResponseSchema.parse((await trigger(keys.both!, { preparedAlert: 'Brandlarm' })).body).preApproved).toBe(false);
  });

  it('refuses an unknown or ambiguous prepared alert and wrong variables, naming the problem', async () => {
    expect(await trigger(keys.both!, { preparedAlert: 'Finns inte' })).toMatchObject({
      status: 404,
      body: { error: { code: 'not-found' } },
    });
    const dubbel = await trigger(keys.both!, { preparedAlert: 'Dubbel' });
    expect(dubbel).toMatchObject({ status: 409, body: { error: { code: 'ambiguous' } } });
    expect(dubbel.body.error!.message).toContain('pa-dubbel-1');
    expect((await trigger(keys.both!, { preparedAlert: 'pa-dubbel-2' })).status).toBe(202);
    const missing = await trigger(keys.both!, { preparedAlert: 'pa-vatten' });
    expect(missing).toMatchObject({ status: 422, body: { error: { code: 'missing-variables' } } });
    expect(missing.body.error!.message).toContain('”plats”');
    const unknown = await trigger(keys.both!, { preparedAlert: 'pa-vatten', variables: { plats: 'Pumpstationen', vem: 'x' } });
    expect(unknown).toMatchObject({ status: 422, body: { error: { code: 'unknown-variables' } } });
    expect((await trigger(keys.both!, { preparedAlert: '' })).status).toBe(400);
  });

  it('makes one request of concurrent identical requests with one Idempotency-Key, and refuses the key with another body', async () => {
    const body = { preparedAlert: 'pa-vatten', variables: { plats: 'Pumpstationen' } };
    const answers = await Promise.all(Array.from({ length: 8 }, () => trigger(keys.both!, body, 'scada-4711')));
    const ids = new Set(answers.map((a) => a.body.id));
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.status === 202)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(7);
    expect(answers.filter((a) => a.body.created === true)).toHaveLength(1);
    const [id] = [...ids] as string[];
    const rows = await relay.db.withTenant((await relay.admin.listTenants()).find((x) => x.slug === 'api-alerts')!.id, (q) =>
      q.query<{ n: string }>(`SELECT count(*) AS n FROM api_alert_requests WHERE idempotency_key = 'scada-4711'`),
    );
    expect(Number(rows[0]!.n)).toBe(1);
    // The same again later: the same request; with another body: refused with the reason.
    expect((await trigger(keys.both!, body, 'scada-4711')).body.id).toBe(id);
    const other = await trigger(keys.both!, { ...body, test: true }, 'scada-4711');
    expect(other).toMatchObject({ status: 422, body: { error: { code: 'idempotency-key-reused' } } });
    expect(other.body.error!.message).toContain('Vattenläcka i {{plats}}');
    // Another key may use the same Idempotency-Key for its own request.
    const mine = await trigger(keys['alerts:trigger']!, body, 'scada-4711');
    expect(mine.status).toBe(202);
    expect(mine.body.id).not.toBe(id);
  });

  it('says whether a desktop is online; the request waits, one desktop claims it, and its steps follow', async () => {
    const second = await addTenantDevice();
    // Nobody seen for long: the answer says the alert waits.
    await relay.db.withTenant(await tenantId(), (q) => q.query(`UPDATE devices SET last_seen_at = now() - interval '10 minutes'`));
    const waiting = apiAlertTriggerResponseSchema.parse(
      (await trigger(keys.both!, { preparedAlert: 'Brandlarm', test: true }, 'w-1')).body,
    );
    expect(waiting).toMatchObject({ status: 'waiting-for-desktop', desktopOnline: false, created: true, test: true, alertId: null });
    expect(waiting.message).toContain('Ingen arbetsplats');
    expect(waiting.requestedBy.keyName).toMatch(/^Nyckel alerts:trigger\+alerts:read/);
    // A desktop connects: it sees the request, and the answer to the next call says one is online.
    await desktopSeen();
    const open = apiAlertRequestListSchema.parse((await call(api('/sync/alert-requests'), 'GET', t.deviceToken)).body);
    expect(open.requests.map((r) => r.id)).toContain(waiting.id);
    expect(apiAlertViewSchema.parse((await call(api(`/alerts/${waiting.id}`), 'GET', keys.both!)).body).desktopOnline).toBe(true);
    // Two desktops claim at once: exactly one gets it.
    const claims = await Promise.all(
      [t, second, t, second].map(async (d) =>
        apiAlertClaimResponseSchema.parse((await call(api(`/sync/alert-requests/${waiting.id}/claim`), 'POST', d.deviceToken)).body),
      ),
    );
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    const winner = claims.find((c) => c.claimed)!.request.claimedBy!.deviceId;
    const winnerFx = winner === t.deviceId ? t : second;
    const loserFx = winner === t.deviceId ? second : t;
    expect(new Set(claims.map((c) => c.request.claimedBy?.deviceId))).toEqual(new Set([winner]));
    // Only the winner reports steps.
    const alertId = 'alert-uid-1';
    expect(
      (await call(api(`/sync/alert-requests/${waiting.id}/state`), 'POST', loserFx.deviceToken, { status: 'running', alertId })).status,
    ).toBe(409);
    expect(
      (await call(api(`/sync/alert-requests/${waiting.id}/state`), 'POST', winnerFx.deviceToken, { status: 'running', alertId })).status,
    ).toBe(200);
    // The alert as the desktop pushes it: the view, the roll-call and the report read it.
    await push(
      [
        {
          entity: 'alert',
          id: alertId,
          kind: 'put',
          fields: { name: 'Brandlarm', status: 'running', startedAt: '2026-12-07T10:00:00.000Z' },
        },
        ...[1, 2, 3].map((n) => ({
          entity: 'recipient' as const,
          id: `${alertId}/r${n}.dev`,
          kind: 'put' as const,
          fields: {
            displayName: `Person ${n}`,
            contact: `c${n}`,
            outcome: n === 1 ? 'confirmed' : n === 2 ? 'reached' : 'pending',
            ...(n === 1 ? { confirmed: { at: '2026-12-07T10:00:30.000Z', via: 'sms' } } : {}),
          },
        })),
        ...[1, 2, 3].map((n) => ({
          entity: 'delivery' as const,
          id: `${alertId}/d${n}.dev`,
          kind: 'put' as const,
          fields: { recipient: `${alertId}/r${n}.dev`, channel: 'sms', state: n === 3 ? 'queued' : 'delivered' },
        })),
      ],
      winnerFx,
    );
    const view = apiAlertViewSchema.parse((await call(api(`/alerts/${waiting.id}`), 'GET', keys['alerts:read']!)).body);
    expect(view).toMatchObject({
      status: 'running',
      alertId,
      alert: { id: alertId, name: 'Brandlarm', status: 'running' },
      counts: { recipients: 3, confirmed: 1, reached: 2, deliveries: { delivered: 2, queued: 1 } },
    });
    const page1 = apiRollcallPageSchema.parse(
      (await call(api(`/alerts/${waiting.id}/rollcall?limit=2`), 'GET', keys['alerts:read']!)).body,
    );
    expect(page1.entries.map((e) => [e.name, e.status, e.channel, e.confirmedAt])).toEqual([
      ['Person 1', 'confirmed', 'sms', '2026-12-07T10:00:30.000Z'],
      ['Person 2', 'reached', 'sms', null],
    ]);
    const page2 = apiRollcallPageSchema.parse(
      (await call(api(`/alerts/${waiting.id}/rollcall?limit=2&after=${encodeURIComponent(page1.next!)}`), 'GET', keys['alerts:read']!))
        .body,
    );
    expect(page2.entries.map((e) => e.name)).toEqual(['Person 3']);
    expect(page2.next).toBeUndefined();
    const report = apiAlertReportSchema.parse((await call(api(`/alerts/${waiting.id}/report`), 'GET', keys['alerts:read']!)).body);
    expect(report).toMatchObject({
      test: true,
      outcomes: { confirmed: 1, reached: 1, pending: 1 },
      channels: { sms: { deliveries: 3, delivered: 2, failed: 0 } },
      firstConfirmationSeconds: 30,
      confirmedPercent: 33.3,
      reachedPercent: 66.7,
    });
    // Cancel: the running alert is the desktop's to cancel; the request says cancelling until it does.
    const cancelling = apiAlertViewSchema.parse(
      (await call(api(`/alerts/${waiting.id}/cancel`), 'POST', keys.both!, { reason: 'Falsklarm' })).body,
    );
    expect(cancelling.status).toBe('cancelling');
    expect(cancelling.cancelRequestedBy).toMatch(/^Nyckel/);
    expect(
      apiAlertRequestListSchema.parse((await call(api('/sync/alert-requests'), 'GET', t.deviceToken)).body).requests.map((r) => r.id),
    ).toContain(waiting.id);
    // A late "running" from the desktop does not undo the cancel; "cancelled" ends it.
    expect((await call(api(`/sync/alert-requests/${waiting.id}/state`), 'POST', winnerFx.deviceToken, { status: 'running' })).status).toBe(
      409,
    );
    const ended = await call(api(`/sync/alert-requests/${waiting.id}/state`), 'POST', winnerFx.deviceToken, { status: 'cancelled' });
    expect(ended).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    expect((ended.body as { reason: { sv: string; en: string } }).reason.sv).toContain('Falsklarm');
    expect(await call(api(`/alerts/${waiting.id}/cancel`), 'POST', keys.both!, {})).toMatchObject({
      status: 409,
      body: { error: { code: 'already-final' } },
    });
    // Every step is in the audit under the key's name.
    const audit = (await call(api('/audit?limit=500'), 'GET', admin)).body.entries as AuthAuditEntry[];
    const steps = audit.filter((e) => e.subject === waiting.id).map((e) => [e.action, e.detail.status ?? null]);
    expect(steps).toEqual(
      expect.arrayContaining([
        ['api-alert-requested', null],
        ['api-alert-progressed', 'accepted'],
        ['api-alert-progressed', 'running'],
        ['api-alert-cancel-requested', 'cancelling'],
        ['api-alert-progressed', 'cancelled'],
      ]),
    );
    expect(new Set(audit.filter((e) => e.subject === waiting.id).map((e) => e.actorUsername))).toEqual(
      new Set([waiting.requestedBy.keyName]),
    );
  });

  it('cancels a request no desktop took at once, and a desktop refusing one gives the reason in Swedish and English', async () => {
    const a = apiAlertTriggerResponseSchema.parse((await trigger(keys.both!, { preparedAlert: 'Brandlarm' })).body);
    expect(apiAlertViewSchema.parse((await call(api(`/alerts/${a.id}/cancel`), 'POST', keys.both!, {})).body).status).toBe('cancelled');
    expect((await call(api(`/sync/alert-requests/${a.id}/claim`), 'POST', t.deviceToken)).body.claimed).toBe(false);
    const b = apiAlertTriggerResponseSchema.parse((await trigger(keys.both!, { preparedAlert: 'Brandlarm' })).body);
    expect((await call(api(`/sync/alert-requests/${b.id}/claim`), 'POST', t.deviceToken)).body.claimed).toBe(true);
    const reason = { sv: 'Meddelandemallen är inte godkänd', en: 'The message template is not approved' };
    expect((await call(api(`/sync/alert-requests/${b.id}/state`), 'POST', t.deviceToken, { status: 'refused', reason })).status).toBe(200);
    expect(apiAlertViewSchema.parse((await call(api(`/alerts/${b.id}`), 'GET', keys.both!)).body)).toMatchObject({
      status: 'refused',
      reason,
    });
    expect(await call(api(`/alerts/${b.id}/report`), 'GET', keys.both!)).toMatchObject({
      status: 409,
      body: { error: { code: 'no-alert-yet' } },
    });
    expect((await call(api('/alerts/00000000-0000-4000-8000-000000000000'), 'GET', keys.both!)).status).toBe(404);
    expect((await call(api('/alerts/not-a-uuid'), 'GET', keys.both!)).status).toBe(404);
  });

  const tenantId = async () => (await relay.admin.listTenants()).find((x) => x.slug === 'api-alerts')!.id;
  async function addTenantDevice(): Promise<TenantFixture> {
    const enrolment = await relay.admin.createEnrolment('api-alerts');
    if (!enrolment.ok) throw new Error(enrolment.problem);
    const r = await call(api('/devices/enrol'), 'POST', null, { enrolmentToken: enrolment.value.token, deviceName: 'Arbetsplats 2' });
    return { ...t, deviceToken: r.body.deviceToken as string, deviceId: r.body.deviceId as string };
  }
});
