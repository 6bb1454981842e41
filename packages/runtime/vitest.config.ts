import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/services.ts'],
    // Kafka round trips (group join, first fetch) take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
