// Resolves a campaign audience to contacts with everything the planner needs (names,
// language, addresses in priority order, do-not-contact flags, custom fields), in a few
// set-based queries so a 100,000-contact audience plans in well under a second.
// It reads the contacts tables directly (their schema is the contract) rather than the
// contacts module's service objects, which are built for one contact at a time.
import type { Audience } from '@gdial/protocol';
import type { Db } from '../store/db';
import { sqliteOf } from './outbox';

export interface AudienceContact {
  id: number;
  displayName: string;
  firstName: string | null;
  lastName: string | null;
  organisation: string | null;
  role: string | null;
  language: 'sv' | 'en';
  whatsapp: string | null;
  telegramChatId: string | null;
  customFields: Record<string, string | number | boolean | null>;
  dnc: { voice: boolean; sms: boolean; email: boolean; whatsapp: boolean; telegram: boolean };
  /** Priority order. */
  phones: { e164: string; label: string; canSms: boolean }[];
  emails: string[];
}

export interface ResolvedAudience {
  /** Contacts the audience selects, in id order, exclusions applied. */
  contacts: AudienceContact[];
  /** Selected before exclusions. */
  selectedCount: number;
  excluded: { id: number; displayName: string; reason: 'excluded' | 'not-in-test-group' }[];
}

/** Ids of the groups and, when asked, every subgroup below them. */
function expandGroups(db: Db, ids: number[], withSubgroups: boolean): number[] {
  if (ids.length === 0) return [];
  if (!withSubgroups) return ids;
  const sqlite = sqliteOf(db);
  const rows = sqlite
    .prepare(
      `WITH RECURSIVE tree(id) AS (SELECT value FROM json_each(?) UNION SELECT g.id FROM contact_groups g JOIN tree t ON g.parent_id = t.id)
       SELECT id FROM tree`,
    )
    .all(JSON.stringify(ids)) as { id: number }[];
  return rows.map((r) => r.id);
}

function membersOf(db: Db, groupIds: number[]): Set<number> {
  if (groupIds.length === 0) return new Set();
  const rows = sqliteOf(db)
    .prepare('SELECT DISTINCT contact_id AS id FROM group_members WHERE group_id IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(groupIds)) as { id: number }[];
  return new Set(rows.map((r) => r.id));
}

function withTags(db: Db, tags: string[]): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  if (tags.length === 0) return out;
  const rows = sqliteOf(db)
    .prepare('SELECT contact_id AS id, tag FROM contact_tags WHERE tag IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(tags)) as { id: number; tag: string }[];
  for (const r of rows) {
    const s = out.get(r.id) ?? new Set<string>();
    s.add(r.tag);
    out.set(r.id, s);
  }
  return out;
}

export function resolveAudience(db: Db, audience: Audience, testGroupId: number | null): ResolvedAudience {
  const sqlite = sqliteOf(db);
  const selected = new Set<number>();
  for (const id of membersOf(db, expandGroups(db, audience.groupIds, audience.includeSubgroups))) selected.add(id);
  if (audience.contactIds.length) {
    const existing = sqlite
      .prepare('SELECT id FROM contacts WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(audience.contactIds)) as { id: number }[];
    for (const r of existing) selected.add(r.id);
  }
  for (const id of withTags(db, audience.tags).keys()) selected.add(id);

  const excludedIds = new Set<number>(audience.excludeContactIds);
  for (const id of membersOf(db, expandGroups(db, audience.excludeGroupIds, true))) excludedIds.add(id);
  for (const id of withTags(db, audience.excludeTags).keys()) excludedIds.add(id);
  if (audience.requireTags.length) {
    const tagged = withTags(db, audience.requireTags);
    for (const id of selected) {
      const have = tagged.get(id);
      if (!have || audience.requireTags.some((t) => !have.has(t))) excludedIds.add(id);
    }
  }

  let targetIds = [...selected];
  const testMembers = testGroupId === null ? null : membersOf(db, expandGroups(db, [testGroupId], true));
  // Test mode sends to the test group only, whoever the audience names.
  if (testMembers) targetIds = [...testMembers];
  const all = loadContacts(db, [...new Set([...targetIds, ...selected])]);
  const byId = new Map(all.map((c) => [c.id, c]));

  const excluded: ResolvedAudience['excluded'] = [];
  const contacts: AudienceContact[] = [];
  if (testMembers) {
    for (const id of selected)
      if (!testMembers.has(id)) excluded.push({ id, displayName: byId.get(id)?.displayName ?? `#${id}`, reason: 'not-in-test-group' });
  }
  for (const id of targetIds.sort((a, b) => a - b)) {
    const c = byId.get(id);
    if (!c) continue;
    if (!testMembers && (excludedIds.has(id) || !matchesFilters(c, audience.filters))) {
      excluded.push({ id, displayName: c.displayName, reason: 'excluded' });
      continue;
    }
    contacts.push(c);
  }
  return { contacts, selectedCount: selected.size, excluded };
}

function matchesFilters(c: AudienceContact, filters: Audience['filters']): boolean {
  for (const f of filters) {
    const v = c.customFields[f.key];
    const present = v !== undefined && v !== null && v !== '';
    switch (f.op) {
      case 'exists':
        if (!present) return false;
        break;
      case 'missing':
        if (present) return false;
        break;
      case 'equals':
        if (!present || String(v).toLocaleLowerCase('sv') !== String(f.value ?? '').toLocaleLowerCase('sv')) return false;
        break;
      case 'not-equals':
        if (present && String(v).toLocaleLowerCase('sv') === String(f.value ?? '').toLocaleLowerCase('sv')) return false;
        break;
      default: {
        const never: never = f.op;
        throw new Error(`unknown filter ${String(never)}`);
      }
    }
  }
  return true;
}

interface ContactSqlRow {
  id: number;
  display_name: string;
  first_name: string | null;
  last_name: string | null;
  organisation: string | null;
  role: string | null;
  language: 'sv' | 'en';
  whatsapp: string | null;
  telegram_chat_id: string | null;
  custom_fields: string;
  dnc_voice: number;
  dnc_sms: number;
  dnc_email: number;
  dnc_whatsapp: number;
  dnc_telegram: number;
}

export function loadContacts(db: Db, ids: number[]): AudienceContact[] {
  if (ids.length === 0) return [];
  const sqlite = sqliteOf(db);
  const json = JSON.stringify(ids);
  const rows = sqlite
    .prepare(
      `SELECT id, display_name, first_name, last_name, organisation, role, language, whatsapp, telegram_chat_id, custom_fields,
              dnc_voice, dnc_sms, dnc_email, dnc_whatsapp, dnc_telegram
         FROM contacts WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`,
    )
    .all(json) as ContactSqlRow[];
  const phones = sqlite
    .prepare(
      'SELECT contact_id, e164, label, can_sms FROM contact_phones WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY contact_id, priority, id',
    )
    .all(json) as { contact_id: number; e164: string; label: string; can_sms: number }[];
  const emails = sqlite
    .prepare(
      'SELECT contact_id, address FROM contact_emails WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY contact_id, priority, id',
    )
    .all(json) as { contact_id: number; address: string }[];
  const out = new Map<number, AudienceContact>();
  for (const r of rows) {
    let custom: AudienceContact['customFields'] = {};
    if (r.custom_fields !== '{}') {
      try {
        custom = JSON.parse(r.custom_fields) as AudienceContact['customFields'];
      } catch {
        custom = {};
      }
    }
    out.set(r.id, {
      id: r.id,
      displayName: r.display_name,
      firstName: r.first_name,
      lastName: r.last_name,
      organisation: r.organisation,
      role: r.role,
      language: r.language,
      whatsapp: r.whatsapp,
      telegramChatId: r.telegram_chat_id,
      customFields: custom,
      dnc: { voice: !!r.dnc_voice, sms: !!r.dnc_sms, email: !!r.dnc_email, whatsapp: !!r.dnc_whatsapp, telegram: !!r.dnc_telegram },
      phones: [],
      emails: [],
    });
  }
  for (const p of phones) out.get(p.contact_id)?.phones.push({ e164: p.e164, label: p.label, canSms: !!p.can_sms });
  for (const e of emails) out.get(e.contact_id)?.emails.push(e.address);
  return [...out.values()];
}

/** Every (channel, address) that must not be contacted. */
export function loadOptOuts(db: Db): Set<string> {
  const rows = sqliteOf(db).prepare('SELECT channel, address FROM opt_outs').all() as { channel: string; address: string }[];
  return new Set(rows.map((r) => `${r.channel}|${r.address.toLowerCase()}`));
}
