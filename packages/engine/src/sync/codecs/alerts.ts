// Alerts as shared entities: the alert (definition, schedule, state, who runs it), each
// recipient (the roll-call: outcome and first confirmation) and each delivery (state,
// provider status, timeline). One desktop dispatches an alert; its changes are captured
// under the lease token it holds (`owned`), and every other desktop keeps a replica that it
// shows live and never dispatches (store/alert-sync.ts: REMOTE_BAND). Drafts are not
// shared: an alert becomes organisation data when it is scheduled or started.
//
// Recipients and deliveries are keyed `<alert uid>/<r|d><local id>.<device>`: unique across
// the organisation without a round trip, and the alert they belong to is in the key (the
// relay checks the lease by it).
import { fieldMerges, type EntityState, type Json } from '@gdial/protocol';
import {
  REMOTE_BAND,
  SHARED_DELIVERY_COLUMNS,
  campaignRow,
  campaignRunBy,
  deleteReplicaRows,
  deliveryIdsOf,
  deliveryOfEvent,
  deliveryRow,
  deliveryTimeline,
  liveAlerts,
  mergeTimeline,
  readLease,
  recipientIdsOf,
  recipientRow,
  sharedCampaignIds,
  writeReplicaCampaign,
  writeReplicaDelivery,
  writeReplicaRecipient,
  type ReplicaDelivery,
  type TimelineEntry,
} from '../../store/alert-sync';
import { applyLateMatches } from '../../campaigns/late-matches';
import { billedSegments } from '../../campaigns/price-table';
import { heldChannelsSetting, sharedHolds } from '../../campaigns/holds';
import { deleteCampaign } from '../../store/campaigns';
import type { RowChange } from '../../store/changes';
import type { Reader, Tx } from '../../store/db';
import type { Channel, RecipientOutcome } from '@gdial/protocol';
import { bindUid, localIdOf, readSyncMeta, uidOf } from '../../store/sync';
import type { EntityCodec, Fields } from '../codec';
import { uidFor } from './contacts';

const deviceOf = (r: Reader): string | null => readSyncMeta(r, 'device');
const alertUidOf = (id: string): string => {
  const at = id.indexOf('/');
  return at < 0 ? id : id.slice(0, at);
};

/** The lease token this desktop holds on an alert it runs; null when another desktop runs it. */
function fenceOf(r: Reader, alertUid: string, campaignId: number | null): number | null {
  const runBy = campaignId === null ? undefined : campaignRunBy(r, campaignId);
  const lease = readLease(r, alertUid);
  if (runBy === undefined) return lease === undefined ? 1 : lease.owner === deviceOf(r) ? lease.token : null;
  if (runBy !== null) return null;
  return lease !== undefined && lease.owner === deviceOf(r) ? lease.token : 1;
}

/** Whether an alert's rows here are a replica to write (another desktop runs it, or it is not here yet). */
function isReplica(r: Reader, alertUid: string): { campaignId: number | null; replica: boolean } {
  const campaignId = localIdOf(r, 'alert', alertUid);
  if (campaignId === null) return { campaignId, replica: true };
  return { campaignId, replica: campaignRunBy(r, campaignId) !== null };
}

/** A part of an alert (recipient, delivery) gets its uid when first shared. */
function partUid(tx: Tx, entity: 'recipient' | 'delivery', localId: number, campaignId: number): string | null {
  const known = uidOf(tx, entity, localId);
  if (known) return known;
  const alert = uidOf(tx, 'alert', campaignId);
  if (!alert) return null;
  const uid = `${alert}/${entity === 'recipient' ? 'r' : 'd'}${localId}.${(deviceOf(tx) ?? 'local').slice(0, 8)}`;
  bindUid(tx, entity, uid, localId);
  return uid;
}

const value = (state: EntityState, name: string): Json | undefined => state.fields[name]?.v;

/** Applies the entity's per-field merges to a replica's row value and the merged state's, so a replica never moves back. */
function forward(entity: 'recipient' | 'delivery', name: string, row: Json | undefined, merged: Json): Json {
  const merge = fieldMerges[entity]?.[name];
  return merge && row !== undefined && row !== null ? merge(row, merged) : merged;
}

// ── alert ──

/** An alert tells the others which of its owner's channels wait (Väntar på nät) while it may still send. */
const mayHold = (status: string): boolean => status === 'running' || status === 'paused';

export const alertCodec: EntityCodec = {
  entity: 'alert',
  tables: ['campaigns', 'settings'],
  tombstones: true,
  touched(tx, changes) {
    const ids = new Set<string>();
    for (const c of changes) {
      if (c.table === 'settings') {
        // A channel's path went down or came back: the live alerts this desktop runs say so.
        if (c.key[0] === heldChannelsSetting.key) for (const a of liveAlerts(tx)) if (a.runBy === null && mayHold(a.status)) ids.add(a.uid);
        continue;
      }
      const id = c.key[0] as number;
      if (c.op === 'delete') {
        const uid = uidOf(tx, 'alert', id);
        if (uid) ids.add(uid);
      } else if (campaignRow(tx, id)?.status !== 'draft') ids.add(uidFor(tx, 'alert', id));
    }
    return ids;
  },
  owned(r, id) {
    return fenceOf(r, id, localIdOf(r, 'alert', id));
  },
  read(r, id) {
    const local = localIdOf(r, 'alert', id);
    const c = local === null ? undefined : campaignRow(r, local);
    if (!c || c.status === 'draft') return undefined;
    return {
      name: c.name,
      status: c.status,
      priority: c.priority,
      kind: c.kind,
      template: uidOf(r, 'template', c.template_id),
      testGroup: c.test_group_id === null ? null : uidOf(r, 'group', c.test_group_id),
      settings: JSON.parse(c.settings) as Json,
      nextRunAt: c.next_run_at,
      approvalReason: c.approval_reason,
      cancelReason: c.cancel_reason,
      createdBy: c.created_by,
      createdAt: c.created_at,
      startedAt: c.started_at,
      finishedAt: c.finished_at,
      owner: c.run_by ?? deviceOf(r),
      wavesDecided: c.waves_decided,
      wavesAlerted: c.waves_alerted,
      held: mayHold(c.status) ? sharedHolds(r) : [],
    };
  },
  write(tx, state) {
    const { campaignId, replica } = isReplica(tx, state.id);
    if (!replica) return; // this desktop runs it: its own rows are the truth
    if (state.deleted !== undefined) {
      if (campaignId !== null) deleteCampaign(tx, campaignId);
      return;
    }
    const f = (name: string) => value(state, name);
    const template = typeof f('template') === 'string' ? localIdOf(tx, 'template', f('template') as string) : null;
    const owner = f('owner');
    if (template === null || typeof f('name') !== 'string' || typeof owner !== 'string') return; // not enough known yet
    const testGroup = typeof f('testGroup') === 'string' ? localIdOf(tx, 'group', f('testGroup') as string) : null;
    const id = writeReplicaCampaign(tx, campaignId, {
      name: f('name') as string,
      status: (f('status') ?? 'scheduled') as 'scheduled',
      priority: Number(f('priority') ?? 0),
      kind: f('kind') === 'reply' ? 'reply' : 'alert',
      template_id: template,
      test_group_id: testGroup,
      settings: JSON.stringify(f('settings') ?? {}),
      next_run_at: (f('nextRunAt') ?? null) as number | null,
      approval_reason: (f('approvalReason') ?? null) as string | null,
      cancel_reason: (f('cancelReason') ?? null) as string | null,
      created_by: typeof f('createdBy') === 'string' ? (f('createdBy') as string) : '',
      created_at: typeof f('createdAt') === 'string' ? (f('createdAt') as string) : new Date().toISOString(),
      started_at: (f('startedAt') ?? null) as string | null,
      finished_at: (f('finishedAt') ?? null) as string | null,
      run_by: owner,
      waves_decided: Number(f('wavesDecided') ?? 0),
      waves_alerted: Number(f('wavesAlerted') ?? 0),
    });
    if (campaignId === null) bindUid(tx, 'alert', state.id, id);
  },
  all(tx) {
    return sharedCampaignIds(tx).map((id) => uidFor(tx, 'alert', id));
  },
};

// ── recipient ──

function touchedParts(
  tx: Tx,
  entity: 'recipient' | 'delivery',
  changes: readonly RowChange[],
  localOf: (c: RowChange) => number | undefined,
  campaignOf: (localId: number) => number | undefined,
): Set<string> {
  const ids = new Set<string>();
  for (const c of changes) {
    const local = localOf(c);
    if (local === undefined) continue;
    const known = uidOf(tx, entity, local);
    if (known) ids.add(known);
    else if (c.op !== 'delete') {
      const campaign = campaignOf(local);
      if (campaign !== undefined && campaignRow(tx, campaign)?.status !== 'draft') {
        const uid = partUid(tx, entity, local, campaign);
        if (uid) ids.add(uid);
      }
    }
  }
  return ids;
}

export const recipientCodec: EntityCodec = {
  entity: 'recipient',
  tables: ['campaign_recipients'],
  tombstones: true,
  touched(tx, changes) {
    return touchedParts(
      tx,
      'recipient',
      changes,
      (c) => c.key[0] as number,
      (id) => recipientRow(tx, id)?.campaign_id,
    );
  },
  owned(r, id) {
    return fenceOf(r, alertUidOf(id), localIdOf(r, 'alert', alertUidOf(id)));
  },
  read(r, id) {
    const local = localIdOf(r, 'recipient', id);
    const x = local === null ? undefined : recipientRow(r, local);
    if (!x) return undefined;
    return {
      contact: x.contact_id === null ? null : uidOf(r, 'contact', x.contact_id),
      displayName: x.display_name,
      language: x.language,
      outcome: x.outcome,
      confirmed: x.confirmed_at === null ? null : { at: x.confirmed_at, via: x.confirmed_via },
      wave: x.wave,
    };
  },
  write(tx, state) {
    const { campaignId, replica } = isReplica(tx, alertUidOf(state.id));
    if (!replica) return;
    const local = localIdOf(tx, 'recipient', state.id);
    if (state.deleted !== undefined) {
      if (local !== null) deleteReplicaRows(tx, 'campaign_recipients', local);
      return;
    }
    if (campaignId === null || typeof value(state, 'displayName') !== 'string') return;
    const row = local === null ? undefined : recipientRow(tx, local);
    const contact = value(state, 'contact');
    const confirmed = forward(
      'recipient',
      'confirmed',
      row?.confirmed_at ? { at: row.confirmed_at, via: row.confirmed_via } : null,
      value(state, 'confirmed') ?? null,
    ) as {
      at: string;
      via: string | null;
    } | null;
    const id = writeReplicaRecipient(tx, local, {
      campaign_id: campaignId,
      contact_id: typeof contact === 'string' ? localIdOf(tx, 'contact', contact) : null,
      display_name: value(state, 'displayName') as string,
      language: value(state, 'language') === 'en' ? 'en' : 'sv',
      outcome: forward('recipient', 'outcome', row?.outcome, value(state, 'outcome') ?? 'pending') as RecipientOutcome,
      confirmed_at: confirmed?.at ?? null,
      confirmed_via: confirmed?.via ?? null,
      wave: Number(value(state, 'wave') ?? 0),
    });
    if (local === null) bindUid(tx, 'recipient', state.id, id);
  },
  all(tx) {
    return sharedCampaignIds(tx).flatMap((c) =>
      recipientIdsOf(tx, c)
        .map((id) => partUid(tx, 'recipient', id, c))
        .filter((u): u is string => u !== null),
    );
  },
};

// ── delivery ──

export const deliveryCodec: EntityCodec = {
  entity: 'delivery',
  tables: ['deliveries', 'delivery_events'],
  tombstones: true,
  touched(tx, changes) {
    return touchedParts(
      tx,
      'delivery',
      changes,
      (c) => (c.table === 'deliveries' ? (c.key[0] as number) : c.op === 'insert' ? deliveryOfEvent(tx, c.key[0] as number) : undefined),
      (id) => deliveryRow(tx, id)?.campaign_id,
    );
  },
  owned(r, id) {
    return fenceOf(r, alertUidOf(id), localIdOf(r, 'alert', alertUidOf(id)));
  },
  read(r, id) {
    const local = localIdOf(r, 'delivery', id);
    const d = local === null ? undefined : deliveryRow(r, local);
    if (!d) return undefined;
    const fields: Fields = { recipient: uidOf(r, 'recipient', d.recipient_id) };
    for (const c of SHARED_DELIVERY_COLUMNS) fields[c] = d[c];
    if (d.priority >= REMOTE_BAND) fields.priority = d.priority - REMOTE_BAND;
    fields.events = deliveryTimeline(r, d.id) as unknown as Json;
    return fields;
  },
  write(tx, state) {
    const { campaignId, replica } = isReplica(tx, alertUidOf(state.id));
    if (!replica) return;
    const local = localIdOf(tx, 'delivery', state.id);
    if (state.deleted !== undefined) {
      if (local !== null) deleteReplicaRows(tx, 'deliveries', local);
      return;
    }
    const recipientUid = value(state, 'recipient');
    const recipient = typeof recipientUid === 'string' ? localIdOf(tx, 'recipient', recipientUid) : null;
    if (campaignId === null || recipient === null || typeof value(state, 'token') !== 'string') return;
    const row = local === null ? undefined : deliveryRow(tx, local);
    const v: Record<string, unknown> = { campaign_id: campaignId, recipient_id: recipient };
    for (const c of SHARED_DELIVERY_COLUMNS) v[c] = forward('delivery', c, row?.[c], value(state, c) ?? null);
    v.priority = Number(value(state, 'priority') ?? 0) + REMOTE_BAND;
    v.attempts = Number(v.attempts ?? 0);
    v.provider_rank = Number(v.provider_rank ?? 0);
    // A provider status this desktop applied itself (from the relay's log) stays when the
    // owner's operation carries an earlier one: the status moves with its rank, forward only.
    if (row && row.provider_rank > (v.provider_rank as number))
      for (const c of ['provider_rank', 'provider_status', 'answered_by', 'error_code', 'error'] as const) v[c] = row[c];
    v.possible_duplicate = Number(v.possible_duplicate ?? 0);
    v.fall_through = Number(v.fall_through ?? 0);
    v.wait_seconds = Number(v.wait_seconds ?? 0);
    // Counted from the text as the owner counted it when planning; a text blanked by an
    // erasure keeps the count the row already has (the owner's row keeps it too).
    v.segments = typeof v.body === 'string' ? billedSegments(v.channel as Channel, v.body) : (row?.segments ?? 0);
    const id = writeReplicaDelivery(tx, local, v as unknown as ReplicaDelivery);
    if (local === null) bindUid(tx, 'delivery', state.id, id);
    const events = value(state, 'events');
    if (Array.isArray(events)) mergeTimeline(tx, id, events as unknown as TimelineEntry[]);
    // The provider told of it before the owner's operation made it here (or named its provider
    // id), or the person answered before this desktop knew it had gone out.
    if (row === undefined || row.provider_id !== v.provider_id || (row.sent_at === null && v.sent_at != null))
      applyLateMatches(tx, { token: v.token as string, providerId: (v.provider_id ?? null) as string | null });
  },
  all(tx) {
    return sharedCampaignIds(tx).flatMap((c) =>
      deliveryIdsOf(tx, c)
        .map((id) => partUid(tx, 'delivery', id, c))
        .filter((u): u is string => u !== null),
    );
  },
};
