// Prepared alerts (larmmallar) as shared entities, so every desktop of the organisation (and
// the relay, which triggers them for API keys) holds the same ones: a settings document
// (./settings-document.ts), like a saved segment. The plan names the template, groups and people
// by this desktop's row ids; shared, it names them by their uids, and each desktop turns
// them back into its own ids. A group or person that no longer exists here is left out of
// the plan (as on the desktop that made it, where the id names nothing any more); a plan
// whose template or test group is not here is not stored until it is.
import { campaignFieldsSchema, preparedAlertSchema, type CampaignSettings, type Json, type PreparedAlert } from '@gdial/protocol';
import type { Reader, Tx } from '../../store/db';
import { preparedAlerts } from '../../store/prepared-alerts';
import { localIdOf } from '../../store/sync';
import { settingsDocumentCodec } from './settings-document';
import { uidFor } from './contacts';

type Ref = 'group' | 'contact' | 'template';

/** The plan with every row id it names replaced by `map` (undefined: left out; null for the template: not mappable). */
export function mapPlan<F, T>(fields: CampaignSettings, map: (entity: Ref, id: F) => T | undefined): Record<string, unknown> | null {
  const list = (entity: Ref, ids: readonly unknown[]): T[] => ids.map((id) => map(entity, id as F)).filter((x): x is T => x !== undefined);
  const template = map('template', fields.templateId as F);
  const testGroup = fields.testGroupId === null ? null : map('group', fields.testGroupId as F);
  if (template === undefined || testGroup === undefined) return null;
  const a = fields.audience;
  return {
    ...fields,
    templateId: template,
    testGroupId: testGroup,
    audience: {
      ...a,
      groupIds: list('group', a.groupIds),
      contactIds: list('contact', a.contactIds),
      excludeGroupIds: list('group', a.excludeGroupIds),
      excludeContactIds: list('contact', a.excludeContactIds),
    },
    waves: fields.waves.map((w) => ({
      ...w,
      audience: { groupIds: list('group', w.audience.groupIds), contactIds: list('contact', w.audience.contactIds) },
    })),
  };
}

/** The prepared alert as the organisation shares it: its plan naming uids. */
export function sharedPreparedAlert(tx: Tx, p: PreparedAlert): Json {
  const fields = campaignFieldsSchema.parse(p.fields);
  const plan = mapPlan<number, string>(fields, (entity, id) => uidFor(tx, entity, id));
  return { ...p, fields: plan } as unknown as Json;
}

/** A shared prepared alert as this desktop stores it (its plan naming local ids); null when its template or test group is not here. */
export function localPreparedAlert(r: Reader, shared: Json): PreparedAlert | null {
  const p = shared as unknown as PreparedAlert & { fields: CampaignSettings };
  if (!p || typeof p !== 'object' || !p.fields) return null;
  const plan = mapPlan<string, number>(p.fields, (entity, uid) => localIdOf(r, entity, uid) ?? undefined);
  if (plan === null) return null;
  const parsed = preparedAlertSchema.safeParse({ ...p, fields: plan });
  return parsed.success ? parsed.data : null;
}

export const preparedAlertCodec = settingsDocumentCodec<PreparedAlert>({
  entity: 'preparedAlert',
  field: 'preparedAlert',
  store: preparedAlerts,
  toShared: sharedPreparedAlert,
  toLocal: localPreparedAlert,
});
