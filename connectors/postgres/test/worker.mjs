// A standalone worker running the connectors it is given until it is killed: the crash tests
// start it as a child process and SIGKILL it, so nothing is flushed or committed on the way out.
import { createLogger, createStandalone } from '@sluice/runtime';

const { worker, connectors } = JSON.parse(process.env.SLUICE_TEST_WORKER ?? '{}');
const log = createLogger({ level: process.env.SLUICE_LOG_LEVEL ?? 'error' });
const { herder } = await createStandalone(worker, { log });
await herder.start();
for (const [name, config] of Object.entries(connectors))
  await herder.putConnectorConfig(name, config, true);
process.stdout.write('started\n');
setInterval(() => {}, 60_000);
