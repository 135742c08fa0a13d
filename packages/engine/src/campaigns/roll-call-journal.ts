// Which lines of the live roll-calls changed, commit by commit: the deliveries and
// recipients every committed transaction wrote, numbered in commit order, read through the
// store's one seam for changes (afterCommit), so nothing that changes a person's line (a
// send, a status, a reply, a cancel, an escalation wave) is missed. A console holding a
// roll-call asks for the people changed after the watermark of its last answer instead of
// reading everyone again. Held in memory for the recent past only: a watermark from before
// what is kept (or from before the engine started) is answered with everyone. A write to a
// delivery's bookkeeping alone (its place in the queue, when it is due, its lease) changes no
// line: Pausa and Fortsätt move every unsent delivery in the queue, and counting those would
// send the console to read the whole roll-call again right after the button.
import type { RollCallWatermark } from '@gdial/protocol';
import type { ChangeSet } from '../store/changes';
import type { Store } from '../store/db';

/** The columns of a delivery a roll-call line shows (DeliveryReport): an update of none of them is not a change. */
const shownDeliveryColumns = new Set([
  'recipient_id',
  'step_index',
  'channel',
  'address',
  'state',
  'provider',
  'provider_id',
  'provider_status',
  'attempts',
  'error',
  'error_code',
  'possible_duplicate',
  'sent_at',
  'finished_at',
  // Not a column: a burn message's first opening (delivery_events), shown as "öppnat".
  'opened_at',
]);
const changesLine = (columns: readonly string[] | undefined) => columns === undefined || columns.some((c) => shownDeliveryColumns.has(c));

/** Changed ids kept (deliveries and recipients): a few minutes of a large alert. */
const KEPT_IDS = 500_000;

export interface RollCallChanges {
  deliveryIds: number[];
  recipientIds: number[];
}

export class RollCallJournal {
  /** This start's number: watermarks of an earlier start mean nothing now. */
  readonly epoch = Date.now();
  private seq = 0;
  private readonly entries: { seq: number; deliveries: number[]; recipients: number[] }[] = [];
  private kept = 0;

  constructor(store: Pick<Store, 'afterCommit'>) {
    store.afterCommit((changes) => this.committed(changes));
  }

  committed(changes: ChangeSet): void {
    const deliveries: number[] = [];
    const recipients: number[] = [];
    for (const c of changes.all()) {
      if (c.op === 'delete') continue;
      if (c.table === 'deliveries') {
        if (c.op === 'insert' || changesLine(c.columns)) deliveries.push(c.key[0] as number);
      } else if (c.table === 'campaign_recipients') recipients.push(c.key[0] as number);
    }
    if (deliveries.length === 0 && recipients.length === 0) return;
    this.seq++;
    this.entries.push({ seq: this.seq, deliveries, recipients });
    this.kept += deliveries.length + recipients.length;
    while (this.kept > KEPT_IDS && this.entries.length > 1) {
      const gone = this.entries.shift()!;
      this.kept -= gone.deliveries.length + gone.recipients.length;
    }
  }

  watermark(): RollCallWatermark {
    return { epoch: this.epoch, seq: this.seq };
  }

  /** What was written after `since`, or null when the journal does not reach back that far. */
  since(since: RollCallWatermark): RollCallChanges | null {
    if (since.epoch !== this.epoch || since.seq > this.seq) return null;
    const first = this.entries[0];
    if (since.seq < this.seq && (!first || first.seq > since.seq + 1)) return null;
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.seq <= since.seq) lo = mid + 1;
      else hi = mid;
    }
    const deliveryIds = new Set<number>();
    const recipientIds = new Set<number>();
    for (let i = lo; i < this.entries.length; i++) {
      for (const id of this.entries[i]!.deliveries) deliveryIds.add(id);
      for (const id of this.entries[i]!.recipients) recipientIds.add(id);
    }
    return { deliveryIds: [...deliveryIds], recipientIds: [...recipientIds] };
  }
}
