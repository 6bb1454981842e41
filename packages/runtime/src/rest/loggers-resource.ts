import { LoggerLevels } from './logger-levels.js';
import { badRequest, RestException } from './rest-exception.js';
import type { Router } from './router.js';

/**
 * `/admin/loggers` (Kafka's LoggingResource) over the worker's pino loggers. `?scope=cluster`
 * (KIP-976) sets the level on every worker of the cluster through `setClusterLevel` (in
 * standalone mode: this worker), answering 204.
 */
export function loggersRoutes(
  router: Router,
  levels: LoggerLevels,
  setClusterLevel: (namespace: string, level: string) => Promise<void>,
): void {
  router
    .add('GET', '/admin/loggers', () => ({ status: 200, body: levels.all() }))
    .add('GET', '/admin/loggers/{logger}', (r) => {
      const name = r.params.logger as string;
      const level = levels.get(name);
      if (!level) throw new RestException(404, `Logger ${name} not found.`);
      return { status: 200, body: level };
    })
    .add('PUT', '/admin/loggers/{logger}', async (r) => {
      const body = await r.body();
      const level =
        typeof body === 'object' && body !== null ? (body as Record<string, unknown>).level : null;
      if (typeof level !== 'string')
        throw badRequest("Desired 'level' parameter was not specified in request.");
      // Kafka answers an unknown level with 404.
      if (!LoggerLevels.isLevel(level))
        throw new RestException(404, `invalid log level '${level}'.`);
      const namespace = r.params.logger as string;
      if (r.query.get('scope')?.toLowerCase() === 'cluster') {
        await setClusterLevel(namespace, level);
        return { status: 204 };
      }
      return { status: 200, body: levels.set(namespace, level) };
    });
}
