// People who call back: the desktop tells its relay the latest alert each phone number was
// sent; the newest per number is kept until the relay took it, and addresses that cannot
// call (e-mail, chat ids) are never sent.
import type { CallbackUpdate } from '@gdial/protocol';
import { describe, expect, it } from 'vitest';
import { RelayCallbackPublisher } from '../../src/callbacks/publisher';
import type { RelayApi } from '../../src/relay-client';

function fakeRelay(answers: boolean[]) {
  const sent: CallbackUpdate[] = [];
  const api = {
    putCallbacks: (update: CallbackUpdate) => {
      sent.push(update);
      const ok = answers.shift() ?? true;
      return Promise.resolve(
        ok ? { ok: true as const, value: null } : { ok: false as const, error: { kind: 'network' as const, message: 'away' } },
      );
    },
  } as unknown as RelayApi;
  return { api, sent };
}

const at = (m: number) => new Date(Date.UTC(2026, 11, 7, 12, m)).toISOString();

describe('call-back records', () => {
  it('sends the newest record per phone number, skips addresses that cannot call, keeps records the relay did not take', async () => {
    const publisher = new RelayCallbackPublisher();
    const relay = fakeRelay([false, true]);
    publisher.note({ phone: '+46701234501', deliveryToken: 'first', flowId: null, sentAt: at(0) });
    publisher.note({ phone: '+46701234501', deliveryToken: 'second', flowId: 'c1-sv-abc', sentAt: at(1) });
    publisher.note({ phone: 'anna@example.se', deliveryToken: 'mail', flowId: null, sentAt: at(1) });
    publisher.note({ phone: '+46701234502', deliveryToken: 'bertil', flowId: null, sentAt: at(2) });
    await publisher.flush(); // no relay yet: nothing sent, nothing lost
    expect(publisher.waiting()).toBe(2);

    publisher.setRelay(relay.api);
    await publisher.flush(); // the relay is away
    expect(publisher.waiting()).toBe(2);
    await publisher.flush();
    publisher.stop();
    expect(publisher.waiting()).toBe(0);
    expect(relay.sent).toHaveLength(2);
    expect(relay.sent[1]!.targets).toEqual([
      { phone: '+46701234501', deliveryToken: 'second', flowId: 'c1-sv-abc', sentAt: at(1) },
      { phone: '+46701234502', deliveryToken: 'bertil', flowId: null, sentAt: at(2) },
    ]);
  });
});
