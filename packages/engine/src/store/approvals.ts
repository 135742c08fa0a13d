// The two-person rule's records: one row per alert in campaign_approvals, the request (who
// asked from which desktop, what the plan said) and the decision on it. The row type, the
// converter to the contract's Approval, and every query for the table; writes take the
// caller's transaction and record the row they changed (organisation sync shares it).
import { approvalReasons, channels, type Approval, type ApprovalDecisionKind, type ApprovalPerson, type Channel } from '@gdial/protocol';
import type { Reader, Tx } from './db';

/** A campaign_approvals row joined with its alert's name, status and flags, as SQLite returns it. */
export interface ApprovalRow {
  campaign_id: number;
  reasons: string;
  requested_by_id: string;
  requested_by_name: string;
  requested_desktop: string;
  requested_at: string;
  recipients: number;
  deliveries: number;
  channels: string;
  max_cost_ore: number;
  currency: string;
  decision: ApprovalDecisionKind | null;
  decided_by_id: string | null;
  decided_by_name: string | null;
  decided_desktop: string | null;
  decided_at: string | null;
  decision_comment: string | null;
}

type Joined = ApprovalRow & { name: string; status: Approval['status']; test_group_id: number | null; settings: string };

const SELECT = `SELECT a.*, c.name, c.status, c.test_group_id, c.settings FROM campaign_approvals a JOIN campaigns c ON c.id = a.campaign_id`;

const list = (text: string): string[] => {
  const v = JSON.parse(text) as unknown;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
};

export function toApproval(row: Joined): Approval {
  const settings = JSON.parse(row.settings) as { vma?: unknown };
  const request = requestOf(row);
  return {
    campaignId: row.campaign_id,
    campaignName: row.name,
    status: row.status,
    testMode: row.test_group_id !== null,
    vma: settings.vma === true,
    ...request,
    reasons: request.reasons.filter((r): r is Approval['reasons'][number] => (approvalReasons as readonly string[]).includes(r)),
    channels: request.channels.filter((c): c is Channel => (channels as readonly string[]).includes(c)),
    decision: decisionOf(row),
  };
}

export function approvalRow(r: Reader, campaignId: number): ApprovalRow | undefined {
  return r.statements.get<[number], ApprovalRow>('SELECT * FROM campaign_approvals WHERE campaign_id = ?').get(campaignId);
}

export function approvalOf(r: Reader, campaignId: number): Approval | null {
  const row = r.statements.get<[number], Joined>(`${SELECT} WHERE a.campaign_id = ?`).get(campaignId);
  return row ? toApproval(row) : null;
}

/** Every alert with a request (to seed a desktop's first push). */
export const allApprovalIds = (r: Reader): number[] =>
  r.statements.pluck<[], number>('SELECT campaign_id FROM campaign_approvals ORDER BY campaign_id').all();

/** Requests waiting for a decision, oldest first. */
export function pendingApprovals(r: Reader): Approval[] {
  return r.statements
    .get<[], Joined>(`${SELECT} WHERE c.status = 'awaiting-approval' AND a.decision IS NULL ORDER BY a.requested_at, a.campaign_id`)
    .all()
    .map(toApproval);
}

/** Alerts of this desktop that wait for approval but were decided (elsewhere, or before a restart): to act on. */
export function decidedWaiting(r: Reader): number[] {
  return r.statements
    .pluck<[], number>(
      `SELECT a.campaign_id FROM campaign_approvals a JOIN campaigns c ON c.id = a.campaign_id
        WHERE c.status = 'awaiting-approval' AND c.run_by IS NULL AND a.decision IS NOT NULL ORDER BY a.campaign_id`,
    )
    .all();
}

export interface ApprovalRequest {
  reasons: readonly string[];
  requestedBy: ApprovalPerson;
  requestedAt: string;
  recipients: number;
  deliveries: number;
  channels: readonly string[];
  maxCost: number;
  currency: string;
}

export interface ApprovalDecision {
  kind: ApprovalDecisionKind;
  by: ApprovalPerson;
  at: string;
  comment: string;
}

const COLUMNS = [
  'campaign_id',
  'reasons',
  'requested_by_id',
  'requested_by_name',
  'requested_desktop',
  'requested_at',
  'recipients',
  'deliveries',
  'channels',
  'max_cost_ore',
  'currency',
  'decision',
  'decided_by_id',
  'decided_by_name',
  'decided_desktop',
  'decided_at',
  'decision_comment',
] as const;

/** Writes an alert's request and decision whole (a new request, or a replica's merged state). */
export function putApproval(tx: Tx, campaignId: number, request: ApprovalRequest, decision: ApprovalDecision | null): void {
  const existed = approvalRow(tx, campaignId) !== undefined;
  const v: ApprovalRow = {
    campaign_id: campaignId,
    reasons: JSON.stringify(request.reasons),
    requested_by_id: request.requestedBy.id,
    requested_by_name: request.requestedBy.name,
    requested_desktop: request.requestedBy.desktop,
    requested_at: request.requestedAt,
    recipients: request.recipients,
    deliveries: request.deliveries,
    channels: JSON.stringify(request.channels),
    max_cost_ore: Math.round(request.maxCost * 100),
    currency: request.currency,
    decision: decision?.kind ?? null,
    decided_by_id: decision?.by.id ?? null,
    decided_by_name: decision?.by.name ?? null,
    decided_desktop: decision?.by.desktop ?? null,
    decided_at: decision?.at ?? null,
    decision_comment: decision?.comment ?? null,
  };
  const changed = tx.statements
    .get(
      `INSERT INTO campaign_approvals (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => `@${c}`).join(', ')})
        ON CONFLICT (campaign_id) DO UPDATE SET ${COLUMNS.slice(1)
          .map((c) => `${c} = excluded.${c}`)
          .join(', ')}
        WHERE ${COLUMNS.slice(1)
          .map((c) => `campaign_approvals.${c} IS NOT excluded.${c}`)
          .join(' OR ')}`,
    )
    .run(v).changes;
  if (changed > 0) tx.changes.record('campaign_approvals', [campaignId], existed ? 'update' : 'insert');
}

/** Records the decision; false when one was already made (the first decision stands). */
export function decideApproval(tx: Tx, campaignId: number, d: ApprovalDecision): boolean {
  const changed = tx.statements
    .get(
      `UPDATE campaign_approvals SET decision = ?, decided_by_id = ?, decided_by_name = ?, decided_desktop = ?, decided_at = ?, decision_comment = ?
        WHERE campaign_id = ? AND decision IS NULL`,
    )
    .run(d.kind, d.by.id, d.by.name, d.by.desktop, d.at, d.comment, campaignId).changes;
  if (changed > 0) tx.changes.record('campaign_approvals', [campaignId], 'update');
  return changed > 0;
}

/** The request and decision of a row, as organisation sync shares them. */
export function requestOf(row: ApprovalRow): ApprovalRequest {
  return {
    reasons: list(row.reasons),
    requestedBy: { id: row.requested_by_id, name: row.requested_by_name, desktop: row.requested_desktop },
    requestedAt: row.requested_at,
    recipients: row.recipients,
    deliveries: row.deliveries,
    channels: list(row.channels),
    maxCost: row.max_cost_ore / 100,
    currency: row.currency,
  };
}

export function decisionOf(row: ApprovalRow): ApprovalDecision | null {
  if (row.decision === null) return null;
  return {
    kind: row.decision,
    by: { id: row.decided_by_id ?? '', name: row.decided_by_name ?? '', desktop: row.decided_desktop ?? '' },
    at: row.decided_at ?? '',
    comment: row.decision_comment ?? '',
  };
}
