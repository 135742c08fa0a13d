// Who is at the console, for every component: the engine's session state (kept current by
// its `session.changed` event), whether the signed-in role may call a method (the same
// table the engine enforces, protocol/permissions.ts), and the inactivity lock: after the
// configured minutes without a key or pointer the console asks the engine to lock.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { leastRoleFor, mayCall, refusal, type MethodName, type SessionState } from '@gdial/protocol';
import { refusalText } from './components/refusals';
import { useLanguage } from './i18n';
import { useConnectionState, useEvent, useRpc } from './rpc/react';

interface SessionContextValue {
  /** Null until the engine has answered. */
  state: SessionState | null;
  refresh: () => void;
}

const SessionContext = createContext<SessionContextValue>({ state: null, refresh: () => {} });

const ACTIVITY_EVENTS = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;

export function SessionProvider({ children }: { children: ReactNode }) {
  const rpc = useRpc();
  const connection = useConnectionState();
  const [state, setState] = useState<SessionState | null>(null);
  const refresh = useCallback(() => {
    rpc.call('session.current', {}).then(setState, () => {});
  }, [rpc]);
  useEffect(() => {
    if (connection === 'open') refresh();
  }, [connection, refresh]);
  useEvent('session.changed', setState);

  // The inactivity lock.
  const minutes = state?.lockAfterMinutes ?? 0;
  const active = state?.user != null && !state.locked && minutes > 0;
  useEffect(() => {
    if (!active) return;
    let timer = window.setTimeout(lock, minutes * 60_000);
    function lock() {
      rpc.call('session.lock', {}).then(setState, () => {});
    }
    const bump = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(lock, minutes * 60_000);
    };
    for (const e of ACTIVITY_EVENTS) window.addEventListener(e, bump, { passive: true });
    return () => {
      window.clearTimeout(timer);
      for (const e of ACTIVITY_EVENTS) window.removeEventListener(e, bump);
    };
  }, [active, minutes, rpc]);

  const value = useMemo(() => ({ state, refresh }), [state, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export const useSession = (): SessionContextValue => useContext(SessionContext);

/**
 * Whether the signed-in role may call a method, and if not, the reason for a disabled
 * control's tooltip. The engine refuses the call anyway; this only says so before a click.
 */
export function useAllowed(method: MethodName): { allowed: boolean; reason: string | undefined } {
  const { state } = useSession();
  const { language } = useLanguage();
  const role = state?.user?.role ?? null;
  // Before the engine has answered nothing is disabled: the engine still decides.
  if (state === null || mayCall(role, method)) return { allowed: true, reason: undefined };
  // The engine's own refusal, worded as the console words it when the engine sends it.
  const why = refusal('auth.forbidden', { role: role ?? '', need: leastRoleFor(method) ?? '', method });
  return { allowed: false, reason: refusalText(why, language) ?? undefined };
}
