// Organisation sync through the real parts: engines (each with its own SQLite store) enrolled
// with one relay tenant (embedded PGlite), changes pushed over HTTPS and applied from the
// relay's stream. Each conflict rule of docs/sync.md is exercised here through the RPC the
// console uses.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodInput, MethodName, MethodOutput } from '@gdial/protocol';
import { enrolDevice, inspectSync, RelayApi, silentLogger, startEngine, type Engine } from '@gdial/engine';
import { startRelay, type RelayHandle } from '@gdial/relay';
import { startConsole, type ConsoleHost } from '../src/web/host';

const TENANT = 'kommun';
let relay: RelayHandle | undefined;
const engines: Engine[] = [];
const tokens = new Map<Engine, string>();

afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
  await relay?.close();
  relay = undefined;
});

const relayKey = randomBytes(32);

async function startWorld(opts: { dataDir?: string; port?: number } = {}): Promise<RelayHandle> {
  relay = await startRelay({
    encryptionKey: relayKey,
    port: opts.port ?? 0,
    logger: silentLogger(),
    ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
  });
  if (!(await relay.admin.listTenants()).some((t) => t.slug === TENANT)) {
    const created = await relay.admin.createTenant(TENANT, 'Kommunen');
    if (!created.ok) throw new Error(created.problem);
  }
  return relay;
}

async function desktop(name: string): Promise<Engine> {
  const enrolment = await relay!.admin.createEnrolment(TENANT, 1);
  if (!enrolment.ok) throw new Error(enrolment.problem);
  const enrolled = await enrolDevice(relay!.url, enrolment.value.token, name);
  if (!enrolled.ok) throw new Error(enrolled.error.message);
  const engine = await startEngine({
    dataDir: mkdtempSync(path.join(os.tmpdir(), `gdial-sync-${name}-`)),
    logger: silentLogger(),
    signedIn: { displayName: name, role: 'admin' },
    connectivity: { relay: { url: relay!.url, deviceToken: enrolled.value.deviceToken, tenant: TENANT } },
    // Templates are approved by whoever wrote them here; the two-person rule has its own tests (approval-sync.test.ts).
    approvalRule: { authorMayApproveTemplates: true },
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

async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every desktop's merged states and shared rows, compared as the organisation's picture. */
const picture = (e: Engine) => inspectSync(e.context.store);

async function converged(...all: Engine[]): Promise<void> {
  try {
    // Generous: a desktop whose relay was away reconnects on its backoff (up to 30 s).
    await until(
      async () => {
        for (const e of all) if ((await call(e, 'sync.status', {})).pending > 0) return false;
        const [first, ...rest] = all.map((e) => JSON.stringify(picture(e)));
        return rest.every((p) => p === first);
      },
      'the desktops to converge',
      45_000,
    );
  } catch (err) {
    // Say where they differ: the first state one desktop has and another has not, or holds otherwise.
    const pictures = await Promise.all(all.map(async (e) => ({ status: await call(e, 'sync.status', {}), states: picture(e).states })));
    const keyed = pictures.map((p) => new Map(p.states.map((s) => [`${s.entity}:${s.id}`, JSON.stringify(s)])));
    const keys = new Set(keyed.flatMap((m) => [...m.keys()]));
    const differing = [...keys].filter((k) => new Set(keyed.map((m) => m.get(k) ?? 'missing')).size > 1).slice(0, 3);
    throw new Error(
      `${(err as Error).message}; pending ${pictures.map((p) => p.status.pending).join('/')}; differing ${JSON.stringify(differing.map((k) => keyed.map((m) => m.get(k) ?? 'missing')))}`,
    );
  }
}

const names = async (e: Engine) =>
  (await call(e, 'contacts.search', { limit: 100 })).items.map((c) => c.displayName).sort((a, b) => a.localeCompare(b));

describe('organisation sync', () => {
  it('a contact, its group, tag and membership made on one desktop appear on the other', async () => {
    await startWorld();
    const a = await desktop('A');
    const b = await desktop('B');
    const group = await call(a, 'groups.create', { name: 'Krisledning' });
    const anna = await call(a, 'contacts.create', {
      firstName: 'Anna',
      lastName: 'Berg',
      phones: [{ number: '070-123 45 67' }, { number: '08-123 456' }],
      emails: [{ address: 'anna@kommun.se' }],
      tags: ['stab'],
      groupIds: [group.id],
    });
    await converged(a, b);
    const [onB] = (await call(b, 'contacts.search', { limit: 10 })).items;
    expect(onB?.displayName).toBe('Anna Berg');
    const full = await call(b, 'contacts.get', { id: onB!.id });
    expect(full.phones.map((p) => p.e164)).toEqual(['+46701234567', '+468123456']);
    expect(full.emails.map((e) => e.address)).toEqual(['anna@kommun.se']);
    expect(full.tags).toEqual(['stab']);
    const groupsOnB = (await call(b, 'groups.list', {})).groups;
    expect(groupsOnB.map((g) => [g.name, g.memberCount])).toEqual([['Krisledning', 1]]);
    expect(full.groupIds).toEqual([groupsOnB[0]!.id]);
    // And back: B's edit of the role, the address and a consent reaches A.
    const address = { street: 'Storgatan 1', postcode: '41101', town: 'Göteborg', municipality: 'Göteborg', lat: 57.7072, lon: 11.9668 };
    await call(b, 'contacts.update', {
      id: onB!.id,
      changes: { role: 'Stabschef', address, consents: [{ channel: 'sms', givenAt: '2026-03-01', method: 'verbal' }] },
    });
    await converged(a, b);
    const onA = await call(a, 'contacts.get', { id: anna.id });
    expect(onA.role).toBe('Stabschef');
    expect(onA.address).toEqual(address);
    expect(onA.consents.map((c) => [c.channel, c.givenAt, c.method, c.recordedBy !== null])).toEqual([
      ['sms', '2026-03-01', 'verbal', true],
    ]);
  }, 60_000);

  it('concurrent edits of different fields both survive; of the same field, the later one wins everywhere', async () => {
    await startWorld();
    const a = await desktop('A');
    const b = await desktop('B');
    const created = await call(a, 'contacts.create', { firstName: 'Bo', phones: [{ number: '070-000 00 01' }] });
    await converged(a, b);
    const onB = (await call(b, 'contacts.search', { limit: 10 })).items[0]!;
    await Promise.all([
      call(a, 'contacts.update', { id: created.id, changes: { role: 'Räddningsledare', organisation: 'Räddningstjänsten' } }),
      call(b, 'contacts.update', { id: onB.id, changes: { notes: 'Nås bäst efter 08', organisation: 'Brandkåren' } }),
    ]);
    await converged(a, b);
    const onA = await call(a, 'contacts.get', { id: created.id });
    const onB2 = await call(b, 'contacts.get', { id: onB.id });
    expect(onA.role).toBe('Räddningsledare');
    expect(onA.notes).toBe('Nås bäst efter 08');
    expect(onB2.organisation).toBe(onA.organisation);
  }, 60_000);

  it('a delete is not undone by a concurrent edit; an erasure leaves nothing of the person anywhere', async () => {
    await startWorld();
    const a = await desktop('A');
    const b = await desktop('B');
    const one = await call(a, 'contacts.create', { firstName: 'Cecilia', phones: [{ number: '070-000 00 02' }] });
    const two = await call(a, 'contacts.create', { firstName: 'Hemlig', lastName: 'Person', phones: [{ number: '070-999 88 77' }] });
    await converged(a, b);
    const onB = new Map((await call(b, 'contacts.search', { limit: 10 })).items.map((c) => [c.displayName, c.id]));
    await Promise.all([
      call(a, 'contacts.delete', { ids: [one.id] }),
      call(b, 'contacts.update', { id: onB.get('Cecilia')!, changes: { role: 'Ny roll' } }),
    ]);
    await call(b, 'contacts.update', { id: onB.get('Hemlig Person')!, changes: { notes: 'känsligt' } });
    await call(a, 'contacts.erase', { id: two.id });
    await converged(a, b);
    expect(await names(a)).toEqual([]);
    expect(await names(b)).toEqual([]);
    // No trace of the erased person in either desktop's sync tables or in the relay's log and state.
    for (const e of [a, b])
      expect(JSON.stringify(e.context.store.sqlite.prepare('SELECT * FROM sync_state').all())).not.toMatch(/Hemlig|999 ?88|känsligt/);
    const logged = await relay!.db.asOwner((q) => q.query<{ payload: unknown }>('SELECT payload FROM events'));
    expect(JSON.stringify(logged)).not.toMatch(/Hemlig|46709998877|känsligt/);
    const states = await relay!.db.asOwner((q) => q.query<{ state: unknown }>('SELECT state FROM sync_entities'));
    expect(JSON.stringify(states)).not.toMatch(/Hemlig|46709998877|känsligt/);
  }, 60_000);

  it('changes made offline wait in the outbox and go out when the relay is back', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gdial-sync-relay-'));
    await startWorld({ dataDir });
    const port = Number(new URL(relay!.url).port);
    const a = await desktop('A');
    const b = await desktop('B');
    await call(a, 'groups.create', { name: 'Beredskap' });
    await converged(a, b);
    // The relay goes away: A keeps working and counts what waits.
    await relay!.close();
    relay = undefined;
    for (let i = 0; i < 5; i++) await call(a, 'contacts.create', { firstName: `Offline${i}`, phones: [{ number: `070-555 00 0${i}` }] });
    expect((await call(a, 'sync.status', {})).pending).toBeGreaterThanOrEqual(5);
    await until(async () => (await call(a, 'sync.status', {})).lastError !== null, 'the failed push to be reported');
    // Back on the same address: the outbox drains and B receives all five.
    await startWorld({ dataDir, port });
    await converged(a, b);
    expect((await names(b)).filter((n) => n.startsWith('Offline'))).toHaveLength(5);
    expect((await call(a, 'sync.status', {})).lastSyncAt).not.toBeNull();
  }, 90_000);

  it('a desktop that joins later takes the snapshot and then follows the log', async () => {
    await startWorld();
    const a = await desktop('A');
    for (let i = 0; i < 30; i++)
      await call(a, 'contacts.create', {
        firstName: `Person${i}`,
        phones: [{ number: `070-444 00 ${String(i).padStart(2, '0')}` }],
        // Every third with an address (staged by the snapshot), every fifth with a consent (written by the codec).
        ...(i % 3 === 0 ? { address: { street: `Gata ${i}`, postcode: '41101', town: 'Göteborg', lat: 57.7 + i / 1000, lon: 11.97 } } : {}),
        ...(i % 5 === 0 ? { consents: [{ channel: 'email' as const, givenAt: '2026-01-02', method: 'form' as const }] } : {}),
      });
    await call(a, 'groups.create', { name: 'Alla' });
    await until(async () => (await call(a, 'sync.status', {})).pending === 0, 'A to push');
    const c = await desktop('C');
    await converged(a, c);
    expect((await names(c)).length).toBe(30);
    const person9 = (await call(c, 'contacts.search', { query: 'Person9', limit: 1 })).items[0]!;
    const full9 = await call(c, 'contacts.get', { id: person9.id });
    expect(full9.address).toMatchObject({ street: 'Gata 9', postcode: '41101', town: 'Göteborg', lat: 57.709, lon: 11.97 });
    const person10 = (await call(c, 'contacts.search', { query: 'Person10', limit: 1 })).items[0]!;
    expect((await call(c, 'contacts.get', { id: person10.id })).consents.map((x) => x.channel)).toEqual(['email']);
    await call(a, 'contacts.create', { firstName: 'Efteråt', phones: [{ number: '070-444 99 99' }] });
    await converged(a, c);
    expect(await names(c)).toContain('Efteråt');
  }, 60_000);

  it('a desktop enrolled after the relay pruned its log, and one offline past the pruning, get the whole picture and later events', async () => {
    await startWorld();
    const a = await desktop('A');
    const b = await desktop('B');
    const group = await call(a, 'groups.create', { name: 'Stab' });
    for (let i = 0; i < 5; i++)
      await call(a, 'contacts.create', {
        firstName: `Före${i}`,
        phones: [{ number: `070-333 00 0${i}` }],
        tags: ['stab'],
        groupIds: [group.id],
      });
    await call(a, 'templates.create', { name: 'Larm', variants: { sv: { sms: 'Larm. Svara 1.' } } });
    await converged(a, b);
    // B goes offline; A keeps working; then everything logged so far is past retention.
    const bDir = b.context.dataDir;
    engines.splice(engines.indexOf(b), 1);
    await b.close();
    const first = (await call(a, 'contacts.search', { limit: 10 })).items.find((c) => c.displayName === 'Före0')!;
    await call(a, 'contacts.update', { id: first.id, changes: { role: 'Stabschef' } });
    await call(a, 'contacts.delete', { ids: [(await call(a, 'contacts.search', { query: 'Före4', limit: 1 })).items[0]!.id] });
    await until(async () => (await call(a, 'sync.status', {})).pending === 0, 'A to push');
    expect(await relay!.prune(new Date(Date.now() + 31 * 86_400_000))).toBeGreaterThan(0);
    // A new desktop: the snapshot, since the log no longer holds the beginning.
    const c = await desktop('C');
    // B comes back with its cursor older than the pruning: resync-required, the snapshot again.
    const back = await startEngine({
      dataDir: bDir,
      logger: silentLogger(),
      signedIn: { displayName: 'B', role: 'admin' },
      connectivity: { relay: { url: relay!.url, deviceToken: tokens.get(b)!, tenant: TENANT } },
    });
    engines.push(back);
    await converged(a, back, c);
    for (const e of [back, c]) {
      expect(await names(e)).toEqual(['Före0', 'Före1', 'Före2', 'Före3']);
      const onE = (await call(e, 'contacts.search', { query: 'Före0', limit: 1 })).items[0]!;
      expect(onE).toMatchObject({ role: 'Stabschef', tags: ['stab'] });
      expect((await call(e, 'groups.list', {})).groups.map((g) => [g.name, g.memberCount])).toEqual([['Stab', 4]]);
      expect((await call(e, 'templates.list', {})).templates.map((t) => t.name)).toEqual(['Larm']);
    }
    // And the events after it, both ways.
    await call(a, 'contacts.create', { firstName: 'Efter', phones: [{ number: '070-333 99 99' }] });
    await call(c, 'contacts.update', {
      id: (await call(c, 'contacts.search', { query: 'Före1', limit: 1 })).items[0]!.id,
      changes: { role: 'Sambandsansvarig' },
    });
    await converged(a, back, c);
    for (const e of [a, back, c]) {
      expect(await names(e)).toContain('Efter');
      expect((await call(e, 'contacts.search', { query: 'Före1', limit: 1 })).items[0]!.role).toBe('Sambandsansvarig');
    }
  }, 90_000);

  it('templates are shared whole: an approval and a concurrent edit never leave an unapproved text approved', async () => {
    await startWorld();
    const a = await desktop('A');
    const b = await desktop('B');
    const t = await call(a, 'templates.create', { name: 'Larm', variants: { sv: { sms: 'Larm. Svara 1.' } } });
    await call(a, 'templates.approve', { id: t.id });
    await converged(a, b);
    const [onB] = (await call(b, 'templates.list', {})).templates;
    expect(onB).toMatchObject({ name: 'Larm', status: 'approved', variants: { sv: { sms: 'Larm. Svara 1.' } } });
    // B edits the text while A approves again: whichever came later, the approved text is one somebody approved.
    await Promise.all([
      call(b, 'templates.update', { id: onB!.id, fields: { name: 'Larm', variants: { sv: { sms: 'Ny text. Svara 1.' } } } }),
      call(a, 'templates.approve', { id: t.id }),
    ]);
    await converged(a, b);
    const [finalA] = (await call(a, 'templates.list', {})).templates;
    const [finalB] = (await call(b, 'templates.list', {})).templates;
    expect([finalB!.status, finalB!.variants]).toEqual([finalA!.status, finalA!.variants]);
    if (finalA!.status === 'approved') expect(finalA!.variants.sv?.sms).toBe('Larm. Svara 1.');
  }, 60_000);

  it('prepared alerts are shared, their plans naming the same groups, people and template on every desktop', async () => {
    await startWorld();
    const a = await desktop('A');
    const b = await desktop('B');
    // B has rows of its own first, so its local ids differ from A's.
    await call(b, 'groups.create', { name: 'Bara på B' });
    await call(b, 'contacts.create', { firstName: 'Bertil', phones: [{ number: '070-555 00 01' }] });
    const stab = await call(a, 'groups.create', { name: 'Stab' });
    const test = await call(a, 'groups.create', { name: 'Provgrupp' });
    const anna = await call(a, 'contacts.create', { firstName: 'Anna', phones: [{ number: '070-555 00 02' }], groupIds: [stab.id] });
    const olle = await call(a, 'contacts.create', { firstName: 'Olle', phones: [{ number: '070-555 00 03' }] });
    const t = await call(a, 'templates.create', { name: 'Brand', variants: { sv: { sms: 'Brand. Svara 1.' } } });
    await call(a, 'templates.approve', { id: t.id });
    const saved = await call(a, 'preparedAlerts.save', {
      description: 'Vid brandlarm i stadshuset',
      fields: {
        name: 'Brand – samling',
        templateId: t.id,
        audience: { groupIds: [stab.id], contactIds: [olle.id], excludeContactIds: [anna.id] },
        steps: [{ channel: 'sms' }],
        testGroupId: test.id,
        waves: [{ afterMinutes: 5, fewerThan: 1, audience: { contactIds: [anna.id] } }],
      },
    });
    await converged(a, b);
    const [onB] = (await call(b, 'preparedAlerts.list', {})).preparedAlerts;
    expect(onB).toMatchObject({ id: saved.id, name: 'Brand – samling', description: 'Vid brandlarm i stadshuset', createdBy: 'A' });
    // B's own ids for the same rows.
    const groupsB = new Map((await call(b, 'groups.list', {})).groups.map((g) => [g.name, g.id]));
    const contactsB = new Map((await call(b, 'contacts.search', { limit: 10 })).items.map((c) => [c.displayName, c.id]));
    const [templateB] = (await call(b, 'templates.list', {})).templates;
    expect(groupsB.get('Stab')).not.toBe(stab.id);
    expect(onB!.fields).toMatchObject({
      templateId: templateB!.id,
      testGroupId: groupsB.get('Provgrupp'),
      audience: { groupIds: [groupsB.get('Stab')], contactIds: [contactsB.get('Olle')], excludeContactIds: [contactsB.get('Anna')] },
      waves: [{ audience: { contactIds: [contactsB.get('Anna')], groupIds: [] } }],
    });
    // B starts a draft from it: the plan B's own review checks.
    const draft = await call(b, 'preparedAlerts.use', { id: saved.id });
    expect(draft.settings.audience.groupIds).toEqual([groupsB.get('Stab')]);
    // An edit on B reaches A whole, naming A's ids again.
    await call(b, 'preparedAlerts.save', {
      id: saved.id,
      description: 'Ändrad på B',
      fields: { ...onB!.fields, name: 'Brand – utrymning' },
    });
    await converged(a, b);
    const [onA] = (await call(a, 'preparedAlerts.list', {})).preparedAlerts;
    expect(onA).toMatchObject({ name: 'Brand – utrymning', description: 'Ändrad på B', updatedBy: 'B', createdBy: 'A' });
    expect(onA!.fields.audience).toMatchObject({ groupIds: [stab.id], contactIds: [olle.id], excludeContactIds: [anna.id] });
    expect(onA!.fields.templateId).toBe(t.id);
    // A desktop that joins later gets it from the snapshot.
    const c = await desktop('C');
    await converged(a, b, c);
    expect((await call(c, 'preparedAlerts.list', {})).preparedAlerts.map((p) => p.name)).toEqual(['Brand – utrymning']);
    // A delete on A is a delete everywhere.
    await call(a, 'preparedAlerts.delete', { id: saved.id });
    await converged(a, b, c);
    expect((await call(b, 'preparedAlerts.list', {})).preparedAlerts).toEqual([]);
    expect((await call(c, 'preparedAlerts.list', {})).preparedAlerts).toEqual([]);
  }, 90_000);

  it('a prepared alert’s pre-approval travels with it: asked on A, approved on B, void everywhere after an edit', async () => {
    await startWorld();
    const a = await desktop('A');
    const b = await desktop('B');
    await call(b, 'groups.create', { name: 'Bara på B' });
    const stab = await call(a, 'groups.create', { name: 'Stab' });
    for (const [first, number] of [
      ['Anna', '070-555 01 01'],
      ['Olle', '070-555 01 02'],
    ] as const)
      await call(a, 'contacts.create', { firstName: first, phones: [{ number }], groupIds: [stab.id] });
    const t = await call(a, 'templates.create', { name: 'Brand', variants: { sv: { sms: 'Brand. Svara 1.' } } });
    await call(a, 'templates.approve', { id: t.id });
    await call(a, 'campaigns.approvalRule.set', { threshold: 1, testGroupId: null, authorMayApproveTemplates: true });
    const fields = { name: 'Brand – samling', templateId: t.id, audience: { groupIds: [stab.id] }, steps: [{ channel: 'sms' as const }] };
    const saved = await call(a, 'preparedAlerts.save', { fields });
    await call(a, 'preparedAlerts.requestApproval', { id: saved.id });
    await converged(a, b);
    const [onB] = (await call(b, 'preparedAlerts.list', {})).preparedAlerts;
    // B's plan names B's own ids, and the request holds there: the hash is over the organisation's uids.
    expect(onB).toMatchObject({ approvalState: 'pending', approval: { requestedBy: { name: 'A' }, people: 2 } });
    await call(b, 'preparedAlerts.approve', { id: saved.id, comment: 'Kontrollerad på B' });
    await converged(a, b);
    const [onA] = (await call(a, 'preparedAlerts.list', {})).preparedAlerts;
    expect(onA).toMatchObject({ approvalState: 'approved', approval: { decision: { kind: 'approved', by: { name: 'B' } } } });
    // On A, a draft from it plans as pre-approved: above the threshold, no second approval.
    const draft = await call(a, 'preparedAlerts.use', { id: saved.id });
    expect((await call(a, 'campaigns.plan', { id: draft.id })).preApproved).toMatchObject({ approvedBy: 'B', people: 2 });
    // An edit on B voids it on both.
    await call(b, 'preparedAlerts.save', { id: saved.id, fields: { ...onB!.fields, steps: [{ channel: 'sms' }, { channel: 'voice' }] } });
    await converged(a, b);
    expect((await call(a, 'preparedAlerts.list', {})).preparedAlerts[0]!.approvalState).toBe('void');
    expect((await call(a, 'campaigns.plan', { id: draft.id })).preApproved).toBeNull();
  }, 90_000);

  it("a device of one organisation cannot touch another's rows: its operations land in its own tenant, another device's are refused", async () => {
    await startWorld();
    const a = await desktop('A');
    // Another organisation on the same relay, with a desktop of its own.
    const other = await relay!.admin.createTenant('annan', 'Annan kommun');
    if (!other.ok) throw new Error(other.problem);
    const enrolment = await relay!.admin.createEnrolment('annan', 1);
    if (!enrolment.ok) throw new Error(enrolment.problem);
    const enrolledB = await enrolDevice(relay!.url, enrolment.value.token, 'B');
    if (!enrolledB.ok) throw new Error(enrolledB.error.message);
    const b = await startEngine({
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-sync-other-')),
      logger: silentLogger(),
      signedIn: { displayName: 'B', role: 'admin' },
      connectivity: { relay: { url: relay!.url, deviceToken: enrolledB.value.deviceToken, tenant: 'annan' } },
    });
    engines.push(b);
    await until(async () => (await call(b, 'sync.status', {})).enabled, 'B joined its organisation');
    await call(b, 'contacts.create', { firstName: 'Bertil', phones: [{ number: '070-777 00 00' }] });
    await until(async () => (await call(b, 'sync.status', {})).pending === 0, 'B pushed');
    const bState = picture(b).states.find((x) => x.entity === 'contact')!;
    const stateOf = async () =>
      relay!.db.asOwner((q) =>
        q.query<{ tenant_id: string; state: unknown }>('SELECT tenant_id, state FROM sync_entities WHERE entity_id = $1', [bState.id]),
      );
    const before = await stateOf();
    expect(before).toHaveLength(1);
    // A pushes an edit naming B's contact, once as itself and once claiming to be B's device.
    const aDevice = (await call(a, 'sync.status', {})).deviceId!;
    const bDevice = (await call(b, 'sync.status', {})).deviceId!;
    const api = new RelayApi(relay!.url, tokens.get(a)!);
    const op = (device: string, counter: number) => ({
      device,
      counter,
      hlc: '009999999999999.000000',
      entity: 'contact' as const,
      id: bState.id,
      kind: 'put' as const,
      fields: { displayName: 'Kapad' },
    });
    const pushed = await api.pushSync([op(aDevice, 9_000_001), op(bDevice, 9_000_002)]);
    if (!pushed.ok) throw new Error(pushed.error.message);
    expect(pushed.value.rejected.map((r) => r.counter)).toEqual([9_000_002]);
    const after = await stateOf();
    // B's row is exactly as it was; A's edit made a row of A's own tenant, which no desktop of B sees.
    expect(after.find((r) => r.tenant_id === before[0]!.tenant_id)).toEqual(before[0]);
    expect(after).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(await names(b)).toEqual(['Bertil']);
  }, 60_000);

  it('the organisation lists its desktops', async () => {
    await startWorld();
    const a = await desktop('Stabsplats 1');
    await desktop('Stabsplats 2');
    const org = await call(a, 'sync.organisation', {});
    expect(org.tenant).toBe(TENANT);
    expect(org.devices.map((d) => [d.name, d.online]).sort()).toEqual([
      ['Stabsplats 1', true],
      ['Stabsplats 2', true],
    ]);
  }, 60_000);

  it('two demo consoles started as the README says share one organisation', async () => {
    const first = mkdtempSync(path.join(os.tmpdir(), 'gdial-demo-1-'));
    const consoles: ConsoleHost[] = [];
    try {
      const uiDir = path.resolve(import.meta.dirname, 'fixtures/ui');
      const one = await startConsole({
        port: 0,
        dataDir: first,
        logger: silentLogger(),
        connectivity: { mode: 'demo' },
        demoProfile: 'fast',
        uiDir,
      });
      consoles.push(one);
      const two = await startConsole({
        port: 0,
        dataDir: `${first}-2`,
        logger: silentLogger(),
        connectivity: { mode: 'demo' },
        joinDemo: first,
        uiDir,
      });
      consoles.push(two);
      const [a, b] = [one.engine, two.engine];
      await until(async () => (await call(b, 'sync.status', {})).enabled, 'the second console to join');
      await call(a, 'contacts.create', { firstName: 'Delad', lastName: 'Kontakt', phones: [{ number: '070-321 00 00' }] });
      await converged(a, b);
      expect(await names(b)).toContain('Delad Kontakt');
      const org = await call(b, 'sync.organisation', {});
      expect(org.devices).toHaveLength(2);
    } finally {
      for (const c of consoles.reverse()) await c.close();
    }
  }, 90_000);
});
