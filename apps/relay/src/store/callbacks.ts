// Call-backs in Postgres: the latest alert each number was sent (callback_targets, one row
// per number; an older record never replaces a newer one) and where "press 2" connects
// (callback_settings), both under the tenant's row-level security.
import type { CallbackTarget } from '@gdial/protocol';
import type { RelayDb } from './db';

export async function saveCallbackTargets(db: RelayDb, tenantId: string, targets: readonly CallbackTarget[]): Promise<void> {
  if (targets.length === 0) return;
  await db.withTenant(tenantId, async (q) => {
    for (const t of targets)
      await q.query(
        `INSERT INTO callback_targets (tenant_id, phone, delivery_token, flow_id, sent_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, phone) DO UPDATE SET delivery_token = EXCLUDED.delivery_token, flow_id = EXCLUDED.flow_id,
           sent_at = EXCLUDED.sent_at WHERE callback_targets.sent_at <= EXCLUDED.sent_at`,
        [tenantId, t.phone, t.deliveryToken, t.flowId, new Date(t.sentAt)],
      );
  });
}

export async function loadCallbackTarget(db: RelayDb, tenantId: string, phone: string): Promise<CallbackTarget | null> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<{ phone: string; delivery_token: string; flow_id: string | null; sent_at: Date }>(
      'SELECT phone, delivery_token, flow_id, sent_at FROM callback_targets WHERE tenant_id = $1 AND phone = $2',
      [tenantId, phone],
    ),
  );
  if (!row) return null;
  return { phone: row.phone, deliveryToken: row.delivery_token, flowId: row.flow_id, sentAt: new Date(row.sent_at).toISOString() };
}

export async function saveCrisisRoomNumber(db: RelayDb, tenantId: string, number: string | null): Promise<void> {
  await db.withTenant(tenantId, (q) =>
    q.query(
      `INSERT INTO callback_settings (tenant_id, crisis_room_number, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (tenant_id) DO UPDATE SET crisis_room_number = EXCLUDED.crisis_room_number, updated_at = now()`,
      [tenantId, number],
    ),
  );
}

export async function loadCrisisRoomNumber(db: RelayDb, tenantId: string): Promise<string | null> {
  const [row] = await db.withTenant(tenantId, (q) =>
    q.query<{ crisis_room_number: string | null }>('SELECT crisis_room_number FROM callback_settings WHERE tenant_id = $1', [tenantId]),
  );
  return row?.crisis_room_number ?? null;
}
