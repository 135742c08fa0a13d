import { describe, expect, it } from 'vitest';
import { groupMemberIds, loadContacts, optOutLookup, reach, resolveAudience } from '../../src/contacts';
import { testContext } from './helpers';

function tree() {
  const t = testContext();
  const kommun = t.groups.create({ name: 'Kommunen', colour: '#1c7ed6' });
  const stab = t.groups.create({ name: 'Stab', parentId: kommun.id, description: 'Krisledningens stab' });
  const ledning = t.groups.create({ name: 'Ledning', parentId: stab.id });
  const other = t.groups.create({ name: 'Frivilliga' });
  const c = (name: string, number: string) => t.contacts.create({ displayName: name, phones: [{ number }] }).id;
  const a = c('A', '0701000001');
  const b = c('B', '0701000002');
  const d = c('D', '0701000003');
  const e = c('E', '0701000004');
  t.groups.addMembers(kommun.id, [a]);
  t.groups.addMembers(stab.id, [b, a]);
  t.groups.addMembers(ledning.id, [d]);
  t.groups.addMembers(other.id, [e]);
  return { t, kommun, stab, ledning, other, a, b, d, e };
}

describe('groups', () => {
  it('counts and lists members including subgroups in one query', () => {
    const { t, kommun, stab, ledning, a, b, d } = tree();
    expect(groupMemberIds(t.store.read, kommun.id)).toEqual([a, b, d]);
    expect(groupMemberIds(t.store.read, kommun.id, false)).toEqual([a]);
    expect(groupMemberIds(t.store.read, stab.id)).toEqual([a, b, d]);
    expect(t.groups.list().map((g) => [g.name, g.parentId, g.memberCount, g.totalMemberCount])).toEqual([
      ['Frivilliga', null, 1, 1],
      ['Kommunen', null, 1, 3],
      ['Ledning', stab.id, 1, 1],
      ['Stab', kommun.id, 2, 3],
    ]);
    expect(t.groups.get(ledning.id)).toMatchObject({ name: 'Ledning', memberCount: 1, totalMemberCount: 1 });
  });

  it('keeps the listed counts until a commit changes groups or memberships', () => {
    const { t, kommun, stab, other, a, e } = tree();
    const counts = () => Object.fromEntries(t.groups.list().map((g) => [g.name, g.totalMemberCount]));
    expect(counts()).toEqual({ Frivilliga: 1, Kommunen: 3, Ledning: 1, Stab: 3 });
    // Kept: a membership written behind the store's back (never done) is not counted again.
    t.store.read.sqlite.prepare('DELETE FROM group_members WHERE group_id = ?').run(other.id);
    expect(counts().Frivilliga).toBe(1);
    t.store.read.sqlite
      .prepare('INSERT INTO group_members (group_id, contact_id, added_at) VALUES (?, ?, ?)')
      .run(other.id, e, '2026-01-01');
    // Changes through the store are counted at once.
    t.groups.addMembers(other.id, [a]);
    expect(counts().Frivilliga).toBe(2);
    t.groups.removeMembers(stab.id, [a]);
    expect(counts()).toMatchObject({ Kommunen: 3, Stab: 2 });
    t.contacts.delete([a]);
    expect(counts()).toMatchObject({ Frivilliga: 1, Kommunen: 2 });
    t.groups.delete(kommun.id);
    expect(Object.keys(counts())).not.toContain('Kommunen');
    // A copy each time: changing one does not change the next.
    t.groups.list()[0]!.memberCount = 99;
    expect(t.groups.list()[0]!.memberCount).not.toBe(99);
  });

  it('refuses cycles, unknown parents and duplicate names', () => {
    const { t, kommun, stab, ledning } = tree();
    expect(() => t.groups.update(kommun.id, { parentId: ledning.id })).toThrow(/under itself or one of its own subgroups/);
    expect(() => t.groups.update(stab.id, { parentId: stab.id })).toThrow(/under itself/);
    expect(() => t.groups.create({ name: 'x', parentId: 999 })).toThrow(/Group 999 does not exist/);
    expect(() => t.groups.create({ name: 'stab' })).toThrow(/already exists/);
    expect(() => t.groups.create({ name: 'Färg', colour: 'blue' })).toThrow(/colour/);
    // Moving a group elsewhere in the tree is fine.
    expect(t.groups.update(ledning.id, { parentId: kommun.id, name: 'Ledningen' })).toMatchObject({
      parentId: kommun.id,
      name: 'Ledningen',
    });
  });

  it('adds and removes members in bulk, refusing unknown contacts without writing', () => {
    const { t, other, a, b, d } = tree();
    expect(t.groups.addMembers(other.id, [a, b, a])).toBe(2);
    expect(t.groups.addMembers(other.id, [a])).toBe(0);
    expect(() => t.groups.addMembers(other.id, [d, 999])).toThrow(/#999/);
    expect(t.groups.get(other.id).memberCount).toBe(3);
    expect(t.groups.removeMembers(other.id, [a, b, 999])).toBe(2);
    expect(t.groups.get(other.id).memberCount).toBe(1);
  });

  it('deleting a group moves its subgroups up and keeps its members as contacts', () => {
    const { t, kommun, stab, ledning, a } = tree();
    t.groups.delete(stab.id);
    expect(t.groups.get(ledning.id).parentId).toBe(kommun.id);
    expect(t.contacts.get(a).groupIds).toEqual([kommun.id]);
    expect(() => t.groups.get(stab.id)).toThrow(/does not exist/);
  });

  it('resolves an audience and where each contact can be reached', () => {
    const { t, stab, other, a, b, d, e } = tree();
    expect(resolveAudience(t.store.read, { groupIds: [stab.id, other.id], contactIds: [a, 999] })).toEqual([a, b, d, e]);
    const anna = t.contacts.create({
      displayName: 'Anna',
      phones: [{ number: '08-123 456 78', label: 'work' }, { number: '0702223344' }],
      emails: [{ address: 'Anna@Example.se' }],
      doNotContact: { whatsapp: true },
      whatsapp: '0702223344',
    });
    t.contacts.addOptOut('sms', '070-222 33 44', 'reply', 'STOPP');
    const [c] = loadContacts(t.store.read, [anna.id]);
    const lookup = optOutLookup(t.store.read);
    expect(reach(c!, 'voice', lookup).addresses.map((x) => [x.address, x.kind, x.blocked])).toEqual([
      ['+46812345678', 'fixedLine', null],
      ['+46702223344', 'mobile', null],
    ]);
    // The fixed line cannot take SMS; the mobile opted out by replying STOPP.
    expect(reach(c!, 'sms', lookup).addresses.map((x) => [x.address, x.blocked])).toEqual([['+46702223344', 'optOut']]);
    expect(reach(c!, 'email', lookup).addresses.map((x) => x.address)).toEqual(['anna@example.se']);
    expect(reach(c!, 'whatsapp', lookup).addresses.map((x) => x.blocked)).toEqual(['doNotContact']);
    expect(reach(c!, 'telegram', lookup).addresses).toEqual([]);
  });
});
