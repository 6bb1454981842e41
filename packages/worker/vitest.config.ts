import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/services.ts'],
    // End-to-end runs move 100k records through Kafka on a shared 2-core machine.
    testTimeout: 600_000,
    hookTimeout: 120_000,
  },
});
