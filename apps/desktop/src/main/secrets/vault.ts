// Provider credentials and the relay token are sealed with Electron's safeStorage (the OS
// keychain / DPAPI / libsecret) before anything stores them. There is no fallback: when
// the OS cannot protect the key — including Linux's 'basic_text' backend, which uses a
// hard-coded password — sealing is refused and the operator is told why. A secret in plain
// text or under a default key is worse than no secret, because it looks protected.
//
// Each sealed value carries its slot name and a digest inside the encryption, so a blob
// copied into another slot, or altered (safeStorage's CBC mode on macOS/Linux does not
// authenticate), is detected on opening instead of yielding garbage credentials.
import { createHash } from 'node:crypto';

/** The part of Electron's safeStorage the vault uses (the non-deprecated async API). */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ shouldReEncrypt: boolean; result: string }>;
  /** Linux only. */
  getSelectedStorageBackend(): string;
}

export type VaultUnavailableReason = 'no-os-keystore' | 'basic-text-backend' | 'not-ready';

export type VaultError =
  | { code: 'ENCRYPTION_UNAVAILABLE'; reason: VaultUnavailableReason; message: string }
  | { code: 'INVALID_NAME'; message: string }
  | { code: 'INVALID_VALUE'; message: string }
  | { code: 'TAMPERED'; message: string }
  | { code: 'FAILED'; message: string };

export type VaultResult<T> = { ok: true; value: T } | { ok: false; error: VaultError };

/** An opened secret; `resealed` is set when the OS rotated its key and the caller should store it. */
export interface OpenedSecret {
  value: string;
  resealed: string | null;
}

const NAME = /^[a-z][a-zA-Z0-9]*(\.[a-zA-Z0-9_-]{1,64}){1,4}$/;
const MAX_VALUE_LENGTH = 16 * 1024;
const ENVELOPE_VERSION = 1;

interface Envelope {
  v: number;
  n: string;
  s: string;
  h: string;
}

const digest = (name: string, value: string) => createHash('sha256').update(name).update('\0').update(value).digest('hex');

const UNAVAILABLE_MESSAGES: Record<VaultUnavailableReason, string> = {
  'no-os-keystore':
    'The operating system offers no protected key store, so GDial will not save credentials. Sign in to a desktop session with a keychain / secret service and try again.',
  'basic-text-backend':
    'No secret service (GNOME Keyring, KWallet) is running, so credentials could only be stored with a built-in default key. GDial refuses that; start a secret service and restart GDial.',
  'not-ready': 'Secure storage is not ready yet; try again in a moment.',
};

export class SecretVault {
  constructor(
    private readonly safe: SafeStorageLike,
    private readonly platform: NodeJS.Platform,
  ) {}

  async availability(): Promise<{ available: true } | { available: false; reason: VaultUnavailableReason; message: string }> {
    if (this.platform === 'linux') {
      const backend = this.safe.getSelectedStorageBackend();
      if (backend === 'unknown') return unavailable('not-ready');
      if (backend === 'basic_text') return unavailable('basic-text-backend');
    }
    let ok = false;
    try {
      ok = await this.safe.isAsyncEncryptionAvailable();
    } catch {
      ok = false;
    }
    return ok ? { available: true } : unavailable('no-os-keystore');
  }

  /** Encrypts a secret for one named slot; the result is base64 text safe to store anywhere. */
  async seal(name: string, value: string): Promise<VaultResult<string>> {
    const bad = checkName(name);
    if (bad) return bad;
    if (typeof value !== 'string' || value.length === 0) return err({ code: 'INVALID_VALUE', message: `The value for ${name} is empty.` });
    if (value.length > MAX_VALUE_LENGTH)
      return err({ code: 'INVALID_VALUE', message: `The value for ${name} is longer than ${MAX_VALUE_LENGTH} characters.` });
    const avail = await this.availability();
    if (!avail.available) return err({ code: 'ENCRYPTION_UNAVAILABLE', reason: avail.reason, message: avail.message });
    const envelope: Envelope = { v: ENVELOPE_VERSION, n: name, s: value, h: digest(name, value) };
    try {
      const sealed = await this.safe.encryptStringAsync(JSON.stringify(envelope));
      return { ok: true, value: sealed.toString('base64') };
    } catch (e) {
      return err({ code: 'FAILED', message: `Could not encrypt ${name}: ${(e as Error).message}` });
    }
  }

  async open(name: string, sealed: string): Promise<VaultResult<OpenedSecret>> {
    const bad = checkName(name);
    if (bad) return bad;
    const avail = await this.availability();
    if (!avail.available) return err({ code: 'ENCRYPTION_UNAVAILABLE', reason: avail.reason, message: avail.message });
    if (typeof sealed !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(sealed)) return tampered(name);
    let plain: { shouldReEncrypt: boolean; result: string };
    try {
      plain = await this.safe.decryptStringAsync(Buffer.from(sealed, 'base64'));
    } catch {
      // Wrong key (another user or machine) and altered ciphertext look the same here.
      return tampered(name);
    }
    let env: Partial<Envelope>;
    try {
      env = JSON.parse(plain.result) as Partial<Envelope>;
    } catch {
      return tampered(name);
    }
    if (env.v !== ENVELOPE_VERSION || typeof env.n !== 'string' || typeof env.s !== 'string' || env.h !== digest(env.n, env.s))
      return tampered(name);
    if (env.n !== name)
      return err({ code: 'TAMPERED', message: `The stored value for ${name} belongs to ${env.n}; it was not used. Enter ${name} again.` });
    let resealed: string | null = null;
    if (plain.shouldReEncrypt) {
      const again = await this.seal(name, env.s);
      if (again.ok) resealed = again.value;
    }
    return { ok: true, value: { value: env.s, resealed } };
  }
}

function checkName(name: string): VaultResult<never> | null {
  return typeof name === 'string' && NAME.test(name)
    ? null
    : err({
        code: 'INVALID_NAME',
        message: `"${String(name)}" is not a secret name (expected e.g. "relay.token" or "provider.twilio.authToken").`,
      });
}

const err = (error: VaultError): VaultResult<never> => ({ ok: false, error });
const tampered = (name: string): VaultResult<never> =>
  err({
    code: 'TAMPERED',
    message: `The stored value for ${name} cannot be decrypted or was altered; it was not used. Enter ${name} again.`,
  });
const unavailable = (reason: VaultUnavailableReason) => ({ available: false as const, reason, message: UNAVAILABLE_MESSAGES[reason] });
