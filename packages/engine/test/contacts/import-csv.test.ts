import { mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import iconv from 'iconv-lite';
import { describe, expect, it, vi } from 'vitest';
import type { DuplicateMode, ImportPreview, ImportPreviewInput } from '@gdial/protocol';
import { importInspectInputSchema, importPreviewInputSchema } from '@gdial/protocol';
import { detectDelimiter, parseCsv, readCsv } from '../../src/contacts/import/csv';
import { decodeText, detectEncoding } from '../../src/contacts/import/decode';
import { autoMap } from '../../src/contacts/import/mapping';
import { DuplicateResolver } from '../../src/contacts/import/duplicates';
import { inline, testContext } from './helpers';

const preview = (
  t: ReturnType<typeof testContext>,
  input: Omit<ImportPreviewInput, 'source'> & { file: string; content: string | Buffer },
) => {
  const { file, content, ...rest } = input;
  return t.imports.preview(importPreviewInputSchema.parse({ ...rest, source: inline(file, content) }));
};

const swedish =
  'Förnamn;Efternamn;Mobil;E-post;Organisation\r\nÅsa;Öberg;070-123 45 67;asa@kommun.se;Räddningstjänsten Syd\r\nPär;Ängström;0702223344;par@kommun.se;Kommunen\r\n';

describe('CSV reading', () => {
  it('parses quoted fields with delimiters, doubled quotes and line breaks', () => {
    const recs = parseCsv('a;b;c\r\n"x;y";"he said ""hej""";"line1\nline2"\n\nlast;;\r\n', ';');
    expect(recs.map((r) => r.fields)).toEqual([
      ['a', 'b', 'c'],
      ['x;y', 'he said "hej"', 'line1\nline2'],
      ['last', '', ''],
    ]);
    expect(recs.map((r) => r.line)).toEqual([1, 2, 5]);
  });

  it.each([
    [';', 'Förnamn;Efternamn;Telefon\nAnna;Svensson, Jr;070-1234567\nBo;Ek;08-123 45 67\n'],
    [',', 'First name,Last name,Phone\nAnna,"Svensson; Jr",070-1234567\nBo,Ek,08-123 45 67\n'],
    ['\t', 'Förnamn\tEfternamn\tTelefon\nAnna\tSvensson, Jr; x\t070-1234567\nBo\tEk\t08-123 45 67\n'],
  ])('detects the %j delimiter', (d, text) => {
    expect(detectDelimiter(text)).toBe(d);
  });

  it("honours Excel's sep= line", () => {
    const doc = readCsv('sep=,\nNamn,Telefon\nAnna;Berg,0701234567\n');
    expect(doc.delimiter).toBe(',');
    expect(doc.records[1]?.fields).toEqual(['Anna;Berg', '0701234567']);
  });

  it('detects encodings: UTF-8 with and without BOM, UTF-16 LE with BOM, Windows-1252', () => {
    const text = 'Förnamn;Efternamn\nÅsa;Öberg\n';
    const utf8 = Buffer.from(text, 'utf8');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(text, 'utf-16le')]);
    const cp1252 = iconv.encode(text, 'windows-1252');
    expect(decodeText(utf8)).toEqual({ text, encoding: 'utf-8' });
    expect(decodeText(bom)).toEqual({ text, encoding: 'utf-8' });
    expect(decodeText(utf16)).toEqual({ text, encoding: 'utf-16le' });
    expect(decodeText(cp1252)).toEqual({ text, encoding: 'windows-1252' });
    expect(detectEncoding(iconv.encode(text, 'utf-16le'))).toBe('utf-16le');
  });

  it('maps Swedish and English headers', () => {
    expect(
      autoMap([
        'Förnamn',
        'Efternamn',
        'Namn',
        'Mobil',
        'Mobiltelefon',
        'Telefon',
        'Arbete',
        'E-post',
        'Epost',
        'Organisation',
        'Företag',
        'Roll',
        'Befattning',
        'Grupp',
        'Taggar',
        'Språk',
        'Okänd',
      ]),
    ).toEqual([
      'firstName',
      'lastName',
      'displayName',
      'phone.mobile',
      'phone.mobile',
      'phone.other',
      'phone.work',
      'email',
      'email',
      'organisation',
      null,
      'role',
      null,
      'groups',
      'tags',
      'language',
      null,
    ]);
    expect(
      autoMap(['First Name', 'Last Name', 'Mobile Phone', 'Business Phone', 'E-mail Address', 'Company', 'Job Title', 'Categories']),
    ).toEqual(['firstName', 'lastName', 'phone.mobile', 'phone.work', 'email', 'organisation', 'role', 'tags']);
  });
});

/** Runs a checked import and says what it did: the dry run's actions, the report's counts, the names then stored (and the contacts). */
async function runAndList(t: ReturnType<typeof testContext>, p: ImportPreview, mode: DuplicateMode) {
  const r = await t.imports.run(p.importId, mode);
  const all = t.contacts.search({ query: '', includeSubgroups: true, sort: 'name', limit: 50 });
  return {
    preview: p.actions,
    report: { created: r.created, updated: r.updated, skipped: r.skipped },
    names: all.items.map((c) => c.displayName),
    all,
  };
}

describe('CSV import', () => {
  it.each([
    ['UTF-8 with BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(swedish, 'utf8')]), 'utf-8'],
    ['UTF-8 without BOM', Buffer.from(swedish, 'utf8'), 'utf-8'],
    ['UTF-16 LE', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(swedish, 'utf-16le')]), 'utf-16le'],
    ['Windows-1252', iconv.encode(swedish, 'windows-1252'), 'windows-1252'],
  ])('imports a Swedish Excel file in %s', async (_name, bytes, encoding) => {
    const t = testContext();
    const p = await preview(t, { file: 'kontakter.csv', content: bytes });
    expect(p).toMatchObject({
      format: 'csv',
      encoding,
      delimiter: ';',
      totalRows: 2,
      validRows: 2,
      errorRows: 0,
      actions: { create: 2, update: 0, skip: 0 },
    });
    expect(p.sample[0]).toMatchObject({
      row: 2,
      displayName: 'Åsa Öberg',
      organisation: 'Räddningstjänsten Syd',
      phones: ['+46701234567'],
    });
    const r = await t.imports.run(p.importId, 'update');
    expect(r).toMatchObject({ status: 'completed', created: 2, errorRows: 0, notAttempted: 0 });
    const found = t.contacts.search({ query: 'ängström', includeSubgroups: true, sort: 'name', limit: 10 });
    expect(found.items.map((i) => i.displayName)).toEqual(['Pär Ängström']);
  });

  it('imports comma and tab separated files with quoted multi-line fields', async () => {
    const t = testContext();
    const comma = 'Name,Phone,Notes,Tags\n"Berg, Anna",070-111 22 33,"Nyckel till\nförrådet, ""blå""","stab,ledning"\n';
    const p1 = await preview(t, { file: 'a.csv', content: comma });
    expect(p1.delimiter).toBe(',');
    await t.imports.run(p1.importId, 'update');
    const tab = 'Förnamn\tEfternamn\tTelefon arbete\nBo\tEk\t08-123 456 78\n';
    const p2 = await preview(t, { file: 'b.txt', content: tab });
    expect(p2.delimiter).toBe('\t');
    await t.imports.run(p2.importId, 'update');
    const all = t.contacts.search({ query: '', includeSubgroups: true, sort: 'name', limit: 10 });
    expect(all.items.map((c) => c.displayName)).toEqual(['Berg, Anna', 'Bo Ek']);
    const anna = t.contacts.get(all.items[0]!.id);
    expect(anna.notes).toBe('Nyckel till\nförrådet, "blå"');
    expect(anna.tags).toEqual(['ledning', 'stab']);
    const bo = t.contacts.get(all.items[1]!.id);
    expect(bo.phones).toMatchObject([{ e164: '+46812345678', label: 'work', kind: 'fixedLine', canSms: false }]);
  });

  it('inspects a file for the mapping step without checking its rows, as the preview reads it', async () => {
    const t = testContext();
    const csv = 'Förnamn;Mobil;Okänd\nÅsa;0701234567;x\n;;\nBo;070-12;y\n\nPär;0702223344;\n';
    const bytes = iconv.encode(csv, 'windows-1252');
    const inspection = t.imports.inspect(importInspectInputSchema.parse({ source: inline('lista.csv', bytes) }));
    expect(inspection).toEqual({
      fileName: 'lista.csv',
      format: 'csv',
      encoding: 'windows-1252',
      delimiter: ';',
      columns: [
        { index: 0, header: 'Förnamn', field: 'firstName', automatic: true, samples: ['Åsa', 'Bo', 'Pär'] },
        { index: 1, header: 'Mobil', field: 'phone.mobile', automatic: true, samples: ['0701234567', '070-12', '0702223344'] },
        { index: 2, header: 'Okänd', field: null, automatic: true, samples: ['x', 'y'] },
      ],
      // The record with only separators has nothing in it; Bo's bad number is not looked at.
      totalRows: 3,
    });
    expect(t.events.filter((e) => e.name === 'contacts.import.progress')).toEqual([]);
    // The preview reads the file the same way, and checks the rows too.
    const p = await preview(t, { file: 'lista.csv', content: bytes });
    const { fileName, format, encoding, delimiter, columns, totalRows } = p;
    expect({ fileName, format, encoding, delimiter, columns, totalRows }).toEqual(inspection);
    expect(p).toMatchObject({ validRows: 2, errorRows: 1 });

    const vcf = 'BEGIN:VCARD\nVERSION:3.0\nFN:Anna\nTEL:0701234567\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Bo\nEND:VCARD\n';
    expect(t.imports.inspect(importInspectInputSchema.parse({ source: inline('a.vcf', vcf) }))).toMatchObject({
      format: 'vcard',
      delimiter: null,
      columns: [],
      totalRows: 2,
    });
    expect(() => t.imports.inspect(importInspectInputSchema.parse({ source: inline('tom.csv', '') }))).toThrow(/empty/);
  });

  it('lets go of the dry run a new one replaces', async () => {
    const t = testContext();
    const csv = 'Namn;Mobil\nAnna;0701234567\n';
    const first = await preview(t, { file: 'x.csv', content: csv });
    const second = await preview(t, { file: 'x.csv', content: csv, onDuplicate: 'skip', replaces: first.importId });
    await expect(t.imports.run(first.importId, 'update')).rejects.toThrow(/not waiting to run/);
    // A replacing dry run that fails leaves the one before it ready to import.
    await expect(
      preview(t, { file: 'x.csv', content: csv, mapping: [{ column: 7, field: 'email' }], replaces: second.importId }),
    ).rejects.toThrow(/mapping.0.column/);
    expect(await t.imports.run(second.importId, 'skip')).toMatchObject({ status: 'completed', created: 1 });
  });

  it('lets the operator override the header mapping', async () => {
    const t = testContext();
    const csv = 'Vem;Tfn;Extra\nAnna;0701234567;Stab\n';
    const auto = await preview(t, { file: 'x.csv', content: csv });
    expect(auto.columns.map((c) => c.field)).toEqual([null, 'phone.other', null]);
    const p = await preview(t, {
      file: 'x.csv',
      content: csv,
      mapping: [
        { column: 0, field: 'displayName' },
        { column: 1, field: 'phone.mobile' },
        { column: 2, field: 'custom.Avdelning' },
      ],
    });
    expect(p.columns.map((c) => [c.field, c.automatic])).toEqual([
      ['displayName', false],
      ['phone.mobile', false],
      ['custom.Avdelning', false],
    ]);
    await t.imports.run(p.importId, 'update');
    const c = t.contacts.get(t.contacts.search({ query: 'anna', includeSubgroups: true, sort: 'name', limit: 1 }).items[0]!.id);
    expect(c).toMatchObject({ displayName: 'Anna', customFields: { Avdelning: 'Stab' }, phones: [{ label: 'mobile' }] });
    await expect(preview(t, { file: 'x.csv', content: csv, mapping: [{ column: 9, field: 'email' }] })).rejects.toThrow(/mapping.0.column/);
  });

  it('reports bad rows with row number, field, column and reason, and imports the rest', async () => {
    const t = testContext();
    const csv = [
      'Förnamn;Mobil;E-post;Språk',
      'Anna;070-123 45 67;anna@x.se;sv',
      'Bo;0701;bo@x.se;sv',
      'Cilla;0702223344;inte-en-adress;en',
      ';;;',
      'David;0703334455;david@x.se;klingon',
      'Erik;0701;erik@;sv',
      ';;;sv',
      'Fia;0701;erik@;klingon',
    ].join('\n');
    const p = await preview(t, { file: 'fel.csv', content: csv });
    expect(p.totalRows).toBe(7);
    expect(p.validRows).toBe(4);
    expect(p.errorRows).toBe(3);
    const tooShort = {
      field: 'phones.0.number',
      column: 'Mobil',
      value: '0701',
      message: '"0701" is too short',
      code: 'phone.tooShort',
      params: { value: '0701' },
    };
    const badEmail = (value: string) => ({
      field: 'emails.0.address',
      column: 'E-post',
      value,
      message: 'Not a valid e-mail address',
      code: 'format.invalid',
    });
    const klingon = {
      field: 'language',
      column: 'Språk',
      value: 'klingon',
      message: '"klingon" is not a language GDial speaks (sv or en)',
      code: 'language.unknown',
      params: { value: 'klingon' },
    };
    // Not imported: nothing to reach the person by would be left, or nothing names them.
    expect(p.errors).toEqual([
      { row: 7, ...badEmail('erik@') },
      { row: 7, ...tooShort },
      {
        row: 8,
        field: 'displayName',
        column: null,
        value: null,
        message: 'A contact needs a name, an organisation, a phone number or an e-mail address',
        code: 'contact.nameRequired',
      },
      // The row's language is listed with the rest, so the row is fixed in one go.
      { row: 9, ...klingon },
      { row: 9, ...badEmail('erik@') },
      { row: 9, ...tooShort },
    ]);
    // Imported without the wrong value: Bo by e-mail, Cilla by her mobile, David in Swedish.
    expect(p.warningRows).toBe(3);
    expect(p.warnings).toEqual([
      { row: 3, ...tooShort },
      { row: 4, ...badEmail('inte-en-adress') },
      { row: 6, ...klingon },
    ]);
    expect(p.warningsTruncated).toBe(false);
    expect(p.sample.find((s) => s.row === 4)).toMatchObject({
      action: 'create',
      displayName: 'Cilla',
      phones: ['+46702223344'],
      emails: [],
    });
    expect(p.sample.find((s) => s.row === 7)).toMatchObject({ action: 'error', displayName: 'Erik' });
    const r = await t.imports.run(p.importId, 'update');
    expect(r).toMatchObject({ status: 'completed', created: 4, errorRows: 3, warningRows: 3 });
    expect(r.errors).toHaveLength(6);
    expect(r.warnings.map((w) => [w.row, w.field])).toEqual([
      [3, 'phones.0.number'],
      [4, 'emails.0.address'],
      [6, 'language'],
    ]);
    const find = (q: string) =>
      t.contacts.get(t.contacts.search({ query: q, includeSubgroups: true, sort: 'name', limit: 1 }).items[0]!.id);
    expect(find('cilla')).toMatchObject({ phones: [{ e164: '+46702223344' }], emails: [], language: 'en' });
    expect(find('bo')).toMatchObject({ phones: [], emails: [{ address: 'bo@x.se' }] });
    expect(find('david')).toMatchObject({ language: 'sv', emails: [{ address: 'david@x.se' }] });
    await expect(t.imports.run(p.importId, 'update')).rejects.toThrow(/not waiting to run/);
  });

  it('imports a person without a wrong value only into an existing contact by what was right, and lists the warning once written', async () => {
    const t = testContext();
    const stored = t.contacts.create({ displayName: 'Cilla Ek', phones: [{ number: '0702223344' }], emails: [{ address: 'cilla@x.se' }] });
    const csv = ['Namn;Mobil;E-post;WhatsApp', 'Cilla Ek;0702223344;cilla(at)x.se;0701', 'Dan;0705556677;dan@x.se;'].join('\n');
    const p = await preview(t, { file: 'uppdatera.csv', content: csv });
    expect(p).toMatchObject({ validRows: 2, errorRows: 0, warningRows: 1, actions: { create: 1, update: 1, skip: 0 } });
    expect(p.warnings.map((w) => [w.row, w.field, w.value])).toEqual([
      [2, 'emails.0.address', 'cilla(at)x.se'],
      [2, 'whatsapp', '0701'],
    ]);
    // Skipped as a duplicate: written without nothing, so no warning in the report.
    const skipped = await t.imports.run(p.importId, 'skip');
    expect(skipped).toMatchObject({ created: 1, skipped: 1, warningRows: 0, warnings: [] });
    const again = await preview(t, { file: 'uppdatera.csv', content: csv });
    const r = await t.imports.run(again.importId, 'update');
    expect(r).toMatchObject({ updated: 2, warningRows: 1 });
    // The stored address stays: the file's wrong one was left out, not written over it.
    expect(t.contacts.get(stored.id)).toMatchObject({ emails: [{ address: 'cilla@x.se' }], whatsapp: null });
  });

  it('finds duplicates against stored contacts and within the file, and honours update/skip/create', async () => {
    const csv = [
      'Namn;Mobil;E-post;Taggar',
      'Anna Ny;070-123 45 67;;ny', // same phone as the stored Anna
      'Bo;0702223344;bo@x.se;', // new
      'Bo igen;;BO@x.se;extra', // same e-mail as the row above
      'Cilla;0703334455;;',
    ].join('\n');
    const results: Record<string, unknown> = {};
    for (const mode of ['update', 'skip', 'create'] as const) {
      const t = testContext();
      const anna = t.contacts.create({ firstName: 'Anna', lastName: 'Andersson', phones: [{ number: '0701234567' }], tags: ['gammal'] });
      const p = await preview(t, { file: 'd.csv', content: csv, onDuplicate: mode });
      expect(p.duplicateCount).toBe(2);
      expect(p.duplicates).toEqual([
        { row: 2, by: 'phone', value: '+46701234567', existingContactId: anna.id, existingName: 'Anna Andersson', fileRow: null },
        { row: 4, by: 'email', value: 'bo@x.se', existingContactId: null, existingName: null, fileRow: 3 },
      ]);
      const { all, ...outcome } = await runAndList(t, p, mode);
      results[mode] = outcome;
      if (mode === 'update') {
        const merged = t.contacts.get(anna.id);
        expect(merged.displayName).toBe('Anna Ny');
        expect(merged.tags).toEqual(['gammal', 'ny']);
        const bo = t.contacts.get(all.items.find((c) => c.displayName === 'Bo igen')!.id);
        expect(bo.tags).toEqual(['extra']);
        expect(bo.phones.map((x) => x.e164)).toEqual(['+46702223344']);
      }
    }
    expect(results).toEqual({
      update: {
        preview: { create: 2, update: 2, skip: 0 },
        report: { created: 2, updated: 2, skipped: 0 },
        names: ['Anna Ny', 'Bo igen', 'Cilla'],
      },
      skip: {
        preview: { create: 2, update: 0, skip: 2 },
        report: { created: 2, updated: 0, skipped: 2 },
        names: ['Anna Andersson', 'Bo', 'Cilla'],
      },
      create: {
        preview: { create: 4, update: 0, skip: 0 },
        report: { created: 4, updated: 0, skipped: 0 },
        names: ['Anna Andersson', 'Anna Ny', 'Bo', 'Bo igen', 'Cilla'],
      },
    });
  });

  it('finds duplicates by WhatsApp number (however written) and Telegram id, against stored contacts and within the file', async () => {
    const csv = [
      'Namn;E-post;WhatsApp;Telegram',
      'Eva Ny;eva@x.se;070-111 22 33;', // the stored Eva's WhatsApp number, written another way
      'Filip Ny;;;987654321', // the stored Filip's Telegram id
      'Gun;gun@x.se;+46 (0)70-444 55 66;555', // new
      'Gun igen;gun2@x.se;0046704445566;', // row 4's WhatsApp number, written another way
      'Hans;;;555', // row 4's Telegram id
      'Ida;;0709998877;', // the stored Anna's phone number, but nobody's WhatsApp number: new
    ].join('\n');
    const results: Record<string, unknown> = {};
    for (const mode of ['update', 'skip', 'create'] as const) {
      const t = testContext();
      t.contacts.create({ displayName: 'Anna', phones: [{ number: '0709998877' }] });
      const eva = t.contacts.create({ displayName: 'Eva', whatsapp: '+46 70 111 22 33' });
      const filip = t.contacts.create({ displayName: 'Filip', telegramChatId: '987654321', emails: [{ address: 'filip@x.se' }] });
      const p = await preview(t, { file: 'kanaler.csv', content: csv, onDuplicate: mode });
      expect(p.duplicates).toEqual([
        { row: 2, by: 'whatsapp', value: '+46701112233', existingContactId: eva.id, existingName: 'Eva', fileRow: null },
        { row: 3, by: 'telegram', value: '987654321', existingContactId: filip.id, existingName: 'Filip', fileRow: null },
        { row: 5, by: 'whatsapp', value: '+46704445566', existingContactId: null, existingName: null, fileRow: 4 },
        { row: 6, by: 'telegram', value: '555', existingContactId: null, existingName: null, fileRow: 4 },
      ]);
      const { all, ...outcome } = await runAndList(t, p, mode);
      results[mode] = outcome;
      if (mode === 'update') {
        expect(t.contacts.get(eva.id)).toMatchObject({
          displayName: 'Eva Ny',
          whatsapp: '+46701112233',
          emails: [{ address: 'eva@x.se' }],
        });
        expect(t.contacts.get(filip.id)).toMatchObject({
          displayName: 'Filip Ny',
          telegramChatId: '987654321',
          emails: [{ address: 'filip@x.se' }],
        });
        // Rows 5 and 6 both went into the contact row 4 created.
        const gun = t.contacts.get(all.items.find((c) => c.displayName === 'Hans')!.id);
        expect(gun).toMatchObject({ whatsapp: '+46704445566', telegramChatId: '555' });
        expect(gun.emails.map((e) => e.address)).toEqual(['gun@x.se', 'gun2@x.se']);
      }
    }
    expect(results).toEqual({
      update: {
        preview: { create: 2, update: 4, skip: 0 },
        report: { created: 2, updated: 4, skipped: 0 },
        names: ['Anna', 'Eva Ny', 'Filip Ny', 'Hans', 'Ida'],
      },
      skip: {
        preview: { create: 2, update: 0, skip: 4 },
        report: { created: 2, updated: 0, skipped: 4 },
        names: ['Anna', 'Eva', 'Filip', 'Gun', 'Ida'],
      },
      create: {
        preview: { create: 6, update: 0, skip: 0 },
        report: { created: 6, updated: 0, skipped: 0 },
        names: ['Anna', 'Eva', 'Eva Ny', 'Filip', 'Filip Ny', 'Gun', 'Gun igen', 'Hans', 'Ida'],
      },
    });
  });

  it('creates groups named in the file and puts the contacts in them', async () => {
    const t = testContext();
    t.groups.create({ name: 'Stab' });
    const p = await preview(t, { file: 'g.csv', content: 'Namn;Mobil;Grupp\nAnna;0701234567;stab, Räddning\nBo;0702223344;Räddning\n' });
    expect(p.groupsToCreate).toEqual(['Räddning']);
    const r = await t.imports.run(p.importId, 'update');
    expect(r.groupsCreated).toEqual(['Räddning']);
    expect(t.groups.list().map((g) => [g.name, g.memberCount])).toEqual([
      ['Räddning', 2],
      ['Stab', 1],
    ]);
  });

  it('rolls back a failing batch whole, stops, and says which rows were written', async () => {
    const t = testContext();
    // A constraint the second batch violates, standing in for a disk or database failure.
    t.store.sqlite.exec(
      "CREATE TRIGGER boom BEFORE INSERT ON contacts WHEN NEW.display_name = 'Explodera' BEGIN SELECT RAISE(ABORT, 'disk full'); END",
    );
    const lines = ['Namn;Mobil'];
    for (let i = 0; i < 12_000; i++) lines.push(`${i === 7000 ? 'Explodera' : `Person ${i}`};070${String(i).padStart(7, '0')}`);
    const p = await preview(t, { file: 'stor.csv', content: lines.join('\n') });
    expect(p.validRows).toBe(12_000);
    const r = await t.imports.run(p.importId, 'create');
    expect(r.status).toBe('failed');
    expect(r.failedBatch).toEqual({ fromRow: 5002, toRow: 10_001, message: 'disk full' });
    expect(r.created).toBe(5000);
    expect(r.notAttempted).toBe(7000);
    expect(t.store.sqlite.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(5000);
    expect(t.store.sqlite.prepare('SELECT count(*) FROM contact_phones').pluck().get()).toBe(5000);
    expect(t.contacts.search({ query: 'person', includeSubgroups: true, sort: 'name', limit: 1 }).total).toBe(5000);
  });

  it('lets the write-ahead log grow during an import and copies it back once at the end, on a worker, also after a failure', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-import-wal-'));
    try {
      const t = testContext(path.join(dir, 'gdial.db'));
      const sqlite = t.store.sqlite;
      expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      sqlite.pragma('wal_autocheckpoint = 500');
      const lines = ['Namn;Mobil'];
      for (let i = 0; i < 12_000; i++) lines.push(`${i === 11_000 ? 'Explodera' : `Person ${i}`};070${String(i).padStart(7, '0')}`);
      // The log file's size after each batch's commit: were it copied back in between, the
      // next batch would start writing at the beginning of the file again, and it would stop growing.
      const walSizes: number[] = [];
      const transaction = t.store.transaction.bind(t.store);
      t.store.transaction = (fn) => {
        const out = transaction(fn);
        walSizes.push(statSync(path.join(dir, 'gdial.db-wal')).size);
        return out;
      };
      const p = await preview(t, { file: 'stor.csv', content: lines.join('\n') });
      sqlite.exec(
        "CREATE TRIGGER boom BEFORE INSERT ON contacts WHEN NEW.display_name = 'Explodera' BEGIN SELECT RAISE(ABORT, 'disk full'); END",
      );
      const r = await t.imports.run(p.importId, 'create');
      expect(r.status).toBe('failed');
      expect(r.created).toBe(10_000);
      // The log is copied back on a worker thread after the import returns; automatic
      // checkpoints resume once it is done.
      expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      await vi.waitFor(() => expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(500), { timeout: 10_000 });
      // Everything committed is in the database file, and the log is fully copied back
      // (NOOP only reports: it copies nothing itself).
      const [after] = sqlite.pragma('wal_checkpoint(NOOP)') as { log: number; checkpointed: number }[];
      expect(after!.log).toBeGreaterThan(0);
      expect(after!.checkpointed).toBe(after!.log);
      t.store.close();
      const reopened = testContext(path.join(dir, 'gdial.db'));
      expect(reopened.store.sqlite.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(10_000);
      reopened.store.close();
      expect(walSizes).toHaveLength(2);
      expect(walSizes[1]).toBeGreaterThan(walSizes[0]!);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports progress at most ten times a second, ending with the full count', async () => {
    const t = testContext();
    const lines = ['Namn;Mobil'];
    for (let i = 0; i < 20_000; i++) lines.push(`Person ${i};070${String(i).padStart(7, '0')}`);
    const started = performance.now();
    const p = await preview(t, { file: 'stor.csv', content: lines.join('\n') });
    await t.imports.run(p.importId, 'create');
    const elapsed = performance.now() - started;
    const progress = t.events
      .filter((e) => e.name === 'contacts.import.progress')
      .map((e) => e.payload as { phase: string; processed: number; total: number });
    const writing = progress.filter((e) => e.phase === 'writing');
    expect(writing.at(-1)).toMatchObject({ processed: 20_000, total: 20_000 });
    expect(progress.filter((e) => e.phase === 'validating').at(-1)).toMatchObject({ processed: 20_000, total: 20_000 });
    // Two phases, each at most one event per 100 ms plus its final one.
    expect(progress.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) * 2 + 4);
    expect(t.events.some((e) => e.name === 'contacts.changed')).toBe(true);
  });

  it.each([
    ['into an empty address book', false],
    ['next to contacts stored before', true],
  ])('matches a row against a contact an operator added between two batches, %s', async (_, storedBefore) => {
    const t = testContext();
    if (storedBefore) t.contacts.create({ displayName: 'Sedan tidigare', phones: [{ number: '08-123 45 67' }] });
    const lines = ['Namn;Mobil;E-post'];
    for (let i = 0; i < 12_000; i++) lines.push(`Person ${i};070${String(i).padStart(7, '0')};person${i}@example.se`);
    const p = await preview(t, { file: 'stor.csv', content: lines.join('\n') });
    expect(p.actions).toEqual({ create: 12_000, update: 0, skip: 0 });
    // After the first batch commits, and before the next begins, an operator saves a
    // contact holding the number of a row in the third batch, and another with the
    // address of a row in the second.
    let added: { byPhone: number; byEmail: number } | null = null;
    const emit = t.ctx.events.emit.bind(t.ctx.events);
    t.ctx.events.emit = (name, payload) => {
      emit(name, payload);
      if (name === 'contacts.import.progress' && (payload as { phase: string }).phase === 'writing' && added === null) {
        added = {
          byPhone: t.contacts.create({ displayName: 'Tillagd under importen', phones: [{ number: '070-001 10 00' }] }).id,
          byEmail: t.contacts.create({ displayName: 'Också tillagd', emails: [{ address: 'Person7000@example.se' }] }).id,
        };
      }
    };
    const r = await t.imports.run(p.importId, 'update');
    expect(added).not.toBeNull();
    expect(r).toMatchObject({ status: 'completed', created: 11_998, updated: 2, skipped: 0 });
    const { byPhone, byEmail } = added!;
    // The file's rows were merged into the contacts added meanwhile, not created beside them.
    expect(t.contacts.get(byPhone)).toMatchObject({ displayName: 'Person 11000', emails: [{ address: 'person11000@example.se' }] });
    expect(t.contacts.get(byEmail).phones.map((x) => x.e164)).toEqual(['+46700007000']);
    expect(t.store.sqlite.prepare("SELECT count(*) FROM contact_phones WHERE e164 = '+46700011000'").pluck().get()).toBe(1);
    expect(t.store.sqlite.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(11_998 + 2 + (storedBefore ? 1 : 0));
  });

  it('does not look up stored numbers while the only stored contacts are rows of the same file', async () => {
    const t = testContext();
    const lines = ['Namn;Mobil;E-post'];
    for (let i = 0; i < 12_000; i++) lines.push(`Person ${i};070${String(i).padStart(7, '0')};person${i}@example.se`);
    const p = await preview(t, { file: 'stor.csv', content: lines.join('\n') });
    const lookups = vi.spyOn(DuplicateResolver.prototype, 'prefetch');
    try {
      expect(await t.imports.run(p.importId, 'update')).toMatchObject({ status: 'completed', created: 12_000 });
      expect(lookups).not.toHaveBeenCalled();
    } finally {
      lookups.mockRestore();
    }
  });

  it('matches a row against a contact another connection stored between two batches', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-import-other-'));
    try {
      const file = path.join(dir, 'gdial.db');
      const t = testContext(file);
      const lines = ['Namn;Mobil'];
      for (let i = 0; i < 12_000; i++) lines.push(`Person ${i};070${String(i).padStart(7, '0')}`);
      const p = await preview(t, { file: 'stor.csv', content: lines.join('\n') });
      const other = new Database(file);
      let id: number | null = null;
      const emit = t.ctx.events.emit.bind(t.ctx.events);
      t.ctx.events.emit = (name, payload) => {
        emit(name, payload);
        if (name === 'contacts.import.progress' && (payload as { phase: string }).phase === 'writing' && id === null) {
          id = Number(
            other.prepare("INSERT INTO contacts (display_name, sort_key) VALUES ('Från en annan anslutning', 'från')").run()
              .lastInsertRowid,
          );
          other
            .prepare(
              "INSERT INTO contact_phones (contact_id, e164, label, priority, kind, can_sms) VALUES (?, '+46700011000', 'mobile', 0, 'mobile', 1)",
            )
            .run(id);
        }
      };
      const r = await t.imports.run(p.importId, 'skip');
      other.close();
      expect(r).toMatchObject({ status: 'completed', created: 11_999, skipped: 1 });
      expect(t.store.sqlite.prepare("SELECT contact_id FROM contact_phones WHERE e164 = '+46700011000'").pluck().all()).toEqual([id]);
      t.store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('cancels after the batch in progress, keeping what was committed', async () => {
    const t = testContext();
    const lines = ['Namn;Mobil'];
    for (let i = 0; i < 20_000; i++) lines.push(`Person ${i};070${String(i).padStart(7, '0')}`);
    const p = await preview(t, { file: 'stor.csv', content: lines.join('\n') });
    const running = t.imports.run(p.importId, 'create');
    // run() writes its first batch synchronously, then yields: cancel lands between batches.
    expect(t.imports.cancel(p.importId)).toBe(true);
    expect(t.imports.cancel('another-import')).toBe(false);
    const r = await running;
    expect(r.status).toBe('cancelled');
    expect(r.created).toBeGreaterThan(0);
    expect(r.created % 5000).toBe(0);
    expect(r.created + r.notAttempted).toBe(20_000);
    expect(t.store.sqlite.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(r.created);
    await expect(t.imports.run(p.importId, 'create')).rejects.toThrow(/not waiting to run/);
  });
});

describe('import of addresses, coordinates and consent', () => {
  it('maps Swedish address columns, converts SWEREF 99 TM to WGS 84, and warns about coordinates it cannot use', async () => {
    const t = testContext();
    const csv =
      'Förnamn;Mobil;Gatuadress;Postnummer;Postort;Kommun;N;E;Samtycke SMS\n' +
      'Åsa;0701234567;Vasagatan 1;111 20;Stockholm;Stockholm;6580822;674032;2026-02-01\n' +
      'Bo;0702223344;Storgatan 2;41101;Göteborg;Göteborg;674032;6580822;\n';
    expect(autoMap(csv.split('\n')[0]!.split(';'))).toEqual([
      'firstName',
      'phone.mobile',
      'address.street',
      'address.postcode',
      'address.town',
      'address.municipality',
      'address.swerefN',
      'address.swerefE',
      'consent.sms',
    ]);
    const p = await preview(t, { file: 'adresser.csv', content: csv });
    // Bo's axes are swapped: a warning, and Bo is imported without coordinates.
    expect(p.warnings.map((w) => [w.row, w.field])).toContainEqual([3, 'address.swerefN']);
    await t.imports.run(p.importId, 'update');
    const [bo, asa] = t.contacts
      .search({ query: '', includeSubgroups: true, sort: 'name', limit: 10 })
      .items.map((c) => t.contacts.get(c.id));
    expect(asa!.address).toMatchObject({ street: 'Vasagatan 1', postcode: '11120', town: 'Stockholm', municipality: 'Stockholm' });
    expect(Math.abs(asa!.address.lat! - 59.330231)).toBeLessThan(1e-5);
    expect(Math.abs(asa!.address.lon! - 18.059196)).toBeLessThan(2e-5);
    expect(asa!.consents).toMatchObject([{ channel: 'sms', givenAt: '2026-02-01', method: 'import' }]);
    expect(bo!.address).toMatchObject({ street: 'Storgatan 2', postcode: '41101', lat: null, lon: null });
    expect(bo!.consents).toEqual([]);
  });

  it('takes WGS 84 latitude and longitude with a decimal comma', async () => {
    const t = testContext();
    const p = await preview(t, { file: 'a.csv', content: 'Förnamn;Mobil;Latitud;Longitud\nCia;0701112233;57,7072;11,9668\n' });
    await t.imports.run(p.importId, 'update');
    const cia = t.contacts.get(t.contacts.search({ query: '', includeSubgroups: true, sort: 'name', limit: 1 }).items[0]!.id);
    expect(cia.address).toMatchObject({ lat: 57.7072, lon: 11.9668 });
  });
});
