// Hold, don't burn, across a crash: an engine child process sends a 300-person SMS alert to
// the provider simulator through a path the test can cut (a TCP hop that refuses connections
// while "the cable is out"). With the path cut the alert is held (Väntar på nät); the engine
// is killed with SIGKILL while held, restarted with the path still cut — still held, nobody
// written off — and when the path returns it hands everyone over and the alert completes:
// nobody burnt, nobody sent twice except rows in flight at the kill, each flagged.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { CampaignService } from '../../src/campaigns/service';
import { openStore } from '../../src/store/db';
import { silentLogger } from '../../src/log';
import { addContact, addGroup, addTemplate, makeEnv, statusEvent, until, type TestEnv } from './helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
const RECIPIENTS = 300;

/** A TCP hop to the simulator that can be cut: while cut, nothing listens on its port (connection refused). */
class CuttablePath {
  private server: net.Server | null = null;
  private readonly sockets = new Set<net.Socket>();
  port = 0;
  constructor(private readonly target: URL) {}
  async connect(): Promise<void> {
    const server = net.createServer((client) => {
      const upstream = net.connect(Number(this.target.port), this.target.hostname);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => server.listen(this.port, '127.0.0.1', r));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }
  async cut(): Promise<void> {
    const s = this.server;
    this.server = null;
    for (const x of this.sockets) x.destroy();
    if (s) await new Promise((r) => s.close(r));
  }
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}

let sim: Simulator | undefined;
let env: TestEnv | undefined;
let link: CuttablePath | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  await link?.cut();
  await sim?.close();
  env?.close();
});

/** The engine child, with what it has said on stdout so far. */
function startChild(dbPath: string, s: Simulator, url: string, campaignId: number) {
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(here, 'fixtures', 'held-child.ts'),
      dbPath,
      url,
      s.credentials.accountSid,
      s.credentials.authToken,
      String(campaignId),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], cwd: path.resolve(here, '../..') },
  );
  child = proc;
  const said: string[] = [];
  let buf = '';
  proc.stdout.on('data', (b: Buffer) => {
    buf += b.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    said.push(...lines);
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  return { proc, said, exited };
}

describe('hold, do not burn, across a crash', () => {
  it('SIGKILL while held, restart: still held, nobody written off; the path returns and the alert completes', async () => {
    sim = await startSimulator({
      seed: 5,
      profile: {
        name: 'held-kill',
        rules: [],
        latency: { api: { min: 1, max: 5 } },
        limits: { messagesPerSecondPerSender: 1e6 },
        callbacks: { enabled: false, record: false },
      },
    });
    link = new CuttablePath(new URL(sim.url));
    await link.connect();
    env = makeEnv();
    const g = addGroup(env.store, 'Alla');
    env.store.transaction(() => {
      for (let i = 0; i < RECIPIENTS; i++)
        addContact(env!.store, { name: `P${i}`, phones: [`+46704${String(i).padStart(5, '0')}1`], groups: [g] });
    });
    const planner = new CampaignService(env.ctx, {});
    const c = planner.create({
      name: 'Kabeln ut',
      templateId: addTemplate(env.store),
      audience: { groupIds: [g] },
      steps: [{ channel: 'sms', fallThroughWhenUnavailable: false }],
    });
    planner.start(c.id);
    const dbPath = env.store.path;
    env.store.close();
    const read = <T>(sql: string): T[] => {
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        return db.prepare(sql).all() as T[];
      } finally {
        db.close();
      }
    };
    const outbound = () => sim!.messages().filter((m) => m.direction === 'outbound-api');

    // Some go out, then the cable is pulled: the alert is held.
    const first = startChild(dbPath, sim, link.url, c.id);
    await until(() => outbound().length >= 30, 30_000, 'the first messages');
    await link.cut();
    await until(() => first.said.some((l) => l.startsWith('held ')), 30_000, 'Väntar på nät');
    first.proc.kill('SIGKILL');
    await first.exited;
    const inFlightAtKill = new Set(read<{ token: string }>("SELECT token FROM deliveries WHERE state = 'sending'").map((r) => r.token));
    expect(read("SELECT id FROM deliveries WHERE state = 'failed'")).toEqual([]);
    const sentBefore = outbound().length;
    expect(sentBefore).toBeLessThan(RECIPIENTS);

    // Restarted with the cable still out: still held, with everyone not yet sent waiting, nobody written off.
    const second = startChild(dbPath, sim, link.url, c.id);
    await until(() => second.said.some((l) => l.startsWith('held ')), 30_000, 'still held after the restart');
    const waiting = Number(second.said.find((l) => l.startsWith('held '))!.slice(5));
    expect(waiting).toBeGreaterThanOrEqual(RECIPIENTS - sentBefore - inFlightAtKill.size);
    await new Promise((r) => setTimeout(r, 2000));
    expect(read("SELECT id FROM deliveries WHERE state = 'failed'")).toEqual([]);
    expect(read("SELECT id FROM campaign_recipients WHERE outcome IN ('unreached', 'no-network')")).toEqual([]);
    expect(outbound().length).toBe(sentBefore);

    // The cable goes back in: everyone is handed over, once.
    await link.connect();
    await until(() => second.said.includes('done'), 60_000, 'everyone handed over after the heal');
    await second.exited;
    const rows = read<{ token: string; address: string; state: string; possible_duplicate: number; attempts: number }>(
      'SELECT token, address, state, possible_duplicate, attempts FROM deliveries',
    );
    expect(rows).toHaveLength(RECIPIENTS);
    // Handed over; those in flight at the kill were looked up once the path was back (a lookup
    // that could not reach Twilio is no answer) and adopted with the status Twilio has.
    expect(rows.filter((r) => r.state !== 'sent' && !(r.state === 'delivered' && inFlightAtKill.has(r.token)))).toEqual([]);
    const received = new Map<string, number>();
    for (const m of outbound()) received.set(m.to, (received.get(m.to) ?? 0) + 1);
    expect(rows.filter((r) => !received.has(r.address))).toEqual([]);
    // Twilio could always be asked after the heal, so nobody went out twice; a row in flight at
    // the kill that Twilio did not have is sent once more, flagged (the dead process's send
    // could not be ruled out), and only those.
    expect(rows.filter((x) => (received.get(x.address) ?? 0) > 1)).toEqual([]);
    for (const r of rows.filter((x) => x.possible_duplicate === 1)) expect(inFlightAtKill.has(r.token)).toBe(true);

    // Their delivery reports arrive: the alert completes, everyone reached.
    const store = openStore(dbPath, { logger: silentLogger() });
    env.store = store;
    const after = new CampaignService({ ...env.ctx, store }, {});
    after.handleProviderEvents(rows.map((r) => statusEvent(r.token, 'delivered')));
    await after.open();
    await until(() => after.get(c.id).status === 'completed', 10_000, 'completed');
    expect(after.progressOf(c.id).outcomes).toMatchObject({ reached: RECIPIENTS, unreached: 0, 'no-network': 0 });
    await after.close();
  }, 180_000);
});
