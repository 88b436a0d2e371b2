import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['engine/**/*.test.ts', 'cli/**/*.test.ts', 'plugin/**/*.test.ts', 'executors/**/*.test.ts', 'generators/**/*.test.ts', 'e2e/**/*.test.ts', 'fuzz/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './e2e/support/summary-reporter.ts'],
  },
});
