// Campaigns: the campaigns table (definition, status, schedule). The one row type
// (CampaignRow), its converter to the engine's StoredCampaign, the reads the service, the
// scheduler and the dispatcher need, and every write. Writes take the service's
// transaction and record exactly the rows they changed, including what a campaign's
// deletion changes on its own (its recipients, deliveries and their events go; inbox
// messages and child campaigns that named it keep their rows). Prepared statements only.
import { campaignFieldsSchema, type Campaign, type CampaignStatus, type CampaignSummary } from '@gdial/protocol';
import type { Reader, Tx } from './db';

/** A row of campaigns as SQLite returns it. */
export interface CampaignRow {
  id: number;
  name: string;
  parent_id: number | null;
  status: CampaignStatus;
  /** 0: alert, 1: outreach (claimed after alerts). */
  priority: number;
  /** `reply`: one answer written in a conversation, kept out of the alert lists. */
  kind: 'alert' | 'reply';
  template_id: number;
  test_group_id: number | null;
  /** JSON: the campaign's fields (CampaignSettings). */
  settings: string;
  next_run_at: number | null;
  approval_reason: string | null;
  cancel_reason: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Organisation sync: the device that runs this alert when it is another desktop's; null when it runs here. */
  run_by: string | null;
  /** Escalation waves decided so far, in order. */
  waves_decided: number;
  /** Bit k: wave k alerted its people (clear: not needed). */
  waves_alerted: number;
}

/** A campaign as the engine reads it (settings parsed, not yet validated). */
export interface StoredCampaign {
  id: number;
  name: string;
  parentId: number | null;
  status: CampaignStatus;
  priority: number;
  templateId: number;
  testGroupId: number | null;
  settings: unknown;
  nextRunAt: number | null;
  approvalReason: string | null;
  cancelReason: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** The converter. */
export const toStoredCampaign = (r: CampaignRow): StoredCampaign => ({
  id: r.id,
  name: r.name,
  parentId: r.parent_id,
  status: r.status,
  priority: r.priority,
  templateId: r.template_id,
  testGroupId: r.test_group_id,
  settings: JSON.parse(r.settings) as unknown,
  nextRunAt: r.next_run_at,
  approvalReason: r.approval_reason,
  cancelReason: r.cancel_reason,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
});

/** The contract's summary of a stored campaign, with its recipient counts. */
export function toCampaignSummary(
  c: StoredCampaign,
  counts: { recipients: number; confirmed: number },
  remoteOwner: string | null = null,
): CampaignSummary {
  const settings = campaignFieldsSchema.parse(c.settings);
  return {
    id: c.id,
    name: c.name,
    status: c.status,
    priority: c.priority === 0 ? 'alert' : 'outreach',
    testMode: c.testGroupId !== null,
    templateId: c.templateId,
    schedule: settings.schedule,
    parentId: c.parentId,
    nextRunAt: c.nextRunAt === null ? null : new Date(c.nextRunAt).toISOString(),
    recipients: counts.recipients,
    confirmed: counts.confirmed,
    createdAt: c.createdAt,
    startedAt: c.startedAt,
    finishedAt: c.finishedAt,
    createdBy: c.createdBy,
    remoteOwner,
    fromCap: settings.cap?.source != null,
  };
}

/** The contract's Campaign: the summary with its settings and the reason it started unapproved. */
export const toCampaign = (
  c: StoredCampaign,
  counts: { recipients: number; confirmed: number },
  remoteOwner: string | null = null,
): Campaign => ({
  ...toCampaignSummary(c, counts, remoteOwner),
  settings: campaignFieldsSchema.parse(c.settings),
  approvalReason: c.approvalReason,
});

/** The columns a write may set, with their values as the engine holds them. */
export interface CampaignChange {
  name?: string;
  status?: CampaignStatus;
  priority?: number;
  template_id?: number;
  test_group_id?: number | null;
  settings?: unknown;
  next_run_at?: number | null;
  approval_reason?: string | null;
  cancel_reason?: string | null;
  updated_at?: string;
  started_at?: string | null;
  finished_at?: string | null;
  waves_decided?: number;
  waves_alerted?: number;
}

const ONE = 'SELECT * FROM campaigns WHERE id = ?';

// ── reads ──

export function getCampaign(r: Reader, id: number): StoredCampaign | null {
  const row = r.statements.get<[number], CampaignRow>(ONE).get(id);
  return row ? toStoredCampaign(row) : null;
}

/** Alerts (not conversation replies), newest first, optionally of one status. */
export function listCampaigns(r: Reader, q: { status?: CampaignStatus | undefined; limit: number }): StoredCampaign[] {
  const rows =
    q.status === undefined
      ? r.statements.get<[number], CampaignRow>("SELECT * FROM campaigns WHERE kind = 'alert' ORDER BY id DESC LIMIT ?").all(q.limit)
      : r.statements
          .get<[string, number], CampaignRow>("SELECT * FROM campaigns WHERE status = ? AND kind = 'alert' ORDER BY id DESC LIMIT ?")
          .all(q.status, q.limit);
  return rows.map(toStoredCampaign);
}

/** Every campaign in one status, oldest first. */
export function campaignsWithStatus(r: Reader, status: CampaignStatus): StoredCampaign[] {
  return r.statements.get<[string], CampaignRow>('SELECT * FROM campaigns WHERE status = ? ORDER BY id').all(status).map(toStoredCampaign);
}

/** The earliest next run of a scheduled campaign (epoch ms), or null. */
export function nextScheduledRun(r: Reader): number | null {
  return r.statements.pluck<[], number | null>("SELECT MIN(next_run_at) FROM campaigns WHERE status = 'scheduled'").get() ?? null;
}

/** A campaign's recipients and how many of them confirmed. */
export function recipientCounts(r: Reader, campaignId: number): { recipients: number; confirmed: number } {
  const c = r.statements
    .get<[number], { n: number; c: number | null }>(
      "SELECT count(*) AS n, sum(outcome = 'confirmed') AS c FROM campaign_recipients WHERE campaign_id = ?",
    )
    .get(campaignId);
  return { recipients: c?.n ?? 0, confirmed: c?.c ?? 0 };
}

export function campaignName(r: Reader, id: number): string | null {
  return r.statements.pluck<[number], string>('SELECT name FROM campaigns WHERE id = ?').get(id) ?? null;
}

/** A campaign's status and its settings as stored (JSON), for the hot paths that need only these. */
export function campaignStatusAndSettings(r: Reader, id: number): { status: CampaignStatus; settings: string } | null {
  return (
    r.statements
      .get<[number], { status: CampaignStatus; settings: string }>('SELECT status, settings FROM campaigns WHERE id = ?')
      .get(id) ?? null
  );
}

/** Escalation waves: how many the campaign's settings have and how many are decided, or null when there is no such campaign. */
export function waveDecisions(r: Reader, id: number): { total: number; decided: number; alerted: number } | null {
  const row = r.statements
    .get<[number], { total: number; decided: number; alerted: number }>(
      "SELECT coalesce(json_array_length(settings, '$.waves'), 0) AS total, waves_decided AS decided, waves_alerted AS alerted FROM campaigns WHERE id = ?",
    )
    .get(id);
  return row ?? null;
}

/** Whether a campaign that may still send (draft to paused) uses the template. */
export function templateInUse(r: Reader, templateId: number): boolean {
  return (
    r.statements
      .pluck<[number], number>(
        "SELECT 1 FROM campaigns WHERE template_id = ? AND status IN ('draft', 'scheduled', 'running', 'paused') LIMIT 1",
      )
      .get(templateId) !== undefined
  );
}

// ── writes ──

export interface NewCampaign {
  /** Default `alert`; `reply` for an answer written in a conversation. */
  kind?: 'alert' | 'reply';
  name: string;
  parentId: number | null;
  priority: number;
  templateId: number;
  testGroupId: number | null;
  settings: unknown;
  approvalReason: string | null;
  createdBy: string;
}

export function insertCampaign(tx: Tx, v: NewCampaign): number {
  const id = Number(
    tx.statements
      .get(
        'INSERT INTO campaigns (kind, name, parent_id, priority, template_id, test_group_id, settings, approval_reason, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        v.kind ?? 'alert',
        v.name,
        v.parentId,
        v.priority,
        v.templateId,
        v.testGroupId,
        JSON.stringify(v.settings),
        v.approvalReason,
        v.createdBy,
      ).lastInsertRowid,
  );
  tx.changes.record('campaigns', [id], 'insert');
  return id;
}

/** Sets these columns of a campaign; records the row only when a value actually changed. Returns whether it did. */
export function updateCampaign(tx: Tx, id: number, change: CampaignChange): boolean {
  const columns = Object.keys(change).filter((c) => change[c as keyof CampaignChange] !== undefined) as (keyof CampaignChange)[];
  if (columns.length === 0) return false;
  const params: Record<string, unknown> = { id };
  for (const c of columns) params[c] = c === 'settings' ? JSON.stringify(change.settings) : change[c];
  const list = columns.join(', ');
  const values = columns.map((c) => `@${c}`).join(', ');
  const changed = tx.statements
    .get(`UPDATE campaigns SET (${list}) = (${values}) WHERE id = @id AND (${list}) IS NOT (${values}) RETURNING id`)
    .get(params);
  if (changed === undefined) return false;
  tx.changes.record('campaigns', [id], 'update', columns);
  return true;
}

/**
 * Deletes a campaign with its recipients, deliveries and their events (the foreign keys
 * cascade; every row is recorded). Replies in the inbox and the runs of a recurring
 * campaign stay, no longer linked to it. Returns whether it existed.
 */
export function deleteCampaign(tx: Tx, id: number): boolean {
  const st = tx.statements;
  const record = (table: 'delivery_events' | 'deliveries' | 'campaign_recipients', ids: number[], op: 'delete') =>
    tx.changes.recordMany(
      table,
      ids.map((x) => [x]),
      op,
    );
  record(
    'delivery_events',
    st
      .pluck<[number], number>(
        'DELETE FROM delivery_events WHERE delivery_id IN (SELECT id FROM deliveries WHERE campaign_id = ?) RETURNING id',
      )
      .all(id),
    'delete',
  );
  record('deliveries', st.pluck<[number], number>('DELETE FROM deliveries WHERE campaign_id = ? RETURNING id').all(id), 'delete');
  for (const m of st
    .pluck<[number], number>('UPDATE inbox_messages SET campaign_id = NULL, recipient_id = NULL WHERE campaign_id = ? RETURNING id')
    .all(id))
    tx.changes.record('inbox_messages', [m], 'update', ['campaign_id', 'recipient_id']);
  record(
    'campaign_recipients',
    st.pluck<[number], number>('DELETE FROM campaign_recipients WHERE campaign_id = ? RETURNING id').all(id),
    'delete',
  );
  for (const c of st.pluck<[number], number>('UPDATE campaigns SET parent_id = NULL WHERE parent_id = ? RETURNING id').all(id))
    tx.changes.record('campaigns', [c], 'update', ['parent_id']);
  const gone = st.get<[number]>('DELETE FROM campaigns WHERE id = ?').run(id).changes > 0;
  if (gone) tx.changes.record('campaigns', [id], 'delete');
  return gone;
}
