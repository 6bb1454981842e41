import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor as kitWaitFor, testKafka } from '@sluice/connector-testkit';
import type { Logger } from '@sluice/runtime';
import { kafkaBrokers } from '@sluice/test-fixtures';

export { herderFailures as failures, uniqueId as unique } from '@sluice/connector-testkit';

const here = dirname(fileURLToPath(import.meta.url));
const kafka = testKafka(kafkaBrokers(), {
  label: 'mongodb',
  // This package and the JSON converter, found through plugin.path like installed plugins.
  pluginPath: [resolve(here, '..'), resolve(here, '../../../converters/json')],
  worker: {
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  },
});
export const { clients, createTopics, readTopic, topicSize, workerProps } = kafka;
export const log: Logger = kafka.log;
export const produce = kafka.produceValues;
/** Polls `check` until true, failing with `what` after `timeoutMs` (3 minutes: a JVM under load). */
export const waitFor = (
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 180_000,
) => kitWaitFor(what, check, timeoutMs, 250);
