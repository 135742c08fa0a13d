// `npm run bench -- auth [--count 20] [--db postgres|pglite]`
// Signing in at the relay over HTTP (device token + password, OWASP scrypt N=2^17, r=8, p=1,
// then the session and tokens written), against the bare password KDF (the same hash
// verification, nothing else) measured in the same run, interleaved so load on the machine
// hits both alike. Prints one line: signin_ms_p50, signin_ms_p95, baseline_kdf_ms_p50, ratio
// (signin p50 / KDF p50: what the relay adds to the KDF that dominates by design).
//
// Hook: the desktop's offline unlock (unlock_ms) joins this line through `extraMeasures`
// below — push a measure that returns { unlock_ms_p50, unlock_ms_p95, … } and it is merged in.
import { randomBytes } from 'node:crypto';
import { signInResponseSchema } from '@gdial/protocol';
import { hashPassword, owaspScrypt, startRelay, verifyPassword } from '@gdial/relay';
import { offlineUnlock } from '../auth-unlock';
import { percentile, round, type BenchContext } from '../context';

const DATABASE_URL = process.env.RELAY_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PASSWORD = 'ett långt lösenord för mätningen';

/** Further measures on the same line (the desktop's offline unlock goes here). */
export const extraMeasures: Array<(count: number, ctx: BenchContext) => Promise<Record<string, number>>> = [offlineUnlock];

export default async function run(ctx: BenchContext): Promise<void> {
  const count = Number(ctx.options.count ?? 20);
  const db = ctx.options.db ?? 'postgres';
  const schema = `bench_auth_${randomBytes(4).toString('hex')}`;
  const relay = await startRelay({
    encryptionKey: randomBytes(32),
    ...(db === 'postgres' ? { databaseUrl: DATABASE_URL, dbSchema: schema, dbAppRole: `${schema}_app` } : {}),
    rateLimitPerSecond: 1_000_000,
    failedAuthBurst: 1_000_000,
    logLevel: 'warn',
  });
  try {
    const created = await relay.admin.createTenant('bench-org', 'Bench');
    if (!created.ok) throw new Error(created.problem);
    const enrolment = await relay.admin.createEnrolment('bench-org');
    if (!enrolment.ok) throw new Error(enrolment.problem);
    const enrolled = await fetch(`${relay.url}/api/v1/devices/enrol`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ enrolmentToken: enrolment.value.token, deviceName: 'Bench' }),
    });
    const { deviceToken } = (await enrolled.json()) as { deviceToken: string };
    const user = await relay.authAdmin.createUser(
      created.tenant.id,
      { username: 'bench', displayName: 'Bench', role: 'operator', password: PASSWORD },
      null,
    );
    if (!user.ok) throw new Error(user.failure.message);
    const storedHash = await hashPassword(PASSWORD, owaspScrypt);

    const signIn = async () => {
      const started = performance.now();
      const res = await fetch(`${relay.url}/api/v1/auth/sign-in`, {
        method: 'POST',
        headers: { authorization: `Bearer ${deviceToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'bench', password: PASSWORD }),
      });
      signInResponseSchema.parse(await res.json());
      return performance.now() - started;
    };
    const kdf = async () => {
      const started = performance.now();
      if (!(await verifyPassword(PASSWORD, storedHash))) throw new Error('baseline hash did not verify');
      return performance.now() - started;
    };
    await signIn(); // warm-up: connections, JIT
    await kdf();
    const signins: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < count; i++) {
      signins.push(await signIn());
      baseline.push(await kdf());
      if ((i + 1) % 5 === 0) ctx.progress(`${i + 1}/${count}`);
    }
    const extra: Record<string, number> = {};
    for (const measure of extraMeasures) Object.assign(extra, await measure(count, ctx));
    const p50 = percentile(signins, 50);
    const base = percentile(baseline, 50);
    ctx.emit({
      name: 'auth',
      db,
      count,
      kdf: 'scrypt N=2^17 r=8 p=1',
      signin_ms_p50: round(p50, 1),
      signin_ms_p95: round(percentile(signins, 95), 1),
      baseline_kdf_ms_p50: round(base, 1),
      ratio: round(p50 / base, 3),
      ...extra,
    });
  } finally {
    await relay.close();
    if (db === 'postgres') {
      const pg = await import('pg');
      const c = new pg.default.Client({ connectionString: DATABASE_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.query(`DROP OWNED BY "${schema}_app"`).catch(() => undefined);
      await c.query(`DROP ROLE IF EXISTS "${schema}_app"`).catch(() => undefined);
      await c.end();
    }
  }
}
