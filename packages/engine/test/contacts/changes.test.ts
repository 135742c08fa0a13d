// Every write of the contacts domain records exactly the rows it changed (the store's
// change set, which organisation sync and the search index read): each service write path
// runs under expectExactChanges, which diffs every tracked table against what the
// committed transactions recorded. Includes the rows a delete changes on its own (cascades
// and SET NULLs) and writes that change nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DuplicateMode } from '@gdial/protocol';
import { runCli } from '../../src/cli/main';
import type { Store } from '../../src/store/db';
import { expectExactChanges } from '../support/changes';
import { inline, testContext } from './helpers';

type Ctx = ReturnType<typeof testContext>;

function book(t: Ctx) {
  const top = t.groups.create({ name: 'Kommunen' }).id;
  const stab = t.groups.create({ name: 'Stab', parentId: top }).id;
  const ledning = t.groups.create({ name: 'Ledning', parentId: stab }).id;
  const anna = t.contacts.create({
    firstName: 'Anna',
    lastName: 'Berg',
    phones: [{ number: '070-123 45 67' }, { number: '08-123 456 78', label: 'work' }],
    emails: [{ address: 'Anna.Berg@Kommun.se' }],
    tags: ['jour', 'stab'],
    groupIds: [stab, ledning],
    customFields: { Skostorlek: 38 },
  }).id;
  const bo = t.contacts.create({ firstName: 'Bo', phones: [{ number: '0702223344' }], tags: ['jour'], groupIds: [top] }).id;
  return { top, stab, ledning, anna, bo };
}

/** A campaign that tests with a group, a recipient and an inbox message naming a contact: rows a delete changes on its own. */
function campaignRows(store: Store, contactId: number, testGroupId: number): void {
  const s = store.sqlite;
  const template = Number(s.prepare("INSERT INTO templates (name) VALUES ('Larm')").run().lastInsertRowid);
  const campaign = Number(
    s
      .prepare(
        "INSERT INTO campaigns (name, priority, template_id, settings, created_by, test_group_id) VALUES ('Övning', 1, ?, '{}', 'Test', ?)",
      )
      .run(template, testGroupId).lastInsertRowid,
  );
  s.prepare("INSERT INTO campaign_recipients (campaign_id, contact_id, display_name, language) VALUES (?, ?, 'Anna', 'sv')").run(
    campaign,
    contactId,
  );
  s.prepare(
    "INSERT INTO inbox_messages (received_at, channel, from_address, text, contact_id) VALUES ('2026-01-01T00:00:00Z', 'sms', '+46701234567', 'Hej', ?)",
  ).run(contactId);
}

describe('the contacts domain records exactly what it changes', () => {
  it('creating, updating and deleting contacts', async () => {
    const t = testContext();
    const { top, stab, anna } = book(t);
    await expectExactChanges(t.store, () =>
      t.contacts.create({ displayName: 'Cilla', phones: [{ number: '0703334455' }], tags: ['it', 'it'], groupIds: [top, stab] }),
    );
    // Fields, numbers, addresses, tags and groups all change; one tag and one group stay.
    await expectExactChanges(t.store, () =>
      t.contacts.update(anna, {
        role: 'Stabschef',
        phones: [{ number: '070-123 45 67' }, { number: '0709998877' }],
        emails: [],
        tags: ['stab', 'ledning'],
        groupIds: [stab, top],
      }),
    );
    // No field changes: the last change moves even so, and tags and groups are left as they are.
    const same = await expectExactChanges(t.store, () => t.contacts.update(anna, {}));
    expect(same.changes.filter((c) => c.table === 'contact_tags' || c.table === 'group_members')).toEqual([]);
    campaignRows(t.store, anna, stab);
    const deleted = await expectExactChanges(t.store, () => t.contacts.delete([anna, 999]));
    expect(deleted.changes.filter((c) => c.table === 'campaign_recipients' || c.table === 'inbox_messages')).toHaveLength(2);
  });

  it('tags, do-not-contact and opt-outs', async () => {
    const t = testContext();
    const { anna, bo } = book(t);
    await expectExactChanges(t.store, () => t.contacts.addTags([anna, bo], ['jour', 'ny']));
    await expectExactChanges(t.store, () => t.contacts.addTags([anna], ['jour']));
    await expectExactChanges(t.store, () => t.contacts.removeTags([anna, bo], ['jour', 'saknas']));
    await expectExactChanges(t.store, () => t.contacts.setDoNotContact([anna, bo], 'sms', true));
    await expectExactChanges(t.store, () => t.contacts.setDoNotContact([anna, bo], 'sms', true));
    await expectExactChanges(t.store, () => t.contacts.setDoNotContact([bo], 'sms', false));
    await expectExactChanges(t.store, () => t.contacts.addOptOut('sms', '070-222 33 44', 'operator', 'Ringde och bad om det'));
    await expectExactChanges(t.store, () => t.contacts.addOptOut('sms', '0702223344', 'reply', null));
    await expectExactChanges(t.store, () => t.contacts.removeOptOut('sms', '+46702223344'));
    await expectExactChanges(t.store, () => t.contacts.removeOptOut('sms', '+46702223344'));
  });

  it('a GDPR erasure; reading changes nothing, and each export of personal data records one audit entry', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-changes-'));
    try {
      const t = testContext(path.join(dir, 'gdial.db'));
      const { anna, stab } = book(t);
      t.contacts.update(anna, { role: 'Chef' });
      campaignRows(t.store, anna, stab);
      const reads = await expectExactChanges(t.store, async () => {
        t.contacts.search({ query: 'ann', includeSubgroups: true, sort: 'name', limit: 10 });
        t.contacts.exportPersonalData(anna);
        await t.contacts.export({ format: 'csv', delimiter: ';', scope: { kind: 'all' } });
        await t.contacts.export({ format: 'vcard', delimiter: ';', scope: { kind: 'group', groupId: stab } });
      });
      // Exports are audited (who took the personal data, when): three entries, nothing else.
      expect(reads.changes.map((c) => `${c.table} ${c.op}`)).toEqual(['audit_log insert', 'audit_log insert', 'audit_log insert']);
      const erased = await expectExactChanges(t.store, () => t.contacts.erase(anna));
      // The entries about her go: created, updated, and the export of her personal data.
      expect(erased.changes.filter((c) => c.table === 'audit_log' && c.op === 'delete')).toHaveLength(3);
      t.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('groups: create, update, delete with subgroups, members and a campaign testing with it', async () => {
    const t = testContext();
    const { top, stab, ledning, anna, bo } = book(t);
    await expectExactChanges(t.store, () => t.groups.create({ name: 'Frivilliga', parentId: top, colour: '#1c7ed6' }));
    await expectExactChanges(t.store, () => t.groups.update(ledning, { name: 'Ledningen', parentId: top }));
    await expectExactChanges(t.store, () => t.groups.update(ledning, {}));
    await expectExactChanges(t.store, () => t.groups.addMembers(stab, [anna, bo]));
    await expectExactChanges(t.store, () => t.groups.addMembers(stab, [anna]));
    await expectExactChanges(t.store, () => t.groups.removeMembers(top, [bo, anna]));
    t.groups.update(ledning, { parentId: stab });
    campaignRows(t.store, anna, stab);
    const deleted = await expectExactChanges(t.store, () => t.groups.delete(stab));
    expect(deleted.changes.find((c) => c.table === 'campaigns')).toMatchObject({ op: 'update', columns: ['test_group_id'] });
  });

  it.each(['create', 'update', 'skip'] as DuplicateMode[])('an import with duplicates set to %s', async (mode) => {
    const t = testContext();
    book(t);
    const csv = [
      'Förnamn;Efternamn;Mobil;E-post;Grupp;Taggar',
      // Anna again (by number), with a new address, group and tag; Bo again by number; two new.
      'Anna;Berg;0701234567;anna@privat.se;Räddning;ny',
      'Bo;;0702223344;;Stab;',
      'Cilla;Ek;0703334455;cilla@kommun.se;Räddning, Stab;jour',
      'Cilla;Ek;0703334455;;;',
      'Dag;;0704445566;dag@kommun.se;;',
    ].join('\n');
    const p = await t.imports.preview({
      source: inline('k.csv', csv),
      format: 'auto',
      encoding: 'auto',
      delimiter: 'auto',
      onDuplicate: mode,
    });
    const { result } = await expectExactChanges(t.store, () => t.imports.run(p.importId, mode));
    expect(result.status).toBe('completed');
  });

  it("the CLI's import", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-changes-cli-'));
    try {
      writeFileSync(path.join(dir, 'k.csv'), 'Förnamn;Mobil;Grupp;Taggar\nÅsa;070-123 45 67;Stab;ledning\nBo;0702223344;Jour;\n');
      const io = { out: () => {}, err: () => {}, cwd: dir, isTTY: false };
      // Twice: the second run matches every row against the contacts the first one wrote.
      for (const file of ['k.csv', 'k.csv']) {
        const checks: Promise<unknown>[] = [];
        const code = await runCli(['contacts', 'import', file, '--db', 'g.db'], {
          ...io,
          watch: (store, work) => {
            const check = expectExactChanges(store, work);
            checks.push(check);
            return check.then((r) => r.result);
          },
        });
        expect(code).toBe(0);
        expect(checks).toHaveLength(1);
        await Promise.all(checks);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
