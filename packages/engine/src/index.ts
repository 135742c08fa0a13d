export { startEngine, type Engine, type EngineOptions } from './engine';
export type { Transport } from './rpc/server';
export { createLogger, silentLogger, type Logger } from './log';
export { openStore, StoreOpenError, type Store } from './store/db';
export type { ConnectivitySettings, RelaySettings } from './services/connectivity';
export { secretSlots, type OpenedSecret, type SealerResult, type SecretSealer, type SecretSlot } from './services/connectivity/secrets';
export type { ProviderSettings } from './providers/factory';
export { enrolDevice, RelayApi } from './relay-client';
export { inspectSync, pendingSyncOps, type SyncPicture } from './sync/inspect';
