import { defineConfig } from 'vitest/config';

// One project per package; the browser end-to-end suite runs alone because it drives
// a real Chromium against a full browser host and would otherwise fight for the 2 cores.
export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: 'protocol', include: ['packages/protocol/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'engine', include: ['packages/engine/test/**/*.test.ts'], testTimeout: 30_000 } },
      { extends: true, test: { name: 'simulator', include: ['packages/simulator/test/**/*.test.ts'], testTimeout: 30_000 } },
      { extends: true, test: { name: 'ui', include: ['packages/ui/test/**/*.test.ts'] } },
      { extends: true, test: { name: 'relay', include: ['apps/relay/test/**/*.test.ts'], testTimeout: 60_000, fileParallelism: false } },
      { extends: true, test: { name: 'desktop', include: ['apps/desktop/test/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['apps/desktop/e2e/**/*.e2e.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
