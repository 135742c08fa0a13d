// The engine's SecretSealer in the desktop app: every seal, open and availability check
// goes to the main process's safeStorage vault through the VaultClient. Answers are
// checked for shape, since they cross a process boundary; a vault that is unavailable, slow
// or refuses becomes a failed result with its sentence, never an exception.
import type { SecretSealer } from '@gdial/engine';
import type { VaultClient } from './vault-client';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export function vaultSealer(vault: VaultClient): SecretSealer {
  return {
    async available() {
      const r = await vault.status();
      if (!r.ok) return { ok: false, reason: r.error.message };
      const v = r.value;
      if (isRecord(v) && v.available === true) return { ok: true };
      const message = isRecord(v) && typeof v.message === 'string' ? v.message : 'Secure storage is not available on this computer.';
      return { ok: false, reason: message };
    },
    async seal(slot, value) {
      const r = await vault.seal(slot, value);
      if (!r.ok) return { ok: false, message: r.error.message };
      return typeof r.value === 'string' && r.value !== ''
        ? { ok: true, value: r.value }
        : { ok: false, message: 'Secure storage gave an answer GDial does not understand.' };
    },
    async open(slot, sealed) {
      const r = await vault.open(slot, sealed);
      if (!r.ok) return { ok: false, message: r.error.message };
      const v = r.value;
      if (!isRecord(v) || typeof v.value !== 'string' || (v.resealed !== null && typeof v.resealed !== 'string')) {
        return { ok: false, message: 'Secure storage gave an answer GDial does not understand.' };
      }
      return { ok: true, value: { value: v.value, resealed: v.resealed } };
    },
  };
}
