import { fixturesBackend } from '@sluice/test-fixtures';
import { defineConfig } from 'vitest/config';

// Change streams need a replica set, which FerretDB (the local launcher's server) is not: their
// tests run when SLUICE_MONGODB_URL (read here, before the global setup sets it) names one, or
// when MongoDB comes from its official image (SLUICE_FIXTURES_BACKEND=testcontainers).
const replicaSet =
  process.env.SLUICE_MONGODB_URL !== undefined ||
  fixturesBackend('mongodb').backend === 'testcontainers';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: replicaSet ? [] : ['test/change-stream.it.test.ts'],
    globalSetup: ['./test/services.ts'],
    // The machine is shared and FerretDB sits on PostgreSQL: never depend on speed.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
