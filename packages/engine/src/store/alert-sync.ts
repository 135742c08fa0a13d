// Organisation sync of alerts: the SQL that reads an alert, its recipients and deliveries
// for the codecs (src/sync/codecs/alerts.ts), writes another desktop's alert here as a
// replica (shown live, never dispatched: its deliveries sit in REMOTE_BAND, a priority band
// no claim reaches), hands an alert over between "run here" and "run by another desktop",
// and keeps the leases this desktop knows. Writes record exactly the rows they change.
import type { Reader, Tx } from './db';
import { moveBand, type DeliveryRow } from './deliveries';
import type { CampaignRow } from './campaigns';
import type { RecipientRow } from './recipients';

/**
 * Added to the priority of a replica's deliveries: the dispatcher claims bands 0 and 1 (and
 * a paused alert's rows sit 10 higher), so rows of an alert another desktop runs are never
 * sent from here, and a take-over moves them back.
 */
export const REMOTE_BAND = 100;

// ── campaigns ──

/** The campaign's row, or undefined. */
export const campaignRow = (r: Reader, id: number): CampaignRow | undefined =>
  r.statements.get<[number], CampaignRow>('SELECT * FROM campaigns WHERE id = ?').get(id);

/** Campaigns that are shared (everything but drafts, which stay on the desktop that writes them). */
export const sharedCampaignIds = (r: Reader): number[] =>
  r.statements.pluck<[], number>("SELECT id FROM campaigns WHERE status <> 'draft' ORDER BY id").all();

/** Which device runs a campaign: null here, a device id for a replica, undefined when there is no such campaign. */
export function campaignRunBy(r: Reader, id: number): string | null | undefined {
  const row = r.statements.get<[number], { run_by: string | null }>('SELECT run_by FROM campaigns WHERE id = ?').get(id);
  return row ? row.run_by : undefined;
}

export type ReplicaCampaign = Omit<CampaignRow, 'id' | 'parent_id' | 'updated_at'>;
const CAMPAIGN_COLUMNS = [
  'name',
  'status',
  'priority',
  'kind',
  'template_id',
  'test_group_id',
  'settings',
  'next_run_at',
  'approval_reason',
  'cancel_reason',
  'created_by',
  'created_at',
  'started_at',
  'finished_at',
  'run_by',
  'waves_decided',
  'waves_alerted',
] as const;

/** Writes another desktop's alert here (a new row when `id` is null); returns its local id. */
export function writeReplicaCampaign(tx: Tx, id: number | null, v: ReplicaCampaign): number {
  const params = Object.fromEntries(CAMPAIGN_COLUMNS.map((c) => [c, v[c]]));
  if (id === null) {
    const cols = CAMPAIGN_COLUMNS.join(', ');
    const vals = CAMPAIGN_COLUMNS.map((c) => `@${c}`).join(', ');
    const newId = Number(tx.statements.get(`INSERT INTO campaigns (${cols}) VALUES (${vals})`).run(params).lastInsertRowid);
    tx.changes.record('campaigns', [newId], 'insert');
    return newId;
  }
  const set = CAMPAIGN_COLUMNS.map((c) => `${c} = @${c}`).join(', ');
  const differs = CAMPAIGN_COLUMNS.map((c) => `${c} IS NOT @${c}`).join(' OR ');
  const changed = tx.statements.get(`UPDATE campaigns SET ${set}, updated_at = @now WHERE id = @id AND (${differs}) RETURNING id`).get({
    ...params,
    id,
    now: new Date().toISOString(),
  });
  if (changed !== undefined) tx.changes.record('campaigns', [id], 'update', [...CAMPAIGN_COLUMNS, 'updated_at']);
  return id;
}

/**
 * Hands a campaign over: `runBy` null makes this desktop its dispatcher (its deliveries come
 * back into the claimable bands), a device id makes it a replica of that device's alert.
 */
export function setCampaignRunBy(tx: Tx, id: number, runBy: string | null): void {
  const before = campaignRunBy(tx, id);
  if (before === undefined || before === runBy) return;
  tx.statements.get('UPDATE campaigns SET run_by = ? WHERE id = ?').run(runBy, id);
  tx.changes.record('campaigns', [id], 'update', ['run_by']);
  moveBand(tx, id, REMOTE_BAND, runBy === null ? 'down' : 'up');
}

// ── recipients ──

export const recipientRow = (r: Reader, id: number): RecipientRow | undefined =>
  r.statements.get<[number], RecipientRow>('SELECT * FROM campaign_recipients WHERE id = ?').get(id);

export const recipientIdsOf = (r: Reader, campaignId: number): number[] =>
  r.statements.pluck<[number], number>('SELECT id FROM campaign_recipients WHERE campaign_id = ? ORDER BY id').all(campaignId);

export type ReplicaRecipient = Omit<RecipientRow, 'id'>;
const RECIPIENT_COLUMNS = [
  'campaign_id',
  'contact_id',
  'display_name',
  'language',
  'outcome',
  'confirmed_at',
  'confirmed_via',
  'wave',
] as const;

export function writeReplicaRecipient(tx: Tx, id: number | null, v: ReplicaRecipient): number {
  return upsertRow(tx, 'campaign_recipients', RECIPIENT_COLUMNS, id, v);
}

export function deleteReplicaRows(tx: Tx, table: 'campaign_recipients' | 'deliveries', id: number): void {
  if (table === 'deliveries') {
    const events = tx.statements.pluck<[number], number>('DELETE FROM delivery_events WHERE delivery_id = ? RETURNING id').all(id);
    for (const e of events) tx.changes.record('delivery_events', [e], 'delete');
  }
  if (tx.statements.get(`DELETE FROM ${table} WHERE id = ? RETURNING id`).get(id) !== undefined) tx.changes.record(table, [id], 'delete');
}

// ── deliveries ──

export const deliveryRow = (r: Reader, id: number): DeliveryRow | undefined =>
  r.statements.get<[number], DeliveryRow>('SELECT * FROM deliveries WHERE id = ?').get(id);

export const deliveryIdsOf = (r: Reader, campaignId: number): number[] =>
  r.statements.pluck<[number], number>('SELECT id FROM deliveries WHERE campaign_id = ? ORDER BY id').all(campaignId);

/** The delivery a timeline entry belongs to (undefined once deleted). */
export const deliveryOfEvent = (r: Reader, eventId: number): number | undefined =>
  r.statements.pluck<[number], number>('SELECT delivery_id FROM delivery_events WHERE id = ?').get(eventId);

export interface TimelineEntry {
  at: number;
  kind: string;
  detail: string | null;
}

export const deliveryTimeline = (r: Reader, deliveryId: number): TimelineEntry[] =>
  r.statements
    .get<[number], TimelineEntry>('SELECT at, kind, detail FROM delivery_events WHERE delivery_id = ? ORDER BY at, id')
    .all(deliveryId);

/** The delivery columns an alert's operations carry (not its local ids, nor the in-flight clock). */
export const SHARED_DELIVERY_COLUMNS = [
  'step_index',
  'channel',
  'address',
  'token',
  'state',
  'priority',
  'due_at',
  'wait_seconds',
  'condition',
  'fall_through',
  'body',
  'subject',
  'html',
  'audio_id',
  'voice_id',
  'attempts',
  'provider',
  'provider_id',
  'provider_status',
  'provider_rank',
  'answered_by',
  'error_code',
  'error',
  'possible_duplicate',
  'sent_at',
  'finished_at',
] as const satisfies readonly (keyof DeliveryRow)[];
export type SharedDeliveryColumn = (typeof SHARED_DELIVERY_COLUMNS)[number];
/** A replica's delivery: the shared columns, and its SMS segments counted here from the shared text. */
export type ReplicaDelivery = Pick<DeliveryRow, SharedDeliveryColumn | 'campaign_id' | 'recipient_id' | 'segments'>;

export function writeReplicaDelivery(tx: Tx, id: number | null, v: ReplicaDelivery): number {
  return upsertRow(tx, 'deliveries', ['campaign_id', 'recipient_id', 'segments', ...SHARED_DELIVERY_COLUMNS], id, v);
}

/** Makes a replica delivery's timeline the merged one (adds what is new; entries are never updated). */
export function mergeTimeline(tx: Tx, deliveryId: number, entries: readonly TimelineEntry[]): void {
  const have = new Set(deliveryTimeline(tx, deliveryId).map((e) => `${e.at}\u0000${e.kind}\u0000${e.detail ?? ''}`));
  const insert = tx.statements.get('INSERT INTO delivery_events (delivery_id, at, kind, detail) VALUES (?, ?, ?, ?)');
  for (const e of entries) {
    if (have.has(`${e.at}\u0000${e.kind}\u0000${e.detail ?? ''}`)) continue;
    tx.changes.record('delivery_events', [Number(insert.run(deliveryId, e.at, e.kind, e.detail).lastInsertRowid)], 'insert');
  }
}

// ── leases ──

export interface LocalLease {
  alert: string;
  owner: string;
  ownerName: string;
  token: number;
  expiresAt: number | null;
}
type LeaseSql = { alert: string; owner: string; owner_name: string; token: number; expires_at: number | null };
const toLease = (r: LeaseSql): LocalLease => ({
  alert: r.alert,
  owner: r.owner,
  ownerName: r.owner_name,
  token: r.token,
  expiresAt: r.expires_at,
});

export function readLease(r: Reader, alert: string): LocalLease | undefined {
  const row = r.statements.get<[string], LeaseSql>('SELECT * FROM sync_leases WHERE alert = ?').get(alert);
  return row ? toLease(row) : undefined;
}

export function writeLease(tx: Tx, l: LocalLease): void {
  tx.statements
    .get(
      `INSERT INTO sync_leases (alert, owner, owner_name, token, expires_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (alert) DO UPDATE SET owner = excluded.owner, owner_name = excluded.owner_name, token = excluded.token, expires_at = excluded.expires_at`,
    )
    .run(l.alert, l.owner, l.ownerName, l.token, l.expiresAt);
}

/** The alerts that may still dispatch (scheduled, running, paused), with their uid, run here or elsewhere. */
export function liveAlerts(r: Reader): { id: number; uid: string; name: string; runBy: string | null; status: string }[] {
  return r.statements
    .get<[], { id: number; uid: string; name: string; run_by: string | null; status: string }>(
      `SELECT c.id, i.uid, c.name, c.run_by, c.status FROM campaigns c JOIN sync_ids i ON i.entity = 'alert' AND i.local_id = c.id
        WHERE c.status IN ('scheduled', 'running', 'paused') ORDER BY c.id`,
    )
    .all()
    .map((x) => ({ id: x.id, uid: x.uid, name: x.name, runBy: x.run_by, status: x.status }));
}

// ── shared ──

function upsertRow<T extends object>(
  tx: Tx,
  table: 'campaign_recipients' | 'deliveries',
  columns: readonly (keyof T & string)[],
  id: number | null,
  v: T,
): number {
  const params = Object.fromEntries(columns.map((c) => [c, v[c] as unknown]));
  if (id === null) {
    const newId = Number(
      tx.statements.get(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`).run(params)
        .lastInsertRowid,
    );
    tx.changes.record(table, [newId], 'insert');
    return newId;
  }
  const changed = tx.statements
    .get(
      `UPDATE ${table} SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id AND (${columns.map((c) => `${c} IS NOT @${c}`).join(' OR ')}) RETURNING id`,
    )
    .get({ ...params, id });
  if (changed !== undefined) tx.changes.record(table, [id], 'update', columns);
  return id;
}
