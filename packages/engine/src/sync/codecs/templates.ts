// Message templates as shared entities. A template travels as one field holding all of it
// (name, texts per language and channel, fallbacks, approval): an approval made on one
// desktop while another edits the text must never approve a text nobody approved, so the
// later of the two wins whole: approved with the approver's text, or a draft with the new
// text. A recorded voice message names its audio by id; the audio is an entity of its own
// (codecs/audio.ts), its bytes fetched from the relay on first use.
import type { Json } from '@gdial/protocol';
import type { Tx } from '../../store/db';
import { bindUid, localIdOf } from '../../store/sync';
import { allTemplateIds } from '../../store/sync-reads';
import { templateInUse } from '../../store/campaigns';
import {
  approveTemplate,
  deleteTemplate,
  getTemplate,
  insertTemplate,
  setTemplateWriter,
  updateTemplate,
  type TemplateValues,
} from '../../store/templates';
import type { EntityCodec } from '../codec';
import { uidFor } from './contacts';

interface SharedTemplate {
  name: string;
  description: string | null;
  fallbacks: Record<string, string>;
  variants: TemplateValues['variants'];
  status: 'draft' | 'approved';
  approvedBy: string | null;
  approvedAt: string | null;
  /** The user who wrote the text (absent from desktops before the two-person rule). */
  writtenBy?: string | null;
}

function readTemplate(tx: Tx, localId: number): SharedTemplate | undefined {
  const t = getTemplate(tx, localId);
  if (!t) return undefined;
  return {
    name: t.name,
    description: t.description,
    fallbacks: t.fallbacks,
    variants: t.variants,
    status: t.status,
    approvedBy: t.approvedBy,
    approvedAt: t.approvedAt,
    writtenBy: t.writtenBy,
  };
}

export const templateCodec: EntityCodec = {
  entity: 'template',
  tables: ['templates', 'template_contents'],
  tombstones: true,
  touched(tx, changes) {
    return new Set(changes.map((c) => uidFor(tx, 'template', c.key[0] as number)));
  },
  read(r, id) {
    const local = localIdOf(r, 'template', id);
    const t = local === null ? undefined : readTemplate(r as Tx, local);
    return t ? { template: t as unknown as Json } : undefined;
  },
  write(tx, state) {
    const local = localIdOf(tx, 'template', state.id);
    if (state.deleted !== undefined) {
      // A template an alert here still names stays (alerts keep their message); it is no longer shared.
      if (local !== null && !templateInUse(tx, local)) deleteTemplate(tx, local);
      return;
    }
    const t = state.fields.template?.v as unknown as SharedTemplate | undefined;
    if (!t) return;
    const values: TemplateValues = { name: t.name, description: t.description, fallbacks: t.fallbacks, variants: t.variants };
    const id = local ?? insertTemplate(tx, values);
    if (local === null) bindUid(tx, 'template', state.id, id);
    else updateTemplate(tx, id, values, new Date().toISOString());
    setTemplateWriter(tx, id, t.writtenBy ?? null);
    if (t.status === 'approved') approveTemplate(tx, id, t.approvedBy ?? '', t.approvedAt ?? new Date().toISOString());
  },
  all(tx) {
    return allTemplateIds(tx).map((id) => uidFor(tx, 'template', id));
  },
};
