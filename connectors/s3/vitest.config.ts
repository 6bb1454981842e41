import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/services.ts'],
    // The machine is shared: never depend on speed, wait generously.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    // The source's memory test measures live memory after full collections.
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
  },
});
