// The codec of a settings document (store/settings-documents.ts: a saved segment, a prepared
// alert) as a shared entity. The document travels as one field holding all of it: an edit on
// one desktop and a concurrent edit on another never combine into something nobody wrote (the
// later one wins whole). Its id is a UUID, its own uid. What differs per kind is how the
// document names this desktop's rows (groups, contacts, templates) by uid when shared and
// back by local id when stored (`toShared`, `toLocal`).
import type { Json, SyncEntity } from '@gdial/protocol';
import type { Reader, Tx } from '../../store/db';
import type { SettingsDocument, SettingsDocuments } from '../../store/settings-documents';
import type { EntityCodec } from '../codec';

export interface SettingsDocumentKind<T extends SettingsDocument> {
  entity: SyncEntity;
  /** The one field the document travels in. */
  field: string;
  store: SettingsDocuments<T>;
  /** The document as the organisation shares it (naming uids). */
  toShared(tx: Tx, doc: T): Json;
  /** A shared document as this desktop stores it (naming local ids); null when it cannot be stored (yet). */
  toLocal(r: Reader, shared: Json): T | null;
}

export function settingsDocumentCodec<T extends SettingsDocument>(kind: SettingsDocumentKind<T>): EntityCodec {
  const { entity, field, store } = kind;
  return {
    entity,
    tables: ['settings'],
    tombstones: true,
    touched(_tx, changes) {
      return store.idsOf(changes.map((c) => String(c.key[0])));
    },
    read(r, id) {
      const doc = store.get(r, id);
      return doc ? { [field]: kind.toShared(r as Tx, doc) } : undefined;
    },
    write(tx, state) {
      if (state.deleted !== undefined) {
        store.delete(tx, state.id);
        return;
      }
      const shared = state.fields[field]?.v;
      const doc = shared === undefined ? null : kind.toLocal(tx, shared);
      if (doc && doc.id === state.id) store.put(tx, doc);
    },
    all(tx) {
      return store.list(tx).map((d) => d.id);
    },
  };
}
