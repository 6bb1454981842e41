import { tmpdir } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The file connectors the tests run use files in the temporary folder only.
    env: { SLUICE_FILE_ALLOWED_PATHS: tmpdir() },
    globalSetup: ['./test/services.ts'],
    // End-to-end runs move 100k records through Kafka on a shared 2-core machine.
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
