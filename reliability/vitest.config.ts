import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/services.ts'],
    // Each scenario starts its own servers and workers on a shared 2-core machine.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // One scenario at a time: two would fight for the cores and blur each other's recovery.
    fileParallelism: false,
  },
});
