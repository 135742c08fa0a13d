// Conversations at two desktops of one organisation: both store the same replies from the
// same webhooks, so a thread is the same at each; who took it and whether it is handled
// travel as operations of the inbox entity (captured in the transaction that made the
// change) and are applied at the other desktop in the relay's order.
import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationKey, SyncOp } from '@gdial/protocol';
import { applyProviderEvents } from '../../src/campaigns/events';
import { ConversationService } from '../../src/campaigns/conversations';
import { pendingOps } from '../../src/store/sync';
import { sharedCodecs } from '../../src/sync/codecs';
import { Replica } from '../../src/sync/replica';
import { addContact, makeEnv, replyEvent, signedInUser, type TestEnv } from '../campaigns/helpers';

const envs: TestEnv[] = [];
afterEach(() => {
  for (const e of envs.splice(0)) e.close();
});

describe('conversations between two desktops', () => {
  it('share assignment and handled state per thread, both ways', () => {
    const a = makeEnv();
    const b = makeEnv();
    envs.push(a, b);
    const ra = new Replica(a.store, sharedCodecs());
    ra.enable('dev-a');
    const rb = new Replica(b.store, sharedCodecs());
    rb.enable('dev-b');
    const seen = new Map<TestEnv, number>([
      [a, 0],
      [b, 0],
    ]);
    /** Pushes what `from` recorded since the last push to `to`, as the relay would hand it over. */
    const push = (from: TestEnv, to: TestEnv, replica: Replica): SyncOp[] => {
      const ops = pendingOps(from.store.read, 100_000).slice(seen.get(from));
      seen.set(from, seen.get(from)! + ops.length);
      to.store.transaction((tx) => ops.forEach((o) => replica.applyOp(tx, o)), { origin: 'sync' });
      return ops;
    };

    // Berit is in both address books (the contacts' own sync is tested elsewhere; the helper writes rows directly).
    for (const e of [a, b]) addContact(e.store, { name: 'Berit Ek', phones: ['+46701000001'] });
    const beritAt = (e: TestEnv) =>
      (e.store.sqlite.prepare("SELECT id FROM contacts WHERE display_name = 'Berit Ek'").get() as { id: number }).id;
    // The same webhooks reach both desktops.
    const t0 = Date.now();
    const events = [
      replyEvent('+46701000001', 'Var ska vi samlas?', new Date(t0)),
      replyEvent('+46701000001', 'Vi är fyra', new Date(t0 + 1)),
    ];
    for (const e of [a, b]) e.store.transaction((tx) => applyProviderEvents(tx, events), { origin: 'relay' });

    const anna = new ConversationService(
      a.ctx,
      () => signedInUser('u-anna', 'Anna Operatör'),
      () => undefined,
    );
    const bo = new ConversationService(
      b.ctx,
      () => signedInUser('u-bo', 'Bo Berg'),
      () => undefined,
    );
    const keyA: ConversationKey = { channel: 'sms', contactId: beritAt(a), address: null };
    const keyB: ConversationKey = { channel: 'sms', contactId: beritAt(b), address: null };
    expect(bo.get(keyB).entries.map((e) => e.text)).toEqual(['Var ska vi samlas?', 'Vi är fyra']);

    // Anna takes it at her desktop: Bo sees it taken by her.
    anna.assign(keyA, true);
    const ops = push(a, b, rb).filter((o) => o.entity === 'inbox');
    expect(ops.map((o) => o.fields)).toEqual([
      expect.objectContaining({ assignedTo: 'u-anna', assignedName: 'Anna Operatör', handled: false }),
      expect.objectContaining({ assignedTo: 'u-anna', assignedName: 'Anna Operatör', handled: false }),
    ]);
    expect(bo.list({ mine: false, limit: 10 })[0]).toMatchObject({ assignedTo: 'u-anna', assignedName: 'Anna Operatör', unhandled: 2 });
    expect(bo.list({ mine: true, limit: 10 })).toEqual([]);

    // Bo marks it handled at his: Anna sees it handled, by him, still hers.
    expect(bo.markHandled(keyB, true)).toBe(2);
    push(b, a, ra);
    expect(anna.list({ handled: false, mine: false, limit: 10 })).toEqual([]);
    expect(anna.list({ mine: true, limit: 10 })[0]).toMatchObject({ unhandled: 0, assignedName: 'Anna Operatör' });
    expect(a.store.sqlite.prepare('SELECT DISTINCT handled_by FROM inbox_messages').all()).toEqual([{ handled_by: 'Test Operatör' }]);

    // Bo takes it over; Anna's desktop follows.
    bo.assign(keyB, true);
    push(b, a, ra);
    expect(anna.list({ mine: true, limit: 10 })).toEqual([]);
    expect(anna.get(keyA).summary).toMatchObject({ assignedTo: 'u-bo', assignedName: 'Bo Berg' });
  });
});
