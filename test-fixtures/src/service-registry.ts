import type { ServiceDefinition } from './service-definition.js';
import { cassandra } from './services/cassandra.js';
import { kafka } from './services/kafka.js';
import { mongodb } from './services/mongodb.js';
import { postgres } from './services/postgres.js';
import { redis } from './services/redis.js';
import { redisCluster } from './services/redis-cluster.js';
import { s3 } from './services/s3.js';
import { schemaRegistry } from './services/schema-registry.js';

/**
 * Every service the CLI and `services(...)` know, in `up` order.
 *
 * To add a launcher: write `src/services/<name>.ts` exporting a `ServiceDefinition`,
 * import it here and add it to the list.
 */
const builtIn: readonly ServiceDefinition[] = [
  kafka,
  postgres,
  redis,
  redisCluster,
  mongodb,
  s3,
  cassandra,
  schemaRegistry,
];

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
