// The engine process's way to Electron's safeStorage, which exists only in the main
// process: each request goes to main over the parent port and is answered by id. Calls
// have a timeout and fail, never hang, when main does not answer or the host shuts down.
import type { HostToMain, VaultReply, VaultRequest } from '../common/host-protocol';

export class VaultClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: VaultReply) => void; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly post: (m: HostToMain) => void,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Encrypts a secret for a named slot; the reply value is the sealed text to store. */
  seal(name: string, value: string): Promise<VaultReply> {
    return this.request({ op: 'seal', name, value });
  }

  /** Decrypts a sealed secret; the reply value is `{ value, resealed }`. */
  open(name: string, sealed: string): Promise<VaultReply> {
    return this.request({ op: 'open', name, sealed });
  }

  /** Whether secrets can be stored at all on this machine, and if not, why. */
  status(): Promise<VaultReply> {
    return this.request({ op: 'status' });
  }

  receive(id: number, reply: VaultReply): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(reply);
  }

  failAll(message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.resolve({ ok: false, error: { code: 'UNAVAILABLE', message } });
      this.pending.delete(id);
    }
  }

  private request(request: VaultRequest): Promise<VaultReply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ ok: false, error: { code: 'TIMEOUT', message: `Secure storage did not answer within ${this.timeoutMs / 1000} s.` } });
      }, this.timeoutMs);
      timer.unref?.();
      this.pending.set(id, { resolve, timer });
      try {
        this.post({ type: 'vault-request', id, request });
      } catch (e) {
        this.receive(id, { ok: false, error: { code: 'UNAVAILABLE', message: (e as Error).message } });
      }
    });
  }
}
