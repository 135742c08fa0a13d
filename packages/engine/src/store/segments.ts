// Saved segments: where they are kept and how their rules become SQL. A segment is one row
// in the settings table under "segment.<id>" (JSON: name, rules, who made and changed it),
// kept as a settings document (./settings-documents.ts) like a prepared alert.
// Its members are never stored: `segmentMemberIds` asks SQLite once, with every rule a
// predicate on the contacts row, and the index on each side table doing the lookups (group
// members by group, tags by tag, phones and e-mails by contact, opt-outs by address).
//
// A rule kind added later is one more case in `rulePredicate`:
// either SQL of its own or, for membership computed in code, the ids bound as one JSON
// array (`c.id IN (SELECT value FROM json_each(?))`).
import type Database from 'better-sqlite3-multiple-ciphers';
import {
  segmentNumber,
  segmentSchema,
  type Channel,
  type Segment,
  type SegmentArea,
  type SegmentDefinition,
  type SegmentRule,
} from '@gdial/protocol';
import { contactIdsInShape } from './areas';
import type { Reader } from './db';
import { onDutyContactId } from './schedules';
import { settingsDocuments } from './settings-documents';

export const segments = settingsDocuments<Segment>('segment.', segmentSchema);

export const listSegments = segments.list;
export const getSegment = segments.get;
export const putSegment = segments.put;
export const deleteSegment = segments.delete;

// ── rules to SQL ──

/** Text compared without regard to case, the Swedish way (Å = å). */
export const foldText = (s: string): string => s.toLocaleLowerCase('sv');

/** What SQLite cannot do as the rules mean it: Swedish case folding and numbers written with a comma. */
const withFunctions = new WeakSet<Database.Database>();
function registerFunctions(sqlite: Database.Database): void {
  if (withFunctions.has(sqlite)) return;
  sqlite.function('gdial_fold', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? foldText(s) : null));
  sqlite.function('gdial_number', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? segmentNumber(s) : null));
  withFunctions.add(sqlite);
}

const IN_JSON = 'IN (SELECT value FROM json_each(?))';
const dncColumn: Record<Channel, string> = {
  voice: 'c.dnc_voice',
  sms: 'c.dnc_sms',
  email: 'c.dnc_email',
  whatsapp: 'c.dnc_whatsapp',
  telegram: 'c.dnc_telegram',
};
const NOT_OPTED_OUT = (channel: Channel, address: string) =>
  `NOT EXISTS (SELECT 1 FROM opt_outs o WHERE o.channel = '${channel}' AND o.address = ${address})`;
/** Where a contact has at least one address for the channel that is not on the opt-out list (do-not-contact checked apart). */
const hasOpenAddress: Record<Channel, string> = {
  voice: `c.id IN (SELECT p.contact_id FROM contact_phones p WHERE ${NOT_OPTED_OUT('voice', 'p.e164')})`,
  sms: `c.id IN (SELECT p.contact_id FROM contact_phones p WHERE p.can_sms = 1 AND ${NOT_OPTED_OUT('sms', 'p.e164')})`,
  email: `c.id IN (SELECT e.contact_id FROM contact_emails e WHERE ${NOT_OPTED_OUT('email', 'e.address_key')})`,
  whatsapp: `coalesce(c.whatsapp, '') <> '' AND ${NOT_OPTED_OUT('whatsapp', 'c.whatsapp')}`,
  telegram: `coalesce(c.telegram_chat_id, '') <> '' AND ${NOT_OPTED_OUT('telegram', 'c.telegram_chat_id')}`,
};
/** A custom field's value as text (true/false for booleans), NULL when the contact has none; binds the JSON path twice. */
const FIELD_TEXT =
  "(CASE json_type(c.custom_fields, ?) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' WHEN 'null' THEN NULL ELSE CAST(json_extract(c.custom_fields, ?) AS TEXT) END)";
const SUBTREE_OF_JSON = `(WITH RECURSIVE t(id) AS (SELECT value FROM json_each(?) UNION SELECT g.id FROM contact_groups g JOIN t ON g.parent_id = t.id) SELECT id FROM t)`;

/** Where the contact's address is in the area: 1 or 0, never NULL. */
function areaPredicate(r: Reader, area: SegmentArea, params: unknown[]): string {
  switch (area.shape) {
    case 'municipality':
      params.push(JSON.stringify([...new Set(area.municipalities.map((m) => foldText(m.trim())))]));
      return `coalesce(gdial_fold(trim(c.municipality)) ${IN_JSON}, 0)`;
    case 'postcode':
      params.push(JSON.stringify([...new Set(area.postcodes)]));
      return `coalesce(c.postcode ${IN_JSON}, 0)`;
    case 'radius':
    case 'polygon':
      params.push(JSON.stringify(contactIdsInShape(r, area)));
      return `c.id ${IN_JSON}`;
    default: {
      const never: never = area;
      throw new Error(`unknown area ${JSON.stringify(never)}`);
    }
  }
}

/** A predicate on `contacts c` that is 1 or 0 for every contact (never NULL), with its parameters in order. */
function rulePredicate(r: Reader, rule: SegmentRule, params: unknown[]): string {
  switch (rule.kind) {
    case 'group': {
      params.push(JSON.stringify(rule.groupIds));
      const groups = rule.includeSubgroups ? SUBTREE_OF_JSON : `(SELECT value FROM json_each(?))`;
      return `c.id ${rule.negate ? 'NOT ' : ''}IN (SELECT gm.contact_id FROM group_members gm WHERE gm.group_id IN ${groups})`;
    }
    case 'tags': {
      const tags = [...new Set(rule.tags)];
      params.push(JSON.stringify(tags));
      switch (rule.match) {
        case 'any':
          return `c.id IN (SELECT t.contact_id FROM contact_tags t WHERE t.tag ${IN_JSON})`;
        case 'none':
          return `c.id NOT IN (SELECT t.contact_id FROM contact_tags t WHERE t.tag ${IN_JSON})`;
        case 'all':
          params.push(tags.length);
          return `c.id IN (SELECT t.contact_id FROM contact_tags t WHERE t.tag ${IN_JSON} GROUP BY t.contact_id HAVING count(*) = ?)`;
        default: {
          const never: never = rule.match;
          throw new Error(`unknown tag match ${String(never)}`);
        }
      }
    }
    case 'field': {
      const path = `$."${rule.key}"`;
      params.push(path, path);
      switch (rule.op) {
        case 'empty':
          return `coalesce(${FIELD_TEXT}, '') = ''`;
        case 'not-empty':
          return `coalesce(${FIELD_TEXT}, '') <> ''`;
        case 'eq':
          params.push(foldText(rule.value));
          return `coalesce(gdial_fold(${FIELD_TEXT}) = ?, 0)`;
        case 'ne':
          // Someone without a value is not equal to it.
          params.push(foldText(rule.value));
          return `coalesce(gdial_fold(${FIELD_TEXT}) <> ?, 1)`;
        case 'contains':
          params.push(foldText(rule.value));
          return `coalesce(instr(gdial_fold(${FIELD_TEXT}), ?) > 0, 0)`;
        case 'lt':
        case 'gt':
          params.push(segmentNumber(rule.value));
          return `coalesce(gdial_number(${FIELD_TEXT}) ${rule.op === 'lt' ? '<' : '>'} ?, 0)`;
        default: {
          const never: never = rule.op;
          throw new Error(`unknown field operator ${String(never)}`);
        }
      }
    }
    case 'language':
      params.push(JSON.stringify(rule.languages));
      return `c.language ${IN_JSON}`;
    case 'reachable': {
      const reachable = `(${dncColumn[rule.channel]} = 0 AND ${hasOpenAddress[rule.channel]})`;
      return rule.negate ? `NOT ${reachable}` : reachable;
    }
    case 'doNotContact': {
      const columns = rule.channel === 'any' ? Object.values(dncColumn) : [dncColumn[rule.channel]];
      const marked = `(${columns.map((col) => `${col} = 1`).join(' OR ')})`;
      return rule.negate ? `NOT ${marked}` : marked;
    }
    case 'onDuty': {
      // Worked out in code (layers, overrides, Swedish time) at the moment of asking.
      const id = onDutyContactId(r, rule.scheduleId, Date.now());
      params.push(JSON.stringify(id === null ? [] : [id]));
      return `c.id ${IN_JSON}`;
    }
    case 'area': {
      const inside = `(${areaPredicate(r, rule.area, params)})`;
      return rule.negate ? `NOT ${inside}` : inside;
    }
    default: {
      const never: never = rule;
      throw new Error(`unknown segment rule ${JSON.stringify(never)}`);
    }
  }
}

/**
 * How much a rule costs per contact: columns of the row, then a set built once (members,
 * tags), then lookups per contact (addresses, opt-outs), then the custom fields' JSON. SQLite
 * tests the terms of a WHERE in the order written and stops at the first that decides.
 */
const ruleCost: Record<SegmentRule['kind'], number> = {
  language: 0,
  doNotContact: 0,
  group: 1,
  tags: 1,
  onDuty: 1,
  area: 1,
  reachable: 2,
  field: 3,
};

/** The WHERE clause over `contacts c` for a segment's rules, cheapest first; no rules select nobody. */
function segmentWhere(r: Reader, def: SegmentDefinition): { where: string; params: unknown[] } {
  if (def.rules.length === 0) return { where: '0', params: [] };
  const params: unknown[] = [];
  const ordered = [...def.rules].sort((a, b) => ruleCost[a.kind] - ruleCost[b.kind]);
  const parts = ordered.map((rule) => `(${rulePredicate(r, rule, params)})`);
  return { where: parts.join(def.match === 'all' ? ' AND ' : ' OR '), params };
}

/** Ids of every contact that fits the rules now, ascending: one query. */
export function segmentMemberIds(r: Reader, def: SegmentDefinition): number[] {
  registerFunctions(r.sqlite);
  const { where, params } = segmentWhere(r, def);
  return r.statements.pluck<unknown[], number>(`SELECT c.id FROM contacts c WHERE ${where} ORDER BY c.id`).all(...params);
}

/** How many fit the rules, and the first `limit` of them by name. */
export function segmentPreview(
  r: Reader,
  def: SegmentDefinition,
  limit: number,
): { count: number; members: { id: number; displayName: string }[] } {
  registerFunctions(r.sqlite);
  const { where, params } = segmentWhere(r, def);
  const count = r.statements.pluck<unknown[], number>(`SELECT count(*) FROM contacts c WHERE ${where}`).get(...params) ?? 0;
  const members =
    limit === 0
      ? []
      : r.statements
          .get<unknown[], { id: number; displayName: string }>(
            `SELECT c.id, c.display_name AS displayName FROM contacts c WHERE ${where} ORDER BY c.sort_key, c.id LIMIT ?`,
          )
          .all(...params, limit);
  return { count, members };
}
