import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./test/services.ts'],
    // Publishing a dozen packages and installing them three ways takes minutes on two cores.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
