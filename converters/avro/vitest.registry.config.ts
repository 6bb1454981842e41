import { defineConfig } from 'vitest/config';

// The tests against a real Confluent-compatible Schema Registry. No such registry can be
// installed on the project's build machines (see @sluice/test-fixtures' README), so they
// are not part of `pnpm test`: run them with `SLUICE_SCHEMA_REGISTRY_URL=http://host:8081
// pnpm --filter @sluice/converter-avro test:registry`.
export default defineConfig({
  test: {
    include: ['registry-test/**/*.test.ts'],
    testTimeout: 120_000,
  },
});
