// The messages between the main process and the engine's utility process. Besides these
// control messages, each UI window gets its own MessagePort straight to the engine, so
// RPC traffic never passes through the main process.
//
// Both sides treat what arrives as untrusted shape-wise (a process may be half dead or a
// different build): the parsers below accept only well-formed messages.

export interface HostStartOptions {
  /** Where the database, audio and the user's voices live. */
  dataDir: string;
  /** Bundled voices and other read-only resources; null when there are none. */
  resourcesDir: string | null;
  /** A backup (its file name) to put in place of a database that could not be read, before opening it. */
  restoreBackup?: string;
}

/** A backup offered when the database cannot be read: when it was made, why, and whether SQLite finds it whole. */
export interface StartBackup {
  name: string;
  createdAt: string;
  reason: string;
  intact: boolean;
}

/**
 * A backup's file name as the engine makes them (nothing else, no paths): the form of the
 * protocol's backupNameSchema, written out because src/common imports none of our packages.
 */
const BACKUP_NAME = /^gdial-\d{8}T\d{6}\d{3}Z-(scheduled|manual|pre-migration|pre-restore)\.db$/;
const MAX_BACKUPS = 100;

/** Why the engine could not start; a restart cannot fix any of these. */
export type StartFailureReason =
  'newer-version' | 'unreadable' | 'migration-failed' | 'wrong-key' | 'plaintext' | 'key-unavailable' | 'unknown';

export type MainToHost =
  | { type: 'start'; options: HostStartOptions }
  /** Carries one MessagePort (the engine's end of a window's channel). */
  | { type: 'connect'; clientId: number }
  /** Stop taking calls, persist what is in flight, close the database, then exit. */
  | { type: 'shutdown'; reason: string }
  | { type: 'vault-response'; id: number; reply: VaultReply }
  /** Liveness check: a host whose event loop is stuck cannot answer. */
  | { type: 'ping'; seq: number };

export type HostToMain =
  | { type: 'ready'; version: string; schemaVersion: number; databasePath: string }
  | { type: 'start-failed'; reason: StartFailureReason; message: string; backups: StartBackup[] }
  /** An engine event (campaign progress, replies, …) for the tray and OS notifications. */
  | { type: 'engine-event'; name: string; payload: unknown }
  | { type: 'drained' }
  | { type: 'pong'; seq: number }
  /** safeStorage lives only in the main process; the engine asks main to seal and open secrets. */
  | { type: 'vault-request'; id: number; request: VaultRequest };

export type VaultRequest = { op: 'status' } | { op: 'seal'; name: string; value: string } | { op: 'open'; name: string; sealed: string };

export type VaultReply = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const START_FAILURES: readonly StartFailureReason[] = [
  'newer-version',
  'unreadable',
  'migration-failed',
  'wrong-key',
  'plaintext',
  'key-unavailable',
  'unknown',
];

export function parseHostToMain(raw: unknown): HostToMain | null {
  if (!isRecord(raw) || typeof raw.type !== 'string') return null;
  switch (raw.type) {
    case 'ready':
      return typeof raw.version === 'string' && typeof raw.schemaVersion === 'number' && typeof raw.databasePath === 'string'
        ? { type: 'ready', version: raw.version, schemaVersion: raw.schemaVersion, databasePath: raw.databasePath }
        : null;
    case 'start-failed':
      return typeof raw.message === 'string' && START_FAILURES.includes(raw.reason as StartFailureReason)
        ? { type: 'start-failed', reason: raw.reason as StartFailureReason, message: raw.message, backups: parseBackups(raw.backups) }
        : null;
    case 'engine-event':
      return typeof raw.name === 'string' ? { type: 'engine-event', name: raw.name, payload: raw.payload } : null;
    case 'drained':
      return { type: 'drained' };
    case 'pong':
      return Number.isInteger(raw.seq) ? { type: 'pong', seq: raw.seq as number } : null;
    case 'vault-request': {
      const request = parseVaultRequest(raw.request);
      return Number.isInteger(raw.id) && request ? { type: 'vault-request', id: raw.id as number, request } : null;
    }
    default:
      return null;
  }
}

/** The backups a failed start offers; malformed entries are dropped (they could not be restored anyway). */
function parseBackups(raw: unknown): StartBackup[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .slice(0, MAX_BACKUPS)
    .filter(
      (b): b is StartBackup =>
        isRecord(b) &&
        typeof b.name === 'string' &&
        BACKUP_NAME.test(b.name) &&
        typeof b.createdAt === 'string' &&
        typeof b.reason === 'string' &&
        typeof b.intact === 'boolean',
    )
    .map((b) => ({ name: b.name, createdAt: b.createdAt.slice(0, 40), reason: b.reason.slice(0, 20), intact: b.intact }));
}

function parseVaultRequest(r: unknown): VaultRequest | null {
  if (!isRecord(r)) return null;
  switch (r.op) {
    case 'status':
      return { op: 'status' };
    case 'seal':
      return typeof r.name === 'string' && typeof r.value === 'string' ? { op: 'seal', name: r.name, value: r.value } : null;
    case 'open':
      return typeof r.name === 'string' && typeof r.sealed === 'string' ? { op: 'open', name: r.name, sealed: r.sealed } : null;
    default:
      return null;
  }
}

function parseVaultReply(r: unknown): VaultReply | null {
  if (!isRecord(r)) return null;
  if (r.ok === true) return { ok: true, value: r.value };
  if (r.ok === false && isRecord(r.error) && typeof r.error.code === 'string' && typeof r.error.message === 'string') {
    return { ok: false, error: { code: r.error.code, message: r.error.message } };
  }
  return null;
}

export function parseMainToHost(raw: unknown): MainToHost | null {
  if (!isRecord(raw) || typeof raw.type !== 'string') return null;
  switch (raw.type) {
    case 'start': {
      const o = raw.options;
      if (!isRecord(o) || typeof o.dataDir !== 'string' || o.dataDir === '') return null;
      if (o.resourcesDir !== null && typeof o.resourcesDir !== 'string') return null;
      if (o.restoreBackup !== undefined && (typeof o.restoreBackup !== 'string' || !BACKUP_NAME.test(o.restoreBackup))) return null;
      return {
        type: 'start',
        options: { dataDir: o.dataDir, resourcesDir: o.resourcesDir, ...(o.restoreBackup ? { restoreBackup: o.restoreBackup } : {}) },
      };
    }
    case 'connect':
      return Number.isInteger(raw.clientId) ? { type: 'connect', clientId: raw.clientId as number } : null;
    case 'shutdown':
      return { type: 'shutdown', reason: typeof raw.reason === 'string' ? raw.reason : 'shutdown requested' };
    case 'ping':
      return Number.isInteger(raw.seq) ? { type: 'ping', seq: raw.seq as number } : null;
    case 'vault-response': {
      const reply = parseVaultReply(raw.reply);
      return Number.isInteger(raw.id) && reply ? { type: 'vault-response', id: raw.id as number, reply } : null;
    }
    default:
      return null;
  }
}
