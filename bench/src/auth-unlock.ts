// The desktop's offline unlock for the `auth` bench (unlock_ms): an engine whose
// organisation sign-in succeeds once (leaving the OWASP scrypt verifier, as a real online
// sign-in does) and is then unreachable, so every `session.signIn` over the engine's RPC is
// checked against the verifier on this machine: the relay-unreachable path, the verifier,
// the lockout bookkeeping and the audit entry, as the console calls it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger, startEngine, type OrganisationAuth, type OrganisationSignIn } from '@gdial/engine';
import { percentile, round, type BenchContext } from './context';

const PASSWORD = 'ett långt lösenord för mätningen';

export async function offlineUnlock(count: number, ctx: BenchContext): Promise<Record<string, number>> {
  let online = true;
  const organisation: OrganisationAuth = {
    joined: () => true,
    signIn: (): Promise<OrganisationSignIn> =>
      Promise.resolve(
        online
          ? { ok: true, user: { id: 'u-bench', username: 'bench', displayName: 'Bench', role: 'operator', totpEnabled: false } }
          : { ok: false, unreachable: true, message: 'connect ECONNREFUSED' },
      ),
    signOut: () => Promise.resolve(),
  };
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gdial-bench-unlock-'));
  const engine = await startEngine({ dataDir, logger: silentLogger(), identity: { organisation } });
  try {
    const signIn = async (): Promise<number> => {
      const started = performance.now();
      const res = await engine.rpc.call('session.signIn', { username: 'bench', password: PASSWORD });
      const took = performance.now() - started;
      if (!res.ok) throw new Error(`offline unlock failed: ${res.error.message}`);
      await engine.rpc.call('session.signOut', {});
      return took;
    };
    await signIn(); // the one online sign-in that leaves the verifier
    online = false;
    const unlocks: number[] = [];
    for (let i = 0; i < count; i++) {
      unlocks.push(await signIn());
      if ((i + 1) % 5 === 0) ctx.progress(`unlock ${i + 1}/${count}`);
    }
    return { unlock_ms_p50: round(percentile(unlocks, 50), 1), unlock_ms_p95: round(percentile(unlocks, 95), 1) };
  } finally {
    await engine.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
