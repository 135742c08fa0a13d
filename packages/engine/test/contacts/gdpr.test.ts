import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PersonalDataExport } from '@gdial/protocol';
import { startEngine } from '../../src/engine';
import { silentLogger } from '../../src/log';
import { testContext } from './helpers';

describe('GDPR', () => {
  it('exports everything stored about one contact', () => {
    const t = testContext();
    const g = t.groups.create({ name: 'Stab' });
    const c = t.contacts.create({
      firstName: 'Åsa',
      lastName: 'Öberg',
      phones: [{ number: '0701234567' }],
      emails: [{ address: 'Asa@Kommun.se' }],
      groupIds: [g.id],
      customFields: { Skostorlek: 38 },
    });
    t.contacts.update(c.id, { role: 'Stabschef' });
    t.contacts.addOptOut('email', 'asa@kommun.se', 'provider', null);
    const other = t.contacts.create({ displayName: 'Någon annan' });
    const out = t.contacts.exportPersonalData(c.id);
    expect(out.contact).toMatchObject({ displayName: 'Åsa Öberg', role: 'Stabschef', customFields: { Skostorlek: 38 } });
    expect(out.groups).toEqual([{ id: g.id, name: 'Stab' }]);
    expect(out.optOuts).toMatchObject([{ channel: 'email', address: 'asa@kommun.se', source: 'provider' }]);
    expect(out.audit.map((a) => a.action)).toEqual(['contact.created', 'contact.updated']);
    expect(out.audit.every((a) => a.subjectId === String(c.id))).toBe(true);
    expect(JSON.stringify(out)).not.toContain(other.displayName);
  });

  it('erases a contact completely, leaving one audit entry without personal data', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-gdpr-'));
    const file = path.join(dir, 'gdial.db');
    const t = testContext(file);
    const g = t.groups.create({ name: 'Stab' });
    const c = t.contacts.create({
      firstName: 'Gunilla',
      lastName: 'Hemligsson',
      phones: [{ number: '0709876543' }],
      emails: [{ address: 'gunilla.hemligsson@example.se' }],
      tags: ['hemligtagg'],
      notes: 'Hemlig anteckning',
      groupIds: [g.id],
    });
    t.contacts.update(c.id, { role: 'Chef' });
    const res = t.contacts.erase(c.id);
    expect(res.erased).toBe(true);
    const db = t.store.sqlite;
    for (const table of ['contacts', 'contact_phones', 'contact_emails', 'contact_tags', 'group_members']) {
      expect(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get(), table).toBe(0);
    }
    expect(t.contacts.search({ query: 'hemligsson', includeSubgroups: true, sort: 'name', limit: 10 }).total).toBe(0);
    expect(t.contacts.search({ query: '0709876', includeSubgroups: true, sort: 'name', limit: 10 }).total).toBe(0);
    // The FTS index holds no trace of the erased tokens.
    const vocab = db.prepare("CREATE VIRTUAL TABLE temp.v USING fts5vocab(main, 'contacts_fts', 'row')");
    vocab.run();
    expect(db.prepare("SELECT count(*) FROM temp.v WHERE term LIKE 'hemlig%' OR term LIKE '%9876543'").pluck().get()).toBe(0);
    const audit = db.prepare("SELECT action, subject_id AS subjectId, summary FROM audit_log WHERE subject_type = 'contact'").all() as {
      action: string;
      subjectId: string;
      summary: string;
    }[];
    expect(audit).toEqual([
      {
        action: 'contact.erased',
        subjectId: String(c.id),
        summary: expect.stringMatching(/^Contact #\d+ erased on request \(GDPR\); 2 earlier audit entries about it removed$/) as string,
      },
    ]);
    expect(() => t.contacts.get(c.id)).toThrow(/does not exist/);
    expect(() => t.contacts.erase(c.id)).toThrow(/does not exist/);
    t.store.close();
    // Nothing of it is left in the database file or its WAL, not even in free pages.
    const raw = Buffer.concat([
      readFileSync(file),
      ...['-wal'].flatMap((s) => {
        try {
          return [readFileSync(file + s)];
        } catch {
          return [];
        }
      }),
    ]);
    for (const secret of ['Hemligsson', 'Hemlig anteckning', 'gunilla.hemligsson', '+46709876543'])
      expect(raw.includes(Buffer.from(secret)), secret).toBe(false);
  });
});

describe('GDPR over RPC, outputs validated', () => {
  it('exports a contact changed by hand, with its audit entries and their params', async () => {
    const engine = await startEngine({
      dataDir: mkdtempSync(path.join(os.tmpdir(), 'gdial-gdpr-rpc-')),
      logger: silentLogger(),
      signedIn: { displayName: 'Operatör', role: 'admin' },
      validateOutputs: true,
    });
    try {
      const created = await engine.rpc.call('contacts.create', { firstName: 'Åsa', lastName: 'Öberg', phones: [{ number: '0701234567' }] });
      expect(created.ok).toBe(true);
      const id = (created as { value: { id: number } }).value.id;
      expect((await engine.rpc.call('contacts.update', { id, changes: { role: 'Stabschef', tags: ['stab'] } })).ok).toBe(true);
      const out = await engine.rpc.call('contacts.exportPersonalData', { id });
      expect(out).toMatchObject({ ok: true });
      const value = (out as { value: PersonalDataExport }).value;
      expect(value.contact).toMatchObject({ role: 'Stabschef' });
      expect(value.audit.map((a) => a.action)).toEqual(['contact.created', 'contact.updated']);
      expect(value.audit[1]!.params?.id).toBe(id);
      expect(String(value.audit[1]!.params?.fields)).toContain('role');
      // The export itself is audited, with who took it.
      const again = await engine.rpc.call('contacts.exportPersonalData', { id });
      expect((again as { value: PersonalDataExport }).value.audit.at(-1)).toMatchObject({
        action: 'contact.personalDataExported',
        actor: 'Operatör',
        params: { id },
      });
      const erased = await engine.rpc.call('contacts.erase', { id });
      expect(erased).toMatchObject({ ok: true, value: { erased: true } });
    } finally {
      await engine.close();
    }
  });
});
