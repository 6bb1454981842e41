/**
 * Which backend starts a service: the launchers of this package without Docker (`local`, the
 * default), or `testcontainers` (the official images, where a Docker engine answers). Chosen for
 * every service by SLUICE_FIXTURES_BACKEND, and for one by SLUICE_<NAME>_BACKEND.
 */
export type FixturesBackend = 'local' | 'testcontainers';

export const FIXTURES_BACKEND_ENV = 'SLUICE_FIXTURES_BACKEND';
const BACKENDS: readonly FixturesBackend[] = ['local', 'testcontainers'];

/** The variable choosing one service's backend: `SLUICE_REDIS_CLUSTER_BACKEND`. */
export function backendVariable(service: string): string {
  return `SLUICE_${service.toUpperCase().replaceAll('-', '_')}_BACKEND`;
}

/** A service's backend and the variable that chose it (none: the default). */
export interface BackendChoice {
  readonly backend: FixturesBackend;
  readonly variable?: string;
}

/**
 * The backend of `service`: its own variable, else SLUICE_FIXTURES_BACKEND, else `local`. A value
 * that is neither backend is an error naming the variable, never a silent default.
 */
export function fixturesBackend(
  service: string,
  env: NodeJS.ProcessEnv = process.env,
): BackendChoice {
  for (const variable of [backendVariable(service), FIXTURES_BACKEND_ENV]) {
    const value = env[variable]?.trim();
    if (value === undefined || value === '') continue;
    if ((BACKENDS as readonly string[]).includes(value)) {
      return { backend: value as FixturesBackend, variable };
    }
    throw new Error(
      `${variable}=${value} is not a fixtures backend: use ${BACKENDS.join(' or ')} (local, the default, starts the servers without Docker)`,
    );
  }
  return { backend: 'local' };
}
