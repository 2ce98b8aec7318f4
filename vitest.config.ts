import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    // build-ui: the e2e tests drive renderer/dist, so every run builds it first (~1 s).
    globalSetup: ['test/support/global-setup.ts', 'test/support/build-ui.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores here: integration files move real bytes; keep them from starving each other.
    maxWorkers: 2,
    // The JSON report lets .ci/run print one plain "N passed, N failed" line.
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
