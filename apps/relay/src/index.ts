// The relay as a library: start one in-process (tests, benchmarks, the end-to-end suite).
export { startRelay, type RelayHandle, type StartRelayOptions } from './relay';
export { RelayAdmin, type AdminResult } from './admin';
export { hashPassword, owaspScrypt, verifyPassword, type PasswordCost } from './auth/passwords';
