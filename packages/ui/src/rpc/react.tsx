// React access to the engine: the client, connection state, events, and a small query hook.
import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '@gdial/protocol';
import type { ConnectionState, RpcClient, RpcError } from './client';

const RpcContext = createContext<RpcClient | null>(null);

export function RpcProvider({ client, children }: { client: RpcClient; children: ReactNode }) {
  return <RpcContext.Provider value={client}>{children}</RpcContext.Provider>;
}

export function useRpc(): RpcClient {
  const c = useContext(RpcContext);
  if (!c) throw new Error('useRpc needs an <RpcProvider> above it');
  return c;
}

export function useConnectionState(): ConnectionState {
  const rpc = useRpc();
  const [state, setState] = useState(rpc.state);
  useEffect(() => rpc.onState(setState), [rpc]);
  return state;
}

export function useEvent<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): void {
  const rpc = useRpc();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => rpc.on(name, (p) => ref.current(p)), [rpc, name]);
}

export interface QueryState<T> {
  data: T | undefined;
  error: RpcError | undefined;
  loading: boolean;
  reload: () => void;
}

/** Calls a method when its params change (compared as JSON) and on reload(). */
export function useQuery<M extends MethodName>(
  method: M,
  params: MethodInput<M>,
  opts: { enabled?: boolean } = {},
): QueryState<MethodOutput<M>> {
  const rpc = useRpc();
  const key = JSON.stringify(params);
  const [tick, setTick] = useState(0);
  const [state, setState] = useState<{ data?: MethodOutput<M>; error?: RpcError; loading: boolean }>({ loading: true });
  const enabled = opts.enabled ?? true;
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    // Already loading (the first call): the same state, so no redraw before the answer.
    setState((s) => (s.loading ? s : { ...s, loading: true }));
    rpc.call(method, JSON.parse(key) as MethodInput<M>).then(
      (data) => live && setState({ data, loading: false }),
      (error: RpcError) => live && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [rpc, method, key, tick, enabled]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}
