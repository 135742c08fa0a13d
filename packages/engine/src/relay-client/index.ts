// The engine's relay client: the event stream (exactly-once via the engine's cursor store),
// enrolment, media upload and call-flow registration. Imports only @gdial/protocol and libraries.
//
// Wiring in the engine (better-sqlite3 is synchronous, so `apply` must be too):
//
//   const cursor: RelayCursorStore = {
//     load: () => settings.get('relay.cursor') ?? 0,
//     applyAndAdvance: (seq, apply) => db.transaction(() => { apply(); settings.set('relay.cursor', seq); })(),
//   };
//   const client = new RelayClient({ relayUrl, deviceToken, cursor, logger,
//     apply: (event, seq) => providerEvents.apply(event.webhook, seq) });   // the engine's one entry point
//   client.onState((s) => emit('relay.state', s));                          // connected / reconnecting / …
//   client.start();   …   await client.stop();                            // stop before closing the store
//
// On 'resync-required' the engine reconciles deliveries with the providers, stores
// `prunedThrough` (or `headSeq`) as its cursor and calls `client.resync()`. On 'unauthorized'
// the desktop must enrol again (`enrolDevice`).
export { RelayClient, type RelayClientOptions, type RelayConnectionState, type RelayCursorStore, type RelayStateListener } from './client';
export { RelayApi, enrolDevice, type RelayHttpFailure, type RelayHttpResult } from './http';
export { reconnectDelay, defaultBackoff, type BackoffOptions } from './backoff';
