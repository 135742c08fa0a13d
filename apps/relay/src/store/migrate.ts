// Applies the committed drizzle-kit migrations (drizzle/*.sql, in journal order, read as the
// engine reads its own: protocol readMigrationJournal) to the relay's schema in one owner
// transaction under an advisory lock, so several instances starting together migrate once.
// Then makes sure the application role exists with exactly the rights the request path
// needs. A database that has migrations this build does not know is refused: it was written
// by a newer relay.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readMigrationJournal } from '@gdial/protocol';
import type { RelayDb, SqlExecutor } from './db';
import { tenantTables } from './schema';

const migrationsDir = fileURLToPath(new URL('../../drizzle/', import.meta.url));

export interface Migration {
  tag: string;
  hash: string;
  statements: string[];
}

export function loadMigrations(): Migration[] {
  return readMigrationJournal(readFileSync(`${migrationsDir}meta/_journal.json`, 'utf8'), (tag) =>
    readFileSync(`${migrationsDir}${tag}.sql`, 'utf8'),
  ).map(({ tag, sql, statements }) => ({ tag, hash: createHash('sha256').update(sql).digest('hex'), statements }));
}

const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/**
 * drizzle-kit qualifies foreign-key targets with "public"; the relay lives in its own
 * schema (configurable, one per test run), so those references point at it instead.
 */
const inSchema = (statement: string, schema: string): string => statement.replaceAll('"public".', `${quoteIdent(schema)}.`);

export type MigrateResult = { applied: string[] };

export async function migrate(db: RelayDb): Promise<MigrateResult> {
  const migrations = loadMigrations();
  const schema = quoteIdent(db.schema);
  return db.asOwner(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`gdial-relay-migrate:${db.schema}`]);
    await q.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await q.query(`SET LOCAL search_path TO ${schema}`);
    await q.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.relay_migrations (tag text PRIMARY KEY, hash text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const done = await q.query<{ tag: string; hash: string }>(`SELECT tag, hash FROM ${schema}.relay_migrations`);
    const known = new Map(migrations.map((m) => [m.tag, m]));
    for (const row of done) {
      const m = known.get(row.tag);
      if (!m)
        throw new Error(
          `The relay database has migration "${row.tag}" that this relay does not know: it was written by a newer version. Upgrade the relay.`,
        );
      if (m.hash !== row.hash)
        throw new Error(`Migration "${row.tag}" was changed after it was applied; committed migrations must never be edited.`);
    }
    const doneTags = new Set(done.map((r) => r.tag));
    const applied: string[] = [];
    for (const m of migrations) {
      if (doneTags.has(m.tag)) continue;
      for (const statement of m.statements) await q.query(inSchema(statement, db.schema));
      await q.query(`INSERT INTO ${schema}.relay_migrations (tag, hash) VALUES ($1, $2)`, [m.tag, m.hash]);
      applied.push(m.tag);
    }
    await ensureAppRole(q, db.schema, db.appRole, db.kind === 'postgres', db.appPassword);
    return { applied };
  });
}

const quoteLiteral = (s: string): string => `'${s.replace(/'/g, "''")}'`;

async function ensureAppRole(
  q: SqlExecutor,
  schemaName: string,
  roleName: string,
  login: boolean,
  password: string | undefined,
): Promise<void> {
  const schema = quoteIdent(schemaName);
  const role = quoteIdent(roleName);
  const exists = await q.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [roleName]);
  if (exists.length === 0) await q.query(`CREATE ROLE ${role} NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE`);
  else {
    const [flags] = await q.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
      `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1`,
      [roleName],
    );
    if (flags?.rolsuper || flags?.rolbypassrls) {
      throw new Error(
        `Role ${roleName} is a superuser or has BYPASSRLS; the relay's application role must have neither (RELAY_DB_APP_ROLE).`,
      );
    }
  }
  // On PostgreSQL the request path logs in as the role itself (store/db.ts), so it must not
  // be able to become the owner: no membership in the owner role, directly or inherited.
  const [member] = await q.query<{ member: boolean }>(`SELECT pg_has_role($1, current_user, 'MEMBER') AS member`, [roleName]);
  if (member?.member) {
    throw new Error(
      `Role ${roleName} is a member of the schema owner, so it could SET ROLE back to it and lift row-level security; revoke that membership (RELAY_DB_APP_ROLE).`,
    );
  }
  if (login) {
    await q.query(`ALTER ROLE ${role} LOGIN NOINHERIT${password === undefined ? '' : ` PASSWORD ${quoteLiteral(password)}`}`);
  }
  // The connecting user must be able to become the role (not needed for superusers).
  const [me] = await q.query<{ rolsuper: boolean }>(`SELECT rolsuper FROM pg_roles WHERE rolname = current_user`);
  if (!me?.rolsuper) await q.query(`GRANT ${role} TO CURRENT_USER`);
  await q.query(`GRANT USAGE ON SCHEMA ${schema} TO ${role}`);
  await q.query(`GRANT SELECT ON ${schema}.tenants, ${schema}.relay_migrations TO ${role}`);
  for (const table of tenantTables) {
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${schema}.${quoteIdent(table)} TO ${role}`);
  }
  await q.query(`GRANT EXECUTE ON FUNCTION ${schema}.relay_append_events(uuid, text[], text[], jsonb[], text) TO ${role}`);
}

/** For /readyz: every migration this build knows is applied. */
export async function pendingMigrations(db: RelayDb): Promise<string[]> {
  const rows = await db.appQuery<{ tag: string }>(`SELECT tag FROM ${quoteIdent(db.schema)}.relay_migrations`);
  const done = new Set(rows.map((r) => r.tag));
  return loadMigrations()
    .map((m) => m.tag)
    .filter((t) => !done.has(t));
}
