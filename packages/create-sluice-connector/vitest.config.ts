import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each case compiles a generated project with tsc.
    testTimeout: 120_000,
  },
});
