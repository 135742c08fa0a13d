// A relay organisation with desktops for the sync benchmarks: a relay on PostgreSQL (its own
// schema and role, dropped afterwards) or PGlite, and engines enrolled with it as separate
// workstations, in this process.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { MethodInput, MethodName, MethodOutput } from '@gdial/protocol';
import { enrolDevice, silentLogger, startEngine, type Engine } from '@gdial/engine';
import { startRelay, type RelayHandle } from '@gdial/relay';

export const DATABASE_URL = process.env.RELAY_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TENANT = 'bench-org';

export interface Org {
  relay: RelayHandle;
  schema: string;
  /** The organisation's tenant slug. */
  tenant: string;
  desktop(name: string, opts?: { dataDir?: string }): Promise<Engine>;
  close(): Promise<void>;
}

export async function startOrg(): Promise<Org> {
  const schema = `sync_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const relay = await startRelay({
    encryptionKey: randomBytes(32),
    databaseUrl: DATABASE_URL,
    dbSchema: schema,
    dbAppRole: `${schema}_app`,
    rateLimitPerSecond: 1_000_000,
    metricsToken: 'bench-metrics-token-0123456789',
    logLevel: 'warn',
  });
  const created = await relay.admin.createTenant(TENANT, 'Bench');
  if (!created.ok) throw new Error(created.problem);
  const engines: Engine[] = [];
  return {
    relay,
    schema,
    tenant: TENANT,
    async desktop(name, opts = {}) {
      const enrolment = await relay.admin.createEnrolment(TENANT, 1);
      if (!enrolment.ok) throw new Error(enrolment.problem);
      const enrolled = await enrolDevice(relay.url, enrolment.value.token, name);
      if (!enrolled.ok) throw new Error(enrolled.error.message);
      const engine = await startEngine({
        dataDir: opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), `gdial-sync-bench-${name}-`)),
        logger: silentLogger(),
        signedIn: { displayName: name, role: 'admin' },
        connectivity: { relay: { url: relay.url, deviceToken: enrolled.value.deviceToken, tenant: TENANT } },
      });
      engines.push(engine);
      return engine;
    },
    async close() {
      for (const e of engines) await e.close();
      await relay.close();
      const c = new pg.Client({ connectionString: DATABASE_URL });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        const role = `${schema}_app`;
        if ((await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role])).rowCount) {
          await c.query(`DROP OWNED BY "${role}"`);
          await c.query(`DROP ROLE "${role}"`);
        }
      } finally {
        await c.end();
      }
    },
  };
}

export async function call<M extends MethodName>(engine: Engine, m: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await engine.rpc.call(m, params);
  if (!res.ok) throw new Error(`${m}: ${res.error.message}`);
  return res.value as MethodOutput<M>;
}

export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 600_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
