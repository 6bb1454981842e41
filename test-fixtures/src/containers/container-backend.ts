import { getContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import { ephemeralPort } from '../free-port.js';
import type { ServiceDefinition } from '../service-definition.js';
import { ServiceError } from '../service-error.js';
import type { ResolvedService } from '../service-manager.js';
import { waitUntilReady } from '../wait-until-ready.js';
import { OFFICIAL_IMAGES } from './official-images.js';

/** Containers this process started; stopped by `stopContainers` (testcontainers' reaper too). */
const running: StartedTestContainer[] = [];

/** Answers when a Docker engine does; a ServiceError naming the choice and the way back otherwise. */
async function dockerEngine(definition: ServiceDefinition, variable: string): Promise<void> {
  try {
    await getContainerRuntimeClient();
  } catch (error) {
    throw new ServiceError({
      service: definition.name,
      problem: `${variable}=testcontainers, but no Docker engine answers. Start Docker (or point DOCKER_HOST at one), or unset ${variable} to start the servers without Docker`,
      envVar: definition.envVar,
      ...(definition.envExample === undefined ? {} : { envExample: definition.envExample }),
      cause: error,
    });
  }
}

/**
 * Starts `definition`'s service from its official image and waits until the same readiness
 * check as the local launcher's passes; the variables are the ones the local launcher sets.
 */
export async function startContainerService(
  definition: ServiceDefinition,
  variable: string,
): Promise<ResolvedService> {
  const service = OFFICIAL_IMAGES.get(definition.name);
  if (service === undefined) {
    throw new ServiceError({
      service: definition.name,
      problem: `${variable}=testcontainers, but ${definition.name} has no official image here; start it without Docker (SLUICE_${definition.name.toUpperCase().replaceAll('-', '_')}_BACKEND=local)`,
      envVar: definition.envVar,
    });
  }
  await dockerEngine(definition, variable);
  const bound: number[] = [];
  const hostPort = async () => {
    const port = await ephemeralPort();
    bound.push(port);
    return port;
  };
  const startedAt = Date.now();
  let container: StartedTestContainer;
  try {
    container = await (await service.container(hostPort)).start();
  } catch (error) {
    throw new ServiceError({
      service: definition.name,
      problem: `the container of ${service.image} did not start`,
      envVar: definition.envVar,
      cause: error,
    });
  }
  running.push(container);
  try {
    await service.afterStart?.(container);
    const { connection, env = {} } = service.variables({
      host: container.getHost(),
      port: (p) => container.getMappedPort(p),
      bound,
    });
    await waitUntilReady(() => definition.checkReady(connection, env), {
      timeoutMs: definition.readyTimeoutMs ?? 60_000,
      intervalMs: 500,
    });
    return {
      name: definition.name,
      connection,
      env: { ...env, [definition.envVar]: connection },
      origin: 'container',
      startSeconds: (Date.now() - startedAt) / 1000,
    };
  } catch (error) {
    await container.stop().catch(() => {});
    running.splice(running.indexOf(container), 1);
    throw new ServiceError({
      service: definition.name,
      problem: `the container of ${service.image} started but does not answer`,
      envVar: definition.envVar,
      cause: error,
    });
  }
}

/** Stops every container this process started (the end of a test run). */
export async function stopContainers(): Promise<void> {
  await Promise.all(running.splice(0).map((c) => c.stop()));
}
