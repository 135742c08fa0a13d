// The console's browser host on the demo world (engine, in-process simulator) for the
// benchmarks that drive it as an operator would, with the two-person rule's threshold out of
// the way (the second person's approval is not part of what they measure), and a call of the
// engine's RPC that throws on a refusal.
import { silentLogger } from '@gdial/engine';
import { startConsole } from '@gdial/desktop/src/web/host';

export async function startDemoConsole(dataDir: string, demoProfile: string) {
  const host = await startConsole({
    port: 0,
    dataDir,
    logger: silentLogger(),
    connectivity: { mode: 'demo' },
    demoProfile,
    approvalRule: { threshold: 1_000_000, testGroupId: null, authorMayApproveTemplates: true },
  });
  const call = async <T>(method: string, params: unknown): Promise<T> => {
    const r = await host.engine.rpc.call(method, params);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.value as T;
  };
  return { host, call };
}
