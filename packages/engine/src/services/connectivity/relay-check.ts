// "Test connection" for a relay address: one GET of the relay's /healthz, which answers
// without credentials. It says whether this computer reaches a GDial relay there; whether
// the device token is accepted shows in the relay state once the configuration is saved.
import type { RelayCheck } from '@gdial/protocol';
import { httpUrlProblem } from './saved';

export async function checkRelay(url: string, fetchImpl: typeof fetch = fetch, timeoutMs = 8_000): Promise<RelayCheck> {
  const base = url.trim().replace(/\/+$/, '');
  const problem = httpUrlProblem(base);
  if (problem) return { reachable: false, version: null, latencyMs: null, message: `${problem}.` };
  const started = performance.now();
  let res: Response;
  try {
    res = await fetchImpl(`${base}/healthz`, { signal: AbortSignal.timeout(timeoutMs), redirect: 'error' });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    const why = e.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (e.cause?.code ?? e.cause?.message ?? e.message);
    return { reachable: false, version: null, latencyMs: null, message: `The relay could not be reached: ${why}.` };
  }
  const latencyMs = Math.round(performance.now() - started);
  const body = (await res.json().catch(() => null)) as { status?: unknown; version?: unknown } | null;
  if (!res.ok || body?.status !== 'ok') {
    return {
      reachable: false,
      version: null,
      latencyMs,
      message: `Something answered at this address (HTTP ${res.status}), but not a GDial relay's health check. Check the address.`,
    };
  }
  return { reachable: true, version: typeof body.version === 'string' ? body.version : null, latencyMs, message: null };
}
