import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/services.ts'],
    // The machine is shared: never depend on speed, wait generously.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
