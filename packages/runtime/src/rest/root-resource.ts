import { RUNTIME_VERSION } from '../version.js';
import type { Router } from './router.js';

/** The commit Sluice was built from, when the build recorded one (`SLUICE_COMMIT`). */
const COMMIT = process.env.SLUICE_COMMIT ?? 'unknown';

/** `GET /` (Kafka's RootResource): `{"version", "commit", "kafka_cluster_id"}`. */
export function rootRoutes(router: Router, kafkaClusterId: () => Promise<string>): void {
  router.add('GET', '/', async () => ({
    status: 200,
    body: { version: RUNTIME_VERSION, commit: COMMIT, kafka_cluster_id: await kafkaClusterId() },
  }));
}
