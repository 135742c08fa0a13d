// Consoles of one organisation as the README starts them: the first hosts the demo world
// (relay on PGlite, provider simulator with the real SDKs), the others join it. Each waits
// until it shares the organisation's data. Close them with `closeConsoles` after each test.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger, type Engine } from '@gdial/engine';
import { DEMO_ACCOUNTS } from '../../src/web/demo';
import { startConsole, type ConsoleHost } from '../../src/web/host';
import { call, until } from './engine-calls';

const uiDir = path.resolve(import.meta.dirname, '../fixtures/ui');

export async function demoConsoles(consoles: ConsoleHost[], n: number, prefix: string): Promise<Engine[]> {
  const first = mkdtempSync(path.join(os.tmpdir(), `gdial-${prefix}-`));
  consoles.push(
    await startConsole({
      port: 0,
      dataDir: first,
      logger: silentLogger(),
      connectivity: { mode: 'demo' },
      demoProfile: 'fast',
      uiDir,
      // Templates are approved by whoever wrote them here; the two-person rule has its own tests (approval-sync.test.ts).
      approvalRule: { authorMayApproveTemplates: true },
    }),
  );
  for (let i = 2; i <= n; i++)
    consoles.push(
      await startConsole({
        port: 0,
        dataDir: `${first}-${i}`,
        logger: silentLogger(),
        connectivity: { mode: 'demo' },
        joinDemo: first,
        uiDir,
      }),
    );
  const engines = consoles.map((c) => c.engine);
  // A joined console signs the demo admin in at the relay as it starts; on a loaded machine that
  // sign-in may have timed out, so it is done here when it did not happen.
  const admin = DEMO_ACCOUNTS[0]!;
  for (const e of engines)
    if ((await call(e, 'session.current', {})).user === null)
      await call(e, 'session.signIn', { username: admin.username, password: admin.password });
  for (const e of engines) await until(async () => (await call(e, 'sync.status', {})).enabled, 'every console to join');
  return engines;
}

export async function closeConsoles(consoles: ConsoleHost[]): Promise<void> {
  for (const c of consoles.splice(0).reverse()) await c.close();
}
