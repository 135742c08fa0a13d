// Reconciliation, the dispatcher's third part: deliveries whose fate the engine does not
// know are asked about at the provider. Rows found `sending` were in flight when the
// engine stopped (or a send's answer was lost): each is looked up by our delivery token at
// the provider its send went to (recorded when the answer was lost; after a crash it is
// not known, so at every provider of its channel), and what the answers say decides:
// - found at one: adopted from it (nobody gets it twice);
// - every provider definitely has no record of it: sent, not flagged when nothing else may
//   still send it (a row whose answer was lost here, or one a take-over marked to look up
//   first); a row found in flight with no provider recorded (a crash, or the former owner's
//   send at a take-over, which may still reach the provider) is flagged;
// - a provider could not be asked (its path failed: 5xx, timeout, unreachable): that is no
//   answer. The row stays in flight and is looked up again until an answer comes, unless
//   the channel has failed over to a provider that did answer: then it is sent through that
//   one at once and flagged as a possible duplicate, since the first request may have
//   reached the provider that could not say;
// - the channel has no lookup at all (Telegram): sent again, flagged.
// Rows a take-over marked "look up before sending" come here when claimed, by the same rule.
// Deliveries handed over long ago without a final status (callbacks lost) are polled and
// the answer applied like a callback.
import type { Channel } from '@gdial/protocol';
import { deliveryStateForRank, FINAL_RANK, formatPathNote, rankOf, type PathNote, type ProviderEvent } from '@gdial/protocol';
import type { Logger } from '../log';
import type { Store, Tx } from '../store/db';
import { addDeliveryEvent } from '../store/deliveries';
import { adopt, deliveryRank, inFlightDeliveries, resend, setState, staleDeliveries, type InFlightRow } from '../store/dispatch';
import { applyLateMatches } from './late-matches';
import { progressRecipient } from './outbox';
import { chainOf, senderOf, type ChannelSender, type ChannelSenders } from './ports';

export interface ReconcilerOptions {
  store: Store;
  senders: ChannelSenders;
  logger: Logger;
  clock: () => number;
  /** Rows this process has claimed and not yet written back: not to be looked up. */
  inFlightHere: ReadonlySet<number>;
  /** The provider that carries a channel now (the first whose circuit is not open), if any. */
  carrier: (channel: Channel) => string | null;
  onActivity?: ((campaignIds: Set<number>, handedOver: number) => void) | undefined;
  onPolledEvents?: ((events: ProviderEvent[]) => void) | undefined;
  staleAfterMs: number;
  /**
   * Väntar på nät for rows in flight: a row that waits because no provider of its channel
   * could be asked holds the channel (`hold`), even when nothing of it is queued; an answer
   * shows the path is back (`release`, which the dispatcher does only while the provider
   * carrying the channel has a closed circuit, so a hold for failed sends stays until a send
   * gets through).
   */
  hold?: (tx: Tx, channel: Channel, provider: string, message: string, now: number) => void;
  release?: (tx: Tx, channel: Channel, now: number) => void;
  isHeld?: (channel: Channel) => boolean;
}

type Lookup = Awaited<ReturnType<ChannelSender['findByToken']>>;

/** What the lookups at a channel's providers decided for one row. */
export type Verdict =
  | { kind: 'adopt'; sender: ChannelSender; providerId: string; status: string }
  | { kind: 'resend'; possibleDuplicate: boolean; why: PathNote }
  | { kind: 'wait'; why: PathNote; pathDown?: { provider: string; message: string } };

/** The longest a row waits in flight before its provider is asked again. */
export const LOOK_AGAIN_MAX_MS = 4_000;

/**
 * The rule (module comment) over one row's lookups, in the channel's provider order.
 * `carrier` is the provider carrying the channel now.
 */
export function verdictOf(
  answers: { sender: ChannelSender; lookup: Lookup }[],
  carrier: string | null,
  /** Sent by a process that may still have it on the wire (found in flight, no provider recorded). */
  sentElsewhere = false,
): Verdict {
  const found = answers.find((a) => a.lookup.found === true);
  if (found && found.lookup.found === true)
    return { kind: 'adopt', sender: found.sender, providerId: found.lookup.providerId, status: found.lookup.status };
  if (answers.length === 0) return { kind: 'wait', why: { code: 'no-provider' } };
  const unknown = answers.filter((a) => a.lookup.found === 'unknown');
  if (unknown.length === 0) {
    const blind = answers.filter((a) => a.lookup.found === 'cannot-tell').map((a) => a.sender.provider);
    return blind.length
      ? { kind: 'resend', possibleDuplicate: true, why: { code: 'resend-unaskable', providers: blind.join(', ') } }
      : { kind: 'resend', possibleDuplicate: sentElsewhere, why: { code: 'resend-no-record', possibleDuplicate: sentElsewhere } };
  }
  const unasked = unknown.map((a) => a.sender.provider).join(', ');
  const message = unknown.map((a) => (a.lookup.found === 'unknown' ? a.lookup.message : '')).join('; ');
  if (carrier !== null && !unknown.some((a) => a.sender.provider === carrier))
    return { kind: 'resend', possibleDuplicate: true, why: { code: 'resend-through', unasked, message, carrier } };
  return { kind: 'wait', why: { code: 'look-up-again', unasked, message }, pathDown: { provider: unasked, message } };
}

export class Reconciler {
  /** Rows being looked up at the provider right now. */
  private readonly reconciling = new Set<number>();
  private polling = false;
  /** Set on stop: look-ups still running write nothing (their rows stay in flight for the next start). */
  private stopped = false;
  private readonly polledAt = new Map<number, number>();
  /** Rows left in flight because a provider could not be asked, with how often: looked up again. */
  private readonly waiting = new Map<number, { passes: number; row: InFlightRow }>();
  private againTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: ReconcilerOptions) {}

  /** Whether rows wait in flight for a provider to answer a lookup. */
  get rowsWaiting(): number {
    return this.waiting.size;
  }

  /** The rows waiting in flight for a provider to answer (people waiting on the path, as much as queued ones). */
  waitingRows(): InFlightRow[] {
    return [...this.waiting.values()].map((w) => w.row);
  }

  /**
   * Looks up every row left `sending` (except those in flight here or being looked up) and
   * adopts, re-sends or keeps it (see the module comment). Rows of a channel with no provider
   * configured yet wait until one is.
   */
  async reconcile(): Promise<{ adopted: number; resent: number; waiting: number }> {
    const { senders, inFlightHere } = this.opts;
    const all = inFlightDeliveries(this.opts.store.read);
    // Rows that stopped waiting some other way (cancelled, taken over) are forgotten.
    const ids = new Set(all.map((r) => r.id));
    for (const id of this.waiting.keys()) if (!ids.has(id)) this.waiting.delete(id);
    const rows = all.filter((r) => !inFlightHere.has(r.id) && !this.reconciling.has(r.id) && chainOf(senders, r.channel).length > 0);
    for (const r of rows) this.reconciling.add(r.id);
    let adopted = 0;
    let resent = 0;
    let waiting = 0;
    const queue = [...rows];
    const worker = async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        const chain = chainOf(senders, r.channel);
        const sentTo = chain.filter((s) => s.provider === r.provider);
        const answers = await this.lookUpChain(sentTo.length ? sentTo : chain, r);
        const outcome = this.settle(r, verdictOf(answers, this.opts.carrier(r.channel), !r.look_up && r.provider === null));
        if (outcome === 'adopt') adopted++;
        else if (outcome === 'resend') resent++;
        else if (outcome === 'wait') waiting++;
        this.reconciling.delete(r.id);
        this.opts.onActivity?.(new Set([r.campaign_id]), 0);
      }
    };
    await Promise.all(Array.from({ length: Math.min(16, rows.length) }, worker));
    if (rows.length) this.opts.logger.info({ adopted, resent, waiting }, 'reconciled deliveries left in flight');
    if (this.waiting.size > 0) this.lookAgainLater();
    return { adopted, resent, waiting };
  }

  /** Rows waiting for an answer are looked up again, sooner while few passes have failed. */
  private lookAgainLater(): void {
    if (this.againTimer || this.stopped) return;
    const passes = Math.min(...[...this.waiting.values()].map((w) => w.passes));
    this.againTimer = setTimeout(
      () => {
        this.againTimer = null;
        if (!this.stopped) void this.reconcile();
      },
      Math.min(LOOK_AGAIN_MAX_MS, 500 * 2 ** Math.max(0, passes - 1)),
    );
    this.againTimer.unref?.();
  }

  /** Asks the providers the row may have gone to, in order, until one has it. */
  private async lookUpChain(chain: ChannelSender[], r: InFlightRow): Promise<{ sender: ChannelSender; lookup: Lookup }[]> {
    const answers: { sender: ChannelSender; lookup: Lookup }[] = [];
    for (const sender of chain) {
      const lookup = await this.lookUp(sender, r);
      answers.push({ sender, lookup });
      if (lookup.found === true) break;
    }
    return answers;
  }

  /** Stops writing: the store may be closing. */
  stop(): void {
    this.stopped = true;
    if (this.againTimer) clearTimeout(this.againTimer);
    this.againTimer = null;
  }

  /** Writes again (the dispatcher started after a stop). */
  resume(): void {
    this.stopped = false;
  }

  private async lookUp(sender: ChannelSender, r: InFlightRow): Promise<Lookup> {
    let lookup: Lookup = { found: 'unknown', message: 'not asked' };
    // A row already waiting is asked once per pass; a new one a few times, backing off.
    const tries = this.waiting.has(r.id) ? 1 : 3;
    for (let attempt = 0; attempt < tries && !this.stopped; attempt++) {
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
      if (attempt + 1 < tries) await new Promise((res) => setTimeout(res, 250 * 2 ** attempt));
    }
    return lookup;
  }

  /** Writes what the lookups decided. */
  private settle(row: InFlightRow, verdict: Verdict): Verdict['kind'] | 'stopped' {
    if (this.stopped) return 'stopped';
    const now = this.opts.clock();
    if (verdict.kind === 'wait') {
      const passes = this.waiting.get(row.id)?.passes ?? 0;
      this.waiting.set(row.id, { passes: passes + 1, row });
      const held = this.opts.isHeld?.(row.channel) ?? true;
      if (passes === 0 || !held)
        this.opts.store.transaction((tx) => {
          // Said once in the person's timeline, not on every pass.
          if (passes === 0) addDeliveryEvent(tx, row.id, now, 'reconciled', formatPathNote(verdict.why));
          // Nobody can say whether it went out, and nothing goes out until someone can: the channel waits for its path.
          if (!held && verdict.pathDown) this.opts.hold?.(tx, row.channel, verdict.pathDown.provider, verdict.pathDown.message, now);
        });
      return 'wait';
    }
    this.waiting.delete(row.id);
    this.opts.store.transaction((tx) => {
      // An answer: the path is back (a channel held for want of answers goes out again).
      if (this.opts.isHeld?.(row.channel)) this.opts.release?.(tx, row.channel, now);
      if (verdict.kind === 'adopt') {
        const rank = rankOf(verdict.status) || rankOf('queued');
        adopt(tx, row.id, {
          provider: verdict.sender.provider,
          providerId: verdict.providerId,
          rank,
          status: verdict.status,
          sentAt: row.sending_since ?? now,
        });
        const cur = deliveryRank(tx, row.id);
        setState(tx, row.id, deliveryStateForRank(cur?.provider_rank ?? rank, (cur?.answered_by ?? null) !== null));
        addDeliveryEvent(
          tx,
          row.id,
          now,
          'reconciled',
          formatPathNote({ code: 'adopted', provider: verdict.sender.provider, providerId: verdict.providerId, status: verdict.status }),
        );
        // Callbacks that came before this desktop knew the provider id (the former owner's send).
        applyLateMatches(tx, { token: row.token, providerId: verdict.providerId }, now);
      } else if (resend(tx, row.id, now, verdict.possibleDuplicate)) {
        addDeliveryEvent(tx, row.id, now, 'reconciled', formatPathNote(verdict.why));
      }
      progressRecipient(tx, row.recipient_id, now);
    });
    return verdict.kind;
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
