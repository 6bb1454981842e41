// A standalone worker running one connector until it is killed: the end-to-end tests start it as
// a child process and SIGKILL it to crash the connector without any commit or acknowledgement.
import { createLogger, createStandalone } from '@sluice/runtime';

const { worker, name, connector } = JSON.parse(process.env.SLUICE_TEST_WORKER ?? '{}');
const log = createLogger({ level: process.env.SLUICE_LOG_LEVEL ?? 'error' });
const { herder } = await createStandalone(worker, { log });
await herder.start();
await herder.putConnectorConfig(name, connector, true);
process.stdout.write('started\n');
setInterval(() => {}, 60_000);
