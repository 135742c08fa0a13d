import { configDefaults, defineConfig } from 'vitest/config';

// One project per package. On the 2-core CI machine vitest's default is one worker (cores − 1),
// which left a core idle through most of the suite: most test files wait on sockets, timers,
// SQLite and PostgreSQL rather than compute, so two files run side by side. The relay's files
// each use their own PostgreSQL schema and role (test/helpers.ts pgSandbox), so they run beside
// the others too. The browser end-to-end files run after those, two at a time: each drives a
// real Chromium against a full browser host (own data dir, port and embedded relay).
//
// SERIAL: scenario tests whose assertions depend on timing a second busy process can skew
// (concurrency limits, in-flight windows, kills during delivery, sign-in round trips under
// load); they run last, one at a time, in the "serial" project.
const SERIAL = [
  'packages/engine/test/campaigns/scenario.test.ts',
  'packages/engine/test/campaigns/failover.test.ts',
  'packages/simulator/test/twilio-messages.test.ts',
  'apps/relay/test/failure.test.ts',
  'apps/desktop/test/relay-signin.test.ts',
  'apps/desktop/test/alert-through-relay.test.ts',
];
const exclude = [...configDefaults.exclude, ...SERIAL];

export default defineConfig({
  test: {
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'protocol', include: ['packages/protocol/test/**/*.test.ts'], exclude } },
      { extends: true, test: { name: 'engine', include: ['packages/engine/test/**/*.test.ts'], exclude, testTimeout: 30_000 } },
      { extends: true, test: { name: 'simulator', include: ['packages/simulator/test/**/*.test.ts'], exclude, testTimeout: 30_000 } },
      { extends: true, test: { name: 'ui', include: ['packages/ui/test/**/*.test.ts'], exclude } },
      { extends: true, test: { name: 'relay', include: ['apps/relay/test/**/*.test.ts'], exclude, testTimeout: 60_000 } },
      { extends: true, test: { name: 'desktop', include: ['apps/desktop/test/**/*.test.ts'], exclude } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['apps/desktop/e2e/**/*.e2e.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 1 },
        },
      },
      { extends: true, test: { name: 'serial', include: SERIAL, testTimeout: 60_000, fileParallelism: false } },
    ],
  },
});
