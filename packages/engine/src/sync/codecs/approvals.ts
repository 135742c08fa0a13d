// The two-person rule's requests as shared entities, keyed by their alert's uid: the request
// (who asked, from which desktop, what the plan said) and the decision travel as one field
// each. Unlike the alert itself, an approval is not fenced by the alert's lease: any
// operator on any desktop decides, and the first decision stands (protocol's fieldMerges),
// so two operators deciding at once never flip an alert. The desktop that runs the alert
// acts on the decision when it arrives (campaigns/approvals.ts).
import type { Json } from '@gdial/protocol';
import {
  allApprovalIds,
  approvalRow,
  decisionOf,
  putApproval,
  requestOf,
  type ApprovalDecision,
  type ApprovalRequest,
} from '../../store/approvals';
import { localIdOf, uidOf } from '../../store/sync';
import type { EntityCodec } from '../codec';

export const approvalCodec: EntityCodec = {
  entity: 'approval',
  tables: ['campaign_approvals'],
  tombstones: true,
  touched(tx, changes) {
    const ids = new Set<string>();
    for (const c of changes) {
      const uid = uidOf(tx, 'alert', c.key[0] as number);
      if (uid) ids.add(uid);
    }
    return ids;
  },
  read(r, id) {
    const local = localIdOf(r, 'alert', id);
    const row = local === null ? undefined : approvalRow(r, local);
    if (!row) return undefined;
    return { request: requestOf(row) as unknown as Json, decision: decisionOf(row) as unknown as Json };
  },
  write(tx, state) {
    const local = localIdOf(tx, 'alert', state.id);
    const request = state.fields.request?.v as unknown as ApprovalRequest | undefined;
    // A deleted alert takes its request with it (ON DELETE CASCADE); an alert not here yet gets it with its snapshot.
    if (local === null || state.deleted !== undefined || !request) return;
    putApproval(tx, local, request, (state.fields.decision?.v ?? null) as unknown as ApprovalDecision | null);
  },
  all(tx) {
    return allApprovalIds(tx)
      .map((id) => uidOf(tx, 'alert', id))
      .filter((u): u is string => u !== null);
  },
};
