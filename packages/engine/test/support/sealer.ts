// A SecretSealer for tests, sealing as the desktop vault does in spirit: AES-GCM under a
// key the "OS" holds, bound to the slot; it can be made unavailable or refuse one slot.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SealedSlot, SecretSealer } from '../../src/services/connectivity/secrets';

/** Seals like the desktop vault does in spirit: AES-GCM under a key the "OS" holds, bound to the slot. */
export function fakeSealer(key: Buffer = randomBytes(32)) {
  const state = { key, unavailable: null as string | null, refuseSeal: null as SealedSlot | null, seals: 0, opens: 0 };
  const sealer: SecretSealer = {
    async available() {
      return state.unavailable ? { ok: false, reason: state.unavailable } : { ok: true };
    },
    async seal(slot, value) {
      state.seals++;
      if (state.unavailable) return { ok: false, message: state.unavailable };
      if (state.refuseSeal === slot) return { ok: false, message: 'the key store said no' };
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', state.key, iv).setAAD(Buffer.from(slot));
      const body = Buffer.concat([c.update(value, 'utf8'), c.final()]);
      return { ok: true, value: Buffer.concat([iv, c.getAuthTag(), body]).toString('base64') };
    },
    async open(slot, sealed) {
      state.opens++;
      const raw = Buffer.from(sealed, 'base64');
      try {
        const d = createDecipheriv('aes-256-gcm', state.key, raw.subarray(0, 12)).setAAD(Buffer.from(slot));
        d.setAuthTag(raw.subarray(12, 28));
        return { ok: true, value: { value: Buffer.concat([d.update(raw.subarray(28)), d.final()]).toString('utf8'), resealed: null } };
      } catch {
        return { ok: false, message: `The stored value for ${slot} cannot be decrypted or was altered.` };
      }
    },
  };
  return { sealer, state };
}
