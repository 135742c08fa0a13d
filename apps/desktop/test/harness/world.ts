// The convergence harness's world: a relay in a process of its own (PostgreSQL, or PGlite
// in a directory), N desktops each an engine in a process of its own with its own SQLite
// store, and a cuttable TCP proxy between each desktop and the relay. The harness can
// partition desktops, SIGKILL engines and the relay and start them again, back the relay's
// database up and restore it, and at the end quiesce and compare everything with the
// reference model.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { enrolDevice } from '@gdial/engine';
import type { EntityState, MethodInput, MethodName, MethodOutput, RelayEvent, SyncOp, SyncStatus } from '@gdial/protocol';
import type { Command, CommandResult, ConsoleView } from './commands';
import type { EngineChildConfig } from './engine-child';
import { Child, type Notice } from './ipc';
import { canonical, expectedView, ReferenceModel } from './model';
import { startProxy, type CuttableProxy, type PartitionKind } from './proxy';
import type { RelayChildConfig } from './relay-child';

const run = promisify(execFile);
const here = import.meta.dirname;
const TENANT = 'harness';
export const DATABASE_URL = process.env.GDIAL_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

export type Backend = 'postgres' | 'pglite';

export interface WorldOptions {
  engines: number;
  backend: Backend;
  /** The relay's stream heartbeat; short in the harness so a dead connection is noticed soon, the relay's default otherwise. */
  heartbeatMs?: number;
  log?: (line: string) => void;
  /** Desktops send through this provider simulator's Twilio (SMS at `smsPerSecond` each), its webhooks to the relay. */
  simulator?: { url: string; accountSid: string; authToken: string; smsPerSecond: number };
}

interface Desktop {
  name: string;
  dataDir: string;
  token: string;
  proxy: CuttableProxy;
  child: Child | null;
  /** A restart in progress (after a SIGKILL). */
  starting: Promise<void> | null;
}

export class World {
  readonly model = new ReferenceModel();
  readonly desktops: Desktop[] = [];
  private relay: Child | null = null;
  private relayPort = 0;
  private relayStarting: Promise<void> | null = null;
  private backupPath: string | null = null;
  private readonly root = mkdtempSync(path.join(os.tmpdir(), 'gdial-harness-'));
  private readonly schema = `harness_${process.pid}_${randomBytes(3).toString('hex')}`;
  private readonly key = randomBytes(32).toString('base64');
  /** The relay's webhook URLs, when the world sends through a simulator. */
  webhookUrls: Record<string, string> = {};
  readonly log: (line: string) => void;

  private constructor(readonly opts: WorldOptions) {
    this.log = opts.log ?? (() => {});
  }

  static async start(opts: WorldOptions): Promise<World> {
    const w = new World(opts);
    const t0 = Date.now();
    try {
      await w.startRelay();
      w.log(`relay up in ${Date.now() - t0} ms`);
      if (opts.simulator)
        w.webhookUrls = await w.relay!.request<Record<string, string>>('providerSetup', { twilioAuthToken: opts.simulator.authToken });
      for (let i = 0; i < opts.engines; i++) {
        const proxy = await startProxy(() => w.relayPort);
        const token = await w.relay!.request<string>('enrol');
        const enrolled = await enrolDevice(proxy.url, token, `D${i + 1}`);
        if (!enrolled.ok) throw new Error(enrolled.error.message);
        w.desktops.push({
          name: `D${i + 1}`,
          dataDir: path.join(w.root, `desktop-${i + 1}`),
          token: enrolled.value.deviceToken,
          proxy,
          child: null,
          starting: null,
        });
      }
      await Promise.all(w.desktops.map((d) => w.startDesktop(d)));
      w.log(`desktops up in ${Date.now() - t0} ms`);
      await w.until(async () => (await Promise.all(w.desktops.map((d) => w.status(d)))).every((s) => s?.enabled), 'every desktop to join');
      return w;
    } catch (err) {
      await w.close();
      throw err;
    }
  }

  // ── processes ──

  private relayConfig(): RelayChildConfig {
    const common = { encryptionKey: this.key, tenant: TENANT, ...(this.opts.heartbeatMs ? { heartbeatMs: this.opts.heartbeatMs } : {}) };
    return this.opts.backend === 'postgres'
      ? { ...common, databaseUrl: DATABASE_URL, dbSchema: this.schema }
      : { ...common, dataDir: path.join(this.root, 'relay') };
  }

  private async startRelay(): Promise<void> {
    const { child, ready } = await Child.start(path.join(here, 'relay-child.ts'), 'relay', {
      GDIAL_HARNESS_RELAY: JSON.stringify(this.relayConfig()),
    });
    this.relay = child;
    this.relayPort = (ready as { port: number }).port;
  }

  private async startDesktop(d: Desktop): Promise<void> {
    const sim = this.opts.simulator;
    const config: EngineChildConfig = {
      name: d.name,
      dataDir: d.dataDir,
      relayUrl: d.proxy.url,
      deviceToken: d.token,
      tenant: TENANT,
      ...(sim
        ? {
            providers: {
              twilio: {
                accountSid: sim.accountSid,
                authToken: sim.authToken,
                baseUrl: sim.url,
                sms: { from: 'GDial' },
                callbacks: { messageStatusUrl: this.webhookUrls.twilioMessageStatus!, callStatusUrl: this.webhookUrls.twilioCallStatus! },
              },
              rates: { twilio: { sms: sim.smsPerSecond } },
            },
          }
        : {}),
    };
    const { child } = await Child.start(path.join(here, 'engine-child.ts'), d.name, { GDIAL_HARNESS_ENGINE: JSON.stringify(config) }, (n) =>
      this.notice(n),
    );
    d.child = child;
  }

  private notice(n: Notice): void {
    if (n.notice === 'ops') this.model.add(n.data as SyncOp[]);
  }

  /** Calls a method of a desktop's engine RPC, as its console would. */
  rpc<M extends MethodName>(i: number, method: M, params: MethodInput<M>): Promise<MethodOutput<M>> {
    const d = this.desktops[i]!;
    if (!d.child?.alive) return Promise.reject(new Error(`${d.name} is down`));
    return d.child.request<MethodOutput<M>>('rpc', { method, params });
  }

  /** Runs a command on a desktop; a desktop that is down (killed, restarting) does nothing. */
  async command(i: number, c: Command): Promise<CommandResult> {
    const d = this.desktops[i]!;
    if (!d.child?.alive) return { ok: false, error: `${d.name} is down` };
    return d.child.request<CommandResult>('run', c).catch((err: unknown) => ({ ok: false, error: String(err) }));
  }

  /**
   * Waits (up to `timeoutMs`) until these desktops hold an entity, so a race is between
   * desktops that all know what they edit; a desktop that is down or cut off is not waited for.
   */
  async held(ixs: readonly number[], entity: 'contact' | 'group' | 'template', uid: string, timeoutMs = 3_000): Promise<void> {
    if (this.model.gone(entity, uid)) return;
    const reachable = ixs.map((i) => this.desktops[i]!).filter((d) => d.child?.alive && !d.proxy.partitioned);
    await this.until(
      async () =>
        (await Promise.all(reachable.map((d) => d.child!.request<boolean>('holds', { entity, uid }).catch(() => true)))).every(Boolean),
      `${entity} ${uid} to reach ${reachable.map((d) => d.name).join(', ')}`,
      timeoutMs,
    ).catch(() => {});
  }

  /** SIGKILL of a desktop's engine; it starts again (on the same store) after `downMs`, in the background, unless it stays down. */
  async killDesktop(i: number, downMs: number | 'stays-down'): Promise<void> {
    const d = this.desktops[i]!;
    if (!d.child?.alive || d.starting) return;
    this.log(`SIGKILL ${d.name}`);
    await d.child.kill();
    d.child = null;
    if (downMs === 'stays-down') return;
    d.starting = (async () => {
      await sleep(downMs);
      await this.startDesktop(d);
      this.log(`${d.name} started again`);
    })().finally(() => (d.starting = null));
  }

  /** SIGKILL of the relay; it starts again on the same database after `downMs`, in the background. */
  async killRelay(downMs: number): Promise<void> {
    if (!this.relay?.alive || this.relayStarting) return;
    this.log('SIGKILL relay');
    await this.relay.kill();
    this.relay = null;
    this.relayStarting = (async () => {
      await sleep(downMs);
      await this.startRelay();
      this.log('relay started again');
    })().finally(() => (this.relayStarting = null));
  }

  /** Takes a backup of the relay's database (pg_dump of its schema; a copy of PGlite's directory, the relay stopped meanwhile). */
  async backup(): Promise<void> {
    await this.relayStarting;
    this.backupPath = path.join(this.root, `backup-${Date.now()}`);
    if (this.opts.backend === 'postgres') {
      await run('pg_dump', ['--dbname', DATABASE_URL, '--schema', this.schema, '--format', 'custom', '--file', this.backupPath]);
    } else {
      await this.relay?.stop();
      cpSync(path.join(this.root, 'relay'), this.backupPath, { recursive: true });
      await this.startRelay();
    }
    this.log('relay database backed up');
  }

  /**
   * The relay dies and comes back on its database as the backup held it (every operation
   * logged since is gone from it), with a new sync epoch, as an operator restores one.
   */
  async restore(): Promise<void> {
    if (!this.backupPath) return;
    await this.relayStarting;
    await this.relay?.kill();
    this.relay = null;
    if (this.opts.backend === 'postgres') {
      await this.sql(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
      await run('pg_restore', ['--dbname', DATABASE_URL, this.backupPath]);
    } else {
      rmSync(path.join(this.root, 'relay'), { recursive: true, force: true });
      cpSync(this.backupPath, path.join(this.root, 'relay'), { recursive: true });
    }
    // As the restore procedure says: the new epoch is given before any desktop reaches the relay.
    const reachable = this.desktops.filter((d) => !d.proxy.partitioned);
    for (const d of reachable) d.proxy.cut('reset');
    await this.startRelay();
    await this.relay!.request('newEpoch');
    for (const d of reachable) d.proxy.heal();
    this.log('relay restored from the backup, new epoch');
  }

  partition(ixs: readonly number[], kind: PartitionKind): void {
    for (const i of ixs) this.desktops[i]!.proxy.cut(kind);
    this.log(`partition (${kind}) ${ixs.map((i) => this.desktops[i]!.name).join(', ')}`);
  }

  heal(): void {
    for (const d of this.desktops) if (d.proxy.partitioned) d.proxy.heal();
  }

  // ── observation ──

  async status(d: Desktop): Promise<SyncStatus | null> {
    return d.child?.alive ? d.child.request<SyncStatus>('status').catch(() => null) : null;
  }

  /** Whether every desktop is up, has pushed everything and holds the same states as the others (compared by digest). */
  async identical(): Promise<boolean> {
    const digests = await Promise.all(
      this.desktops.map((d) =>
        d.child?.alive ? d.child.request<{ pending: number; digest: string }>('digest').catch(() => null) : Promise.resolve(null),
      ),
    );
    return digests.every((x) => x !== null && x.pending === 0 && x.digest === digests[0]!.digest);
  }

  /** Every desktop and the relay running, no partition. */
  async restoreService(): Promise<void> {
    this.heal();
    await this.relayStarting;
    for (const d of this.desktops) await d.starting;
  }

  /**
   * Waits until every outbox is drained and every desktop holds the same states; returns how
   * long that took. Throws (saying where they differ) after `timeoutMs`.
   */
  async quiesce(timeoutMs: number): Promise<number> {
    const started = Date.now();
    await this.restoreService();
    try {
      await this.until(() => this.identical(), 'the desktops to converge', timeoutMs);
    } catch (err) {
      throw new Error(`${(err as Error).message}: ${await this.describeDifference()}`);
    }
    return Date.now() - started;
  }

  private async describeDifference(): Promise<string> {
    const statuses = await Promise.all(this.desktops.map((d) => this.status(d)));
    const pictures = await Promise.all(
      this.desktops.map(async (d) => (await d.child?.request<EntityState[]>('picture').catch(() => [] as EntityState[])) ?? []),
    );
    const keyed = pictures.map((p) => new Map(p.map((s) => [`${s.entity}:${s.id}`, canonical(s)])));
    const keys = new Set(keyed.flatMap((m) => [...m.keys()]));
    const differing = [...keys].filter((k) => new Set(keyed.map((m) => m.get(k) ?? 'missing')).size > 1);
    return `pending ${statuses.map((s) => s?.pending ?? 'down').join('/')}, last errors ${JSON.stringify(statuses.map((s) => s?.lastError ?? null))}; ${differing.length} entities differ, e.g. ${differing
      .slice(0, 3)
      .map((k) => `${k}: ${keyed.map((m) => clip(m.get(k) ?? 'missing')).join(' | ')}`)
      .join('; ')}`;
  }

  /**
   * After quiesce: every desktop's states equal the relay's (Postgres's sync_entities) and the
   * reference model's; every console shows what the model says; nothing is known of an erased
   * person anywhere. Returns the problems found (empty when all holds).
   */
  async check(erasedPeople: ReadonlyMap<string, readonly string[]>): Promise<string[]> {
    const problems: string[] = [];
    // Operations the harness did not hear of (a killed desktop's notice lost) are in the relay's log.
    const events = await this.relay!.request<RelayEvent[]>('log');
    const logged = events.flatMap((e) => (e.type === 'sync' ? [e.op] : []));
    const unheard = logged.filter((op) => !this.model.has(op));
    if (unheard.length > 0) {
      this.log(`${unheard.length} operations known only from the relay's log (a killed desktop's notice was lost)`);
      this.model.add(unheard);
    }
    problems.push(...this.model.gaps().map((g) => `operations missing: ${g}`));
    const expected = this.model.states();
    const modelPicture = [...expected.values()];
    const want = canonical(modelPicture.sort(byKey));
    const relayStates = (await this.relay!.request<EntityState[]>('entities')).sort(byKey);
    const pictures = await Promise.all(this.desktops.map(async (d) => (await d.child!.request<EntityState[]>('picture')).sort(byKey)));
    const compare = (what: string, states: EntityState[]) => {
      if (canonical(states) === want) return;
      const have = new Map(states.map((s) => [`${s.entity}:${s.id}`, canonical(s)]));
      const wrong = [...expected.entries()].filter(([k, s]) => have.get(k) !== canonical(s));
      const extra = [...have.keys()].filter((k) => !expected.has(k));
      problems.push(
        `${what} differs from the model in ${wrong.length} entities (+${extra.length} the model does not know), e.g. ${wrong
          .slice(0, 2)
          .map(([k, s]) => `${k}: model ${clip(canonical(s))}, ${what} ${clip(have.get(k) ?? 'missing')}`)
          .join('; ')}${extra.length > 0 ? `; unknown ${extra.slice(0, 2).join(', ')}` : ''}`,
      );
    };
    compare('the relay (sync_entities)', relayStates);
    pictures.forEach((p, i) => compare(this.desktops[i]!.name, p));
    const wantView = canonical(expectedView(expected));
    for (const d of this.desktops) {
      const view = await d.child!.request<ConsoleView>('view');
      if (canonical(view) !== wantView)
        problems.push(`${d.name}'s console differs from the model: ${viewDifference(view, expectedView(expected))}`);
    }
    // GDPR: an erased person's name and number are nowhere: not in any desktop's states, nor the relay's log or states.
    const everything = [JSON.stringify(events), JSON.stringify(relayStates), ...pictures.map((p) => JSON.stringify(p))];
    for (const [uid, traces] of erasedPeople)
      for (const t of traces)
        if (everything.some((text) => text.includes(t))) problems.push(`erased contact ${uid}: "${t}" is still stored`);
    return problems;
  }

  async until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await sleep(50);
    }
  }

  private async sql(text: string): Promise<void> {
    await run('psql', [DATABASE_URL, '--quiet', '--no-psqlrc', '--set', 'ON_ERROR_STOP=1', '--command', text]);
  }

  async close(): Promise<void> {
    for (const d of this.desktops) await d.starting?.catch(() => {});
    await Promise.all(this.desktops.map((d) => d.child?.stop() ?? Promise.resolve()));
    await this.relayStarting?.catch(() => {});
    await this.relay?.stop();
    await Promise.all(this.desktops.map((d) => d.proxy.close()));
    if (this.opts.backend === 'postgres') {
      await this.sql(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`).catch(() => {});
      const role = `${this.schema}_app`;
      await this.sql(
        `DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${role}') THEN DROP OWNED BY "${role}"; DROP ROLE "${role}"; END IF; END $$`,
      ).catch(() => {});
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

const byKey = (a: EntityState, b: EntityState): number => {
  const ka = `${a.entity}:${a.id}`;
  const kb = `${b.entity}:${b.id}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

function viewDifference(have: ConsoleView, want: ConsoleView): string {
  const out: string[] = [];
  for (const part of ['contacts', 'groups', 'templates'] as const) {
    const h = have[part] as Record<string, unknown>;
    const w = want[part] as Record<string, unknown>;
    for (const k of new Set([...Object.keys(h), ...Object.keys(w)]))
      if (canonical(h[k]) !== canonical(w[k])) out.push(`${part} ${k}: shows ${canonical(h[k])}, model ${canonical(w[k])}`);
  }
  if (canonical(have.optOuts) !== canonical(want.optOuts))
    out.push(`opt-outs: shows ${have.optOuts.join(',')}, model ${want.optOuts.join(',')}`);
  return out.slice(0, 3).join('; ') + (out.length > 3 ? ` (+${out.length - 3})` : '');
}

const clip = (text: string): string => (text.length > 300 ? `${text.slice(0, 300)}…` : text);

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
