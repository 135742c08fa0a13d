// Crash safety of the outbox: the engine runs in a child process that is killed with
// SIGKILL at random moments of an SMS campaign and restarted each time. Nobody may be lost,
// and nobody may get the message twice unless their row was in flight at a kill — and every
// such row must be flagged as a possible duplicate.
//
// The CI form kills 6 times during a 1,000-recipient campaign (each restart boots a fresh
// engine process, the bulk of the test's time); GDIAL_LONG=1 (`npm run test:long`) runs the
// full form: 20 kills during 2,000 recipients. The child sends 300 SMS a second, so the
// campaign outlasts the kills in both forms (at most 330 ms of sending each).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startSimulator, type Simulator } from '@gdial/simulator';
import { CampaignService } from '../../src/campaigns/service';
import { addContact, addGroup, addTemplate, makeEnv, type TestEnv } from './helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
const LONG = process.env.GDIAL_LONG === '1';
const RECIPIENTS = LONG ? 2000 : 1000;
const KILLS = LONG ? 20 : 6;

let sim: Simulator | undefined;
let env: TestEnv | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  await sim?.close();
  env?.close();
});

/** Starts the engine child and resolves once it dispatches (or when it reports done). */
function startChild(dbPath: string, s: Simulator): Promise<{ proc: ChildProcess; done: Promise<boolean> }> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(here, 'fixtures', 'crash-child.ts'), dbPath, s.url, s.credentials.accountSid, s.credentials.authToken],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      cwd: path.resolve(here, '../..'),
    },
  );
  child = proc;
  let out = '';
  const done = new Promise<boolean>((resolve) => {
    proc.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('done')) resolve(true);
    });
    proc.on('exit', () => resolve(out.includes('done')));
  });
  return new Promise((resolve, reject) => {
    const onData = () => {
      if (out.includes('dispatching')) {
        proc.stdout.off('data', onData);
        resolve({ proc, done });
      }
    };
    proc.stdout.on('data', onData);
    proc.on('exit', (code) =>
      out.includes('dispatching') ? undefined : reject(new Error(`engine child exited (${code}) before dispatching`)),
    );
  });
}

describe('crash safety', () => {
  it(`survives ${KILLS} SIGKILLs during a ${RECIPIENTS}-recipient campaign: nobody lost, duplicates only from rows in flight, all flagged`, async () => {
    sim = await startSimulator({
      seed: 3,
      profile: {
        name: 'crash',
        rules: [],
        latency: { api: { min: 1, max: 8 } },
        limits: { messagesPerSecondPerSender: 1e6 },
        callbacks: { enabled: false, record: false },
      },
    });
    env = makeEnv();
    const g = addGroup(env.store, 'Alla');
    env.store.transaction(() => {
      for (let i = 0; i < RECIPIENTS; i++)
        addContact(env!.store, { name: `P${i}`, phones: [`+46703${String(i).padStart(5, '0')}2`], groups: [g] });
    });
    const planner = new CampaignService(env.ctx, {});
    const c = planner.create({
      name: 'Krasch',
      templateId: addTemplate(env.store),
      audience: { groupIds: [g] },
      steps: [{ channel: 'sms' }],
    });
    planner.start(c.id);
    const dbPath = env.store.path;
    env.store.close();

    const inFlightAtKill = new Set<string>();
    const reader = () => new Database(dbPath, { readonly: true, fileMustExist: true });
    let kills = 0;
    let finished = false;
    while (!finished) {
      const { proc, done } = await startChild(dbPath, sim);
      if (kills < KILLS) {
        const delay = 30 + Math.floor(Math.random() * 300);
        const raced = await Promise.race([done, new Promise<'kill'>((r) => setTimeout(() => r('kill'), delay))]);
        if (raced === 'kill') {
          proc.kill('SIGKILL');
          await new Promise((r) => proc.once('exit', r));
          kills++;
          const db = reader();
          for (const r of db.prepare("SELECT token FROM deliveries WHERE state = 'sending'").all() as { token: string }[])
            inFlightAtKill.add(r.token);
          db.close();
          continue;
        }
        finished = raced;
      } else {
        finished = await done;
      }
      if (!finished) throw new Error('engine child stopped without finishing');
    }
    expect(kills).toBe(KILLS);

    const db = reader();
    const rows = db.prepare('SELECT token, address, state, possible_duplicate FROM deliveries WHERE campaign_id = ?').all(c.id) as {
      token: string;
      address: string;
      state: string;
      possible_duplicate: number;
    }[];
    db.close();
    // Nobody lost: every row reached the provider.
    expect(rows).toHaveLength(RECIPIENTS);
    expect(rows.filter((r) => r.state !== 'sent' && r.state !== 'delivered')).toEqual([]);
    const received = new Map<string, number>();
    for (const m of sim.messages()) if (m.direction === 'outbound-api') received.set(m.to, (received.get(m.to) ?? 0) + 1);
    expect(rows.filter((r) => !received.has(r.address))).toEqual([]);
    // Nobody twice unless in flight at a kill, and then flagged.
    const twice = rows.filter((r) => (received.get(r.address) ?? 0) > 1);
    for (const r of twice) {
      expect(inFlightAtKill.has(r.token)).toBe(true);
      expect(r.possible_duplicate).toBe(1);
    }
    // Flags only where a kill left the row in flight.
    for (const r of rows.filter((x) => x.possible_duplicate === 1)) expect(inFlightAtKill.has(r.token)).toBe(true);
    expect(inFlightAtKill.size).toBeGreaterThan(0);
  }, 240_000);
});
