import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main';

function workdir() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gdial-cli-'));
  const write = (name: string, content: string | Buffer) => writeFileSync(path.join(dir, name), content);
  const env: NodeJS.ProcessEnv = {};
  const run = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s), cwd: dir, isTTY: false, env });
    return { code, out, err };
  };
  return { dir, write, run, env };
}

const good =
  'Förnamn;Efternamn;Mobil;E-post;Grupp;Taggar\nÅsa;Öberg;070-123 45 67;asa@kommun.se;Stab;ledning\nBo;Ek;0702223344;bo@kommun.se;Jour;\n';

describe('gdial CLI', () => {
  it('imports, lists contacts and groups as JSON, and exports', async () => {
    const w = workdir();
    w.write('kontakter.csv', iconv.encode(good, 'windows-1252'));
    const imp = await w.run('contacts', 'import', 'kontakter.csv', '--db', 'g.db', '--operator', 'IT-Kalle');
    expect(imp.code).toBe(0);
    expect(imp.err).toContain('Import completed: 2 created, 0 updated, 0 skipped, 0 row(s) with errors');
    expect(imp.err).toMatch(/Validating 2\/2 rows \(100%\)/);
    const list = await w.run('contacts', 'list', '--db', 'g.db', '--json');
    expect(list.code).toBe(0);
    const contacts = JSON.parse(list.out) as { displayName: string; phones: { e164: string }[] }[];
    expect(contacts.map((c) => [c.displayName, c.phones[0]?.e164])).toEqual([
      ['Bo Ek', '+46702223344'],
      ['Åsa Öberg', '+46701234567'],
    ]);
    const groups = await w.run('groups', 'list', '--db', 'g.db', '--json');
    expect((JSON.parse(groups.out) as { name: string; memberCount: number }[]).map((g) => [g.name, g.memberCount])).toEqual([
      ['Jour', 1],
      ['Stab', 1],
    ]);
    const exp = await w.run('contacts', 'export', 'stab.csv', '--db', 'g.db', '--group', 'stab');
    expect(exp).toMatchObject({ code: 0, err: expect.stringContaining('Exported 1 contact(s)') as string });
    const csv = readFileSync(path.join(w.dir, 'stab.csv'), 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('Åsa;Öberg;Åsa Öberg');
    expect((await w.run('contacts', 'export', 'alla.vcf', '--db', 'g.db', '--format', 'vcard')).code).toBe(0);
    expect(readFileSync(path.join(w.dir, 'alla.vcf'), 'utf8').match(/BEGIN:VCARD/g)).toHaveLength(2);
    const audit = await w.run('contacts', 'list', '--db', 'g.db', '--query', '0701234');
    expect(audit.out).toContain('Åsa Öberg');
  });

  it('encrypts a database in place with the key from GDIAL_DB_KEY, and opens it only with that key', async () => {
    const w = workdir();
    w.write('kontakter.csv', good);
    expect((await w.run('contacts', 'import', 'kontakter.csv', '--db', 'g.db', '--quiet')).code).toBe(0);
    expect((await w.run('database', 'encrypt', '--db', 'g.db')).err).toMatch(/GDIAL_DB_KEY/);
    w.env.GDIAL_DB_KEY = 'kort';
    expect(await w.run('database', 'encrypt', '--db', 'g.db')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/64 hexadecimala tecken/) as string,
    });
    w.env.GDIAL_DB_KEY = 'ab'.repeat(32);
    const enc = await w.run('database', 'encrypt', '--db', 'g.db');
    expect(enc).toMatchObject({ code: 0, out: expect.stringContaining('rows checked') as string });
    expect(enc.err).toMatch(/copying .*\n[\s\S]*replacing 100 %/);
    expect(readFileSync(path.join(w.dir, 'g.db')).includes('Öberg')).toBe(false);
    const list = await w.run('contacts', 'list', '--db', 'g.db', '--json');
    expect((JSON.parse(list.out) as unknown[]).length).toBe(2);
    w.env.GDIAL_DB_KEY = 'cd'.repeat(32);
    expect(await w.run('contacts', 'list', '--db', 'g.db')).toMatchObject({
      code: 3,
      err: expect.stringMatching(/kan inte låsas upp/) as string,
    });
    delete w.env.GDIAL_DB_KEY;
    expect(await w.run('contacts', 'list', '--db', 'g.db')).toMatchObject({
      code: 3,
      err: expect.stringMatching(/ingen nyckel angavs/) as string,
    });
  });

  it('leaves a database file that is complete on its own when an import returns (copied without its -wal)', async () => {
    const w = workdir();
    const lines = ['Namn;Mobil;E-post'];
    for (let i = 0; i < 12_000; i++) lines.push(`Person ${i};070${String(i).padStart(7, '0')};person${i}@example.se`);
    w.write('stor.csv', lines.join('\n'));
    // As a process of its own: when it exits, nothing of it runs on.
    const bin = fileURLToPath(new URL('../../bin/gdial.js', import.meta.url));
    const res = spawnSync(process.execPath, [bin, 'contacts', 'import', path.join(w.dir, 'stor.csv'), '--db', path.join(w.dir, 'g.db')], {
      encoding: 'utf8',
      env: { ...process.env, INIT_CWD: w.dir },
    });
    expect(res.status).toBe(0);
    // What IT staff do next: copy the database file, and only that file.
    const copy = path.join(w.dir, 'kopia.db');
    copyFileSync(path.join(w.dir, 'g.db'), copy);
    const db = new Database(copy, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(12_000);
    } finally {
      db.close();
    }
  });

  it('exits 1 with the per-row report when rows fail, and a dry run writes nothing', async () => {
    const w = workdir();
    w.write('fel.csv', 'Namn;Mobil;E-post\nAnna;0701;anna@x\nBo;0702223344;inte-en-adress\nCilla;0703334455;cilla@x.se\n');
    const dry = await w.run('contacts', 'import', 'fel.csv', '--db', 'g.db', '--dry-run');
    expect(dry.code).toBe(1);
    expect(dry.err).toContain('row 2, column "Mobil" (phones.0.number): "0701" is too short');
    expect(dry.err).toContain(
      'Values that would be left out (their rows are imported):\n  row 3, column "E-post" (emails.0.address): Not a valid e-mail address',
    );
    expect(dry.err).toContain('Dry run: nothing was written.');
    expect(existsSync(path.join(w.dir, 'g.db'))).toBe(false);
    const real = await w.run('contacts', 'import', 'fel.csv', '--db', 'g.db', '--json');
    expect(real.code).toBe(1);
    expect(JSON.parse(real.out)).toMatchObject({
      status: 'completed',
      created: 2,
      errorRows: 1,
      errors: [
        { row: 2, field: 'emails.0.address' },
        { row: 2, field: 'phones.0.number' },
      ],
      warningRows: 1,
      warnings: [{ row: 3, field: 'emails.0.address' }],
    });
    expect(real.err).toContain('Rows not imported:');
    expect(real.err).toContain('Values left out (their rows were imported):');
  });

  it('honours --on-duplicate and --mapping', async () => {
    const w = workdir();
    w.write('a.csv', 'Vem;Nummer;Avd\nAnna;0701234567;Stab\n');
    w.write('b.csv', 'Vem;Nummer;Avd\nAnna Ny;070-123 45 67;Jour\n');
    const mapped = await w.run(
      'contacts',
      'import',
      'a.csv',
      '--db',
      'g.db',
      '--mapping',
      'Vem=displayName,2=phone.mobile,avd=custom.Avdelning',
    );
    expect(mapped.code).toBe(0);
    expect(mapped.err).toContain('1. Vem → displayName (set by --mapping)');
    const skip = await w.run(
      'contacts',
      'import',
      'b.csv',
      '--db',
      'g.db',
      '--mapping',
      'Vem=displayName,Nummer=phone.mobile,Avd=ignore',
      '--on-duplicate',
      'skip',
    );
    expect(skip.err).toContain('Import completed: 0 created, 0 updated, 1 skipped');
    expect(skip.err).toContain('row 2: same phone +46701234567 as contact #1 Anna');
    const update = await w.run(
      'contacts',
      'import',
      'b.csv',
      '--db',
      'g.db',
      '--mapping',
      'Vem=displayName,Nummer=phone.mobile,Avd=ignore',
    );
    expect(update.err).toContain('0 created, 1 updated');
    const list = JSON.parse((await w.run('contacts', 'list', '--db', 'g.db', '--json')).out) as {
      displayName: string;
      customFields: object;
    }[];
    expect(list).toMatchObject([{ displayName: 'Anna Ny', customFields: { Avdelning: 'Stab' } }]);
    expect(await w.run('contacts', 'import', 'a.csv', '--db', 'g.db', '--mapping', 'Okänd=email')).toMatchObject({
      code: 2,
      err: expect.stringContaining('the file has no column "Okänd"') as string,
    });
    expect(await w.run('contacts', 'import', 'a.csv', '--db', 'g.db', '--mapping', 'Vem=shoeSize')).toMatchObject({
      code: 2,
      err: expect.stringContaining('"shoeSize" is not a contact field') as string,
    });
    expect(await w.run('contacts', 'import', 'a.csv', '--db', 'g.db', '--on-duplicate', 'merge')).toMatchObject({ code: 2 });
  });

  it('explains usage errors with exit code 2, help with 0, an unreadable database with 3', async () => {
    const w = workdir();
    expect(await w.run('contacts', 'import', '--help')).toMatchObject({
      code: 0,
      out: expect.stringContaining('--on-duplicate') as string,
    });
    expect(await w.run('contacts', 'export', '--help')).toMatchObject({ code: 0, out: expect.stringContaining('--group') as string });
    expect(await w.run('contacts', 'list', '--help')).toMatchObject({ code: 0 });
    expect(await w.run('groups', 'list', '--help')).toMatchObject({ code: 0 });
    expect(await w.run('--help')).toMatchObject({ code: 0, out: expect.stringContaining('Commands:') as string });
    expect(await w.run()).toMatchObject({ code: 2 });
    expect(await w.run('contacts', 'frobnicate')).toMatchObject({ code: 2, err: expect.stringContaining('Unknown command') as string });
    expect(await w.run('contacts', 'list')).toMatchObject({ code: 2, err: expect.stringContaining('--db <path> is required') as string });
    expect(await w.run('contacts', 'list', '--db', 'nope.db')).toMatchObject({
      code: 2,
      err: expect.stringContaining('There is no database') as string,
    });
    expect(await w.run('contacts', 'list', '--db', 'x.db', '--bogus')).toMatchObject({
      code: 2,
      err: expect.stringContaining("Unknown option '--bogus'") as string,
    });
    w.write('trasig.db', 'not a database '.repeat(200));
    expect(await w.run('groups', 'list', '--db', 'trasig.db')).toMatchObject({
      code: 3,
      // Without a key, a file that is no plaintext database may be encrypted or damaged: both are said.
      err: expect.stringMatching(
        /kan inte läsas: den är krypterad och ingen nyckel angavs \(GDIAL_DB_KEY\), eller så är den skadad/,
      ) as string,
    });
    expect(await w.run('contacts', 'export', 'x.csv', '--db', 'trasig.db', '--group', 'x')).toMatchObject({ code: 3 });
  });

  it('runs as the gdial bin with real exit codes', () => {
    const w = workdir();
    w.write('fel.csv', 'Namn;Mobil\nAnna;0701\n');
    const bin = fileURLToPath(new URL('../../bin/gdial.js', import.meta.url));
    const res = spawnSync(process.execPath, [bin, 'contacts', 'import', path.join(w.dir, 'fel.csv'), '--db', path.join(w.dir, 'g.db')], {
      encoding: 'utf8',
      env: { ...process.env, INIT_CWD: w.dir },
    });
    expect(res.stderr).toContain('row 2, column "Mobil" (phones.0.number): "0701" is too short');
    expect(res.status).toBe(1);
    const ok = spawnSync(process.execPath, [bin, 'groups', 'list', '--db', path.join(w.dir, 'g.db'), '--json'], {
      encoding: 'utf8',
      env: { ...process.env, INIT_CWD: w.dir },
    });
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual([]);
  });
});
