import { describe, expect, it } from 'vitest';
import { EngineSupervisor, type EngineClient, type EngineStatus } from '../src/main/supervisor';
import { FakeEngineProcess, ManualTimers, READY, quietLogger, type FakePort } from './support/fakes';

function setup(opts: { autoReady?: boolean } = {}) {
  const timers = new ManualTimers();
  const procs: FakeEngineProcess[] = [];
  const statuses: EngineStatus[] = [];
  let channels = 0;
  const sup = new EngineSupervisor<FakePort>({
    spawn: () => {
      const p = new FakeEngineProcess();
      p.onPost = (m, self) => {
        if (m.type === 'start' && (opts.autoReady ?? true)) queueMicrotask(() => self.reply(READY));
        if (m.type === 'ping') queueMicrotask(() => self.reply({ type: 'pong', seq: m.seq })); // a healthy process answers
      };
      procs.push(p);
      return p;
    },
    createChannel: () => {
      channels++;
      return { enginePort: { name: `engine-${channels}` }, clientPort: { name: `client-${channels}` } };
    },
    startOptions: { dataDir: '/data', resourcesDir: null },
    vault: async (req) => ({ ok: true, value: req.op }),
    timers,
    logger: quietLogger(),
    policy: {
      initialBackoffMs: 100,
      maxBackoffMs: 1000,
      crashWindowMs: 10_000,
      maxCrashesInWindow: 4,
      readyTimeoutMs: 5000,
      drainTimeoutMs: 2000,
      killGraceMs: 500,
      heartbeatIntervalMs: 1000,
      unresponsiveAfterMs: 4000,
    },
  });
  sup.onStatus((s) => statuses.push(s));
  return { sup, timers, procs, statuses, last: () => procs[procs.length - 1]! };
}

function window(id: number): EngineClient<FakePort> & { got: FakePort[]; alive: boolean } {
  const w = {
    id,
    got: [] as FakePort[],
    alive: true,
    deliver: (p: FakePort) => w.got.push(p),
    isAlive: () => w.alive,
  };
  return w;
}

describe('engine supervision', () => {
  it('starts the engine with the data directory and wires windows once it is ready', async () => {
    const { sup, timers, last } = setup();
    const w = window(1);
    sup.connectClient(w); // before the engine is up: waits
    sup.start();
    expect(last().sent('start')[0]!.message).toEqual({ type: 'start', options: { dataDir: '/data', resourcesDir: null } });
    expect(w.got).toEqual([]);
    await timers.advance(0);
    expect(sup.status).toEqual({ state: 'running', restarts: 0, version: '0.1.0' });
    expect(w.got).toEqual([{ name: 'client-1' }]);
    expect(last().sent('connect')).toEqual([{ message: { type: 'connect', clientId: 1 }, ports: [{ name: 'engine-1' }] }]);

    // A window that reloads asks again and gets a fresh channel.
    sup.connectClient(w);
    expect(w.got.map((p) => p.name)).toEqual(['client-1', 'client-2']);
  });

  it('restarts a crashed engine with growing delays and re-wires every live window', async () => {
    const { sup, timers, procs, statuses } = setup();
    const a = window(1);
    const b = window(2);
    sup.start();
    await timers.advance(0);
    sup.connectClient(a);
    sup.connectClient(b);

    procs[0]!.exit(134);
    expect(sup.status).toEqual({ state: 'restarting', restarts: 1, delayMs: 100, cause: { kind: 'exit', code: 134 } });
    await timers.advance(99);
    expect(procs).toHaveLength(1);
    b.alive = false; // window closed meanwhile
    await timers.advance(1);
    expect(procs).toHaveLength(2);
    expect(sup.status.state).toBe('running');
    expect(a.got.map((p) => p.name)).toEqual(['client-1', 'client-3']);
    expect(procs[1]!.sent('connect').map((c) => c.message)).toEqual([{ type: 'connect', clientId: 1 }]);

    procs[1]!.exit(1);
    expect(sup.status).toMatchObject({ state: 'restarting', delayMs: 200 });
    await timers.advance(200);
    procs[2]!.exit(1);
    expect(sup.status).toMatchObject({ state: 'restarting', delayMs: 400 });
    expect(statuses.map((s) => s.state)).toEqual([
      'starting',
      'running',
      'restarting',
      'starting',
      'running',
      'restarting',
      'starting',
      'running',
      'restarting',
    ]);
  });

  it('gives up with the reason after too many crashes in the window, and can be retried', async () => {
    const { sup, timers, procs } = setup();
    sup.start();
    for (let i = 0; i < 3; i++) {
      await timers.advance(0);
      procs[i]!.exit(139);
      await timers.advance(1000);
    }
    await timers.advance(0);
    procs[3]!.exit(139);
    expect(sup.status).toEqual({
      state: 'failed',
      failure: { kind: 'too-many-crashes', crashes: 4, windowMs: 10_000, lastCause: { kind: 'exit', code: 139 } },
    });
    await timers.advance(60_000);
    expect(procs).toHaveLength(4); // no further attempts on its own

    sup.retry();
    await timers.advance(0);
    expect(procs).toHaveLength(5);
    expect(sup.status.state).toBe('running');
  });

  it('forgets crashes older than the window: a long healthy run starts the backoff over', async () => {
    const { sup, timers, procs } = setup();
    sup.start();
    await timers.advance(0);
    procs[0]!.exit(1);
    await timers.advance(100);
    procs[1]!.exit(1);
    expect(sup.status).toMatchObject({ delayMs: 200 });
    await timers.advance(200);
    await timers.advance(20_000); // healthy for longer than the crash window
    procs[2]!.exit(1);
    expect(sup.status).toMatchObject({ state: 'restarting', delayMs: 100 });
  });

  it('kills an engine that never gets ready and counts it as a crash', async () => {
    const { sup, timers, procs } = setup({ autoReady: false });
    sup.start();
    await timers.advance(4999);
    expect(procs[0]!.killed).toBe(false);
    await timers.advance(1);
    expect(procs[0]!.killed).toBe(true);
    expect(sup.status).toMatchObject({ state: 'restarting', cause: { kind: 'ready-timeout' } });
  });

  it('kills and restarts an engine that stops answering, but leaves a healthy one alone', async () => {
    const { sup, timers, procs, statuses } = setup();
    sup.start();
    await timers.advance(0);
    await timers.advance(60_000); // answers every ping
    expect(procs[0]!.killed).toBe(false);
    expect(procs[0]!.sent('ping').length).toBeGreaterThan(50);

    procs[0]!.onPost = () => {}; // its event loop is stuck from now on
    await timers.advance(3999);
    expect(procs[0]!.killed).toBe(false);
    await timers.advance(1000);
    expect(procs[0]!.killed).toBe(true);
    expect(statuses.find((st) => st.state === 'restarting')).toMatchObject({ cause: { kind: 'unresponsive' } });
    await timers.advance(100);
    expect(procs).toHaveLength(2);
    expect(sup.status).toMatchObject({ state: 'running', restarts: 1 });
  });

  it('does not restart an engine that reports a database it cannot open', async () => {
    const { sup, timers, procs } = setup({ autoReady: false });
    sup.start();
    procs[0]!.reply({ type: 'start-failed', reason: 'newer-version', message: 'written by a newer GDial' });
    procs[0]!.exit(1);
    await timers.advance(60_000);
    expect(procs).toHaveLength(1);
    expect(sup.status).toEqual({
      state: 'failed',
      failure: { kind: 'start-failed', reason: 'newer-version', message: 'written by a newer GDial', backups: [] },
    });
    expect(sup.restoreBackup('gdial-20261207T074602123Z-manual.db')).toBe(false); // none offered
  });

  it('starts the engine again on a backup the failed start offered whole, and only on such a one', async () => {
    const { sup, timers, procs } = setup({ autoReady: false });
    sup.start();
    const whole = { name: 'gdial-20261207T074602123Z-manual.db', createdAt: '2026-12-07T07:46:02.123Z', reason: 'manual', intact: true };
    const damaged = { ...whole, name: 'gdial-20261206T074602123Z-scheduled.db', intact: false };
    procs[0]!.reply({
      type: 'start-failed',
      reason: 'unreadable',
      message: 'damaged',
      backups: [whole, damaged, { name: '../../etc/passwd', createdAt: 'x', reason: 'manual', intact: true }],
    });
    procs[0]!.exit(1);
    await timers.advance(60_000);
    expect(sup.status).toMatchObject({ state: 'failed', failure: { kind: 'start-failed', backups: [whole, damaged] } });
    expect(sup.restoreBackup(damaged.name)).toBe(false);
    expect(sup.restoreBackup('gdial-20261201T000000000Z-manual.db')).toBe(false);
    expect(procs).toHaveLength(1);
    expect(sup.restoreBackup(whole.name)).toBe(true);
    expect(procs).toHaveLength(2);
    expect(procs[1]!.sent('start').map((p) => p.message)).toEqual([
      { type: 'start', options: { dataDir: '/data', resourcesDir: null, restoreBackup: whole.name } },
    ]);
    procs[1]!.reply({ type: 'ready', version: '1', schemaVersion: 1, databasePath: '/x/gdial.db' });
    expect(sup.status.state).toBe('running');
    // A later start (a crash's restart) uses the usual options again.
    procs[1]!.exit(1);
    await timers.advance(60_000);
    expect(procs[2]!.sent('start').map((p) => p.message)).toEqual([{ type: 'start', options: { dataDir: '/data', resourcesDir: null } }]);
  });

  it('ignores malformed host messages and late messages from a replaced process', async () => {
    const { sup, timers, procs } = setup();
    sup.start();
    await timers.advance(0);
    procs[0]!.reply({ type: 'ready' });
    procs[0]!.reply('garbage');
    procs[0]!.exit(1);
    await timers.advance(100);
    procs[0]!.reply({ type: 'start-failed', reason: 'unknown', message: 'late' });
    expect(sup.status.state).toBe('running');
  });

  it('forwards engine events to listeners', async () => {
    const { sup, timers, procs } = setup();
    const seen: unknown[] = [];
    sup.onEngineEvent((name, payload) => seen.push([name, payload]));
    sup.start();
    await timers.advance(0);
    procs[0]!.reply({ type: 'engine-event', name: 'campaigns.progress', payload: { id: 1 } });
    expect(seen).toEqual([['campaigns.progress', { id: 1 }]]);
  });
});

describe('secret requests from the engine', () => {
  it('answers them on the same process, by id', async () => {
    const { sup, timers, procs } = setup();
    sup.start();
    await timers.advance(0);
    procs[0]!.reply({ type: 'vault-request', id: 9, request: { op: 'status' } });
    procs[0]!.reply({ type: 'vault-request', id: 10, request: { op: 'seal', name: 'relay.token' } }); // malformed: no value
    await timers.advance(0);
    expect(procs[0]!.sent('vault-response').map((p) => p.message)).toEqual([
      { type: 'vault-response', id: 9, reply: { ok: true, value: 'status' } },
    ]);
  });
});

describe('quitting drains the engine', () => {
  it('asks for shutdown, waits for "drained" and the exit, and does not restart', async () => {
    const { sup, timers, procs } = setup();
    sup.start();
    await timers.advance(0);
    procs[0]!.onPost = (m, self) => {
      if (m.type !== 'shutdown') return;
      setTimeout(() => {
        self.reply({ type: 'drained' });
        self.exit(0);
      }, 0);
    };
    const stopped = sup.stop('app quit');
    expect(sup.status.state).toBe('stopping');
    expect(procs[0]!.sent('shutdown')[0]!.message).toEqual({ type: 'shutdown', reason: 'app quit' });
    await new Promise((r) => setTimeout(r, 5));
    await expect(stopped).resolves.toEqual({ drained: true });
    expect(procs[0]!.killed).toBe(false);
    expect(sup.status.state).toBe('stopped');
    await timers.advance(60_000);
    expect(procs).toHaveLength(1);
  });

  it('counts a clean exit after shutdown as drained even if the message was lost', async () => {
    const { sup, timers, procs } = setup();
    sup.start();
    await timers.advance(0);
    procs[0]!.onPost = (m, self) => m.type === 'shutdown' && queueMicrotask(() => self.exit(0));
    await expect(sup.stop('app quit')).resolves.toEqual({ drained: true });
  });

  it('does not count a crash during shutdown as drained', async () => {
    const { sup, timers, procs } = setup();
    sup.start();
    await timers.advance(0);
    procs[0]!.onPost = (m, self) => m.type === 'shutdown' && queueMicrotask(() => self.exit(134));
    await expect(sup.stop('app quit')).resolves.toEqual({ drained: false });
    expect(procs[0]!.killed).toBe(false);
  });

  it('kills an engine that does not drain within the bound', async () => {
    const { sup, timers, procs } = setup();
    sup.start();
    await timers.advance(0);
    const stopped = sup.stop('app quit');
    await timers.advance(1999);
    expect(procs[0]!.killed).toBe(false);
    await timers.advance(1);
    await expect(stopped).resolves.toEqual({ drained: false });
    expect(procs[0]!.killed).toBe(true);
  });

  it('finishes even when a wedged engine ignores the kill', async () => {
    const { sup, timers, procs } = setup();
    sup.start();
    await timers.advance(0);
    procs[0]!.exitsOnKill = false;
    const stopped = sup.stop('app quit');
    await timers.advance(2000);
    await timers.advance(500);
    await expect(stopped).resolves.toEqual({ drained: false });
  });

  it('cancels a pending restart when quitting during backoff', async () => {
    const { sup, timers, procs } = setup();
    sup.start();
    await timers.advance(0);
    procs[0]!.exit(1);
    await expect(sup.stop('app quit')).resolves.toEqual({ drained: false });
    await timers.advance(10_000);
    expect(procs).toHaveLength(1);
    expect(sup.status.state).toBe('stopped');
    expect(() => sup.start()).toThrow(/stopping/);
  });
});
