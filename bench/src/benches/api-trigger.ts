// `npm run bench -- api-trigger [--recipients 20] [--rounds 30]`
// How fast another system gets an alert out through the relay's REST API: POST /api/v1/alerts
// with an API key against the demo world (relay on embedded PGlite, the console's engine
// online, in-process simulator), timed from the request to the first request the provider
// (the simulator) receives. The path: the relay records the request and logs an
// alert-request entry; the stream carries it to the desktop, which lists the open requests,
// claims this one, makes the alert from the prepared alert and starts it; the dispatcher
// sends. Prints p50_ms and p99_ms (goal p99 ≤ 1,000 ms). Baseline in the same run and world,
// interleaved round by round: the same prepared alert started through the engine's RPC
// (preparedAlerts.use + campaigns.start; the same plan under another name and text, so the
// provider's requests of the two are told apart), from the call to the first provider request;
// `ratio_p50`/`ratio_p99` are the API's over that floor.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SimNotice } from '@gdial/simulator';
import { percentile, round, type BenchContext } from '../context';
import { startDemoConsole } from '../demo-console';

async function json(method: string, url: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

export default async function apiTrigger(ctx: BenchContext): Promise<void> {
  const recipients = Number(ctx.options.recipients ?? 20);
  const rounds = Number(ctx.options.rounds ?? 30);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'gdial-bench-api-'));
  // "throughput": every message is accepted at once and nobody answers; each round's alert is cancelled after its first send.
  const { host, call } = await startDemoConsole(dataDir, 'throughput');
  const sim = host.demo!.simulator;
  const relay = host.demo!.connectivity.relay!;
  try {
    ctx.progress(`seeding ${recipients} contacts`);
    const group = await call<{ id: number }>('groups.create', { name: 'Driftjour' });
    for (let i = 0; i < recipients; i++)
      await call('contacts.create', { firstName: `P${i}`, phones: [{ number: `+4670${String(1_000_000 + i)}` }], groupIds: [group.id] });
    // Two prepared alerts with the same plan, told apart at the provider by their text: a late
    // send of one round's alert (cancelled after its first send) is never taken for the next's.
    const preparedFor = async (text: string) => {
      const template = await call<{ id: number }>('templates.create', { name: text, variants: { sv: { sms: `${text}. Svara 1.` } } });
      await call('templates.approve', { id: template.id });
      return call<{ id: string }>('preparedAlerts.save', {
        fields: { name: text, templateId: template.id, audience: { groupIds: [group.id] }, steps: [{ channel: 'sms' }] },
      });
    };
    const viaRpc = await preparedFor('Larm via RPC');
    const viaApi = await preparedFor('Larm via API');
    // The demo administrator makes the key, as in the console (Inställningar → API-nycklar).
    const signedIn = await json('POST', `${relay.url}/api/v1/auth/sign-in`, relay.deviceToken, {
      username: 'demo-admin',
      password: 'gdial-demo-admin',
    });
    const access = signedIn.body.accessToken as string;
    const made = await json('POST', `${relay.url}/api/v1/api-keys`, access, {
      name: 'SCADA',
      scopes: ['alerts:trigger'],
      rateLimitPerMinute: 6000,
    });
    const key = made.body.secret as string;
    const until = async (check: () => Promise<boolean>) => {
      while (!(await check())) await new Promise((r) => setTimeout(r, 20));
    };
    await until(async () => (await call<{ pending: number }>('sync.status', {})).pending === 0);

    /** Resolves with the time the provider receives the first new message whose text starts with `text`. */
    const firstRequest = (text: string) => {
      const known = new Set(sim.messages().map((m) => m.sid));
      return sim
        .waitFor(
          (n: SimNotice) =>
            n.type === 'message' &&
            !known.has(n.sid) &&
            (sim
              .messages()
              .find((m) => m.sid === n.sid)
              ?.body.startsWith(text) ??
              false),
          30_000,
        )
        .then(() => performance.now());
    };
    const cancelRunning = async () => {
      const { campaigns } = await call<{ campaigns: { id: number; status: string }[] }>('campaigns.list', { limit: 50 });
      for (const c of campaigns) if (c.status === 'running') await call('campaigns.cancel', { id: c.id });
    };

    const apiMs: number[] = [];
    const rpcMs: number[] = [];
    // Round 0 warms up (JIT, sockets, statements) and is not counted.
    for (let r = 0; r <= rounds; r++) {
      // Baseline: the same prepared alert started through the engine's RPC.
      let first = firstRequest('Larm via RPC');
      let t0 = performance.now();
      const draft = await call<{ id: number }>('preparedAlerts.use', { id: viaRpc.id });
      await call('campaigns.start', { id: draft.id });
      const rpc = (await first) - t0;
      await cancelRunning();

      // Through the API.
      first = firstRequest('Larm via API');
      t0 = performance.now();
      const asked = await json(
        'POST',
        `${relay.url}/api/v1/alerts`,
        key,
        { preparedAlert: viaApi.id },
        { 'idempotency-key': `bench-${r}` },
      );
      if (asked.status !== 202) throw new Error(`POST /alerts answered ${asked.status}: ${JSON.stringify(asked.body)}`);
      const api = (await first) - t0;
      await new Promise((res) => setTimeout(res, 50));
      await cancelRunning();
      if (r === 0) continue;
      ctx.progress(`round ${r}/${rounds}: API ${Math.round(api)} ms, RPC ${Math.round(rpc)} ms`);
      apiMs.push(api);
      rpcMs.push(rpc);
    }
    const p = (xs: number[], q: number) => round(percentile(xs, q), 1);
    ctx.emit({
      recipients,
      rounds,
      p50_ms: p(apiMs, 50),
      p99_ms: p(apiMs, 99),
      max_ms: round(Math.max(...apiMs), 1),
      baseline_p50_ms: p(rpcMs, 50),
      baseline_p99_ms: p(rpcMs, 99),
      ratio_p50: round(percentile(apiMs, 50) / percentile(rpcMs, 50), 2),
      ratio_p99: round(percentile(apiMs, 99) / percentile(rpcMs, 99), 2),
      goal_p99_ms: 1000,
      loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    });
  } finally {
    await host.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
