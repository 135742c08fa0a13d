// The reads organisation sync's codecs (src/sync/codecs) make of shared tables: which rows
// exist, in a stable order, and the owner of a phone or e-mail row. The rows' full contents
// are read through the tables' own modules (contacts.ts, groups.ts, …).
import type { Reader } from './db';

export const allContactIds = (r: Reader): number[] => r.statements.pluck<[], number>('SELECT id FROM contacts ORDER BY id').all();
export const allGroupIds = (r: Reader): number[] => r.statements.pluck<[], number>('SELECT id FROM contact_groups ORDER BY id').all();
export const allTemplateIds = (r: Reader): number[] => r.statements.pluck<[], number>('SELECT id FROM templates ORDER BY id').all();
export const allAuditIds = (r: Reader): number[] => r.statements.pluck<[], number>('SELECT id FROM audit_log ORDER BY id').all();

export const tagsOfContact = (r: Reader, contactId: number): string[] =>
  r.statements.pluck<[number], string>('SELECT tag FROM contact_tags WHERE contact_id = ? ORDER BY tag').all(contactId);

export const hasTag = (r: Reader, contactId: number, tag: string): boolean =>
  r.statements.pluck<[number, string], number>('SELECT 1 FROM contact_tags WHERE contact_id = ? AND tag = ?').get(contactId, tag) !==
  undefined;

export const allTags = (r: Reader): { contact_id: number; tag: string }[] =>
  r.statements.get<[], { contact_id: number; tag: string }>('SELECT contact_id, tag FROM contact_tags ORDER BY contact_id, tag').all();

export const isMember = (r: Reader, groupId: number, contactId: number): boolean =>
  r.statements
    .pluck<[number, number], number>('SELECT 1 FROM group_members WHERE group_id = ? AND contact_id = ?')
    .get(groupId, contactId) !== undefined;

export const allMemberships = (r: Reader): { group_id: number; contact_id: number }[] =>
  r.statements
    .get<[], { group_id: number; contact_id: number }>('SELECT group_id, contact_id FROM group_members ORDER BY group_id, contact_id')
    .all();

export const allOptOutKeys = (r: Reader): { channel: string; address: string }[] =>
  r.statements.get<[], { channel: string; address: string }>('SELECT channel, address FROM opt_outs ORDER BY channel, address').all();

/** The contact a phone or e-mail row belongs to (undefined when the row is gone). */
export function ownerOfAddress(r: Reader, table: 'contact_phones' | 'contact_emails', id: number): number | undefined {
  return table === 'contact_phones'
    ? r.statements.pluck<[number], number>('SELECT contact_id FROM contact_phones WHERE id = ?').get(id)
    : r.statements.pluck<[number], number>('SELECT contact_id FROM contact_emails WHERE id = ?').get(id);
}
