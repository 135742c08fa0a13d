// Chromium's OSCrypt in miniature, for tests of the vault and the engine host.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SafeStorageLike } from '../../src/main/secrets/vault';

export /** Chromium's OSCrypt in miniature: a key the OS holds for this user; another key = another user or machine. */
class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backend = 'gnome_libsecret';
  constructor(readonly key: Buffer = randomBytes(32)) {}
  async isAsyncEncryptionAvailable() {
    return this.available;
  }
  getSelectedStorageBackend() {
    return this.backend;
  }
  async encryptStringAsync(plainText: string) {
    const iv = randomBytes(16);
    const c = createCipheriv('aes-256-cbc', this.key, iv);
    return Buffer.concat([Buffer.from('v10'), iv, c.update(plainText, 'utf8'), c.final()]);
  }
  async decryptStringAsync(encrypted: Buffer) {
    const d = createDecipheriv('aes-256-cbc', this.key, encrypted.subarray(3, 19));
    return { shouldReEncrypt: false, result: Buffer.concat([d.update(encrypted.subarray(19)), d.final()]).toString('utf8') };
  }
}
