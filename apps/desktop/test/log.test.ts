import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMainLogger } from '../src/main/log/logger';
import { RotatingFileStream } from '../src/main/log/rotating-file';

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'gdial-log-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const line = (i: number) => JSON.stringify({ i, msg: 'x'.repeat(90) }) + '\n'; // ~110 bytes

describe('rotating log file', () => {
  it('rotates by size, keeps maxFiles old files, and never splits a line', () => {
    const dir = tmp();
    const file = path.join(dir, 'main.log');
    const s = new RotatingFileStream({ file, maxBytes: 1024, maxFiles: 3 });
    for (let i = 0; i < 100; i++) s.write(line(i));
    s.close();
    expect(readdirSync(dir).sort()).toEqual(['main.log', 'main.log.1', 'main.log.2', 'main.log.3']);
    const all: number[] = [];
    for (const f of ['main.log.3', 'main.log.2', 'main.log.1', 'main.log']) {
      const text = readFileSync(path.join(dir, f), 'utf8');
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1024);
      for (const l of text.trimEnd().split('\n')) all.push((JSON.parse(l) as { i: number }).i);
    }
    // The newest lines survive, in order, with nothing lost between the kept files.
    expect(all).toEqual(Array.from({ length: all.length }, (_, k) => 100 - all.length + k));
    expect(all.at(-1)).toBe(99);
  });

  it('continues an existing file after a restart and counts its size', () => {
    const dir = tmp();
    const file = path.join(dir, 'main.log');
    const a = new RotatingFileStream({ file, maxBytes: 1024, maxFiles: 2 });
    for (let i = 0; i < 8; i++) a.write(line(i));
    a.close();
    const b = new RotatingFileStream({ file, maxBytes: 1024, maxFiles: 2 });
    for (let i = 8; i < 11; i++) b.write(line(i));
    b.close();
    expect(existsSync(`${file}.1`)).toBe(true);
    expect(readFileSync(`${file}.1`, 'utf8').split('\n').filter(Boolean)).toHaveLength(9);
  });

  it('reassembles lines from another process split across chunks', () => {
    const dir = tmp();
    const file = path.join(dir, 'engine.log');
    const s = new RotatingFileStream({ file, maxBytes: 1024 * 1024, maxFiles: 1 });
    s.writeChunk('{"a":1}\n{"b"');
    s.writeChunk(Buffer.from(':2}\n{"c":'));
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n{"b":2}\n');
    s.writeChunk('3');
    s.close(); // the unterminated last line is kept
    expect(readFileSync(file, 'utf8')).toBe('{"a":1}\n{"b":2}\n{"c":3\n');
  });

  it('survives a file it cannot write and recovers', () => {
    const dir = tmp();
    const file = path.join(dir, 'main.log');
    mkdirSync(file); // something in the way: the log cannot be opened
    const s = new RotatingFileStream({ file, maxBytes: 4096, maxFiles: 1 });
    expect(() => s.write(line(1))).not.toThrow();
    expect(s.writeErrors).toBe(1);
    rmSync(file, { recursive: true });
    s.write(line(2));
    s.close();
    expect(s.writeErrors).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(line(2));
  });

  it('rejects nonsense settings', () => {
    expect(() => new RotatingFileStream({ file: path.join(tmp(), 'x.log'), maxBytes: 10, maxFiles: 2 })).toThrow(/maxBytes/);
    expect(() => new RotatingFileStream({ file: path.join(tmp(), 'x.log'), maxBytes: 4096, maxFiles: 0 })).toThrow(/maxFiles/);
  });
});

describe('main logger', () => {
  it('writes JSON lines to the rotating file with secrets censored', () => {
    const dir = tmp();
    const file = path.join(dir, 'main.log');
    const dest = new RotatingFileStream({ file, maxBytes: 64 * 1024, maxFiles: 2 });
    const log = createMainLogger({ destination: dest, level: 'info' });
    log.child({ module: 'vault' }).info({ name: 'relay.token', value: 'rly_secret', token: 'abc' }, 'sealed');
    dest.close();
    const entry = JSON.parse(readFileSync(file, 'utf8').trim()) as Record<string, unknown>;
    expect(entry).toMatchObject({ module: 'vault', name: 'relay.token', value: '[redacted]', token: '[redacted]', msg: 'sealed' });
  });

  it('redacts personal data and secrets at any depth, in the bindings of a child logger too', () => {
    const dir = tmp();
    const file = path.join(dir, 'main.log');
    const dest = new RotatingFileStream({ file, maxBytes: 64 * 1024, maxFiles: 2 });
    const log = createMainLogger({ destination: dest, level: 'info' });
    log
      .child({ module: 'updater', caller: { phone: '+46701234567' } })
      .warn({ response: { headers: { Authorization: 'Bearer abcdef123456' } }, list: [{ mail: 'kalle@example.se' }] }, 'failed');
    dest.close();
    const text = readFileSync(file, 'utf8');
    for (const planted of ['46701234567', 'abcdef123456', 'kalle@example.se']) expect(text, planted).not.toContain(planted);
    expect(JSON.parse(text.trim())).toMatchObject({ module: 'updater', msg: 'failed' });
  });
});
