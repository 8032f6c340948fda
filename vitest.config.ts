import { defineConfig } from 'vitest/config';

// `source` makes `tce-console/runtime` resolve to the TypeScript sources inside this repository.
const conditions = ['source', 'import', 'module', 'node', 'default'];
const resolve = { conditions };
const ssr = { resolve: { conditions, externalConditions: conditions } };

export default defineConfig({
  resolve,
  ssr,
  test: {
    // `vitest run --coverage` (what `npm test` runs): V8 coverage of the product's code as loaded in
    // the test processes. CLIs that tests start from dist/ run in processes of their own and are not counted.
    coverage: {
      provider: 'v8',
      // The preload (.cts) is loaded outside vitest's module system, as Electron would (electron-shell.test.ts).
      include: ['shared/**/*.{ts,tsx}', 'electron/**/*.{ts,tsx}', 'renderer/**/*.{ts,tsx}'],
      exclude: ['**/*.d.ts', 'electron/sample-server/generated/**'],
      reporter: ['text-summary', ['json-summary', { file: 'coverage-summary.json' }]],
      reportsDirectory: 'test-results/coverage',
    },
    projects: [
      {
        resolve,
        ssr,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
          pool: 'forks',
          // expect.poll waits up to 5 s (vitest's 1 s is short on a loaded 2-core machine), looking every 5 ms.
          expect: { poll: { timeout: 5_000, interval: 5 } },
        },
      },
      {
        resolve,
        ssr,
        // Integration tests share one RabbitMQ (some restart it) and real ports: one file at a time.
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          pool: 'forks',
          fileParallelism: false,
          expect: { poll: { timeout: 5_000, interval: 20 } },
        },
      },
    ],
  },
});
