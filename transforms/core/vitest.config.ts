import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The differential test builds a Java harness with Maven on its first run.
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
