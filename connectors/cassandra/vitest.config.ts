import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/services.ts'],
    // The machine is shared and Cassandra is a JVM: never depend on speed, wait generously.
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
