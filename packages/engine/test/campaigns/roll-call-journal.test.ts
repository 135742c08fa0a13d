import { describe, expect, it } from 'vitest';
import { RollCallJournal } from '../../src/campaigns/roll-call-journal';
import { ChangeSet } from '../../src/store/changes';

function journal() {
  let commit: (c: ChangeSet) => void = () => undefined;
  const j = new RollCallJournal({ afterCommit: (fn: (c: ChangeSet) => void) => void (commit = fn) } as never);
  const write = (fill: (c: ChangeSet) => void) => {
    const c = new ChangeSet();
    fill(c);
    commit(c);
  };
  return { j, write };
}

describe('roll-call journal', () => {
  it('counts a delivery whose line changed, not one only moved in the queue (Pausa, Fortsätt)', () => {
    const { j, write } = journal();
    const mark = j.watermark();
    // Pausa: every unsent delivery's priority, nothing a line shows.
    write((c) => c.recordMany('deliveries', [[1], [2], [3]], 'update', ['priority']));
    write((c) => c.recordMany('deliveries', [[1], [2]], 'update', ['due_at']));
    expect(j.watermark()).toEqual(mark);
    expect(j.since(mark)).toEqual({ deliveryIds: [], recipientIds: [] });
    // A send, a new delivery, an update of unknown columns, a recipient: each changes a line.
    write((c) => {
      c.record('deliveries', [2], 'update', ['state', 'sending_since']);
      c.record('deliveries', [3], 'update', ['priority']);
      c.record('deliveries', [4], 'insert');
      c.record('deliveries', [5], 'update');
      c.record('campaign_recipients', [9], 'update', ['priority']);
    });
    expect(j.since(mark)).toEqual({ deliveryIds: [2, 4, 5], recipientIds: [9] });
  });
});
