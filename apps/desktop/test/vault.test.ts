import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseHostToMain, parseMainToHost } from '../src/common/host-protocol';
import { VaultClient } from '../src/engine-host/vault-client';
import { SecretVault, type SafeStorageLike } from '../src/main/secrets/vault';
import { vaultService } from '../src/main/secrets/vault-service';
import { quietLogger } from './support/fakes';

/** Behaves like Chromium's OSCrypt on macOS/Linux: unauthenticated AES-CBC behind a "v10" prefix. */
class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backend = 'gnome_libsecret';
  rotate = false;
  private readonly key = randomBytes(32);
  private readonly iv = Buffer.alloc(16, 0x20);
  readonly encrypted: string[] = [];

  async isAsyncEncryptionAvailable() {
    return this.available;
  }
  getSelectedStorageBackend() {
    return this.backend;
  }
  async encryptStringAsync(plainText: string) {
    if (!this.available) throw new Error('Encryption is not available.');
    this.encrypted.push(plainText);
    const c = createCipheriv('aes-256-cbc', this.key, this.iv);
    return Buffer.concat([Buffer.from('v10'), c.update(plainText, 'utf8'), c.final()]);
  }
  async decryptStringAsync(encrypted: Buffer) {
    if (encrypted.subarray(0, 3).toString() !== 'v10') throw new Error('bad prefix');
    const d = createDecipheriv('aes-256-cbc', this.key, this.iv);
    return { shouldReEncrypt: this.rotate, result: Buffer.concat([d.update(encrypted.subarray(3)), d.final()]).toString('utf8') };
  }
}

const TOKEN = 'rly_9f8e7d6c5b4a39281706f5e4d3c2b1a0';

describe('safeStorage vault', () => {
  it('round-trips a secret and never hands safeStorage the bare value', async () => {
    const safe = new FakeSafeStorage();
    const vault = new SecretVault(safe, 'linux');
    const sealed = await vault.seal('relay.token', TOKEN);
    expect(sealed.ok).toBe(true);
    if (!sealed.ok) return;
    expect(Buffer.from(sealed.value, 'base64').toString('latin1')).not.toContain(TOKEN);
    expect(await vault.open('relay.token', sealed.value)).toEqual({ ok: true, value: { value: TOKEN, resealed: null } });
    expect(safe.encrypted[0]).not.toBe(TOKEN); // wrapped in the envelope with slot name and digest
  });

  it('refuses to seal or open when the OS offers no key store', async () => {
    const safe = new FakeSafeStorage();
    safe.available = false;
    const vault = new SecretVault(safe, 'win32');
    const r = await vault.seal('provider.twilio.authToken', 'x');
    expect(r).toMatchObject({ ok: false, error: { code: 'ENCRYPTION_UNAVAILABLE', reason: 'no-os-keystore' } });
    expect(safe.encrypted).toEqual([]);
    expect(await vault.open('provider.twilio.authToken', 'AAAA')).toMatchObject({ ok: false, error: { code: 'ENCRYPTION_UNAVAILABLE' } });
  });

  it("counts Linux's basic_text backend (a hard-coded key) as unavailable", async () => {
    const safe = new FakeSafeStorage();
    safe.backend = 'basic_text'; // isAsyncEncryptionAvailable still says true here
    const vault = new SecretVault(safe, 'linux');
    expect(await vault.availability()).toMatchObject({ available: false, reason: 'basic-text-backend' });
    expect(await vault.seal('relay.token', TOKEN)).toMatchObject({
      ok: false,
      error: { code: 'ENCRYPTION_UNAVAILABLE', reason: 'basic-text-backend' },
    });
    expect(safe.encrypted).toEqual([]);
    safe.backend = 'unknown';
    expect(await vault.availability()).toMatchObject({ available: false, reason: 'not-ready' });
  });

  it('asks for the Linux backend only on Linux', async () => {
    const safe = new FakeSafeStorage();
    safe.getSelectedStorageBackend = () => {
      throw new Error('linux only');
    };
    expect(await new SecretVault(safe, 'darwin').availability()).toEqual({ available: true });
  });

  it('detects altered ciphertext instead of returning garbage', async () => {
    const vault = new SecretVault(new FakeSafeStorage(), 'darwin');
    const sealed = await vault.seal('provider.sendgrid.apiKey', 'SG.' + 'k'.repeat(60));
    if (!sealed.ok) throw new Error('seal failed');
    const bytes = Buffer.from(sealed.value, 'base64');
    // Flip a bit in every ciphertext block in turn: each must be caught.
    for (let i = 3; i < bytes.length; i += 16) {
      const altered = Buffer.from(bytes);
      altered[i]! ^= 0x01;
      const r = await vault.open('provider.sendgrid.apiKey', altered.toString('base64'));
      expect(r, `flip at ${i}`).toMatchObject({ ok: false, error: { code: 'TAMPERED' } });
    }
    expect(await vault.open('provider.sendgrid.apiKey', 'not base64!')).toMatchObject({ ok: false, error: { code: 'TAMPERED' } });
    expect(await vault.open('provider.sendgrid.apiKey', bytes.subarray(0, 20).toString('base64'))).toMatchObject({
      ok: false,
      error: { code: 'TAMPERED' },
    });
  });

  it('refuses a sealed value copied into another slot', async () => {
    const vault = new SecretVault(new FakeSafeStorage(), 'win32');
    const sealed = await vault.seal('provider.telegram.botToken', '123:abc');
    if (!sealed.ok) throw new Error('seal failed');
    const r = await vault.open('relay.token', sealed.value);
    expect(r).toMatchObject({ ok: false, error: { code: 'TAMPERED' } });
    if (!r.ok) expect(r.error.message).toContain('belongs to provider.telegram.botToken');
  });

  it('re-seals when the OS rotated its key', async () => {
    const safe = new FakeSafeStorage();
    const vault = new SecretVault(safe, 'darwin');
    const sealed = await vault.seal('relay.token', TOKEN);
    if (!sealed.ok) throw new Error('seal failed');
    safe.rotate = true;
    const r = await vault.open('relay.token', sealed.value);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.value.resealed).toMatch(/^[A-Za-z0-9+/]+=*$/);
  });

  it('validates slot names and values', async () => {
    const vault = new SecretVault(new FakeSafeStorage(), 'darwin');
    for (const bad of ['', 'token', 'Relay.token', 'relay..token', '../x.y', 'a.' + 'b'.repeat(65)]) {
      expect(await vault.seal(bad, 'v')).toMatchObject({ ok: false, error: { code: 'INVALID_NAME' } });
    }
    expect(await vault.seal('relay.token', '')).toMatchObject({ ok: false, error: { code: 'INVALID_VALUE' } });
    expect(await vault.seal('relay.token', 'x'.repeat(20_000))).toMatchObject({ ok: false, error: { code: 'INVALID_VALUE' } });
  });
});

describe('secrets between the engine process and main', () => {
  it('seals and opens through the host channel', async () => {
    const service = vaultService(new SecretVault(new FakeSafeStorage(), 'darwin'), quietLogger());
    const client: VaultClient = new VaultClient((m) => {
      const req = parseHostToMain(structuredClone(m));
      if (req?.type !== 'vault-request') throw new Error('not a vault request');
      void service(req.request).then((reply) => {
        const res = parseMainToHost(structuredClone({ type: 'vault-response', id: req.id, reply }));
        if (res?.type === 'vault-response') client.receive(res.id, res.reply);
      });
    });
    expect(await client.status()).toEqual({ ok: true, value: { available: true } });
    const sealed = await client.seal('relay.token', TOKEN);
    expect(sealed.ok).toBe(true);
    if (!sealed.ok) return;
    expect(await client.open('relay.token', sealed.value as string)).toEqual({ ok: true, value: { value: TOKEN, resealed: null } });
    expect(await client.seal('nope', 'x')).toMatchObject({ ok: false, error: { code: 'INVALID_NAME' } });
  });

  it('fails a request main never answers instead of hanging', async () => {
    const client = new VaultClient(() => {}, 20);
    expect(await client.status()).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    const pending = client.seal('relay.token', 'x');
    client.failAll('GDial is shutting down.');
    expect(await pending).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });
});
