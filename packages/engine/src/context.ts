// What every engine service is built from: the store, the logger, the event emitter and
// who is operating. Services receive this instead of reaching for globals.
import type { EventName, EventPayload } from '@gdial/protocol';
import type { Store } from './store/db';
import type { Logger } from './log';

export interface EventEmitter {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

export interface EngineContext {
  readonly store: Store;
  readonly logger: Logger;
  readonly events: EventEmitter;
  /** Directory for the database, audio, user voices and backups. */
  readonly dataDir: string;
  /** Directory of bundled resources (voices shipped with the app), if any. */
  readonly resourcesDir: string | null;
  readonly demo: boolean;
  readonly startedAt: Date;
  /** The local operator's name as it goes into the audit log. */
  operator(): string;
}
