import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { herderFailures, testKafka } from '@sluice/connector-testkit';
import type { ConsumerRecord, Logger } from '@sluice/runtime';
import { kafkaBrokers } from '@sluice/test-fixtures';

const here = dirname(fileURLToPath(import.meta.url));
const kafka = testKafka(kafkaBrokers(), {
  label: 'redis',
  pluginPath: [resolve(here, '..'), resolve(here, '../../../converters/json')],
  // String keys, JSON values with schemas.
  worker: { 'value.converter': 'org.apache.kafka.connect.json.JsonConverter' },
});
export const { clients, createTopics, produce, readTopic, topicSize, workerProps } = kafka;
export const log: Logger = kafka.log;
export const failures = herderFailures;

/** A record's text value, and a header's. */
export const text = (bytes: Uint8Array | null | undefined): string | null =>
  bytes === null || bytes === undefined ? null : new TextDecoder().decode(bytes);

export function header(record: ConsumerRecord, key: string): string | null {
  return text(record.headers.find((h) => h.key === key)?.value);
}
