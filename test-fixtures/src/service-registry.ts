import type { ServiceDefinition } from './service-definition.js';
import { kafka } from './services/kafka.js';
import { postgres } from './services/postgres.js';
import { redis } from './services/redis.js';

/**
 * Every service the CLI and `services(...)` know, in `up` order.
 *
 * To add a launcher: write `src/services/<name>.ts` exporting a `ServiceDefinition`,
 * import it here and add it to the list. Slots reserved for the launchers still to
 * come (names are what `services('...')` and the CLI accept):
 *   - `mongodb`          SLUICE_MONGODB_URL               (FerretDB)
 *   - `s3`               SLUICE_S3_ENDPOINT               (MinIO)
 *   - `cassandra`        SLUICE_CASSANDRA_CONTACT_POINTS  (cassandra-all)
 *   - `schema-registry`  SLUICE_SCHEMA_REGISTRY_URL       (dependsOn: ['kafka'])
 */
const builtIn: readonly ServiceDefinition[] = [kafka, postgres, redis];

const registry = new Map<string, ServiceDefinition>(builtIn.map((d) => [d.name, d]));

/** The definition of service `name`; throws naming the known services if there is none. */
export function serviceDefinition(name: string): ServiceDefinition {
  const definition = registry.get(name);
  if (definition === undefined) {
    throw new Error(`unknown service "${name}"; known services: ${serviceNames().join(', ')}`);
  }
  return definition;
}

/** Names of all registered services, in registration order. */
export function serviceNames(): string[] {
  return [...registry.keys()];
}

/** Adds (or replaces) a service definition, e.g. one a package keeps for itself. */
export function registerService(definition: ServiceDefinition): void {
  registry.set(definition.name, definition);
}
