import { RUNTIME_VERSION } from '../version.js';
import type { Router } from './router.js';

/** The commit Sluice was built from, when the build recorded one (`SLUICE_COMMIT`). */
const COMMIT = process.env.SLUICE_COMMIT ?? 'unknown';

/**
 * `GET /` (Kafka's RootResource): `{"version", "commit", "kafka_cluster_id"}`, and `GET /health`
 * (KIP-1017): the REST API is served once the worker has started, so it answers healthy.
 */
export function rootRoutes(router: Router, kafkaClusterId: () => Promise<string>): void {
  // Kafka's RootResource declares no @Consumes: any Content-Type is accepted.
  const any = { anyContentType: true };
  router
    .add(
      'GET',
      '/',
      async () => ({
        status: 200,
        body: {
          version: RUNTIME_VERSION,
          commit: COMMIT,
          kafka_cluster_id: await kafkaClusterId(),
        },
      }),
      any,
    )
    .add(
      'GET',
      '/health',
      () => ({
        status: 200,
        body: {
          status: 'healthy',
          message: 'Worker has completed startup and is ready to handle requests.',
        },
      }),
      any,
    );
}
