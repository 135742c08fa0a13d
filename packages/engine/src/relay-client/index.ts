// The engine's relay client: the event stream (exactly-once via the engine's cursor store),
// enrolment, media upload and call-flow registration. Imports only @gdial/protocol and libraries.
export { RelayClient, type RelayClientOptions, type RelayConnectionState, type RelayCursorStore, type RelayStateListener } from './client';
export { RelayApi, enrolDevice, type RelayHttpFailure, type RelayHttpResult } from './http';
export { reconnectDelay, defaultBackoff, type BackoffOptions } from './backoff';
