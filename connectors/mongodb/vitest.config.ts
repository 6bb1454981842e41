import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/services.ts'],
    // The machine is shared and FerretDB sits on PostgreSQL: never depend on speed.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
