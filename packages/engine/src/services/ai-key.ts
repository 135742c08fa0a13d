// The AI server's API key kept sealed by the host's secure storage (the desktop app:
// safeStorage), stored as that sealed text only, on this desktop (not shared by sync).
import type { AiKeyVault } from '../ai/service';
import type { Logger } from '../log';
import { aiSealedKeyDef } from '../store/ai';
import type { Store } from '../store/db';
import { deleteSetting, readSetting, writeSetting } from '../store/settings';
import { aiKeySlot, type SecretSealer } from './connectivity/secrets';

export function sealedAiKeyVault(store: Store, sealer: SecretSealer, logger: Logger): AiKeyVault {
  return {
    async canStore() {
      return (await sealer.available()).ok;
    },
    isSet: () => readSetting(store.read, aiSealedKeyDef) !== null,
    async read() {
      const sealed = readSetting(store.read, aiSealedKeyDef);
      if (!sealed) return null;
      const opened = await sealer.open(aiKeySlot, sealed);
      if (!opened.ok) {
        logger.warn({ reason: opened.message }, 'the AI API key cannot be opened on this desktop');
        return null;
      }
      if (opened.value.resealed) {
        const resealed = opened.value.resealed;
        store.transaction((tx) => writeSetting(tx, aiSealedKeyDef, resealed));
      }
      return opened.value.value;
    },
    async write(key) {
      if (key === null) {
        store.transaction((tx) => deleteSetting(tx, aiSealedKeyDef));
        return;
      }
      const sealed = await sealer.seal(aiKeySlot, key);
      if (!sealed.ok) throw new Error(`the AI API key cannot be sealed: ${sealed.message}`);
      store.transaction((tx) => writeSetting(tx, aiSealedKeyDef, sealed.value));
    },
  };
}
