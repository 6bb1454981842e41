import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/services.ts'],
    testTimeout: 120_000,
    // The first run on a machine builds the Schema Registry (minutes, see @sluice/test-fixtures).
    hookTimeout: 900_000,
  },
});
