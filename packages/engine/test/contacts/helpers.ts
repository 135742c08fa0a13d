// Test scaffolding: an engine context on a fresh in-memory store that records events.
import type { EventName, EventPayload } from '@gdial/protocol';
import type { EngineContext } from '../../src/context';
import { createContactsModule } from '../../src/contacts';
import { silentLogger } from '../../src/log';
import { openStore } from '../../src/store/db';

export interface RecordedEvent {
  name: EventName;
  payload: unknown;
}

export function testContext(file = ':memory:', store = openStore(file, { logger: silentLogger() })) {
  const events: RecordedEvent[] = [];
  const ctx: EngineContext = {
    store,
    logger: silentLogger(),
    events: { emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void events.push({ name, payload }) },
    dataDir: '/nonexistent',
    resourcesDir: null,
    demo: false,
    startedAt: new Date(),
    operator: () => 'Testoperatör',
  };
  return { ctx, store, events, ...createContactsModule(ctx) };
}

export const inline = (fileName: string, content: string | Buffer) => ({
  kind: 'inline' as const,
  fileName,
  dataBase64: (typeof content === 'string' ? Buffer.from(content, 'utf8') : content).toString('base64'),
});
