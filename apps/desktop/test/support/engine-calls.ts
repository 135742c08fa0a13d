// What the desktop tests with a real engine and a relay share: an RPC call that throws on a
// refusal, and waiting for a condition with a deadline (never a timed assertion).
import type { Engine } from '@gdial/engine';
import type { MethodInput, MethodName, MethodOutput } from '@gdial/protocol';

export async function call<M extends MethodName>(engine: Engine, m: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
  const res = await engine.rpc.call(m, params);
  if (!res.ok) throw new Error(`${m}: ${res.error.message}`);
  return res.value as MethodOutput<M>;
}

export async function until(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
