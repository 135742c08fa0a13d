// Burn messages (engångsmeddelanden) in Postgres: the directory row that tells which
// organisation a public id belongs to (burn_links), and the ciphertext itself under the
// tenant's row-level security (burn_messages). Opening is one transaction that locks the
// row, so of two simultaneous opens exactly one gets the ciphertext.
import type { RelayDb } from './db';

export interface NewBurnMessage {
  id: string;
  ciphertext: Buffer;
  iv: Buffer;
  deliveryToken: string | null;
  expiresAt: Date;
}

export async function saveBurnMessage(db: RelayDb, tenantId: string, m: NewBurnMessage): Promise<void> {
  await db.withTenant(tenantId, async (q) => {
    await q.query('INSERT INTO burn_links (id, tenant_id) VALUES ($1, $2)', [m.id, tenantId]);
    await q.query('INSERT INTO burn_messages (tenant_id, id, ciphertext, iv, delivery_token, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      tenantId,
      m.id,
      m.ciphertext,
      m.iv,
      m.deliveryToken,
      m.expiresAt,
    ]);
  });
}

/** The organisation a public id belongs to, or null for an id nobody made. */
export async function burnTenantOf(db: RelayDb, id: string): Promise<string | null> {
  const [row] = await db.appQuery<{ tenant_id: string }>('SELECT tenant_id FROM burn_links WHERE id = $1', [id]);
  return row?.tenant_id ?? null;
}

export type BurnState =
  { state: 'unread'; expiresAt: Date } | { state: 'opened'; openedAt: Date } | { state: 'expired'; expiresAt: Date } | { state: 'unknown' };

/** Where a message stands, without opening it (what the page says before the reader asks for it). */
export async function burnStateOf(db: RelayDb, tenantId: string, id: string): Promise<BurnState> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<{ has_text: boolean; expires_at: Date; opened_at: Date | null; expired: boolean }>(
      'SELECT ciphertext IS NOT NULL AS has_text, expires_at, opened_at, expires_at <= now() AS expired FROM burn_messages WHERE id = $1',
      [id],
    ),
  );
  return stateOfRow(row);
}

const stateOfRow = (row: { has_text: boolean; expires_at: Date; opened_at: Date | null; expired: boolean } | undefined): BurnState => {
  if (!row) return { state: 'unknown' };
  if (row.opened_at) return { state: 'opened', openedAt: new Date(row.opened_at) };
  if (!row.has_text || row.expired) return { state: 'expired', expiresAt: new Date(row.expires_at) };
  return { state: 'unread', expiresAt: new Date(row.expires_at) };
};

export type BurnOpen =
  | { ok: true; ciphertext: Buffer; iv: Buffer; deliveryToken: string | null; openedAt: Date }
  | { ok: false; state: Exclude<BurnState, { state: 'unread' }> };

/**
 * Opens a message: returns its ciphertext and clears it in the same transaction. The row is
 * locked first (FOR UPDATE), so a second open waiting on the lock finds it already opened.
 */
export async function openBurnMessage(db: RelayDb, tenantId: string, id: string): Promise<BurnOpen> {
  return db.withTenant(tenantId, async (q) => {
    const [row] = await q.query<{
      ciphertext: Uint8Array | null;
      iv: Uint8Array;
      delivery_token: string | null;
      expires_at: Date;
      opened_at: Date | null;
      expired: boolean;
    }>(
      'SELECT ciphertext, iv, delivery_token, expires_at, opened_at, expires_at <= now() AS expired FROM burn_messages WHERE id = $1 FOR UPDATE',
      [id],
    );
    if (!row || row.opened_at || row.ciphertext === null || row.expired) {
      // Past its expiry and not yet swept: the ciphertext goes now.
      if (row && row.expired && row.ciphertext !== null) await q.query('UPDATE burn_messages SET ciphertext = NULL WHERE id = $1', [id]);
      const state = stateOfRow(row && { ...row, has_text: row.ciphertext !== null });
      return { ok: false, state: state.state === 'unread' ? { state: 'unknown' } : state };
    }
    const [opened] = await q.query<{ opened_at: Date }>(
      'UPDATE burn_messages SET ciphertext = NULL, opened_at = now() WHERE id = $1 RETURNING opened_at',
      [id],
    );
    return {
      ok: true,
      ciphertext: Buffer.from(row.ciphertext),
      iv: Buffer.from(row.iv),
      deliveryToken: row.delivery_token,
      openedAt: new Date(opened!.opened_at),
    };
  });
}

/**
 * Clears the ciphertext of the tenant's messages whose expiry is at or before `now` (the relay's
 * hourly pass; the page refuses an expired message at once either way); returns how many.
 */
export async function expireBurnMessages(db: RelayDb, tenantId: string, now: Date): Promise<number> {
  const rows = await db.withTenant(tenantId, (q) =>
    q.query('UPDATE burn_messages SET ciphertext = NULL WHERE ciphertext IS NOT NULL AND expires_at <= $1 RETURNING id', [now]),
  );
  return rows.length;
}
