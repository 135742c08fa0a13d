// POST /api/v1/cap on a relay over PostgreSQL (docs/api.md): the scope, the content type and
// size limit, DOCTYPE/ENTITY declarations refused before parsing, an invalid message refused
// naming the broken rule (the engine's rule table, Swedish and English), a valid one recorded
// as a request a desktop can claim (202, whether a desktop is online), idempotent by the
// message's sender and identifier or by Idempotency-Key, and a desktop's draft step.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_CAP_MAX_BYTES,
  apiAlertClaimResponseSchema,
  apiAlertRequestListSchema,
  apiAlertTriggerResponseSchema,
  apiAlertViewSchema,
  apiKeyCreateResponseSchema,
  type ApiKeyScope,
} from '@gdial/protocol';
import { capDocument } from '@gdial/engine/testing/cap';
import type { RelayHandle } from '../src/index';
import { relayWithAdmin } from './api-setup';
import { call } from './auth-helpers';
import type { PgSandbox } from './helpers';
import type { TenantFixture } from './setup';

interface Answer {
  status: number;
  body: Record<string, unknown> & {
    error?: { code: string; message: string; messageEn?: string; rules?: { rule: string; path: string; sv: string; en: string }[] };
  };
}

describe('CAP messages through the REST API', () => {
  let sandbox: PgSandbox;
  let relay: RelayHandle;
  let t: TenantFixture;
  let admin: string;
  let counter = 0;
  const api = (path: string) => `${relay.url}/api/v1${path}`;
  const keys: Partial<Record<ApiKeyScope, string>> = {};

  const newKey = async (scopes: ApiKeyScope[]) =>
    apiKeyCreateResponseSchema.parse(
      (await call(api('/api-keys'), 'POST', admin, { name: `CAP ${scopes.join('+')} ${++counter}`, scopes, rateLimitPerMinute: 6000 }))
        .body,
    );

  const postCap = async (key: string, xml: string, headers: Record<string, string> = {}): Promise<Answer> => {
    const r = await fetch(api('/cap'), {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/cap+xml', ...headers },
      body: xml,
    });
    return { status: r.status, body: (await r.json()) as Answer['body'] };
  };

  const unique = (over: Record<string, string | null> = {}) =>
    capDocument({ alert: { identifier: `SE-TEST-${Date.now()}-${++counter}`, ...over } });

  beforeAll(async () => {
    ({ sandbox, relay, t, admin } = await relayWithAdmin('api-cap'));
    for (const scope of ['alerts:trigger', 'alerts:read', 'contacts:read', 'contacts:write'] as const)
      keys[scope] = (await newKey([scope])).secret;
  }, 120_000);
  afterAll(async () => {
    await relay?.close();
    await sandbox?.drop();
  }, 60_000);

  it('takes a CAP message with the alerts:trigger scope only', async () => {
    for (const held of ['alerts:read', 'contacts:read', 'contacts:write'] as const)
      expect(await postCap(keys[held]!, unique())).toMatchObject({
        status: 403,
        body: { error: { code: 'scope-missing', requiredScope: 'alerts:trigger' } },
      });
    expect((await postCap(t.deviceToken, unique())).status).toBe(401);
    expect((await postCap(keys['alerts:trigger']!, unique())).status).toBe(202);
  });

  it('refuses another content type, an empty body and a message over the size limit', async () => {
    const key = keys['alerts:trigger']!;
    expect((await postCap(key, unique(), { 'content-type': 'application/json' })).status).toBe(415);
    expect((await postCap(key, '')).status).toBe(400);
    const big = unique({ note: 'x'.repeat(API_CAP_MAX_BYTES) });
    expect(await postCap(key, big)).toMatchObject({ status: 413, body: { error: { code: 'too-large' } } });
    // application/xml and text/xml are CAP too.
    expect((await postCap(key, unique(), { 'content-type': 'application/xml; charset=utf-8' })).status).toBe(202);
  });

  it('refuses DOCTYPE and ENTITY declarations (billion laughs, external entities) before reading anything', async () => {
    const key = keys['alerts:trigger']!;
    const laughs = unique().replace(
      '<alert ',
      '<!DOCTYPE alert [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n<alert ',
    );
    const external = unique().replace('<alert ', '<!DOCTYPE alert SYSTEM "http://169.254.169.254/latest/meta-data/">\n<alert ');
    const entityOnly = unique().replace('<event>', '<event><!ENTITY x SYSTEM "file:///etc/passwd">');
    for (const xml of [laughs, external, entityOnly]) {
      const r = await postCap(key, xml);
      expect(r, xml.slice(0, 120)).toMatchObject({ status: 422, body: { error: { code: 'cap-markup-refused' } } });
      expect(r.body.error!.message).toContain('DOCTYPE');
      expect(r.body.error!.messageEn).toContain('DOCTYPE');
    }
    expect(await postCap(key, '<alert><identifier>x</alert>')).toMatchObject({ status: 422, body: { error: { code: 'cap-not-xml' } } });
  });

  it('refuses an invalid message naming each broken rule in Swedish and English', async () => {
    const key = keys['alerts:trigger']!;
    const noSender = await postCap(key, unique({ sender: null }));
    expect(noSender).toMatchObject({ status: 422, body: { error: { code: 'cap-invalid' } } });
    expect(noSender.body.error!.rules!.map((r) => r.rule)).toEqual(['alert.sender.missing']);
    expect(noSender.body.error!.message).toContain('Avsändaren (sender) saknas');
    expect(noSender.body.error!.messageEn).toContain('The sender is missing');
    const badSeverity = await postCap(key, capDocument({ alert: { identifier: `SE-SEV-${++counter}` }, info: { severity: 'Huge' } }));
    expect(badSeverity.status).toBe(422);
    expect(badSeverity.body.error!.rules![0]).toMatchObject({ path: 'info[1]/severity' });
    expect(badSeverity.body.error!.message).toContain('”Huge”');
    // Nothing was recorded for the refused ones.
    const open = apiAlertRequestListSchema.parse((await call(api('/sync/alert-requests'), 'GET', t.deviceToken)).body);
    expect(open.requests.some((r) => r.cap?.xml.includes('Huge'))).toBe(false);
  });

  it('records a valid message once per sender and identifier, says whether a desktop is online, and never starts an alert', async () => {
    const key = keys['alerts:trigger']!;
    const xml = unique();
    const first = await postCap(key, xml);
    expect(first.status).toBe(202);
    const made = apiAlertTriggerResponseSchema.parse(first.body);
    expect(made).toMatchObject({
      status: 'waiting-for-desktop',
      created: true,
      preparedAlert: null,
      alertId: null,
      desktopOnline: true, // the test's desktop just called the relay (enrolment, sign-in)
      cap: { sender: 'raddning@vanersborg.se', headline: 'Brand med kraftig rök på Öxnered', xml },
    });
    // The same message again (a retry): the same request, 200, not a second one.
    const again = await postCap(key, xml);
    expect(again.status).toBe(200);
    expect(apiAlertTriggerResponseSchema.parse(again.body)).toMatchObject({ id: made.id, created: false });
    // Concurrent identical messages make one request.
    const burst = unique();
    const ids = new Set((await Promise.all([1, 2, 3, 4].map(() => postCap(key, burst)))).map((r) => r.body.id));
    expect(ids.size).toBe(1);
    // Another message under the same sender and identifier is refused.
    const changed = xml.replace('kraftig rök', 'lite rök');
    expect(await postCap(key, changed)).toMatchObject({ status: 422, body: { error: { code: 'idempotency-key-reused' } } });
    // An Idempotency-Key is the key when given.
    const withKey = await postCap(key, unique(), { 'idempotency-key': `cap-${counter}` });
    expect(withKey.status).toBe(202);
    expect((await postCap(key, unique(), { 'idempotency-key': `cap-${counter - 1}` })).body.error?.code).toBe('idempotency-key-reused');
    // The request route shows it.
    const read = (await newKey(['alerts:read'])).secret;
    expect(apiAlertViewSchema.parse((await call(api(`/alerts/${made.id}`), 'GET', read)).body)).toMatchObject({
      id: made.id,
      status: 'waiting-for-desktop',
    });
  });

  it('is claimed by one desktop, which reports the draft it made; the draft step comes only after the claim', async () => {
    const key = keys['alerts:trigger']!;
    const made = apiAlertTriggerResponseSchema.parse((await postCap(key, unique())).body);
    const open = apiAlertRequestListSchema.parse((await call(api('/sync/alert-requests'), 'GET', t.deviceToken)).body);
    expect(open.requests.find((r) => r.id === made.id)?.cap?.identifier).toBe(made.cap!.identifier);
    const state = (status: string, alertId?: string) =>
      call(api(`/sync/alert-requests/${made.id}/state`), 'POST', t.deviceToken, { status, ...(alertId ? { alertId } : {}) });
    expect((await state('draft', 'alert-uid-1')).status).toBe(409); // not claimed yet
    const claim = apiAlertClaimResponseSchema.parse((await call(api(`/sync/alert-requests/${made.id}/claim`), 'POST', t.deviceToken)).body);
    expect(claim.claimed).toBe(true);
    expect(await state('draft', 'alert-uid-1')).toMatchObject({ status: 200, body: { status: 'draft', alertId: 'alert-uid-1' } });
    // An operator starts it later: running; a draft step cannot come after that.
    expect((await state('running')).status).toBe(200);
    expect((await state('draft')).status).toBe(409);
  });
});
