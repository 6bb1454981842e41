import type { TestProject } from 'vitest/node';
import type { SluiceProvidedServices } from './provided-context.js';
import { ensureServices } from './service-manager.js';

/**
 * A vitest global setup function, as `services(...)` returns it; its teardown stops what the
 * testcontainers backend started (local servers are left running).
 */
export type ServicesGlobalSetup = (project: TestProject) => Promise<() => Promise<void>>;

/**
 * A vitest `globalSetup` that makes sure the named services are up before any test
 * runs (starting them, or reusing ones already running or named by env vars), then
 * hands their connection variables to the tests as `process.env.SLUICE_*` and through
 * `inject('sluiceServices')`. Local services are left running for the next run (stop them
 * with `pnpm services down`); containers (SLUICE_FIXTURES_BACKEND=testcontainers) end with it.
 *
 * Use it from a file listed in `test.globalSetup`: `export default services('kafka', 'postgres');`
 */
export function services(...names: string[]): ServicesGlobalSetup {
  return async (project) => {
    const resolved = await ensureServices(names);
    const env: SluiceProvidedServices = {};
    for (const service of Object.values(resolved)) Object.assign(env, service.env);
    // Workers are spawned after global setup and inherit this process's environment.
    Object.assign(process.env, env);
    project.provide('sluiceServices', env);
    return async () => {
      if (!Object.values(resolved).some((s) => s.origin === 'container')) return;
      const { stopContainers } = await import('./containers/container-backend.js');
      await stopContainers();
    };
  };
}
