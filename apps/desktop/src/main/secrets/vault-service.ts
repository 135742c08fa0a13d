// Answers the engine process's secret requests (seal before storing, open before use)
// with the safeStorage vault. Values are never logged; only the slot name and outcome.
import type { Logger } from 'pino';
import type { VaultReply, VaultRequest } from '../../common/host-protocol';
import type { SecretVault } from './vault';

export function vaultService(vault: SecretVault, logger: Logger): (request: VaultRequest) => Promise<VaultReply> {
  const log = logger.child({ module: 'vault' });
  return async (request) => {
    switch (request.op) {
      case 'status': {
        const a = await vault.availability();
        return { ok: true, value: a };
      }
      case 'seal': {
        const r = await vault.seal(request.name, request.value);
        if (!r.ok) log.warn({ name: request.name, code: r.error.code }, 'refused to seal a secret');
        return r.ok ? { ok: true, value: r.value } : { ok: false, error: { code: r.error.code, message: r.error.message } };
      }
      case 'open': {
        const r = await vault.open(request.name, request.sealed);
        if (!r.ok) log.warn({ name: request.name, code: r.error.code }, 'could not open a secret');
        return r.ok ? { ok: true, value: r.value } : { ok: false, error: { code: r.error.code, message: r.error.message } };
      }
      default: {
        const never: never = request;
        return never;
      }
    }
  };
}
