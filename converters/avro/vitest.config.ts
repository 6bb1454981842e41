import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start the Schema Registry (and Kafka) on their first run.
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
