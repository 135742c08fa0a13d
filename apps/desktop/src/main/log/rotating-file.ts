// A log file that rotates by size: gdial.log grows to maxBytes, then becomes gdial.log.1
// (the older ones shift up, the oldest is deleted), and a fresh gdial.log is started.
// Writes are synchronous and whole lines, so a rotation never splits a JSON line and a
// crash loses at most the line being written. A failing disk must not take the app down:
// write errors are counted and the file is reopened on the next write.
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface RotationOptions {
  file: string;
  maxBytes: number;
  /** How many rotated files to keep besides the live one. */
  maxFiles: number;
}

export class RotatingFileStream {
  private fd: number | null = null;
  private size = 0;
  private partial = '';
  writeErrors = 0;

  constructor(private readonly opts: RotationOptions) {
    if (opts.maxBytes < 1024) throw new Error('maxBytes must be at least 1024');
    if (!Number.isInteger(opts.maxFiles) || opts.maxFiles < 1) throw new Error('maxFiles must be a whole number of at least 1');
    mkdirSync(path.dirname(opts.file), { recursive: true });
  }

  /** pino's destination interface: one or more complete JSON lines. */
  write(chunk: string): boolean {
    this.writeText(chunk);
    return true;
  }

  /** Raw output of another process: may end mid-line; the rest waits for the next chunk. */
  writeChunk(chunk: string | Buffer): void {
    const text = this.partial + (typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
    const cut = text.lastIndexOf('\n');
    if (cut === -1) {
      this.partial = text;
      if (this.partial.length > this.opts.maxBytes) this.flushPartial();
      return;
    }
    this.partial = text.slice(cut + 1);
    this.writeText(text.slice(0, cut + 1));
  }

  /** Writes what is left of an unterminated line (at process exit). */
  flushPartial(): void {
    if (this.partial === '') return;
    const rest = this.partial + '\n';
    this.partial = '';
    this.writeText(rest);
  }

  close(): void {
    this.flushPartial();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private writeText(text: string): void {
    if (text === '') return;
    const bytes = Buffer.from(text, 'utf8');
    try {
      this.ensureOpen();
      if (this.size > 0 && this.size + bytes.length > this.opts.maxBytes) this.rotate();
      this.size += writeSync(this.fd!, bytes);
    } catch {
      this.writeErrors++;
      if (this.fd !== null) {
        try {
          closeSync(this.fd);
        } catch {
          /* already gone */
        }
      }
      this.fd = null;
    }
  }

  private ensureOpen(): void {
    if (this.fd !== null) return;
    this.fd = openSync(this.opts.file, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    closeSync(this.fd!);
    this.fd = null;
    const { file, maxFiles } = this.opts;
    rmSync(`${file}.${maxFiles}`, { force: true });
    for (let i = maxFiles - 1; i >= 1; i--) {
      if (existsSync(`${file}.${i}`)) renameSync(`${file}.${i}`, `${file}.${i + 1}`);
    }
    renameSync(file, `${file}.1`);
    this.ensureOpen();
  }
}
