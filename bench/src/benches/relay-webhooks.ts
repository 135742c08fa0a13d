// `npm run bench -- relay-webhooks [--rate 1000] [--seconds 20] [--concurrency 32] [--sync-rate 200]`
// Signed Twilio status callbacks at a fixed rate into a relay on PostgreSQL (a separate
// process, as deployed), with a WebSocket desktop receiving them: ingest rate and
// webhook→desktop latency. Then the relay's ingest capacity at max rate, against a bare
// express route doing the same INSERT (autocommit, same pool size), measured in the same run.
// Loopback only. Prints one line: ingest_per_s, p50_ms, p99_ms, baseline_per_s, ratio.
// With --sync-rate N, a second desktop pushes organisation-sync operations (contact edits) at
// N per second in small batches, as a desktop pushes after its commits, for the whole of the
// fixed-rate and capacity phases: the relay merges them and logs them into the same log, and
// the first desktop's stream carries them among the webhooks (issue #14: the webhook goal
// must hold with sync traffic on the same relay).
import { webhookOf } from '@gdial/protocol';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';
import express from 'express';
import pg from 'pg';
import twilio from 'twilio';
import WebSocket from 'ws';
import { HybridClock, relayServerMessageSchema, type SyncOp } from '@gdial/protocol';
import { startRelay } from '@gdial/relay';
import { percentile, round, type BenchContext } from '../context';

const DATABASE_URL = process.env.RELAY_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const POOL_SIZE = 10;
const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789';
const RELAY_NODE_FLAGS = '--max-semi-space-size=32';

// ── child process roles ───────────────────────────────────────────────────────────────

async function serveRelay(): Promise<void> {
  const relay = await startRelay({
    encryptionKey: Buffer.from(process.env.BENCH_KEY!, 'base64'),
    databaseUrl: DATABASE_URL,
    dbSchema: process.env.BENCH_SCHEMA!,
    dbAppRole: `${process.env.BENCH_SCHEMA!}_app`,
    rateLimitPerSecond: 1_000_000,
    metricsToken: BENCH_METRICS_TOKEN,
    logLevel: 'warn',
  });
  const slug = 'bench-org';
  const created = await relay.admin.createTenant(slug, 'Bench');
  if (!created.ok) throw new Error(created.problem);
  await relay.admin.setCredentials(slug, { twilioAuthToken: process.env.BENCH_TWILIO_TOKEN! });
  const enrolment = await relay.admin.createEnrolment(slug);
  const syncEnrolment = await relay.admin.createEnrolment(slug);
  if (!enrolment.ok) throw new Error(enrolment.problem);
  if (!syncEnrolment.ok) throw new Error(syncEnrolment.problem);
  process.send?.({ url: relay.url, enrolmentToken: enrolment.value.token, syncEnrolmentToken: syncEnrolment.value.token });
  process.on('disconnect', () => void relay.close().then(() => process.exit(0)));
}

async function serveBaseline(): Promise<void> {
  const schema = process.env.BENCH_SCHEMA!;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: POOL_SIZE, options: `-c search_path=${schema}` });
  await pool.query(`CREATE TABLE IF NOT EXISTS baseline_events (tenant_id uuid NOT NULL, seq bigserial NOT NULL, event_key text NOT NULL, kind text NOT NULL,
    payload jsonb NOT NULL, received_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (tenant_id, seq), UNIQUE (tenant_id, event_key))`);
  const tenant = '00000000-0000-4000-8000-000000000001';
  const app = express();
  app.post('/hooks/:tenant/twilio/message-status', express.raw({ type: () => true }), async (req, res) => {
    const params = Object.fromEntries(new URLSearchParams((req.body as Buffer).toString('utf8')));
    await pool.query('INSERT INTO baseline_events (tenant_id, event_key, kind, payload) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
      tenant,
      `msg:${params.MessageSid}:${params.MessageStatus}`,
      'twilio.message-status',
      JSON.stringify({ type: 'webhook', webhook: { kind: 'twilio.message-status', query: {}, body: params } }),
    ]);
    res.status(204).end();
  });
  const server = app.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    process.send?.({ url: `http://127.0.0.1:${port}` });
  });
  process.on('disconnect', () => void pool.end().then(() => process.exit(0)));
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const role = process.env.BENCH_ROLE;
  await (role === 'relay' ? serveRelay() : serveBaseline());
}

// ── the benchmark ─────────────────────────────────────────────────────────────────────

function child<T>(role: 'relay' | 'baseline', env: Record<string, string>, profileDir?: string): Promise<{ proc: ChildProcess; info: T }> {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${role}`] : [];
  // The relay's V8 settings as `npm run relay` starts it (package.json): a larger young
  // generation, so the garbage of a webhook burst dies young instead of being copied.
  const proc = spawn(process.execPath, [...profile, ...(role === 'relay' ? [RELAY_NODE_FLAGS] : []), '--import', 'tsx', self], {
    env: { ...process.env, ...env, BENCH_ROLE: role },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    proc.once('message', (info) => resolve({ proc, info: info as T }));
    proc.once('exit', (code) => reject(new Error(`${role} process exited with ${code}`)));
  });
}

interface Signed {
  key: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

function signedRequests(base: string, token: string, from: number, count: number): Signed[] {
  const url = `${base}/hooks/bench-org/twilio/message-status?d=bench`;
  return Array.from({ length: count }, (_, k) => {
    const i = from + k;
    const params = { MessageSid: `SM${i}`, MessageStatus: 'delivered', AccountSid: 'AC1', To: '+46701234567', From: '+46700000000' };
    return {
      key: `msg:SM${i}:delivered`,
      url,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(token, url, params),
      },
      body: new URLSearchParams(params).toString(),
    };
  });
}

// Keep-alive connections, as a provider's sender keeps them; beyond 256 in flight requests queue
// here instead of opening ever more sockets against a relay that falls behind.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function send(r: Signed): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      r.url,
      { method: 'POST', agent, headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) } },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode! < 300 ? resolve() : reject(new Error(`webhook answered ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}

/** Closed loop: `concurrency` requests always in flight for `seconds`; returns requests per second. */
async function maxRate(requests: Signed[], concurrency: number, seconds: number): Promise<number> {
  let next = 0;
  let done = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until && next < requests.length) {
        await send(requests[next++]!);
        done++;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

export default async function relayWebhooks(ctx: BenchContext): Promise<void> {
  const rate = Number(ctx.options.rate ?? 1000);
  const seconds = Number(ctx.options.seconds ?? 20);
  const concurrency = Number(ctx.options.concurrency ?? 32);
  const capacitySeconds = Number(ctx.options['capacity-seconds'] ?? 5);
  const syncRate = Number(ctx.options['sync-rate'] ?? 0);
  const schema = `relay_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const env = { BENCH_SCHEMA: schema, BENCH_KEY: randomBytes(32).toString('base64'), BENCH_TWILIO_TOKEN: randomBytes(16).toString('hex') };
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  const procs: ChildProcess[] = [];
  try {
    ctx.progress(`starting relay on PostgreSQL (schema ${schema})`);
    // --profile-dir DIR writes CPU profiles of the relay and baseline processes there.
    const relay = await child<{ url: string; enrolmentToken: string; syncEnrolmentToken: string }>(
      'relay',
      env,
      ctx.options['profile-dir'],
    );
    procs.push(relay.proc);
    const enrol = async (enrolmentToken: string, deviceName: string) =>
      (await (
        await fetch(`${relay.info.url}/api/v1/devices/enrol`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ enrolmentToken, deviceName }),
        })
      ).json()) as { deviceToken: string; deviceId: string };
    const enrolled = await enrol(relay.info.enrolmentToken, 'bench desktop');
    const syncTraffic =
      syncRate > 0 ? new SyncTraffic(relay.info.url, await enrol(relay.info.syncEnrolmentToken, 'sync desktop'), syncRate) : null;

    // The desktop: records when each event arrives and acknowledges like the engine does.
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let received = 0;
    const ws = new WebSocket(`${relay.info.url.replace('http', 'ws')}/stream`);
    await new Promise((r, j) => ws.once('open', r).once('error', j));
    ws.on('message', (data) => {
      const now = performance.now();
      const msg = relayServerMessageSchema.parse(JSON.parse((data as Buffer).toString('utf8')));
      if (msg.type === 'ping') ws.send(JSON.stringify({ type: 'pong', at: msg.at }));
      if (msg.type !== 'events') return;
      for (const e of msg.entries) {
        if (e.event.type !== 'webhook') continue; // the second desktop's sync operations
        const at = sentAt.get(webhookOf(e.event).eventKey);
        if (at !== undefined) latencies.push(now - at);
        received++;
      }
      ws.send(JSON.stringify({ type: 'ack', seq: msg.entries.at(-1)!.seq }));
    });
    ws.send(JSON.stringify({ type: 'hello', protocol: 1, deviceToken: enrolled.deviceToken, lastSeq: 0 }));

    const total = rate * seconds;
    const fixed = signedRequests(relay.info.url, env.BENCH_TWILIO_TOKEN, 0, total);
    ctx.progress('warming up');
    await Promise.all(signedRequests(relay.info.url, env.BENCH_TWILIO_TOKEN, 10_000_000, 200).map(send));
    await waitUntil(
      () => received >= 200,
      30_000,
      () => `warm-up: received ${received} of 200`,
    );
    latencies.length = 0;
    received = 0;

    ctx.progress(`fixed rate: ${rate}/s for ${seconds} s${syncTraffic ? `, with ${syncRate} sync operations/s` : ''}`);
    syncTraffic?.start();
    const start = performance.now();
    const inflight: Array<Promise<void>> = [];
    let issued = 0;
    let errors = 0;
    const responseTimes: number[] = [];
    while (issued < total) {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      for (; issued < due; issued++) {
        const r = fixed[issued]!;
        const t0 = performance.now();
        sentAt.set(r.key, t0);
        inflight.push(
          send(r)
            .then(() => void responseTimes.push(performance.now() - t0))
            .catch((err: unknown) => {
              if (errors++ === 0) ctx.progress(`first failed send: ${err instanceof Error ? err.message : String(err)}`);
            }),
        );
      }
      if (issued % (rate * 5) === 0) ctx.progress(`${issued}/${total}`);
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(inflight);
    const ingestSeconds = (performance.now() - start) / 1000;
    await waitUntil(
      () => received >= total - errors,
      30_000,
      () => `received ${received} of ${total - errors} (${errors} sends failed)`,
    );
    const fixedLatencies = [...latencies];

    ctx.progress(`relay capacity: ${concurrency} in flight for ${capacitySeconds} s`);
    const capacityRequests = signedRequests(relay.info.url, env.BENCH_TWILIO_TOKEN, 1_000_000, 200_000);
    const relayCapacity = await maxRate(capacityRequests, concurrency, capacitySeconds);
    const sync = await syncTraffic?.stop();
    // Diagnostics from the relay itself: how large the group commits were and how long they took.
    const metrics = await (
      await fetch(`${relay.info.url}/metrics`, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } })
    ).text();
    const metric = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? Number.NaN);
    const commits = metric('relay_commit_seconds_count');
    const commitSeconds = metric('relay_commit_seconds_sum');
    const accepted = Number(/result="accepted"\} (\d+)/.exec(metrics)?.[1] ?? Number.NaN);
    ws.close();
    relay.proc.disconnect();

    ctx.progress('baseline: bare express route doing the same INSERT');
    const baseline = await child<{ url: string }>('baseline', env, ctx.options['profile-dir']);
    procs.push(baseline.proc);
    const baselineRequests = signedRequests(baseline.info.url, env.BENCH_TWILIO_TOKEN, 0, 200_000);
    await Promise.all(baselineRequests.slice(190_000, 190_200).map(send));
    const baselineRate = await maxRate(baselineRequests, concurrency, capacitySeconds);
    baseline.proc.disconnect();

    ctx.emit({
      rate,
      seconds,
      ingest_per_s: round(total / ingestSeconds, 1),
      delivered: fixedLatencies.length,
      errors,
      p50_ms: round(percentile(fixedLatencies, 50), 2),
      p99_ms: round(percentile(fixedLatencies, 99), 2),
      // The 2xx alone (committed), without the push to the desktop.
      response_p50_ms: round(percentile(responseTimes, 50), 2),
      response_p99_ms: round(percentile(responseTimes, 99), 2),
      relay_capacity_per_s: round(relayCapacity, 1),
      baseline_per_s: round(baselineRate, 1),
      ratio: round(relayCapacity / baselineRate, 3),
      avg_batch: round(accepted / commits, 1),
      avg_commit_ms: round((commitSeconds / commits) * 1000, 2),
      ...(sync
        ? {
            sync_rate: syncRate,
            sync_ops_per_s: round(sync.acked / sync.seconds, 1),
            sync_push_p99_ms: round(percentile(sync.pushTimes, 99), 2),
            sync_push_failures: sync.failures,
          }
        : {}),
      goal: 'p99_ms <= 25 at 1000/s and ratio >= 0.5',
    });
  } finally {
    for (const p of procs) if (p.exitCode === null) p.kill('SIGTERM');
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    const role = `${schema}_app`;
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
    if (exists.rowCount) {
      await admin.query(`DROP OWNED BY "${role}"`).catch(() => undefined);
      await admin.query(`DROP ROLE "${role}"`).catch(() => undefined);
    }
    await admin.end();
  }
}

/**
 * A second desktop's organisation-sync traffic: edits of shared contacts pushed at `rate`
 * operations per second, a batch every 50 ms (a desktop pushes after each commit), each push
 * waiting for the previous one as the engine's push loop does.
 */
class SyncTraffic {
  private readonly clock = new HybridClock();
  private counter = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private started = 0;
  readonly pushTimes: number[] = [];
  acked = 0;
  failures = 0;

  constructor(
    private readonly base: string,
    private readonly device: { deviceToken: string; deviceId: string },
    private readonly rate: number,
  ) {}

  start(): void {
    this.running = true;
    this.started = performance.now();
    this.loop = this.run();
  }

  async stop(): Promise<{ acked: number; seconds: number; pushTimes: number[]; failures: number }> {
    this.running = false;
    await this.loop;
    return { acked: this.acked, seconds: (performance.now() - this.started) / 1000, pushTimes: this.pushTimes, failures: this.failures };
  }

  private async run(): Promise<void> {
    const roles = ['Stabschef', 'Samband', 'Logistik', 'Sjukvård'];
    const pending: SyncOp[] = [];
    while (this.running) {
      const due = Math.floor(((performance.now() - this.started) / 1000) * this.rate);
      for (; this.counter < due;) {
        const counter = ++this.counter;
        pending.push({
          device: this.device.deviceId,
          counter,
          hlc: this.clock.tick(),
          entity: 'contact',
          id: `bench-contact-${counter % 500}`,
          kind: 'put',
          fields: { displayName: `Person ${counter % 500}`, role: roles[counter % roles.length]! },
        });
      }
      if (pending.length > 0) {
        // What failed goes again with what came since: the relay takes a device's counters without gaps.
        const ops = pending.slice(0, 1000);
        const t0 = performance.now();
        const res = await fetch(`${this.base}/api/v1/sync/push`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${this.device.deviceToken}` },
          body: JSON.stringify({ ops }),
        }).catch(() => null);
        if (res?.ok) {
          const { ackedThrough } = (await res.json()) as { ackedThrough: number };
          this.pushTimes.push(performance.now() - t0);
          while (pending.length > 0 && pending[0]!.counter <= ackedThrough) {
            pending.shift();
            this.acked++;
          }
        } else {
          this.failures++;
          await res?.body?.cancel();
        }
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number, state: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for the desktop: ${state()}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
