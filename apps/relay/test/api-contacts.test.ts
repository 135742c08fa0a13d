// The REST API's address book (http/api-contacts.ts, docs/api.md): every route with every
// scope (allowed; refused 403 naming the missing scope), revoked and expired keys, another
// organisation's key, validation by the desktop's own rules, the idempotent upsert by
// external id, the HR batch (a bad row reported and not written, the others applied), group
// membership, deletes and erasure — and that every write is an organisation-sync operation
// of the relay's own device in the tenant's log, ordered against a desktop's edits by the
// conflict rules (last writer wins per field by HLC), and audited under the key's name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiContactBatchResultSchema,
  apiContactListSchema,
  apiContactSchema,
  apiContactWriteSchema,
  apiKeyCreateResponseSchema,
  apiKeyScopes,
  formatHlc,
  type ApiKeyScope,
  type AuthAuditEntry,
  type EntityState,
  type SyncOp,
} from '@gdial/protocol';
import { routeRules } from '../src/auth/rules';
import { API_SYNC_DEVICE } from '../src/ingest/api-contacts';
import { addUser, call, signIn, tenantIdOf, testPasswordCost } from './auth-helpers';
import { addTenant, startTestRelay, type RelayFixture, type TenantFixture } from './setup';

const GROUP = '5b0c8f0e-0000-4000-8000-00000000aa01';

describe('contacts and group membership through the REST API', () => {
  let fx: RelayFixture;
  let t: TenantFixture;
  let tenantId: string;
  let admin: string;
  let counter = 0;
  const keys = new Map<ApiKeyScope | 'all', string>();
  const api = (p: string) => `${fx.relay.url}/api/v1${p}`;
  const all = () => keys.get('all')!;

  const makeKey = async (token: string, name: string, scopes: ApiKeyScope[], slug = 'hr-org'): Promise<{ id: string; secret: string }> => {
    const r = await call(`${fx.relay.url}/api/v1/api-keys`, 'POST', token, { name, scopes, rateLimitPerMinute: 6000 });
    if (r.status !== 201) throw new Error(`key for ${slug}: ${r.status} ${JSON.stringify(r.body)}`);
    const k = apiKeyCreateResponseSchema.parse(r.body);
    return { id: k.id, secret: k.secret };
  };

  /** A desktop's push of one operation (what an operator's edit becomes). */
  const desktopPush = async (op: Omit<SyncOp, 'device' | 'counter'>) => {
    counter++;
    const r = await call(api('/sync/push'), 'POST', t.deviceToken, { ops: [{ device: t.deviceId, counter, ...op }] });
    expect(r.status).toBe(200);
    expect(r.body.rejected).toEqual([]);
  };

  const stateOf = async (entity: string, id: string): Promise<EntityState | undefined> => {
    const [row] = await fx.relay.db.withTenant(tenantId, (q) =>
      q.query<{ state: EntityState }>('SELECT state FROM sync_entities WHERE tenant_id = $1 AND entity = $2 AND entity_id = $3', [
        tenantId,
        entity,
        id,
      ]),
    );
    return row?.state;
  };

  /** The log's sync operations; `withAudit` includes the shared audit (every use of a key is audited). */
  const loggedOps = async (withAudit = false): Promise<SyncOp[]> => {
    const rows = await fx.relay.db.withTenant(tenantId, (q) =>
      q.query<{ payload: { type: string; op: SyncOp } }>("SELECT payload FROM events WHERE tenant_id = $1 AND kind = 'sync' ORDER BY seq", [
        tenantId,
      ]),
    );
    return rows.filter((r) => r.payload.type === 'sync' && (withAudit || r.payload.op.entity !== 'audit')).map((r) => r.payload.op);
  };

  const audit = async (): Promise<AuthAuditEntry[]> => (await call(api('/audit?limit=500'), 'GET', admin)).body.entries as AuthAuditEntry[];

  beforeAll(async () => {
    fx = await startTestRelay('pglite', { passwordCost: testPasswordCost });
    t = await addTenant(fx.relay, 'hr-org');
    tenantId = await tenantIdOf(fx.relay, 'hr-org');
    await addUser(fx.relay, 'hr-org', 'chef', 'admin');
    admin = (await signIn(fx.relay, t.deviceToken, 'chef')).accessToken;
    for (const scope of apiKeyScopes) keys.set(scope, (await makeKey(admin, `bara ${scope}`, [scope])).secret);
    keys.set('all', (await makeKey(admin, 'HR-systemet', [...apiKeyScopes])).secret);
    await desktopPush({
      hlc: formatHlc({ wall: Date.now(), count: 0 }),
      entity: 'group',
      id: GROUP,
      kind: 'put',
      fields: { name: 'Ledning' },
    });
  }, 120_000);
  afterAll(async () => fx?.stop(), 60_000);

  it('upserts by external id with the desktop’s validation, idempotently, as operations of the relay’s own device', async () => {
    const body = {
      firstName: 'Anna',
      lastName: 'Berg',
      phones: [{ number: '070-123 45 67' }],
      emails: [{ address: 'anna@kommun.se' }],
      role: 'Chef',
    };
    const first = await call(api('/contacts/HR-1001'), 'PUT', all(), body);
    expect(first.status).toBe(201);
    const created = apiContactWriteSchema.parse(first.body);
    expect(created.status).toBe('created');
    expect(created.contact).toMatchObject({
      externalId: 'HR-1001',
      displayName: 'Anna Berg',
      phones: [{ e164: '+46701234567', label: 'mobile', kind: 'mobile', canSms: true }],
      emails: [{ address: 'anna@kommun.se', label: 'work' }],
    });
    // The same request again changes nothing and writes nothing.
    const before = (await loggedOps()).length;
    const again = await call(api('/contacts/HR-1001'), 'PUT', all(), body);
    expect(again.status).toBe(200);
    expect(apiContactWriteSchema.parse(again.body)).toMatchObject({ status: 'unchanged', contact: { id: created.contact.id } });
    expect((await loggedOps()).length).toBe(before);
    // What was written is a relay-authored operation in the log, merged into the shared state.
    const ops = (await loggedOps()).filter((o) => o.id === created.contact.id);
    expect(ops).toHaveLength(1);
    expect(ops[0]).toMatchObject({ device: API_SYNC_DEVICE, entity: 'contact', kind: 'put' });
    const role = (await stateOf('contact', created.contact.id))!.fields.role!;
    expect([role.v, role.s.endsWith(`@${API_SYNC_DEVICE}`)]).toEqual(['Chef', true]);
    // A partial update keeps the other fields and is audited under the key's name.
    const changed = await call(api('/contacts/HR-1001'), 'PUT', all(), { role: 'Räddningschef' });
    expect(apiContactWriteSchema.parse(changed.body)).toMatchObject({
      status: 'updated',
      contact: { role: 'Räddningschef', firstName: 'Anna' },
    });
    // Custom fields replace the whole set, but the external id stays with the contact.
    const custom = await call(api(`/contacts/${created.contact.id}`), 'PATCH', all(), { customFields: { avdelning: 'Räddning' } });
    expect(apiContactWriteSchema.parse(custom.body).contact.customFields).toEqual({ avdelning: 'Räddning', externalId: 'HR-1001' });
    const entries = (await audit()).filter((e) => e.action === 'api-contact-written' && e.subject === created.contact.id);
    expect(entries.map((e) => [e.actorUsername, e.detail.change, e.detail.fields])).toEqual(
      expect.arrayContaining([
        ['HR-systemet', 'created', expect.stringContaining('phones')],
        ['HR-systemet', 'updated', 'role'],
      ]),
    );
    // The audit entry reaches the desktops as a shared audit operation about the contact, after the contact's.
    const logged = await loggedOps(true);
    const auditAt = logged.findIndex(
      (o) => o.entity === 'audit' && o.fields?.action === 'relay.api-contact-written' && o.fields.subject === created.contact.id,
    );
    expect(auditAt).toBeGreaterThan(logged.findIndex((o) => o.id === created.contact.id));
    expect(logged[auditAt]!.fields).toMatchObject({
      subjectType: 'contact',
      summary: 'Skapad via API-nyckeln ”HR-systemet”',
      actor: 'HR-systemet',
    });
  });

  it('refuses what the desktop’s import refuses, naming the field, and writes nothing', async () => {
    const before = (await loggedOps()).length;
    const r = await call(api('/contacts/HR-BAD'), 'PUT', all(), {
      firstName: 'X',
      phones: [{ number: '070-12' }],
      emails: [{ address: 'inte-en-adress' }],
    });
    expect(r.status).toBe(400);
    expect(r.body.error!.code).toBe('validation');
    expect(r.body.error!.message).toContain('phones.0.number');
    expect(r.body.error!.message).toContain('emails.0.address');
    expect((await call(api('/contacts/HR%2FX'), 'PUT', all(), { firstName: 'X' })).status).toBe(400); // not an external id
    expect((await loggedOps()).length).toBe(before);
  });

  it('applies an HR batch row by row: a bad row is reported and not written, the rest are applied', async () => {
    const rows = [
      {
        externalId: 'HR-2001',
        firstName: 'Bo',
        lastName: 'Ek',
        phones: [{ number: '+46 70 222 33 44' }],
        groups: [GROUP],
        tags: ['räddning'],
      },
      { externalId: 'HR-2002', firstName: 'Cia', phones: [{ number: 'abc' }] },
      { externalId: 'HR-2003', organisation: 'Vattenverket', emails: [{ address: 'jour@vatten.se' }], groups: ['no-such-group'] },
      { externalId: 'HR-2004', firstName: 'Dan', phones: [{ number: '08-123 456 78', label: 'work' }] },
      'not a row',
    ];
    const r = await call(api('/contacts/batch'), 'POST', all(), { contacts: rows });
    expect(r.status).toBe(200);
    const result = apiContactBatchResultSchema.parse(r.body);
    expect(result.results.map((x) => [x.externalId, x.status])).toEqual([
      ['HR-2001', 'created'],
      ['HR-2002', 'refused'],
      ['HR-2003', 'refused'],
      ['HR-2004', 'created'],
      [null, 'refused'],
    ]);
    expect(result).toMatchObject({ applied: 2, refused: 3 });
    expect(result.results[1]!.issues![0]!.path).toBe('phones.0.number');
    expect(result.results[2]!.issues![0]).toMatchObject({ path: 'groups.0', message: 'No group no-such-group' });
    // Nothing of a refused row exists anywhere.
    const list = apiContactListSchema.parse((await call(api('/contacts?limit=1000'), 'GET', all())).body);
    expect(list.contacts.map((c) => c.externalId)).not.toContain('HR-2002');
    expect(list.contacts.map((c) => c.externalId)).not.toContain('HR-2003');
    const bo = list.contacts.find((c) => c.externalId === 'HR-2001')!;
    expect(bo).toMatchObject({ groups: [GROUP], tags: ['räddning'], phones: [{ e164: '+46702223344' }] });
    expect(list.contacts.find((c) => c.externalId === 'HR-2004')!.phones[0]).toMatchObject({ e164: '+46812345678', canSms: false });
    // Filters: by group, by external id, by time of change; paging.
    const inGroup = apiContactListSchema.parse((await call(api(`/contacts?group=${GROUP}`), 'GET', all())).body);
    expect(inGroup.contacts.map((c) => c.externalId)).toEqual(['HR-2001']);
    const one = apiContactListSchema.parse((await call(api('/contacts?externalId=HR-2004'), 'GET', all())).body);
    expect(one.contacts.map((c) => c.id)).toEqual([list.contacts.find((c) => c.externalId === 'HR-2004')!.id]);
    const future = apiContactListSchema.parse(
      (await call(api(`/contacts?updatedSince=${new Date(Date.now() + 60_000).toISOString()}`), 'GET', all())).body,
    );
    expect(future.contacts).toEqual([]);
    const page1 = apiContactListSchema.parse((await call(api('/contacts?limit=2'), 'GET', all())).body);
    expect(page1.contacts).toHaveLength(2);
    const page2 = apiContactListSchema.parse((await call(api(`/contacts?limit=2&after=${page1.next}`), 'GET', all())).body);
    expect(page2.contacts[0]!.id > page1.contacts[1]!.id).toBe(true);
    expect((await call(api('/contacts?limit=0'), 'GET', all())).status).toBe(400);
    expect((await call(api('/contacts?updatedSince=igår'), 'GET', all())).status).toBe(400);
  });

  it('puts contacts in groups and takes them out as membership pairs; deletes and erases', async () => {
    const c = apiContactWriteSchema.parse(
      (await call(api('/contacts/HR-3001'), 'PUT', all(), { firstName: 'Eva', phones: [{ number: '0731234567' }] })).body,
    ).contact;
    const put = await call(api(`/groups/${GROUP}/members/${c.id}`), 'PUT', all());
    expect(put.body).toEqual({ group: GROUP, contact: c.id, member: true, changed: true });
    expect((await call(api(`/groups/${GROUP}/members/${c.id}`), 'PUT', all())).body).toMatchObject({ changed: false });
    expect((await stateOf('membership', `${GROUP}|${c.id}`))!.fields.present!.v).toBe(true);
    expect(apiContactSchema.parse((await call(api(`/contacts/${c.id}`), 'GET', all())).body).groups).toEqual([GROUP]);
    expect((await call(api(`/groups/${GROUP}/members/${c.id}`), 'DELETE', all())).body).toMatchObject({ member: false, changed: true });
    expect((await stateOf('membership', `${GROUP}|${c.id}`))!.fields.present!.v).toBe(false);
    expect((await call(api(`/groups/not-a-group/members/${c.id}`), 'PUT', all())).status).toBe(404);
    expect((await call(api(`/groups/${GROUP}/members/not-a-contact`), 'PUT', all())).status).toBe(404);
    const groups = (await call(api('/groups'), 'GET', all())).body.groups;
    expect(groups).toEqual([{ id: GROUP, name: 'Ledning', description: null, parent: null }]);

    // A delete is a tombstone; the next upsert of the same external id makes a new contact.
    expect((await call(api(`/contacts/${c.id}`), 'DELETE', all())).status).toBe(204);
    expect((await stateOf('contact', c.id))!.deleted).toContain(`@${API_SYNC_DEVICE}`);
    expect((await call(api(`/contacts/${c.id}`), 'GET', all())).status).toBe(404);
    expect((await call(api(`/contacts/${c.id}`), 'PATCH', all(), { role: 'x' })).status).toBe(404);
    const again = apiContactWriteSchema.parse((await call(api('/contacts/HR-3001'), 'PUT', all(), { firstName: 'Eva' })).body);
    expect(again.status).toBe('created');
    expect(again.contact.id).not.toBe(c.id);

    // An erasure (GDPR) leaves no field of the person in the state or the log, nor in the audit.
    expect((await call(api(`/contacts/${again.contact.id}?erase=true`), 'DELETE', all())).status).toBe(204);
    expect(await stateOf('contact', again.contact.id)).toMatchObject({ erased: true, fields: {} });
    const logged = (await loggedOps()).filter((o) => o.id === again.contact.id);
    expect(JSON.stringify(logged)).not.toContain('Eva');
    const erasure = (await audit()).find((e) => e.detail.change === 'erased')!;
    expect(erasure.subject).toBeNull();
  });

  it('orders an API edit and a desktop edit of the same field by the conflict rules', async () => {
    const t0 = Date.now();
    const c = apiContactWriteSchema.parse(
      (await call(api('/contacts/HR-4001'), 'PUT', all(), { firstName: 'Gun', role: 'A' })).body,
    ).contact;
    // A desktop whose clock runs a minute ahead edits the role; the API edits it after seeing
    // that: its clock moves past the desktop's stamp, so the later edit wins.
    await desktopPush({
      hlc: formatHlc({ wall: Date.now() + 60_000, count: 0 }),
      entity: 'contact',
      id: c.id,
      kind: 'put',
      fields: { role: 'desktop' },
    });
    expect(apiContactSchema.parse((await call(api(`/contacts/${c.id}`), 'GET', all())).body).role).toBe('desktop');
    await call(api(`/contacts/${c.id}`), 'PATCH', all(), { role: 'api' });
    const role = (await stateOf('contact', c.id))!.fields.role!;
    expect([role.v, role.s.endsWith(`@${API_SYNC_DEVICE}`)]).toEqual(['api', true]);
    // A desktop edit made before the API's PATCH but after its create (a stamp between them)
    // that arrives late loses the field the PATCH wrote and wins the one only the create
    // wrote: last writer wins per field.
    await desktopPush({
      hlc: formatHlc({ wall: t0 + 30_000, count: 0 }),
      entity: 'contact',
      id: c.id,
      kind: 'put',
      fields: { role: 'late desktop', notes: 'bara skrivbordet' },
    });
    expect(apiContactSchema.parse((await call(api(`/contacts/${c.id}`), 'GET', all())).body)).toMatchObject({
      role: 'api',
      notes: 'bara skrivbordet',
    });
    // A desktop's delete is a tombstone the API cannot lift.
    await desktopPush({ hlc: formatHlc({ wall: Date.now(), count: 0 }), entity: 'contact', id: c.id, kind: 'delete' });
    expect((await call(api(`/contacts/${c.id}`), 'PATCH', all(), { role: 'tillbaka?' })).status).toBe(404);
  });

  it('admits each route with its scope only, and refuses the others with 403 naming the missing scope', async () => {
    const c = apiContactWriteSchema.parse((await call(api('/contacts/HR-5001'), 'PUT', all(), { firstName: 'Hans' })).body).contact;
    const routes = Object.entries(routeRules).filter(([k, r]) => r.kind === 'key' && /contacts|groups/.test(k));
    expect(routes.map(([k]) => k).sort()).toEqual([
      'DELETE /contacts/:id',
      'DELETE /groups/:id/members/:contactId',
      'GET /contacts',
      'GET /contacts/:id',
      'GET /groups',
      'PATCH /contacts/:id',
      'POST /contacts/batch',
      'PUT /contacts/:id',
      'PUT /groups/:id/members/:contactId',
    ]);
    const requests: Record<string, [string, unknown?]> = {
      'GET /contacts': ['/contacts'],
      'GET /contacts/:id': [`/contacts/${c.id}`],
      'PUT /contacts/:id': ['/contacts/HR-5002', { firstName: 'Ida' }],
      'PATCH /contacts/:id': [`/contacts/${c.id}`, { role: 'x' }],
      'DELETE /contacts/:id': ['/contacts/no-such-contact'],
      'POST /contacts/batch': ['/contacts/batch', { contacts: [{ externalId: 'HR-5003', firstName: 'Jon' }] }],
      'GET /groups': ['/groups'],
      'PUT /groups/:id/members/:contactId': [`/groups/${GROUP}/members/${c.id}`],
      'DELETE /groups/:id/members/:contactId': [`/groups/${GROUP}/members/${c.id}`],
    };
    for (const [key, rule] of routes) {
      if (rule.kind !== 'key') continue;
      const [method] = key.split(' ') as [string];
      const [path, body] = requests[key]!;
      for (const scope of apiKeyScopes) {
        const r = await call(api(path), method, keys.get(scope)!, body);
        if (scope === rule.scope)
          expect({ key, scope, refused: [401, 403, 429].includes(r.status) }).toEqual({ key, scope, refused: false });
        else {
          expect({ key, scope, status: r.status }).toEqual({ key, scope, status: 403 });
          expect(r.body.error).toMatchObject({ code: 'scope-missing', requiredScope: rule.scope });
          expect(r.body.error!.message).toContain(rule.scope);
        }
      }
    }
  });

  it('refuses revoked and expired keys, and another organisation’s key sees and changes nothing here', async () => {
    const revoked = await makeKey(admin, 'gammal', ['contacts:read', 'contacts:write']);
    const expired = await makeKey(admin, 'utgången', ['contacts:read', 'contacts:write']);
    expect((await call(api('/contacts'), 'GET', revoked.secret)).status).toBe(200);
    expect((await call(`${fx.relay.url}/api/v1/api-keys/${revoked.id}`, 'DELETE', admin)).status).toBe(204);
    await fx.relay.db.withTenant(tenantId, (q) =>
      q.query("UPDATE api_keys SET expires_at = now() - interval '1 minute' WHERE id = $1", [expired.id]),
    );
    for (const [path, method, body] of [
      ['/contacts', 'GET'],
      ['/contacts/HR-6001', 'PUT', { firstName: 'Kim' }],
      ['/contacts/batch', 'POST', { contacts: [{ externalId: 'HR-6002', firstName: 'Lo' }] }],
      [`/groups/${GROUP}/members/x`, 'PUT'],
    ] as [string, string, unknown?][]) {
      expect((await call(api(path), method, revoked.secret, body)).body.error?.code).toBe('key-revoked');
      expect((await call(api(path), method, expired.secret, body)).body.error?.code).toBe('key-expired');
    }
    expect(apiContactListSchema.parse((await call(api('/contacts?externalId=HR-6001'), 'GET', all())).body).contacts).toEqual([]);

    // Another organisation with a key of its own.
    const other = await addTenant(fx.relay, 'other-org');
    await addUser(fx.relay, 'other-org', 'chef2', 'admin');
    const otherAdmin = (await signIn(fx.relay, other.deviceToken, 'chef2')).accessToken;
    const otherKey = (await makeKey(otherAdmin, 'Annans HR', ['contacts:read', 'contacts:write'], 'other-org')).secret;
    const ours = apiContactListSchema.parse((await call(api('/contacts?externalId=HR-1001'), 'GET', all())).body).contacts[0]!;
    expect(apiContactListSchema.parse((await call(api('/contacts'), 'GET', otherKey)).body).contacts).toEqual([]);
    expect((await call(api(`/contacts/${ours.id}`), 'GET', otherKey)).status).toBe(404);
    expect((await call(api(`/contacts/${ours.id}`), 'PATCH', otherKey, { role: 'kapad' })).status).toBe(404);
    expect((await call(api(`/contacts/${ours.id}`), 'DELETE', otherKey)).status).toBe(404);
    expect((await call(api(`/groups/${GROUP}/members/${ours.id}`), 'PUT', otherKey)).status).toBe(404);
    // The same external id there is a contact of that organisation, not ours.
    const theirs = apiContactWriteSchema.parse((await call(api('/contacts/HR-1001'), 'PUT', otherKey, { firstName: 'Annan' })).body);
    expect(theirs.status).toBe('created');
    expect(theirs.contact.id).not.toBe(ours.id);
    expect(apiContactSchema.parse((await call(api(`/contacts/${ours.id}`), 'GET', all())).body)).toMatchObject({
      firstName: 'Anna',
      role: 'Räddningschef',
    });
  });
});
