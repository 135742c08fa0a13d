// Call flows the engine registers (TwiML documents per campaign) and the audio it uploads.
// Audio is kept in the database so every relay instance can serve it; ids are random
// 32-byte strings, which is what makes the public media URLs unguessable.
import { createHash } from 'node:crypto';
import type { CallFlowRegistration } from '@gdial/protocol';
import type { RelayDb } from './db';
import { randomId } from './secrets';

export async function saveCallFlow(db: RelayDb, tenantId: string, flow: CallFlowRegistration): Promise<void> {
  await db.withTenant(tenantId, (q) =>
    q.query(
      `INSERT INTO call_flows (tenant_id, flow_id, start_doc, confirmed_doc, retry_doc, goodbye_doc, confirm_digits, max_attempts, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
       ON CONFLICT (tenant_id, flow_id) DO UPDATE SET start_doc = EXCLUDED.start_doc, confirmed_doc = EXCLUDED.confirmed_doc,
         retry_doc = EXCLUDED.retry_doc, goodbye_doc = EXCLUDED.goodbye_doc, confirm_digits = EXCLUDED.confirm_digits,
         max_attempts = EXCLUDED.max_attempts, updated_at = now()`,
      [
        tenantId,
        flow.flowId,
        flow.documents.start,
        flow.documents.confirmed,
        flow.documents.retry,
        flow.documents.goodbye,
        flow.confirmDigits.join(''),
        flow.maxAttempts,
      ],
    ),
  );
}

export async function loadCallFlow(db: RelayDb, tenantId: string, flowId: string): Promise<CallFlowRegistration | null> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<{
      flow_id: string;
      start_doc: string;
      confirmed_doc: string;
      retry_doc: string;
      goodbye_doc: string;
      confirm_digits: string;
      max_attempts: number;
    }>(
      'SELECT flow_id, start_doc, confirmed_doc, retry_doc, goodbye_doc, confirm_digits, max_attempts FROM call_flows WHERE tenant_id = $1 AND flow_id = $2',
      [tenantId, flowId],
    ),
  );
  if (!row) return null;
  return {
    flowId: row.flow_id,
    documents: { start: row.start_doc, confirmed: row.confirmed_doc, retry: row.retry_doc, goodbye: row.goodbye_doc },
    confirmDigits: [...row.confirm_digits],
    maxAttempts: row.max_attempts,
  };
}

export interface StoredMedia {
  id: string;
  contentType: string;
  size: number;
  sha256: string;
}

/** Stores audio once per content and type; uploading the same bytes again returns the same id. */
export async function saveMedia(db: RelayDb, tenantId: string, contentType: string, bytes: Buffer): Promise<StoredMedia> {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return db.withTenant(tenantId, async (q) => {
    const [existing] = await q.query<{ id: string }>('SELECT id FROM media WHERE tenant_id = $1 AND sha256 = $2 AND content_type = $3', [
      tenantId,
      sha256,
      contentType,
    ]);
    if (existing) return { id: existing.id, contentType, size: bytes.length, sha256 };
    const id = randomId();
    await q.query(
      'INSERT INTO media (tenant_id, id, content_type, sha256, size, bytes) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, sha256, content_type) DO NOTHING',
      [tenantId, id, contentType, sha256, bytes.length, bytes],
    );
    const [row] = await q.query<{ id: string }>('SELECT id FROM media WHERE tenant_id = $1 AND sha256 = $2 AND content_type = $3', [
      tenantId,
      sha256,
      contentType,
    ]);
    return { id: row?.id ?? id, contentType, size: bytes.length, sha256 };
  });
}

export async function loadMedia(db: RelayDb, tenantId: string, id: string): Promise<(StoredMedia & { bytes: Buffer }) | null> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<{ id: string; content_type: string; size: number; sha256: string; bytes: Uint8Array }>(
      'SELECT id, content_type, size, sha256, bytes FROM media WHERE tenant_id = $1 AND id = $2',
      [tenantId, id],
    ),
  );
  if (!row) return null;
  return { id: row.id, contentType: row.content_type, size: row.size, sha256: row.sha256, bytes: Buffer.from(row.bytes) };
}

/**
 * The tenant's audio with these bytes' SHA-256 (hex), whatever its stored type: what a desktop
 * fetches when it needs audio another desktop of the organisation recorded. Under the
 * tenant's row-level security, so another organisation's audio is never found.
 */
export async function loadMediaByHash(db: RelayDb, tenantId: string, sha256: string): Promise<(StoredMedia & { bytes: Buffer }) | null> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<{ id: string; content_type: string; size: number; sha256: string; bytes: Uint8Array }>(
      'SELECT id, content_type, size, sha256, bytes FROM media WHERE tenant_id = $1 AND sha256 = $2 ORDER BY id LIMIT 1',
      [tenantId, sha256],
    ),
  );
  if (!row) return null;
  return { id: row.id, contentType: row.content_type, size: row.size, sha256: row.sha256, bytes: Buffer.from(row.bytes) };
}
