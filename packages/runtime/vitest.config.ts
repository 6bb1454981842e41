import { tmpdir } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The file connectors the tests run use files in the temporary folder only.
    env: { SLUICE_FILE_ALLOWED_PATHS: tmpdir() },
    globalSetup: ['./test/services.ts'],
    // Kafka round trips (group join, first fetch) take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
