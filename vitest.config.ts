import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // The skip summary comes last: it ends the run with what was skipped and why.
    reporters: ['default', ['json', { outputFile: '.test-output/results.json' }], './test/support/skip-summary-reporter.ts'],
  },
});
