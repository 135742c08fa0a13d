// The UI's side of the RPC contract. It speaks to the engine over a WebSocket (browser
// host) or an Electron MessagePort (desktop app); both carry the same wire messages.
// Every call has a timeout; calls still open when the connection drops fail with
// UNAVAILABLE instead of hanging. A call can be asked ahead (prefetch): the opening page's
// first question goes out while the page's code is still loading.
import {
  timeoutOf,
  type ErrorCode,
  type EventName,
  type EventPayload,
  type FieldIssue,
  type Refusal,
  type MethodInput,
  type MethodName,
  type MethodOutput,
  type WireMessage,
} from '@gdial/protocol';

export class RpcError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    /** What the engine refused, by code and values (worded by components/refusals.ts). */
    readonly refusal?: Refusal,
    /** Further refusals behind it (a plan's blockers). */
    readonly reasons: Refusal[] = [],
  ) {
    super(message);
    this.name = 'RpcError';
  }

  /** Field problems of a VALIDATION error, for showing next to inputs. */
  get fieldIssues(): FieldIssue[] {
    return this.code === 'VALIDATION' && Array.isArray(this.details) ? (this.details as FieldIssue[]) : [];
  }
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

/** A bidirectional message channel: a WebSocket or a MessagePort behind one shape. */
export interface Channel {
  send(message: WireMessage): void;
  close(): void;
}

export interface ChannelHandlers {
  onOpen(): void;
  onMessage(message: unknown): void;
  onClose(): void;
}

export type ChannelFactory = (handlers: ChannelHandlers) => Channel;

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: RpcError) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** How long an answer asked ahead waits to be taken by the call it was asked for. */
export const PREFETCH_KEPT_MS = 10_000;

interface Prefetched {
  answer: Promise<unknown>;
  /** The answer, once it has arrived. */
  arrived?: { value: unknown };
  /** Events after which the answer may be out of date. */
  until: readonly EventName[];
  timer: ReturnType<typeof setTimeout>;
}

/** Method and params as one string, the same whatever order the params' keys were written in. */
function callKey(method: string, params: unknown): string {
  return `${method} ${JSON.stringify(params, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  )}`;
}

export class RpcClient {
  private channel: Channel | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private retryMs = 500;
  private stopped = false;
  private queue: WireMessage[] = [];
  private readonly prefetched = new Map<string, Prefetched>();
  state: ConnectionState = 'connecting';

  constructor(private readonly factory: ChannelFactory) {
    this.open();
  }

  private open(): void {
    this.setState('connecting');
    this.channel = this.factory({
      onOpen: () => {
        this.retryMs = 500;
        this.setState('open');
        const queued = this.queue;
        this.queue = [];
        for (const m of queued) this.channel?.send(m);
      },
      onMessage: (m) => this.receive(m),
      onClose: () => {
        this.channel = null;
        this.dropPrefetched(() => true);
        this.failAll('The connection to the GDial engine was lost. The call may not have been carried out; check before repeating it.');
        this.setState('closed');
        if (!this.stopped) {
          setTimeout(() => this.open(), this.retryMs);
          this.retryMs = Math.min(this.retryMs * 2, 5000);
        }
      },
    });
  }

  private setState(s: ConnectionState) {
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /**
   * Asks now what a component will ask soon with the same method and params (the opening
   * page's first data, while the page's code loads): the first such call within
   * PREFETCH_KEPT_MS takes this answer instead of asking again. Only a successful answer is
   * taken (otherwise the call asks anew), and none after one of the `until` events, after
   * which it may be out of date, or after the connection dropped.
   */
  prefetch<M extends MethodName>(method: M, params: MethodInput<M>, until: readonly EventName[]): void {
    const key = callKey(method, params);
    if (this.prefetched.has(key)) return;
    const answer = this.call(method, params);
    answer.catch(() => {
      if (this.prefetched.get(key)?.answer === answer) this.prefetched.delete(key);
    });
    const timer = setTimeout(() => this.prefetched.delete(key), PREFETCH_KEPT_MS);
    const entry: Prefetched = { answer, until, timer };
    answer.then(
      (value) => (entry.arrived = { value }),
      () => {},
    );
    this.prefetched.set(key, entry);
  }

  /**
   * The answer asked ahead for exactly this call if it has already arrived, taken as a call
   * would take it (a component can then show it in its first drawing instead of the next).
   */
  takeArrived<M extends MethodName>(method: M, params: MethodInput<M>): MethodOutput<M> | undefined {
    if (this.prefetched.size === 0) return undefined;
    const key = callKey(method, params);
    const ahead = this.prefetched.get(key);
    if (!ahead?.arrived) return undefined;
    this.prefetched.delete(key);
    clearTimeout(ahead.timer);
    return ahead.arrived.value as MethodOutput<M>;
  }

  call<M extends MethodName>(method: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
    const key = this.prefetched.size > 0 ? callKey(method, params) : null;
    const ahead = key === null ? undefined : this.prefetched.get(key);
    if (ahead) {
      this.prefetched.delete(key!);
      clearTimeout(ahead.timer);
      return (ahead.answer as Promise<MethodOutput<M>>).catch(() => this.send(method, params));
    }
    return this.send(method, params);
  }

  private send<M extends MethodName>(method: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
    const id = this.nextId++;
    const timeoutMs = timeoutOf(method);
    return new Promise<MethodOutput<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new RpcError('TIMEOUT', `${method} got no answer within ${Math.round(timeoutMs / 1000)} s.`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      const message: WireMessage = { type: 'req', id, method, params };
      if (this.state === 'open' && this.channel) this.channel.send(message);
      else this.queue.push(message);
    });
  }

  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    const l = listener as (p: unknown) => void;
    set.add(l);
    return () => set.delete(l);
  }

  close(): void {
    this.stopped = true;
    this.channel?.close();
  }

  private receive(raw: unknown): void {
    const m = raw as WireMessage;
    if (m.type === 'res') {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.result.ok) p.resolve(m.result.value);
      else {
        const e = m.result.error;
        p.reject(new RpcError(e.code, e.message, e.details, e.refusal, e.reasons ?? []));
      }
    } else if (m.type === 'event') {
      if (this.prefetched.size > 0) this.dropPrefetched((p) => (p.until as readonly string[]).includes(m.name));
      for (const l of this.listeners.get(m.name) ?? []) l(m.payload);
    }
  }

  private dropPrefetched(which: (p: Prefetched) => boolean): void {
    for (const [key, p] of this.prefetched) {
      if (!which(p)) continue;
      clearTimeout(p.timer);
      this.prefetched.delete(key);
    }
  }

  private failAll(message: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new RpcError('UNAVAILABLE', message));
      this.pending.delete(id);
    }
  }
}

/** The browser host's channel: a WebSocket to /rpc on the page's own host. */
export const webSocketChannel =
  (url: string): ChannelFactory =>
  (h) => {
    const ws = new WebSocket(url);
    ws.onopen = () => h.onOpen();
    ws.onmessage = (ev) => {
      try {
        h.onMessage(JSON.parse(String(ev.data)));
      } catch {
        /* a malformed frame is ignored; the engine only sends JSON */
      }
    };
    ws.onclose = () => h.onClose();
    return { send: (m) => ws.send(JSON.stringify(m)), close: () => ws.close() };
  };

/** The Electron channel: the MessagePort the preload hands the renderer. */
export const messagePortChannel =
  (port: MessagePort): ChannelFactory =>
  (h) => {
    port.onmessage = (ev: MessageEvent) => h.onMessage(ev.data);
    port.start();
    queueMicrotask(() => h.onOpen());
    return { send: (m) => port.postMessage(m), close: () => port.close() };
  };
