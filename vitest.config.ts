import { defineConfig } from 'vitest/config';

/**
 * Two kinds of tests (docs/testing.md):
 * - unit: test/unit/, no Postgres and no Atlas, seconds (`npm run test:unit`);
 * - integration: everything else, against one real Postgres the global setup starts (or TEST_DATABASE_URL)
 *   with the migrations applied by the real Atlas.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    // The skip summary comes last: it ends the run with what was skipped and why.
    reporters: ['default', ['json', { outputFile: '.test-output/results.json' }], './test/support/skip-summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 10_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', '**/node_modules/**'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
