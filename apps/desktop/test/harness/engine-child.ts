// One desktop of the convergence harness: a real engine (its own SQLite store) in a process
// of its own, enrolled with the relay through the harness's cuttable proxy. It runs the
// workload's commands through the engine's RPC (as the console does), tells the harness
// every sync operation it makes (read from its outbox inside the transaction that queued
// it, sent once that transaction committed), and shows its shared data for comparison.
// Configured by GDIAL_HARNESS_ENGINE (JSON); SIGKILL is part of the test.
import { createHash } from 'node:crypto';
import { inspectSync, pendingSyncOps, silentLogger, startEngine, type ProviderSettings } from '@gdial/engine';
import type { MethodInput, MethodName, MethodOutput, SyncOp } from '@gdial/protocol';
import type { Command, CommandResult, ConsoleView } from './commands';
import { notify, serve } from './ipc';

export interface EngineChildConfig {
  name: string;
  dataDir: string;
  relayUrl: string;
  deviceToken: string;
  tenant: string;
  /** Provider settings (the take-over test sends through the simulator); none in the convergence harness. */
  providers?: ProviderSettings;
}

const config = JSON.parse(process.env.GDIAL_HARNESS_ENGINE ?? '{}') as EngineChildConfig;
const engine = await startEngine({
  dataDir: config.dataDir,
  logger: silentLogger(),
  signedIn: { displayName: config.name, role: 'admin' },
  // The workload approves templates whichever desktop wrote them, and its alerts start alone; the two-person rule has its own tests.
  approvalRule: { threshold: 1_000_000, testGroupId: null, authorMayApproveTemplates: true },
  connectivity: {
    relay: { url: config.relayUrl, deviceToken: config.deviceToken, tenant: config.tenant },
    ...(config.providers ? { providers: config.providers } : {}),
  },
});
const { store } = engine.context;
const sqlite = store.sqlite;

// ── the operations this desktop makes ──
const outboxAfter = sqlite.prepare<[number], { counter: number; op: string }>(
  'SELECT counter, op FROM sync_outbox WHERE counter > ? ORDER BY counter',
);
const stillQueued = sqlite.prepare<[number], { op: string }>('SELECT op FROM sync_outbox WHERE counter = ?');
let seen = 0;
const staged: SyncOp[] = [];
store.beforeCommit(() => {
  const rows = outboxAfter.all(seen);
  if (rows.length === 0) return;
  seen = rows.at(-1)!.counter;
  if (staged.length === 0)
    process.nextTick(() => {
      // After the transaction: what is still queued committed; what is not was rolled back
      // (nothing can have been acknowledged yet: no I/O ran in between).
      const committed: SyncOp[] = [];
      for (const op of staged.splice(0)) {
        const row = stillQueued.get(op.counter);
        if (row && (JSON.parse(row.op) as SyncOp).hlc === op.hlc) committed.push(op);
        else seen = Math.min(seen, op.counter - 1);
      }
      if (committed.length > 0) notify('ops', committed);
    });
  for (const r of rows) staged.push(JSON.parse(r.op) as SyncOp);
});
// What waits from before a restart (the notice of a killed process may not have arrived).
const waiting = outboxAfter.all(0).map((r) => JSON.parse(r.op) as SyncOp);
seen = waiting.at(-1)?.counter ?? 0;
if (waiting.length > 0) notify('ops', waiting);

async function call<M extends MethodName>(m: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await engine.rpc.call(m, params);
  if (!res.ok) throw new Error(`${m}: ${res.error.message}`);
  return res.value as MethodOutput<M>;
}

const localOf = sqlite.prepare<[string, string], number>('SELECT local_id FROM sync_ids WHERE entity = ? AND uid = ?').pluck();
const uidOfLocal = sqlite.prepare<[string, number], string>('SELECT uid FROM sync_ids WHERE entity = ? AND local_id = ?').pluck();

function local(entity: 'contact' | 'group' | 'template', uid: string): number {
  const id = localOf.get(entity, uid);
  if (id === undefined) throw new Error(`no ${entity} ${uid} here`);
  return id;
}
const uid = (entity: 'contact' | 'group' | 'template', id: number): string => {
  const u = uidOfLocal.get(entity, id);
  if (u === undefined) throw new Error(`${entity} ${id} has no uid: not captured`);
  return u;
};

async function run(c: Command): Promise<CommandResult> {
  switch (c.op) {
    case 'createContact': {
      const created = await call('contacts.create', { firstName: c.name, phones: [{ number: c.phone }] });
      return { ok: true, uid: uid('contact', created.id) };
    }
    case 'editContact':
      await call('contacts.update', { id: local('contact', c.contact), changes: { [c.field]: c.value } });
      return { ok: true };
    case 'deleteContact':
      await call('contacts.delete', { ids: [local('contact', c.contact)] });
      return { ok: true };
    case 'eraseContact':
      await call('contacts.erase', { id: local('contact', c.contact) });
      return { ok: true };
    case 'tag':
      await call(c.present ? 'contacts.addTags' : 'contacts.removeTags', { ids: [local('contact', c.contact)], tags: [c.tag] });
      return { ok: true };
    case 'createGroup':
      return { ok: true, uid: uid('group', (await call('groups.create', { name: c.name })).id) };
    case 'renameGroup':
      await call('groups.update', { id: local('group', c.group), changes: { name: c.name } });
      return { ok: true };
    case 'member': {
      const params = { groupId: local('group', c.group), contactIds: [local('contact', c.contact)] };
      if (c.present) await call('groups.addMembers', params);
      else await call('groups.removeMembers', params);
      return { ok: true };
    }
    case 'createTemplate': {
      const t = await call('templates.create', { name: c.name, variants: { sv: { sms: c.text } } });
      return { ok: true, uid: uid('template', t.id) };
    }
    case 'editTemplate': {
      const id = local('template', c.template);
      const t = await call('templates.get', { id });
      await call('templates.update', { id, fields: { name: t.name, variants: { sv: { sms: c.text } } } });
      return { ok: true };
    }
    case 'approveTemplate':
      await call('templates.approve', { id: local('template', c.template) });
      return { ok: true };
    case 'optOut':
      if (c.present) await call('contacts.optOuts.add', { channel: 'sms', address: c.address });
      else await call('contacts.optOuts.remove', { channel: 'sms', address: c.address });
      return { ok: true };
    case 'import': {
      const csv = ['Förnamn;Efternamn;Mobil;Taggar', ...c.rows.map((r) => `${r.first};${r.last};${r.phone};${r.tag}`)].join('\n');
      const preview = await call('contacts.import.preview', {
        source: { kind: 'inline', fileName: 'import.csv', dataBase64: Buffer.from(csv).toString('base64') },
        mapping: [
          { column: 0, field: 'firstName' },
          { column: 1, field: 'lastName' },
          { column: 2, field: 'phone.mobile' },
          { column: 3, field: 'tags' },
        ],
        onDuplicate: 'create',
      });
      if (preview.errorRows > 0) throw new Error(`import: ${preview.errors.map((e) => e.message).join('; ')}`);
      await call('contacts.import.run', { importId: preview.importId, onDuplicate: 'create' });
      return { ok: true };
    }
    default: {
      const never: never = c;
      throw new Error(`unknown command ${JSON.stringify(never)}`);
    }
  }
}

async function view(): Promise<ConsoleView> {
  const out: ConsoleView = { contacts: {}, groups: {}, templates: {}, optOuts: [] };
  for (let cursor: string | null = null; ;) {
    const page: MethodOutput<'contacts.search'> = await call('contacts.search', { limit: 500, cursor });
    for (const c of page.items)
      out.contacts[uid('contact', c.id)] = {
        displayName: c.displayName,
        organisation: c.organisation,
        role: c.role,
        tags: [...c.tags].sort(),
        groups: c.groupIds.map((g) => uid('group', g)).sort(),
      };
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  for (const g of (await call('groups.list', {})).groups) out.groups[uid('group', g.id)] = { name: g.name, members: g.memberCount };
  for (const t of (await call('templates.list', {})).templates)
    out.templates[uid('template', t.id)] = { name: t.name, status: t.status, text: t.variants.sv?.sms ?? null };
  out.optOuts = (await call('contacts.optOuts.list', {})).optOuts.map((o) => `${o.channel}|${o.address}`).sort();
  return out;
}

serve({
  run: (c: Command) =>
    run(c).catch((err: unknown): CommandResult => ({ ok: false, error: err instanceof Error ? err.message : String(err) })),
  status: () => call('sync.status', {}),
  holds: ({ entity, uid }: { entity: 'contact' | 'group' | 'template'; uid: string }) => localOf.get(entity, uid) !== undefined,
  picture: () => inspectSync(store).states,
  /** What waits to be pushed and a digest of the states (cheap to compare often). */
  digest: () => ({
    pending: pendingSyncOps(store),
    digest: createHash('sha256')
      .update(JSON.stringify(inspectSync(store).states))
      .digest('hex'),
  }),
  view,
  /** Any method of the engine's RPC, as the console calls it (the take-over test drives an alert with these). */
  rpc: ({ method, params }: { method: MethodName; params: unknown }) => call(method, params as MethodInput<typeof method>),
  /** Each delivery of an alert as this desktop holds it (the take-over test counts duplicates and their flags). */
  deliveries: ({ campaign }: { campaign: number }) =>
    sqlite
      .prepare<[number], { address: string; state: string; possible_duplicate: number; attempts: number }>(
        'SELECT address, state, possible_duplicate, attempts FROM deliveries WHERE campaign_id = ? ORDER BY id',
      )
      .all(campaign),
  async close() {
    await engine.close();
    setImmediate(() => process.exit(0));
  },
});
notify('ready', { pid: process.pid });
