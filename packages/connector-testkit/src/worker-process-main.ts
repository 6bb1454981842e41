/**
 * A standalone worker running the connectors it is given until it is killed (`startWorkerProcess`
 * spawns it): crash tests SIGKILL it, so nothing is flushed, committed or acknowledged on the way
 * out. Reads `{ worker, connectors }` from SLUICE_TEST_WORKER; says `started` once they are created.
 */
import { createLogger, createStandalone } from '@sluice/runtime';

const { worker, connectors } = JSON.parse(process.env.SLUICE_TEST_WORKER ?? '{}') as {
  worker: Record<string, string>;
  connectors: Record<string, Record<string, string>>;
};
const log = createLogger({ level: process.env.SLUICE_LOG_LEVEL ?? 'error' });
const { herder } = await createStandalone(worker, { log });
await herder.start();
for (const [name, config] of Object.entries(connectors)) {
  await herder.putConnectorConfig(name, config, true);
}
process.stdout.write('started\n');
// Keeps the process alive until it is killed.
setInterval(() => {}, 60_000);
