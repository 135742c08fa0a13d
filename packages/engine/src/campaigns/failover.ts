// Failover's one write: when a provider's path fails and the next provider in the
// channel's order can carry on, the deliveries waiting out a retry backoff after the failed
// provider's errors go out now, through the next one, each with a timeline entry saying so.
import { formatPathNote, type Channel } from '@gdial/protocol';
import type { Tx } from '../store/db';
import { addDeliveryEvent } from '../store/deliveries';
import { hurryRetries as dueNow } from '../store/dispatch';

/** Returns the campaigns touched. */
export function hurryRetries(tx: Tx, channel: Channel, now: number, from: string, to: string): Set<number> {
  const touched = new Set<number>();
  const note = formatPathNote({ code: 'failed-over', from, to });
  for (const r of dueNow(tx, channel, now)) {
    addDeliveryEvent(tx, r.id, now, 'retry', note);
    touched.add(r.campaign_id);
  }
  return touched;
}
