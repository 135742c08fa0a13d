// A burn message was opened (the relay's burn-opened event): the delivery it went out in gets
// an "öppnat" entry in its timeline, which the roll-call shows. Pure database work inside the
// relay cursor's transaction, applied once per event key like a provider event.
import { BURN_OPENED_EVENT, type RelayEvent } from '@gdial/protocol';
import type { Tx } from '../store/db';
import { addBurnOpened } from '../store/deliveries';
import { deliveryByToken, rememberEvent } from '../store/provider-events';
import type { AppliedEvents } from '../campaigns/events';

export function applyBurnOpened(tx: Tx, event: Extract<RelayEvent, { type: 'burn-opened' }>, now: number = Date.now()): AppliedEvents {
  const result: AppliedEvents = {
    applied: 0,
    duplicates: 0,
    unmatched: 0,
    campaignIds: new Set(),
    inbox: [],
    becameDue: false,
    linkedContacts: [],
  };
  if (!rememberEvent(tx, `${BURN_OPENED_EVENT}|${event.key}`, now)) {
    result.duplicates++;
    return result;
  }
  const row = event.deliveryToken ? deliveryByToken(tx, event.deliveryToken) : undefined;
  if (!row) {
    result.unmatched++;
    return result;
  }
  const at = Date.parse(event.openedAt);
  addBurnOpened(tx, row.id, Number.isFinite(at) ? at : now);
  result.applied++;
  result.campaignIds.add(row.campaign_id);
  return result;
}
