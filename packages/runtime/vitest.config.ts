import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Temporary until @sluice/api ships its entry point.
    alias: { '@sluice/api': fileURLToPath(new URL('./test/api-shim.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/services.ts'],
    // Kafka round trips (group join, first fetch) take seconds, not milliseconds.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
