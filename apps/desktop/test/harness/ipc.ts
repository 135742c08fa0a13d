// The harness's child processes (a relay, each desktop's engine) take commands over Node's
// IPC channel: a request with an id, answered once with a value or an error; a child may
// also send notices of its own (the operations it made, that it is ready).
import { fork, type ChildProcess } from 'node:child_process';

export interface Request {
  id: number;
  cmd: string;
  args?: unknown;
}
export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
export interface Notice {
  notice: string;
  data?: unknown;
}

/** In a child: answers the parent's requests with `handlers` (an unknown command is an error). */
export function serve(handlers: Record<string, (args: never) => unknown>): void {
  // The harness is gone (finished, failed or killed): nothing may outlive it.
  if (!process.connected) process.exit(1);
  process.on('disconnect', () => process.exit(1));
  process.on('message', (raw: Request) => {
    const handler = handlers[raw.cmd] as ((args: unknown) => unknown) | undefined;
    void (async () => {
      let reply: Reply;
      try {
        if (!handler) throw new Error(`unknown command ${raw.cmd}`);
        reply = { id: raw.id, ok: true, value: (await handler(raw.args)) ?? null };
      } catch (err) {
        reply = { id: raw.id, ok: false, error: err instanceof Error ? err.message : String(err) };
      }
      process.send?.(reply);
    })();
  });
}

export const notify = (notice: string, data?: unknown): void => {
  process.send?.({ notice, data } satisfies Notice);
};

/** The parent's side of one child process. */
export class Child {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; cmd: string }>();
  readonly exited: Promise<number | null>;
  private dead = false;

  private constructor(
    readonly proc: ChildProcess,
    readonly label: string,
    onNotice: (n: Notice) => void,
  ) {
    proc.on('message', (m: Reply | Notice) => {
      if ('notice' in m) onNotice(m);
      else {
        const w = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        if (m.ok) w?.resolve(m.value);
        else w?.reject(new Error(`${label} ${w.cmd}: ${m.error}`));
      }
    });
    this.exited = new Promise((resolve) => {
      proc.on('exit', (code) => {
        this.dead = true;
        for (const w of this.waiting.values()) w.reject(new Error(`${label} exited during ${w.cmd}`));
        this.waiting.clear();
        resolve(code);
      });
    });
  }

  /** Starts `script` under tsx with `env`, resolving once it says `ready` (with what it said). */
  static async start(
    script: string,
    label: string,
    env: Record<string, string>,
    onNotice: (n: Notice) => void = () => {},
    timeoutMs = 180_000,
  ): Promise<{ child: Child; ready: unknown }> {
    const proc = fork(script, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let markReady: (v: unknown) => void = () => {};
    const ready = new Promise<unknown>((resolve) => (markReady = resolve));
    const child = new Child(proc, label, (n) => (n.notice === 'ready' ? markReady(n.data) : onNotice(n)));
    let timer: NodeJS.Timeout | undefined;
    const value = await Promise.race([
      ready,
      child.exited.then((code) => {
        throw new Error(`${label} exited (${code}) before it was ready`);
      }),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${label} was not ready within ${timeoutMs} ms`)), timeoutMs))),
    ])
      .catch(async (err: unknown) => {
        await child.kill();
        throw err;
      })
      .finally(() => clearTimeout(timer));
    return { child, ready: value };
  }

  get alive(): boolean {
    return !this.dead;
  }

  request<T>(cmd: string, args?: unknown, timeoutMs = 120_000): Promise<T> {
    if (this.dead) return Promise.reject(new Error(`${this.label} is not running (${cmd})`));
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${this.label} did not answer ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        cmd,
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.send({ id, cmd, args } satisfies Request);
    });
  }

  /** SIGKILL: no shutdown, no flush; resolves when the process is gone. */
  async kill(): Promise<void> {
    if (!this.dead) this.proc.kill('SIGKILL');
    await this.exited;
  }

  /** Asks the child to close cleanly, killing it if it does not within `timeoutMs`. */
  async stop(timeoutMs = 15_000): Promise<void> {
    if (this.dead) return;
    await this.request('close', undefined, timeoutMs).catch(() => {});
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}
