import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Change streams need a replica set, which FerretDB (the server test-fixtures starts) is not:
    // their tests run when SLUICE_MONGODB_URL (read here, before the global setup sets it) names one.
    exclude: process.env.SLUICE_MONGODB_URL ? [] : ['test/change-stream.it.test.ts'],
    globalSetup: ['./test/services.ts'],
    // The machine is shared and FerretDB sits on PostgreSQL: never depend on speed.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
