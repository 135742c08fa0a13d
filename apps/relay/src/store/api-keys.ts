// API keys in Postgres (schema.ts `api_keys`, row-level security like every tenant table):
// created with the secret's SHA-256 only, listed, revoked, and found by the hash when a
// request presents one.
import { randomUUID } from 'node:crypto';
import type { ApiKeyScope } from '@gdial/protocol';
import type { RelayDb } from './db';

export interface ApiKeyRow {
  id: string;
  tenantId: string;
  name: string;
  keyHash: string;
  hint: string;
  scopes: ApiKeyScope[];
  expiresAt: Date | null;
  allowedSources: string[];
  rateLimitPerMinute: number;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
}

interface Raw {
  id: string;
  tenant_id: string;
  name: string;
  key_hash: string;
  hint: string;
  scopes: ApiKeyScope[] | string;
  expires_at: Date | null;
  allowed_sources: string[] | string;
  rate_limit_per_minute: number;
  created_by: string | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
  revoked_by: string | null;
}

const jsonArray = <T>(v: T[] | string): T[] => (typeof v === 'string' ? (JSON.parse(v) as T[]) : v);
const date = (v: Date | string | null): Date | null => (v === null ? null : v instanceof Date ? v : new Date(v));

const toRow = (r: Raw): ApiKeyRow => ({
  id: r.id,
  tenantId: r.tenant_id,
  name: r.name,
  keyHash: r.key_hash,
  hint: r.hint,
  scopes: jsonArray(r.scopes),
  expiresAt: date(r.expires_at),
  allowedSources: jsonArray(r.allowed_sources),
  rateLimitPerMinute: r.rate_limit_per_minute,
  createdBy: r.created_by,
  createdAt: date(r.created_at)!,
  lastUsedAt: date(r.last_used_at),
  revokedAt: date(r.revoked_at),
  revokedBy: r.revoked_by,
});

const COLUMNS = `id, tenant_id, name, key_hash, hint, scopes, expires_at, allowed_sources, rate_limit_per_minute, created_by, created_at,
  last_used_at, revoked_at, revoked_by`;

export async function insertApiKey(
  db: RelayDb,
  tenantId: string,
  k: Pick<ApiKeyRow, 'name' | 'keyHash' | 'hint' | 'scopes' | 'expiresAt' | 'allowedSources' | 'rateLimitPerMinute' | 'createdBy'>,
): Promise<ApiKeyRow> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<Raw>(
      `INSERT INTO api_keys (id, tenant_id, name, key_hash, hint, scopes, expires_at, allowed_sources, rate_limit_per_minute, created_by)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb, $9, $10) RETURNING ${COLUMNS}`,
      [
        randomUUID(),
        tenantId,
        k.name,
        k.keyHash,
        k.hint,
        JSON.stringify(k.scopes),
        k.expiresAt,
        JSON.stringify(k.allowedSources),
        k.rateLimitPerMinute,
        k.createdBy,
      ],
    ),
  );
  return toRow(row!);
}

export async function listApiKeys(db: RelayDb, tenantId: string): Promise<ApiKeyRow[]> {
  const rows = await db.withTenant(tenantId, (q) => q.query<Raw>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at DESC, name`));
  return rows.map(toRow);
}

/** Revokes a key not yet revoked; the revoked row, or null when there is none. */
export async function revokeApiKey(db: RelayDb, tenantId: string, id: string, by: string): Promise<ApiKeyRow | null> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<Raw>(`UPDATE api_keys SET revoked_at = now(), revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING ${COLUMNS}`, [
      id,
      by,
    ]),
  );
  return row ? toRow(row) : null;
}

/** The key whose secret hashes to `keyHash` (revoked and expired ones too: the caller says why it refuses). */
export async function findApiKeyByHash(db: RelayDb, tenantId: string, keyHash: string): Promise<ApiKeyRow | null> {
  const [row] = await db.withTenant(tenantId, (q) => q.query<Raw>(`SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1`, [keyHash]));
  return row ? toRow(row) : null;
}

export async function touchApiKey(db: RelayDb, tenantId: string, id: string): Promise<void> {
  await db.withTenant(tenantId, (q) => q.query('UPDATE api_keys SET last_used_at = now() WHERE id = $1', [id]));
}
