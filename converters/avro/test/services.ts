import { services } from '@sluice/test-fixtures/vitest-setup';

// Only test/registry.it.test.ts uses a service: the Schema Registry (Apicurio's ccompat API,
// or the registry SLUICE_SCHEMA_REGISTRY_URL points at).
export default services('schema-registry');
