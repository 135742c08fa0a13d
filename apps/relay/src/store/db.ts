// Database access for the relay on PostgreSQL (node-postgres) or embedded PGlite, behind one
// small interface. The request path runs as a separate application role (neither owner nor
// BYPASSRLS) with the tenant set per transaction, so row-level security holds whatever a
// query forgets; only migrations and the admin CLI run as the owner.
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from 'pino';

export interface SqlExecutor {
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>;
}

export interface RelayDb {
  readonly kind: 'postgres' | 'pglite';
  readonly schema: string;
  readonly appRole: string;
  /**
   * PostgreSQL: the application role logs in itself (with this password) instead of the owner
   * switching to it, so nothing on the request path can `SET ROLE` back to the owner.
   * Migrations give the role this password. Absent on PGlite (one embedded connection).
   */
  readonly appPassword?: string;
  /** NOTIFY channel other instances listen on (per schema, so deployments don't cross-talk). */
  readonly channel: string;
  /** A transaction as the application role with `app.tenant_id` set for it only. */
  withTenant<T>(tenantId: string, fn: (q: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * One statement as the application role with no tenant set (directory lookups, appends).
   * A `name` makes it a prepared statement on PostgreSQL, parsed and planned once per
   * connection: for statements on the hot path, whose text never changes.
   */
  appQuery<R = Record<string, unknown>>(text: string, params?: unknown[], name?: string): Promise<R[]>;
  /** A transaction as the schema owner: migrations and the admin CLI only. */
  asOwner<T>(fn: (q: SqlExecutor) => Promise<T>): Promise<T>;
  /** Calls `onNotify(payload)` for notifications on `channel`; resolves to an unsubscribe. */
  listen(onNotify: (payload: string) => void, onError: (err: Error) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const setTenant = "SELECT set_config('app.tenant_id', $1, true)";
const quoteIdent = (s: string): string => `"${s.replace(/"/g, '""')}"`;

export interface PostgresOptions {
  url: string;
  schema: string;
  appRole: string;
  /** The application role's password (see RelayDb.appPassword); none under trust authentication. */
  appPassword?: string;
  /**
   * Client-side bound on every statement (default 10 s): a connection that died silently (no
   * FIN, no RST) fails its query after this long instead of hanging until TCP gives up.
   */
  queryTimeoutMs?: number;
  poolSize?: number;
  logger: Logger;
}

/** The owner's connection URL with the application role (and its password) as the user. */
export function appRoleUrl(url: string, appRole: string, appPassword: string | undefined): string {
  const u = new URL(url);
  u.username = encodeURIComponent(appRole);
  u.password = appPassword === undefined ? '' : encodeURIComponent(appPassword);
  return u.toString();
}

/** node-postgres's own timeouts (query_timeout, connectionTimeoutMillis), as opposed to the server's. */
const isClientTimeout = (err: unknown): boolean =>
  err instanceof Error &&
  /^(Query read timeout|Connection terminated due to connection timeout|timeout exceeded when trying to connect)/.test(err.message);

export function openPostgres(opts: PostgresOptions): RelayDb {
  const searchPath = `-c search_path=${opts.schema}`;
  // The request path logs in as the application role, a LOGIN role that is not a member of
  // the owner: even injected SQL cannot `SET ROLE NONE` back to the owner and lift forced RLS.
  //
  // A database that does not answer turns into a 503 the provider retries, never a hang:
  // connecting (or waiting for a pooled connection) and every statement are bounded on the
  // client, the server cancels a statement a little later (statement_timeout) and drops a
  // transaction left idle, and TCP keepalive finds a dead peer of an idle connection.
  const queryTimeout = opts.queryTimeoutMs ?? 10_000;
  const bounded = {
    connectionTimeoutMillis: Math.min(5000, queryTimeout),
    query_timeout: queryTimeout,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
  const serverTimeouts = `-c statement_timeout=${queryTimeout + 1000} -c idle_in_transaction_session_timeout=${queryTimeout * 3}`;
  const appPool = new pg.Pool({
    connectionString: appRoleUrl(opts.url, opts.appRole, opts.appPassword),
    max: opts.poolSize ?? 10,
    idleTimeoutMillis: 60_000,
    ...bounded,
    options: `${searchPath} ${serverTimeouts}`,
    application_name: 'gdial-relay',
  });
  // Migrations may run long: the owner's statements are not bounded, its connections are.
  const ownerPool = new pg.Pool({
    connectionString: opts.url,
    max: 2,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    options: searchPath,
    application_name: 'gdial-relay-owner',
  });
  const onPoolError = (err: Error) => opts.logger.warn({ err }, 'idle database connection failed');
  appPool.on('error', onPoolError);
  ownerPool.on('error', onPoolError);

  const tx = async <T>(pool: pg.Pool, tenantId: string | null, fn: (q: SqlExecutor) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    // pg emits 'error' on a client whose connection ends unexpectedly even when a query of it
    // is failing at the same time; the pool listens only while the client is idle, so a
    // checked-out client must be listened to here or the process dies of an uncaught error.
    let lost: Error | undefined;
    const onLost = (err: Error) => {
      lost = err;
      opts.logger.warn({ err }, 'database connection failed during a transaction');
    };
    client.on('error', onLost);
    const release = (err?: Error) => {
      client.removeListener('error', onLost);
      client.release(err ?? lost);
    };
    const q: SqlExecutor = { query: async <R>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as R[] };
    try {
      await client.query('BEGIN');
      if (tenantId !== null) await client.query(setTenant, [tenantId]);
      const result = await fn(q);
      await client.query('COMMIT');
      release();
      return result;
    } catch (err) {
      // A statement that timed out on the client leaves the connection in an unknown state
      // (maybe dead): it is thrown away, not asked to roll back (the server does that).
      if (isClientTimeout(err) || lost) release(err as Error);
      else
        await client.query('ROLLBACK').then(
          () => release(),
          (rollbackErr: Error) => release(rollbackErr),
        );
      // The lost connection is the cause; pg's later "not queryable" is only its consequence.
      throw lost ?? err;
    }
  };

  return {
    kind: 'postgres',
    schema: opts.schema,
    appRole: opts.appRole,
    ...(opts.appPassword === undefined ? {} : { appPassword: opts.appPassword }),
    channel: `${opts.schema}_events`,
    withTenant: (tenantId, fn) => tx(appPool, tenantId, fn),
    appQuery: async <R>(text: string, params?: unknown[], name?: string) =>
      (await appPool.query(name ? { name, text, values: params } : { text, values: params })).rows as R[],
    asOwner: (fn) => tx(ownerPool, null, fn),
    async listen(onNotify, onError) {
      const client = new pg.Client({
        connectionString: opts.url,
        options: searchPath,
        application_name: 'gdial-relay-listen',
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
        connectionTimeoutMillis: 10_000,
      });
      client.on('notification', (m) => {
        if (m.channel === `${opts.schema}_events` && m.payload) onNotify(m.payload);
      });
      client.on('error', onError);
      await client.connect();
      await client.query(`LISTEN ${quoteIdent(`${opts.schema}_events`)}`);
      return async () => {
        client.removeAllListeners('error');
        client.on('error', () => undefined);
        await client.end().catch(() => undefined);
      };
    },
    async close() {
      await Promise.all([appPool.end(), ownerPool.end()]);
    },
  };
}

export interface PgliteOptions {
  /** A directory for the data, or undefined for an in-memory database (tests). */
  dataDir: string | undefined;
  schema: string;
  appRole: string;
}

/**
 * PGlite is one connection in this process, so every request-path transaction switches to
 * the application role with SET LOCAL ROLE; its transaction mutex serialises them.
 */
export async function openPglite(opts: PgliteOptions): Promise<RelayDb> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const db: PGlite = await PGlite.create(opts.dataDir);
  await db.exec(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(opts.schema)}; SET search_path TO ${quoteIdent(opts.schema)}`);
  const setRole = `SET LOCAL ROLE ${quoteIdent(opts.appRole)}`;
  let closed = false;
  const run = <T>(asApp: boolean, tenantId: string | null, fn: (q: SqlExecutor) => Promise<T>): Promise<T> =>
    db.transaction(async (t) => {
      if (asApp) await t.query(setRole);
      if (tenantId !== null) await t.query(setTenant, [tenantId]);
      return fn({ query: async <R>(text: string, params?: unknown[]) => (await t.query<R>(text, params)).rows });
    });
  return {
    kind: 'pglite',
    schema: opts.schema,
    appRole: opts.appRole,
    channel: `${opts.schema}_events`,
    withTenant: (tenantId, fn) => run(true, tenantId, fn),
    appQuery: (text, params) => run(true, null, (q) => q.query(text, params)),
    asOwner: (fn) => run(false, null, fn),
    // Embedded PGlite serves exactly one relay instance: in-process wake-ups suffice.
    listen: () => Promise.resolve(async () => undefined),
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
    },
  };
}
