// A transport-agnostic RPC server for the contract in @gdial/protocol. A transport is
// anything that carries wire messages both ways (a WebSocket in the browser host, an
// Electron MessagePort in the desktop app). Every input is validated against its schema
// on arrival; results and errors travel in the `{ok, value | error}` envelope.
import {
  describeIssues,
  fieldIssues,
  isMethodName,
  methods,
  requestMessage,
  type EventName,
  type EventPayload,
  type MethodName,
  type MethodOutput,
  type MethodParams,
  type Result,
  type RpcErrorBody,
  type WireMessage,
} from '@gdial/protocol';
import { DomainError } from '../errors';
import type { Logger } from '../log';

export interface Transport {
  send(message: WireMessage): void;
  onMessage(handler: (message: unknown) => void): void;
  onClose(handler: () => void): void;
}

export interface CallContext {
  /** Identifies the connected client in logs. */
  readonly sessionId: number;
}

export type Handler<M extends MethodName> = (params: MethodParams<M>, ctx: CallContext) => MethodOutput<M> | Promise<MethodOutput<M>>;

export type Handlers = { [M in MethodName]: Handler<M> };

/** The handlers of one domain: every method whose name starts with one of the prefixes. */
export type HandlersFor<P extends string> = {
  [M in MethodName as M extends `${P}${string}` ? M : never]: Handler<M>;
};

export interface RpcServerOptions {
  logger: Logger;
  /**
   * Whether the signed-in user may call a method: null if so, else the refusal. Asked before
   * validation and before any handler runs (identity service + permissions.ts).
   */
  authorise: (method: MethodName) => DomainError | null;
  /** Check outputs against their schema too (tests); off in production for speed. */
  validateOutputs?: boolean;
}

export class RpcServer {
  private readonly sessions = new Map<number, Transport>();
  private readonly inflight = new Set<Promise<unknown>>();
  private nextSession = 1;
  private closing = false;
  /** While set, calls are refused with this sentence (the engine is restarting on a restored database). */
  private paused: string | null = null;
  private readonly log: Logger;

  constructor(
    private handlers: Handlers,
    private readonly opts: RpcServerOptions,
  ) {
    this.log = opts.logger.child({ module: 'rpc' });
  }

  /** Serves one client over a transport until it closes. */
  attach(transport: Transport): number {
    const sessionId = this.nextSession++;
    this.sessions.set(sessionId, transport);
    transport.onClose(() => this.sessions.delete(sessionId));
    transport.onMessage((raw) => {
      // Each call in a turn of its own, in the order they came: a WebSocket hands over every
      // message of one read at once, and without the turn the answers of quick calls would
      // wait for a slow call that arrived with them (the console's first page of contacts
      // behind counting the members of every group).
      const call = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
        const parsed = requestMessage.safeParse(raw);
        if (!parsed.success) {
          this.log.warn({ sessionId }, 'dropped a malformed RPC message');
          return;
        }
        const { id, method, params } = parsed.data;
        const result = await this.call(method, params, { sessionId });
        if (this.sessions.has(sessionId)) transport.send({ type: 'res', id, result });
      });
      this.inflight.add(call);
      void call.finally(() => this.inflight.delete(call));
    });
    return sessionId;
  }

  /** Calls a method as a client would, returning the envelope (used by transports and tests). */
  async call(method: string, params: unknown, ctx: CallContext = { sessionId: 0 }): Promise<Result<unknown>> {
    if (this.closing) return fail({ code: 'SHUTTING_DOWN', message: 'GDial is shutting down; try again when it has restarted.' });
    if (this.paused !== null) return fail({ code: 'UNAVAILABLE', message: this.paused });
    if (!isMethodName(method)) return fail({ code: 'UNKNOWN_METHOD', message: `Unknown method "${method}"` });
    const refused = this.opts.authorise(method);
    if (refused) return fail(errorBody(refused));
    const spec = methods[method];
    const input = spec.input.safeParse(params ?? {});
    if (!input.success) {
      const issues = fieldIssues(input.error);
      return fail({ code: 'VALIDATION', message: `Invalid input to ${method}: ${describeIssues(issues)}`, details: issues });
    }
    try {
      const handler = this.handlers[method] as (p: unknown, c: CallContext) => unknown;
      const value = await handler(input.data, ctx);
      if (this.opts.validateOutputs) {
        const out = spec.output.safeParse(value);
        if (!out.success) {
          this.log.error({ method, issues: fieldIssues(out.error) }, 'handler returned a value outside its schema');
          return fail({ code: 'INTERNAL', message: `${method} returned an invalid result: ${describeIssues(fieldIssues(out.error))}` });
        }
      }
      return { ok: true, value };
    } catch (err) {
      if (err instanceof DomainError) return fail(errorBody(err));
      this.log.error({ err, method }, 'RPC handler failed');
      return fail({ code: 'INTERNAL', message: `${method} failed unexpectedly: ${(err as Error).message}` });
    }
  }

  /** Pushes an event to every connected client. */
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const t of this.sessions.values()) {
      try {
        t.send({ type: 'event', name, payload });
      } catch (err) {
        this.log.warn({ err, event: name }, 'could not push an event to a client');
      }
    }
  }

  get clientCount(): number {
    return this.sessions.size;
  }

  /**
   * Refuses calls with `message` until `resume`, and waits (bounded) for the ones in flight:
   * the engine swaps its services underneath (a restored database), keeping every session.
   */
  async pause(message: string, timeoutMs = 10_000): Promise<void> {
    this.paused = message;
    const all = Promise.allSettled([...this.inflight]);
    await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  /** Serves calls again, with the handlers of the services built anew. */
  resume(handlers: Handlers): void {
    this.handlers = handlers;
    this.paused = null;
  }

  /** Refuses new calls and waits (bounded) for the ones in flight to answer. */
  async drain(timeoutMs = 10_000): Promise<void> {
    this.closing = true;
    const all = Promise.allSettled([...this.inflight]);
    await Promise.race([all, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }
}

const fail = (error: RpcErrorBody): Result<never> => ({ ok: false, error });

const errorBody = (err: DomainError): RpcErrorBody => ({
  code: err.code,
  message: err.message,
  ...(err.details === undefined ? {} : { details: err.details }),
  ...(err.refusal ? { refusal: err.refusal } : {}),
  ...(err.reasons?.length ? { reasons: err.reasons } : {}),
});
