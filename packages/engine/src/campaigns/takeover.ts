// After a take-over: what this desktop holds of the alert is what the former owner had
// pushed before it stopped answering, which may be less than what it did. Its rows not yet
// handed over here were marked "look up before sending" in the take-over's transaction
// (store/dispatch.ts, markLookUpFirst); here the people whose deliveries never arrived get
// them planned again, the same way a start (or an escalation wave) plans them, each also
// looked up at the provider before it is sent, provider events kept because they matched no
// delivery here are applied, and every open person's next step is scheduled from what this
// desktop knows (a later step still `waiting` here may be due).
import { audienceSchema, campaignFieldsSchema, type CampaignSettings } from '@gdial/protocol';
import { getCampaign, waveDecisions, type StoredCampaign } from '../store/campaigns';
import type { Reader, Tx } from '../store/db';
import { openRecipientIds, recipientContactIds, recipientsWithoutDeliveries } from '../store/recipients';
import { applyLateMatches } from './late-matches';
import { progressRecipient } from './outbox';
import { writePlan, type Plan } from './planner';

export type PlanFor = (db: Reader, c: StoredCampaign, settings: CampaignSettings) => Plan;

/** Plans the deliveries the taken-over alert lacks and schedules open people's next steps; returns how many people were planned. */
export function resumeTakenOver(tx: Tx, campaignId: number, plan: PlanFor, now: number, onPlanError: (err: unknown) => void): number {
  const c = getCampaign(tx, campaignId);
  if (!c || c.status !== 'running') return 0;
  const settings = campaignFieldsSchema.parse(c.settings);
  const waves = waveDecisions(tx, campaignId) ?? { decided: 0, alerted: 0 };
  // The alert's own audience, then the audience of every wave that alerted its people.
  const audiences: { wave: number; settings: CampaignSettings }[] = [{ wave: 0, settings: { ...settings, waves: [] } }];
  settings.waves.forEach((w, i) => {
    if (i < waves.decided && (waves.alerted & (1 << i)) !== 0)
      audiences.push({ wave: i + 1, settings: { ...settings, audience: audienceSchema.parse(w.audience), waves: [] } });
  });
  let planned = 0;
  for (const a of audiences) {
    let p: Plan;
    try {
      p = plan(tx, c, a.settings);
    } catch (err) {
      onPlanError(err); // the template is gone, say: the rows this desktop has still go out
      continue;
    }
    const known = recipientContactIds(tx, campaignId);
    const recipientOf = recipientsWithoutDeliveries(tx, campaignId);
    const lacking = new Set(p.report.missingVariables.map((m) => m.contactId));
    const recipients = p.recipients.filter(
      (r) => (!known.has(r.contact.id) || recipientOf.has(r.contact.id)) && !lacking.has(r.contact.id),
    );
    if (recipients.length) planned += writePlan(tx, campaignId, c.priority, { recipients }, now, a.wave, { recipientOf }).recipients;
  }
  // Callbacks kept unmatched (they came before the owner's news of their delivery) and
  // confirmations that waited in the inbox, then next steps.
  applyLateMatches(tx, { campaignId }, now);
  for (const id of openRecipientIds(tx, campaignId)) progressRecipient(tx, id, now);
  return planned;
}
