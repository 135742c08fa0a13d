// Bekräftad per telefon: the follow-up from the roll-call. An operator calls someone who has
// not confirmed, and when the person answers marks them confirmed with a note. It is a
// confirmation like a key press or a reply (the earliest wins, further attempts for the
// person end, the alert's desktop syncs it), told apart by how it is stored
// (`confirmed by phone by <user>: <note>`), and audited with who did it.
import { formatConfirmedVia, refusal } from '@gdial/protocol';
import { DomainError, notFound } from '../errors';
import { recordAudit } from '../store/audit';
import { getCampaign } from '../store/campaigns';
import type { Tx } from '../store/db';
import { getRecipient } from '../store/recipients';
import { confirmRecipient } from './outbox';
import { requireRunHere } from './remote';

export function confirmByPhone(
  tx: Tx,
  q: { campaignId: number; recipientId: number; note: string },
  actor: string,
  now: number,
): { confirmedAt: string; confirmedVia: string } {
  const c = getCampaign(tx, q.campaignId);
  if (!c) throw notFound('Campaign', q.campaignId);
  requireRunHere(tx, c);
  const rec = getRecipient(tx, q.recipientId);
  if (!rec || rec.campaign_id !== c.id) throw notFound('Recipient', q.recipientId);
  const note = q.note.trim();
  if (!note)
    throw new DomainError(
      'VALIDATION',
      `A note is needed to mark ${rec.display_name} confirmed by phone`,
      undefined,
      refusal('recipient.note-required', { name: rec.display_name }),
    );
  if (rec.outcome === 'confirmed')
    throw new DomainError(
      'CONFLICT',
      `${rec.display_name} has already confirmed (${rec.confirmed_via ?? 'unknown'})`,
      undefined,
      refusal('recipient.already-confirmed', { name: rec.display_name, via: rec.confirmed_via ?? '' }),
    );
  const via = formatConfirmedVia({ how: 'phone', by: actor, note });
  confirmRecipient(tx, rec.id, new Date(now), via, now);
  recordAudit(tx, actor, {
    action: 'campaign.confirmedByPhone',
    subjectType: 'campaign',
    subjectId: c.id,
    summary: `"${c.name}": ${rec.display_name} confirmed by phone. Note: ${note}`,
    params: { name: c.name, person: rec.display_name, note },
  });
  return { confirmedAt: new Date(now).toISOString(), confirmedVia: via };
}
