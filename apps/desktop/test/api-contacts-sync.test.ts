// An HR system's sync through the REST API, seen on real desktops: engines (each with its own
// SQLite store) enrolled with one relay tenant (embedded PGlite, as sync.test.ts), an API key
// made by an administrator, a batch of contacts posted to /api/v1/contacts/batch. The rows
// become organisation-sync operations of the relay's own device, which every desktop applies
// from the stream like another desktop's; the contact's history there says which key changed
// it; a desktop's edit and an API edit made at the same time end the same everywhere.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import {
  apiContactBatchResultSchema,
  apiContactSchema,
  apiKeyCreateResponseSchema,
  signInResponseSchema,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from '@gdial/protocol';
import { enrolDevice, inspectSync, silentLogger, startEngine, type Engine } from '@gdial/engine';
import { startRelay, type RelayHandle } from '@gdial/relay';

const TENANT = 'kommun';
const PASSWORD = 'korrekt häst batteri häftklammer';
let relay: RelayHandle | undefined;
const engines: Engine[] = [];
const tokens = new Map<Engine, string>();

afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  await relay?.close();
  relay = undefined;
});

async function desktop(name: string): Promise<Engine> {
  const enrolment = await relay!.admin.createEnrolment(TENANT, 1);
  if (!enrolment.ok) throw new Error(enrolment.problem);
  const enrolled = await enrolDevice(relay!.url, enrolment.value.token, name);
  if (!enrolled.ok) throw new Error(enrolled.error.message);
  const engine = await startEngine({
    dataDir: mkdtempSync(path.join(os.tmpdir(), `gdial-api-sync-${name}-`)),
    logger: silentLogger(),
    signedIn: { displayName: name, role: 'admin' },
    connectivity: { relay: { url: relay!.url, deviceToken: enrolled.value.deviceToken, tenant: TENANT } },
  });
  engines.push(engine);
  tokens.set(engine, enrolled.value.deviceToken);
  await until(async () => (await call(engine, 'sync.status', {})).enabled, `${name} joined the organisation`);
  return engine;
}

async function call<M extends MethodName>(engine: Engine, m: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await engine.rpc.call(m, params);
  if (!res.ok) throw new Error(`${m}: ${res.error.message}`);
  return res.value as MethodOutput<M>;
}

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function http(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
}

/** An administrator signs in on a desktop and makes a key for the HR system. */
async function hrKey(on: Engine): Promise<string> {
  const tenant = (await relay!.admin.listTenants()).find((t) => t.slug === TENANT)!;
  const user = await relay!.authAdmin.createUser(
    tenant.id,
    { username: 'chef', displayName: 'Chefen', role: 'admin', password: PASSWORD },
    null,
  );
  if (!user.ok) throw new Error(user.failure.message);
  const signedIn = await http('POST', `${relay!.url}/api/v1/auth/sign-in`, tokens.get(on)!, { username: 'chef', password: PASSWORD });
  const access = signInResponseSchema.parse(signedIn.body).accessToken;
  const key = await http('POST', `${relay!.url}/api/v1/api-keys`, access, {
    name: 'HR-systemet',
    scopes: ['contacts:read', 'contacts:write'],
  });
  return apiKeyCreateResponseSchema.parse(key.body).secret;
}

/** The desktops have applied everything and hold the same organisation-wide picture. */
async function converged(...all: Engine[]): Promise<void> {
  await until(async () => {
    for (const e of all) if ((await call(e, 'sync.status', {})).pending > 0) return false;
    const [first, ...rest] = all.map((e) => JSON.stringify(inspectSync(e.context.store)));
    return rest.every((p) => p === first);
  }, 'the desktops to converge');
}

const byName = async (e: Engine, name: string) => {
  const hit = (await call(e, 'contacts.search', { limit: 100 })).items.find((c) => c.displayName === name);
  return hit ? call(e, 'contacts.get', { id: hit.id }) : undefined;
};

describe('an HR sync through the REST API', () => {
  it('is applied on every desktop like another desktop’s changes, with the key named in the contact’s history', async () => {
    relay = await startRelay({ encryptionKey: randomBytes(32), port: 0, logger: silentLogger() });
    const created = await relay.admin.createTenant(TENANT, 'Kommunen');
    if (!created.ok) throw new Error(created.problem);
    const a = await desktop('A');
    const b = await desktop('B');
    const group = await call(a, 'groups.create', { name: 'Krisledning' });
    const key = await hrKey(a);
    const api = (p: string) => `${relay!.url}/api/v1${p}`;
    // The group reaches the relay from A; the HR system finds it by name.
    let groupUid = '';
    await until(async () => {
      const groups = (await http('GET', api('/groups'), key)).body as { groups: { id: string; name: string }[] };
      groupUid = groups.groups.find((g) => g.name === 'Krisledning')?.id ?? '';
      return groupUid !== '';
    }, 'the group at the relay');

    const batch = await http('POST', api('/contacts/batch'), key, {
      contacts: [
        {
          externalId: 'HR-1',
          firstName: 'Anna',
          lastName: 'Berg',
          phones: [{ number: '070-123 45 67' }],
          groups: [groupUid],
          tags: ['stab'],
        },
        { externalId: 'HR-2', firstName: 'Bo', phones: [{ number: '12345' }] },
        { externalId: 'HR-3', firstName: 'Cecilia', lastName: 'Ek', emails: [{ address: 'cecilia@kommun.se' }], role: 'Informatör' },
      ],
    });
    expect(batch.status).toBe(200);
    const result = apiContactBatchResultSchema.parse(batch.body);
    expect(result.results.map((r) => r.status)).toEqual(['created', 'refused', 'created']);
    await converged(a, b);

    for (const e of [a, b]) {
      const anna = await byName(e, 'Anna Berg');
      expect(anna).toMatchObject({
        phones: [{ e164: '+46701234567', canSms: true }],
        tags: ['stab'],
        customFields: { externalId: 'HR-1' },
      });
      const localGroup = (await call(e, 'groups.list', {})).groups.find((g) => g.name === 'Krisledning')!;
      expect(anna!.groupIds).toEqual([localGroup.id]);
      expect(await byName(e, 'Cecilia Ek')).toMatchObject({ role: 'Informatör', emails: [{ address: 'cecilia@kommun.se' }] });
      expect(await byName(e, 'Bo')).toBeUndefined(); // the refused row wrote nothing
      // The contact's history (its audit entries) names the key that made it.
      const audit = (await call(e, 'audit.list', { subjectType: 'contact', limit: 100 })).entries;
      expect(audit.filter((x) => x.subjectId === String(anna!.id)).map((x) => [x.actor, x.summary])).toContainEqual([
        'HR-systemet',
        'Skapad via API-nyckeln ”HR-systemet”',
      ]);
    }
    expect(group.id).toBeGreaterThan(0);

    // A desktop edit and an API edit at the same time: different fields both stay; the same
    // field ends the same everywhere (the later stamp), at the relay too.
    const annaA = (await byName(a, 'Anna Berg'))!;
    const annaUid = result.results[0]!.id!;
    await Promise.all([
      call(a, 'contacts.update', { id: annaA.id, changes: { notes: 'Nås via växeln' } }),
      http('PATCH', api(`/contacts/${annaUid}`), key, { role: 'Säkerhetschef' }),
    ]);
    await converged(a, b);
    expect(await byName(b, 'Anna Berg')).toMatchObject({ notes: 'Nås via växeln', role: 'Säkerhetschef' });
    await Promise.all([
      call(a, 'contacts.update', { id: annaA.id, changes: { role: 'Från skrivbordet' } }),
      http('PATCH', api(`/contacts/${annaUid}`), key, { role: 'Från HR' }),
    ]);
    await converged(a, b);
    const roleA = (await byName(a, 'Anna Berg'))!.role;
    expect(['Från skrivbordet', 'Från HR']).toContain(roleA);
    expect((await byName(b, 'Anna Berg'))!.role).toBe(roleA);
    await until(
      async () => apiContactSchema.parse((await http('GET', api(`/contacts/${annaUid}`), key)).body).role === roleA,
      'the relay to agree',
    );
    // A later operator edit wins over the API's, and the other way round: last writer wins.
    await call(b, 'contacts.update', { id: (await byName(b, 'Anna Berg'))!.id, changes: { role: 'Operatören sist' } });
    await until(
      async () => apiContactSchema.parse((await http('GET', api(`/contacts/${annaUid}`), key)).body).role === 'Operatören sist',
      'B’s edit at the relay',
    );
    await http('PATCH', api(`/contacts/${annaUid}`), key, { role: 'HR sist' });
    await converged(a, b);
    expect((await byName(a, 'Anna Berg'))!.role).toBe('HR sist');

    // Out of the group, then deleted: gone from both desktops, with the key named.
    expect((await http('DELETE', api(`/groups/${groupUid}/members/${annaUid}`), key)).status).toBe(200);
    await converged(a, b);
    expect((await byName(b, 'Anna Berg'))!.groupIds).toEqual([]);
    const history = (await call(a, 'audit.list', { subjectType: 'contact', limit: 100 })).entries.map((x) => x.summary);
    expect(history).toContain('Ändrad via API-nyckeln ”HR-systemet” (roll)');
    expect(history).toContain('Borttagen ur gruppen ”Krisledning” via API-nyckeln ”HR-systemet”');
    expect((await http('DELETE', api(`/contacts/${annaUid}`), key)).status).toBe(204);
    await converged(a, b);
    expect(await byName(a, 'Anna Berg')).toBeUndefined();
    expect(await byName(b, 'Anna Berg')).toBeUndefined();
  }, 180_000);
});
