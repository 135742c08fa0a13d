// Fakes for the Electron-facing interfaces of the main process: a manual clock and a
// scriptable engine process.
import { pino } from 'pino';
import type { MainToHost } from '../../src/common/host-protocol';
import type { EngineProcess, Timers } from '../../src/main/supervisor';

export const quietLogger = () => pino({ level: 'silent' });

/** A clock that only moves when the test says so. */
export class ManualTimers implements Timers {
  private t = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + ms, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  /** Moves time forward, firing due timers in order (timers they set may fire too). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const next = [...this.pending.entries()].filter(([, p]) => p.at <= end).sort((a, b) => a[1].at - b[1].at || a[0] - b[0])[0];
      if (!next) break;
      this.pending.delete(next[0]);
      this.t = next[1].at;
      next[1].fn();
      await flush();
    }
    this.t = end;
    await flush();
  }
  get pendingCount(): number {
    return this.pending.size;
  }
}

export const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

export interface FakePort {
  name: string;
}

/** An engine process whose behaviour the test scripts by calling reply/exit. */
export class FakeEngineProcess implements EngineProcess<FakePort> {
  readonly posted: { message: MainToHost; ports: FakePort[] }[] = [];
  killed = false;
  exited = false;
  private messageListener: (raw: unknown) => void = () => {};
  private exitListener: (code: number) => void = () => {};
  /** What the process does when main posts to it. */
  onPost: (m: MainToHost, self: FakeEngineProcess) => void = () => {};
  /** Whether kill() makes it exit (a wedged process may not). */
  exitsOnKill = true;

  post(message: MainToHost, ports: FakePort[] = []): void {
    if (this.exited) throw new Error('process is gone');
    this.posted.push({ message, ports });
    this.onPost(message, this);
  }
  onMessage(listener: (raw: unknown) => void): void {
    this.messageListener = listener;
  }
  onExit(listener: (code: number) => void): void {
    this.exitListener = listener;
  }
  kill(): void {
    this.killed = true;
    if (this.exitsOnKill) this.exit(-15);
  }
  reply(message: unknown): void {
    this.messageListener(message);
  }
  exit(code: number): void {
    if (this.exited) return;
    this.exited = true;
    this.exitListener(code);
  }
  sent(type: MainToHost['type']) {
    return this.posted.filter((p) => p.message.type === type);
  }
}

export const READY = { type: 'ready', version: '0.1.0', schemaVersion: 3, databasePath: '/data/gdial.db' } as const;
