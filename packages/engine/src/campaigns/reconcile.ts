// Reconciliation, the dispatcher's third part: deliveries whose fate the engine does not
// know are asked about at the provider. Rows found `sending` were in flight when the
// engine stopped (or a send's answer was lost): each is looked up by our delivery token
// and adopted when the provider has it, otherwise sent again and flagged as a possible
// duplicate. Rows a take-over marked "look up before sending" come here when claimed:
// found, adopted (the former owner sent them); not found, sent, flagged only when the
// provider could not be asked. Deliveries handed over long ago without a final status (callbacks lost) are
// polled and the answer applied like a callback.
import { deliveryStateForRank, FINAL_RANK, rankOf, type ProviderEvent } from '@gdial/protocol';
import type { Logger } from '../log';
import type { Store } from '../store/db';
import { addDeliveryEvent } from '../store/deliveries';
import { adopt, deliveryRank, inFlightDeliveries, resend, setState, staleDeliveries, type InFlightRow } from '../store/dispatch';
import { applyKeptEvents } from './events';
import { progressRecipient } from './outbox';
import { chainOf, senderOf, type ChannelSender, type ChannelSenders } from './ports';

export interface ReconcilerOptions {
  store: Store;
  senders: ChannelSenders;
  logger: Logger;
  clock: () => number;
  /** Rows this process has claimed and not yet written back: not to be looked up. */
  inFlightHere: ReadonlySet<number>;
  onActivity?: ((campaignIds: Set<number>, handedOver: number) => void) | undefined;
  onPolledEvents?: ((events: ProviderEvent[]) => void) | undefined;
  staleAfterMs: number;
}

type Lookup = Awaited<ReturnType<ChannelSender['findByToken']>>;

export class Reconciler {
  /** Rows being looked up at the provider right now. */
  private readonly reconciling = new Set<number>();
  private polling = false;
  /** Set on stop: look-ups still running write nothing (their rows stay in flight for the next start). */
  private stopped = false;
  private readonly polledAt = new Map<number, number>();

  constructor(private readonly opts: ReconcilerOptions) {}

  /**
   * Looks up every row left `sending` (except those in flight here or being looked up) and
   * adopts or re-sends it. Rows of a channel with no provider configured yet wait until one is.
   */
  async reconcile(): Promise<{ adopted: number; resent: number }> {
    const { senders, inFlightHere } = this.opts;
    const rows = inFlightDeliveries(this.opts.store.read).filter(
      (r) => !inFlightHere.has(r.id) && !this.reconciling.has(r.id) && chainOf(senders, r.channel).length > 0,
    );
    for (const r of rows) this.reconciling.add(r.id);
    let adopted = 0;
    let resent = 0;
    const queue = [...rows];
    const worker = async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        const { sender, lookup } = await this.lookUpChain(chainOf(senders, r.channel), r);
        if (this.settle(r, sender, lookup)) adopted++;
        else resent++;
        this.reconciling.delete(r.id);
        this.opts.onActivity?.(new Set([r.campaign_id]), 0);
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, rows.length) }, worker));
    if (rows.length) this.opts.logger.info({ adopted, resent }, 'reconciled deliveries left in flight');
    return { adopted, resent };
  }

  /**
   * Asks every provider of the channel (the row may have gone to any of them before a
   * failover): found at one, it is adopted from that one; unknown at any, it stays unknown.
   */
  private async lookUpChain(chain: ChannelSender[], r: InFlightRow): Promise<{ sender: ChannelSender | null; lookup: Lookup }> {
    let unknown: Lookup | null = null;
    for (const sender of chain) {
      const lookup = await this.lookUp(sender, r);
      if (lookup.found === true) return { sender, lookup };
      if (lookup.found === 'unknown') unknown = lookup;
    }
    if (chain.length === 0) return { sender: null, lookup: { found: 'unknown', message: 'no provider configured' } };
    return { sender: chain[0]!, lookup: unknown ?? { found: false } };
  }

  /** Stops writing: the store may be closing. */
  stop(): void {
    this.stopped = true;
  }

  /** Writes again (the dispatcher started after a stop). */
  resume(): void {
    this.stopped = false;
  }

  private async lookUp(sender: ChannelSender, r: InFlightRow): Promise<Lookup> {
    let lookup: Lookup = { found: 'unknown', message: 'not asked' };
    for (let attempt = 0; attempt < 4 && !this.stopped; attempt++) {
      try {
        lookup = await sender.findByToken({
          token: r.token,
          channel: r.channel,
          to: r.address,
          // A row looked up first may have been sent by the former owner any time since it could be.
          since: new Date((r.look_up ? r.may_have_sent_since : null) ?? (r.sending_since ?? Date.now()) - 60_000),
          body: r.body,
        });
      } catch (err) {
        lookup = { found: 'unknown', message: (err as Error).message };
      }
      if (lookup.found !== 'unknown') break;
      await new Promise((res) => setTimeout(res, 250 * 2 ** attempt));
    }
    return lookup;
  }

  /** Writes what the lookup found; true when the row was adopted. */
  private settle(row: InFlightRow, sender: ChannelSender | null, lookup: Lookup): boolean {
    if (this.stopped) return false;
    const now = this.opts.clock();
    return this.opts.store.transaction((tx) => {
      let adopted = false;
      if (lookup.found === true && sender) {
        const rank = rankOf(lookup.status) || rankOf('queued');
        adopt(tx, row.id, {
          provider: sender.provider,
          providerId: lookup.providerId,
          rank,
          status: lookup.status,
          sentAt: row.sending_since ?? now,
        });
        const cur = deliveryRank(tx, row.id);
        setState(tx, row.id, deliveryStateForRank(cur?.provider_rank ?? rank, (cur?.answered_by ?? null) !== null));
        addDeliveryEvent(tx, row.id, now, 'reconciled', `found at ${sender.provider} as ${lookup.providerId} (${lookup.status}); adopted`);
        // Callbacks that came before this desktop knew the provider id (the former owner's send).
        applyKeptEvents(tx, { token: row.token, providerId: lookup.providerId }, now);
        adopted = true;
      } else if (row.look_up && lookup.found === false) {
        // Looked up before sending and the provider has none: the former owner never sent it.
        resend(tx, row.id, now, false);
        addDeliveryEvent(tx, row.id, now, 'reconciled', 'provider has no record of it; not sent before, sending now');
      } else {
        const why = lookup.found === 'unknown' ? `provider could not be asked (${lookup.message})` : 'provider has no record of it';
        resend(tx, row.id, now, true);
        addDeliveryEvent(tx, row.id, now, 'reconciled', `${why}; sending again (possible duplicate)`);
      }
      progressRecipient(tx, row.recipient_id, now);
      return adopted;
    });
  }

  /**
   * Deliveries the provider has had for a long time without a final status: their
   * callbacks were probably lost (relay down, webhook misconfigured). The provider is asked
   * directly and the answer is applied through the normal event entry point.
   */
  async pollStale(): Promise<number> {
    const { onPolledEvents, senders, staleAfterMs } = this.opts;
    if (!onPolledEvents || this.polling) return 0;
    this.polling = true;
    try {
      const now = this.opts.clock();
      const events: ProviderEvent[] = [];
      for (const r of staleDeliveries(this.opts.store.read, now - staleAfterMs, FINAL_RANK)) {
        if ((this.polledAt.get(r.id) ?? 0) > now - staleAfterMs) continue;
        this.polledAt.set(r.id, now);
        const sender = senderOf(senders, r.channel, r.provider);
        if (!sender?.fetchStatus) continue;
        let st: Awaited<ReturnType<NonNullable<ChannelSender['fetchStatus']>>> = null;
        try {
          st = await sender.fetchStatus(r.provider_id);
        } catch (err) {
          this.opts.logger.warn({ err, deliveryId: r.id }, 'could not poll a delivery status');
        }
        if (!st) continue;
        events.push({
          type: 'status',
          eventKey: `poll:${r.id}:${st.status}`,
          provider: sender.provider as ProviderEvent['provider'],
          channel: r.channel,
          deliveryToken: r.token,
          providerId: r.provider_id,
          occurredAt: new Date(this.opts.clock()).toISOString(),
          status: st.status,
          failure: st.failure,
          answeredBy: st.answeredBy,
          durationSec: null,
        });
      }
      if (events.length) onPolledEvents(events);
      return events.length;
    } finally {
      this.polling = false;
    }
  }
}
