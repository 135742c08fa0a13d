import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { importPreviewInputSchema } from '@gdial/protocol';
import { exportContacts } from '../../src/contacts/export';
import { cardValues, parseVCards } from '../../src/contacts/import/vcard';
import { inline, testContext } from './helpers';

const v3 = [
  'BEGIN:VCARD',
  'VERSION:3.0',
  'N:Öberg;Åsa;;;',
  'FN:Åsa Öberg',
  'ORG:Räddningstjänsten Syd;Ledning',
  'TITLE:Insatsledare',
  'TEL;TYPE=WORK,VOICE:08-123 456 78',
  'TEL;TYPE=CELL:070-123 45 67',
  'TEL;TYPE=HOME;TYPE=PREF:+46 70 222 33 44',
  'EMAIL;TYPE=INTERNET:asa.oberg@example.se',
  'NOTE:Har nyckel till\\, förrådet\\nRing först',
  'CATEGORIES:Stab,Ledning',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:4.0',
  'FN:Pär Ek',
  'N:Ek;Pär;;;',
  'TEL;VALUE=uri;TYPE="cell,voice";PREF=2:tel:+46703334455',
  'TEL;VALUE=uri;TYPE=work;PREF=1:tel:+46 31 12 34 56',
  'EMAIL:par@example.se',
  'NOTE:En mycket lång anteckning som viks över flera rader eftersom vCard begränsar rad',
  ' längden till sjuttiofem oktetter.',
  'LANG:en',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:2.1',
  'N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:=D6sterberg;G=F6ran',
  'TEL;CELL;VOICE:0704445566',
  'NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Bor i V=C3=A4ster=',
  '=C3=A5s',
  'END:VCARD',
  'BEGIN:VCARD',
  'VERSION:3.0',
  'FN:Trasig',
  'TEL;TYPE=CELL:0701',
  'END:VCARD',
].join('\r\n');

describe('vCard', () => {
  it('reads 2.1, 3.0 and 4.0 cards: folded lines, TYPE spellings, PREF order, quoted-printable', () => {
    const cards = parseVCards(v3);
    expect(cards).toHaveLength(4);
    const values = cards.map(cardValues);
    expect(values[0]).toEqual(
      expect.arrayContaining([
        { field: 'phone.home', value: '+46 70 222 33 44', source: 'TEL;TYPE=home,pref' },
        { field: 'organisation', value: 'Räddningstjänsten Syd, Ledning', source: 'ORG' },
        { field: 'notes', value: 'Har nyckel till, förrådet\nRing först', source: 'NOTE' },
      ]),
    );
    // The preferred number comes first.
    expect(values[0]!.filter((v) => v.field.startsWith('phone.')).map((v) => v.value)[0]).toBe('+46 70 222 33 44');
    expect(values[1]!.filter((v) => v.field.startsWith('phone.')).map((v) => v.value)).toEqual(['+46 31 12 34 56', '+46703334455']);
    expect(values[1]!.find((v) => v.field === 'notes')?.value).toBe(
      'En mycket lång anteckning som viks över flera rader eftersom vCard begränsar radlängden till sjuttiofem oktetter.',
    );
    expect(values[2]).toEqual(
      expect.arrayContaining([
        { field: 'lastName', value: 'Österberg', source: 'N' },
        { field: 'firstName', value: 'Göran', source: 'N' },
        { field: 'notes', value: 'Bor i Västerås', source: 'NOTE' },
      ]),
    );
  });

  it('imports a .vcf with several cards and reports the bad card by its position', async () => {
    const t = testContext();
    const p = await t.imports.preview(importPreviewInputSchema.parse({ source: inline('kontakter.vcf', v3) }));
    expect(p).toMatchObject({ format: 'vcard', delimiter: null, totalRows: 4, validRows: 3, errorRows: 1 });
    expect(p.errors).toEqual([
      {
        row: 4,
        field: 'phones.0.number',
        column: 'TEL;TYPE=cell',
        value: '0701',
        message: '"0701" is too short',
        code: 'phone.tooShort',
        params: { value: '0701' },
      },
    ]);
    await t.imports.run(p.importId, 'update');
    const asa = t.contacts.get(t.contacts.search({ query: 'åsa', includeSubgroups: true, sort: 'name', limit: 1 }).items[0]!.id);
    expect(asa).toMatchObject({ displayName: 'Åsa Öberg', role: 'Insatsledare', tags: ['Ledning', 'Stab'] });
    expect(asa.phones.map((x) => [x.e164, x.label, x.canSms])).toEqual([
      ['+46702223344', 'home', true],
      ['+46812345678', 'work', false],
      ['+46701234567', 'mobile', true],
    ]);
    const par = t.contacts.get(t.contacts.search({ query: 'pär', includeSubgroups: true, sort: 'name', limit: 1 }).items[0]!.id);
    expect(par.language).toBe('en');
    const goran = t.contacts.search({ query: 'göran', includeSubgroups: true, sort: 'name', limit: 1 }).items[0];
    expect(goran?.displayName).toBe('Göran Österberg');
  });

  it('accepts a vCard file in Windows-1252', async () => {
    const t = testContext();
    const text = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Örjan Åström\r\nTEL:0701234567\r\nEND:VCARD\r\n';
    const p = await t.imports.preview(importPreviewInputSchema.parse({ source: inline('x.vcf', iconv.encode(text, 'windows-1252')) }));
    expect(p).toMatchObject({ encoding: 'windows-1252', validRows: 1, sample: [{ displayName: 'Örjan Åström' }] });
  });
});

describe('export', () => {
  function seed() {
    const t = testContext();
    const stab = t.groups.create({ name: 'Stab' });
    const sub = t.groups.create({ name: 'Ledning', parentId: stab.id });
    t.contacts.create({
      firstName: 'Åsa',
      lastName: 'Öberg',
      organisation: 'Räddning; Syd',
      phones: [{ number: '0701234567' }, { number: '08-123 456 78', label: 'work' }],
      emails: [{ address: 'asa@example.se' }],
      tags: ['stab', 'ledning'],
      notes: 'Rad 1\nRad "2"',
      customFields: { Personalnummer: '123' },
      groupIds: [sub.id],
    });
    t.contacts.create({ firstName: 'Bo', lastName: 'Ek', phones: [{ number: '0702223344' }], language: 'en' });
    return { t, stab, sub };
  }

  it('writes CSV for Swedish Excel: BOM, semicolons, CRLF, quoted where needed', async () => {
    const { t } = seed();
    const out = await exportContacts(t.store.read, { format: 'csv', delimiter: ';', scope: { kind: 'all' } });
    const text = out.content.toString('utf8');
    expect(out.content.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(out.count).toBe(2);
    expect(out.fileName).toMatch(/\.csv$/);
    const lines = text.slice(1).split('\r\n');
    expect(lines[0]).toBe(
      'Förnamn;Efternamn;Namn;Organisation;Roll;Mobil;Telefon arbete;Telefon hem;Telefon;E-post;WhatsApp;Telegram;Språk;Grupper;Taggar;Anteckningar;custom.Personalnummer',
    );
    expect(lines[1]).toBe('Bo;Ek;Bo Ek;;;+46702223344;;;;;;;en;;;;');
    expect(text).toContain(
      'Åsa;Öberg;Åsa Öberg;"Räddning; Syd";;+46701234567;+46812345678;;;asa@example.se;;;sv;Ledning;ledning, stab;"Rad 1\nRad ""2""";123',
    );
    const comma = (await exportContacts(t.store.read, { format: 'csv', delimiter: ',', scope: { kind: 'all' } })).content.toString('utf8');
    expect(comma.split('\r\n')[0]).toContain('Förnamn,Efternamn,Namn');
  });

  it('exports a group with its subgroups, or selected ids', async () => {
    const { t, stab } = seed();
    expect(
      (
        await exportContacts(t.store.read, {
          format: 'csv',
          delimiter: ';',
          scope: { kind: 'group', groupId: stab.id, includeSubgroups: true },
        })
      ).count,
    ).toBe(1);
    expect(
      (
        await exportContacts(t.store.read, {
          format: 'csv',
          delimiter: ';',
          scope: { kind: 'group', groupId: stab.id, includeSubgroups: false },
        })
      ).count,
    ).toBe(0);
    expect((await exportContacts(t.store.read, { format: 'vcard', delimiter: ';', scope: { kind: 'ids', ids: [2] } })).count).toBe(1);
  });

  it('round-trips: an exported CSV and vCard import back to the same contacts', async () => {
    for (const format of ['csv', 'vcard'] as const) {
      const { t } = seed();
      const before = t.contacts
        .search({ query: '', includeSubgroups: true, sort: 'name', limit: 10 })
        .items.map((c) => t.contacts.get(c.id));
      const file = await exportContacts(t.store.read, { format, delimiter: ';', scope: { kind: 'all' } });
      const fresh = testContext();
      const p = await fresh.imports.preview(
        importPreviewInputSchema.parse({ source: { kind: 'inline', fileName: file.fileName, dataBase64: file.dataBase64 } }),
      );
      expect(p.errorRows).toBe(0);
      await fresh.imports.run(p.importId, 'update');
      const after = fresh.contacts
        .search({ query: '', includeSubgroups: true, sort: 'name', limit: 10 })
        .items.map((c) => fresh.contacts.get(c.id));
      const shape = (c: (typeof before)[number]) => ({
        displayName: c.displayName,
        firstName: c.firstName,
        lastName: c.lastName,
        organisation: c.organisation,
        notes: c.notes,
        language: c.language,
        phones: c.phones.map((p) => [p.e164, p.label]),
        emails: c.emails.map((e) => e.address),
        tags: c.tags,
        ...(format === 'csv' ? { customFields: c.customFields } : {}),
      });
      expect(after.map(shape)).toEqual(before.map(shape));
      expect(fresh.groups.list().map((g) => g.name)).toEqual(['Ledning']);
    }
  });

  it('exports a large book a chunk at a time, letting other work run in between, in name order with every custom field', async () => {
    const t = testContext();
    const lines = ['Namn;Mobil'];
    for (let i = 0; i < 12_000; i++) lines.push(`Person ${String(11_999 - i).padStart(5, '0')};070${String(i).padStart(7, '0')}`);
    const p = await t.imports.preview(importPreviewInputSchema.parse({ source: inline('stor.csv', lines.join('\n')) }));
    await t.imports.run(p.importId, 'update');
    // A custom field only the last contact by name has: it still gets its column.
    const last = t.contacts.search({ query: 'person 11999', includeSubgroups: true, sort: 'name', limit: 1 }).items[0]!;
    t.contacts.update(last.id, { customFields: { Avdelning: 'Räddning' } });

    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    const out = await exportContacts(t.store.read, { format: 'csv', delimiter: ';', scope: { kind: 'all' } });
    clearInterval(timer);
    expect(turns).toBeGreaterThan(0);
    const rows = out.content.toString('utf8').slice(1).split('\r\n');
    expect(out.count).toBe(12_000);
    expect(rows[0]).toMatch(/;custom\.Avdelning$/);
    expect(rows).toHaveLength(12_002); // header, 12,000 contacts, and the empty string after the last CRLF
    expect(rows[1]).toMatch(/^;;Person 00000;/);
    expect(rows[12_000]).toMatch(/^;;Person 11999;.*;Räddning$/);
    const names = rows.slice(1, -1).map((r) => r.split(';')[2]);
    expect(names).toEqual([...names].sort());
    const vcf = await exportContacts(t.store.read, { format: 'vcard', delimiter: ';', scope: { kind: 'all' } });
    expect(vcf.count).toBe(12_000);
    expect(parseVCards(vcf.content.toString('utf8'))).toHaveLength(12_000);
  });

  it('folds long vCard lines at 75 octets without splitting characters', async () => {
    const t = testContext();
    t.contacts.create({ displayName: 'Åsa', notes: 'ö'.repeat(100) });
    const text = (await exportContacts(t.store.read, { format: 'vcard', delimiter: ';', scope: { kind: 'all' } })).content.toString('utf8');
    for (const line of text.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(
      parseVCards(text)
        .map(cardValues)[0]
        ?.find((v) => v.field === 'notes')?.value,
    ).toBe('ö'.repeat(100));
  });
});
