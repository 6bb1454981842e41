import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/services.ts'],
    // Each scenario starts its own servers and workers on a shared 2-core machine. Longer than
    // a scenario's own wait for the records (5 min), which fails saying how many are missing.
    testTimeout: 420_000,
    hookTimeout: 120_000,
    // One scenario at a time: two would fight for the cores and blur each other's recovery.
    fileParallelism: false,
  },
});
