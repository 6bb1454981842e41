import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ConsumerRecord,
  createLogger,
  type KafkaHeader,
  KafkajsClientFactory,
  type Logger,
  type StandaloneHerder,
} from '@sluice/runtime';
import { uniqueId, waitFor } from './kit-worker.js';
import { createTopicsWith } from './topic-io.js';

/** A record to produce: text or bytes, with optional key, partition, timestamp and text headers. */
export interface TestRecord {
  readonly key?: string | null;
  readonly value: string | Uint8Array | null;
  readonly partition?: number;
  readonly timestamp?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The Kafka side of a connector's own integration tests, through the runtime's Kafka clients. */
export interface TestKafka {
  readonly brokers: readonly string[];
  readonly clients: KafkajsClientFactory;
  readonly log: Logger;
  /** Creates topics of one partition. */
  createTopics(...topics: string[]): Promise<void>;
  /** Creates a topic of `partitions` partitions. */
  createTopic(topic: string, partitions: number): Promise<void>;
  /** Produces text values to partition 0, in concurrent sends of up to 500 (with `headers` each). */
  produceValues(topic: string, values: readonly string[], headers?: KafkaHeader[]): Promise<void>;
  /** Produces records in order, each acknowledged before the next is sent. */
  produce(topic: string, records: readonly TestRecord[]): Promise<void>;
  /** Reads a topic from the beginning until `done(records)` holds (3 minutes at most by default). */
  readTopic(
    topic: string,
    done: (records: readonly ConsumerRecord[]) => boolean,
    timeoutMs?: number,
  ): Promise<ConsumerRecord[]>;
  /** The number of records in a topic (the sum of its partitions' high watermarks). */
  topicSize(topic: string): Promise<number>;
  /**
   * The properties of a standalone worker on this Kafka loading the plugin path, its offsets in a
   * new temporary folder: string converters unless the options' `worker` or `extra` say otherwise.
   */
  workerProps(extra?: Record<string, string>): Promise<Record<string, string>>;
}

/** How a connector's tests use Kafka. */
export interface TestKafkaOptions {
  /** Names the clients and temporary folders (`cassandra`). */
  readonly label: string;
  /** The folders of `plugin.path`: the connector's package and the plugins it needs. */
  readonly pluginPath: readonly string[];
  /** Worker properties every worker of these tests gets (converters). */
  readonly worker?: Readonly<Record<string, string>>;
}

const encoder = new TextEncoder();
const bytes = (v: string | Uint8Array | null | undefined): Uint8Array | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? encoder.encode(v) : v;

/** A TestKafka on `brokers`, for one connector's tests. */
export function testKafka(brokers: readonly string[], options: TestKafkaOptions): TestKafka {
  const { label, pluginPath, worker = {} } = options;
  const log = createLogger({ level: process.env.SLUICE_LOG_LEVEL ?? 'error' });
  const clients = new KafkajsClientFactory({ 'bootstrap.servers': brokers.join(',') }, log);
  const clientId = (role: string) => ({ clientId: `${label}-test-${role}`, overrides: {} });
  const createTopics = (topics: readonly string[], partitions: number) =>
    createTopicsWith(clients, topics, partitions);
  return {
    brokers,
    clients,
    log,
    createTopics: (...topics) => createTopics(topics, 1),
    createTopic: (topic, partitions) => createTopics([topic], partitions),
    async produceValues(topic, values, headers = []) {
      const producer = clients.producer(clientId('producer'));
      await producer.connect();
      try {
        for (let i = 0; i < values.length; i += 500) {
          await Promise.all(
            values
              .slice(i, i + 500)
              .map((v) =>
                producer.send({ topic, partition: 0, key: null, value: bytes(v), headers }),
              ),
          );
        }
      } finally {
        await producer.disconnect();
      }
    },
    async produce(topic, records) {
      const producer = clients.producer(clientId('producer'));
      await producer.connect();
      try {
        for (const r of records) {
          await producer.send({
            topic,
            partition: r.partition ?? 0,
            key: bytes(r.key),
            value: bytes(r.value),
            headers: Object.entries(r.headers ?? {}).map(([key, value]) => ({
              key,
              value: encoder.encode(value),
            })),
            ...(r.timestamp === undefined ? {} : { timestamp: r.timestamp }),
          });
        }
      } finally {
        await producer.disconnect();
      }
    },
    async readTopic(topic, done, timeoutMs = 180_000) {
      const consumer = clients.consumer({
        ...clientId('reader'),
        groupId: uniqueId(`${label}-reader`),
      });
      await consumer.connect();
      const seen: ConsumerRecord[] = [];
      try {
        await consumer.subscribe({ topics: [topic], fromBeginning: true });
        await consumer.run({
          onBatch: async (records, control) => {
            seen.push(...records);
            const last = records[records.length - 1];
            if (last) control.markProcessed(last.offset);
          },
          onAssignment: async () => {},
          onCrash: () => {},
        });
        await waitFor(`records of ${topic} (${seen.length} so far)`, () => done(seen), timeoutMs);
      } finally {
        await consumer.disconnect();
      }
      return seen;
    },
    async topicSize(topic) {
      const admin = clients.admin(clientId('size'));
      await admin.connect();
      try {
        return (await admin.topicOffsets(topic)).reduce((n, o) => n + Number(o.high - o.low), 0);
      } finally {
        await admin.disconnect();
      }
    },
    async workerProps(extra = {}) {
      const dir = await mkdtemp(join(tmpdir(), `sluice-${label}-`));
      return {
        'bootstrap.servers': brokers.join(','),
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'offset.storage.file.filename': join(dir, 'offsets.json'),
        'offset.flush.interval.ms': '500',
        'plugin.path': pluginPath.join(','),
        ...worker,
        ...extra,
      };
    },
  };
}

/** The FAILED connector or task states of `names` in a herder, with their traces. */
export function herderFailures(herder: StandaloneHerder, names: readonly string[]): string[] {
  return names.flatMap((name) => {
    const status = herder.connectorStatus(name);
    return [status.connector, ...status.tasks]
      .filter((s) => s.state === 'FAILED')
      .map((s) => `${name}: ${s.trace ?? 'FAILED'}`);
  });
}
