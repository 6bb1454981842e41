/** The workloads both workers run, and the worker/connector configs they share. */
import { join } from 'node:path';
import type { KafkaConnectInstall } from '@sluice/test-fixtures';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { RECORD_SIZES, type RecordSize } from './record-data.js';

/** Which way the records move through the worker. */
export type WorkloadPath = 'source' | 'sink' | 'sink-smt';

export interface Workload {
  readonly id: string;
  readonly path: WorkloadPath;
  readonly size: RecordSize;
  /** `value.converter.schemas.enable` of the JsonConverter. */
  readonly schemas: boolean;
  /** `tasks.max` of the connector, and the partitions of its input topic (sinks). */
  readonly tasks: number;
  readonly title: string;
  /** What the raw kafkajs column measures for this workload. */
  readonly raw: string;
}

const PATH_TITLE: Record<WorkloadPath, string> = {
  source: 'file source → Kafka',
  sink: 'Kafka → file sink',
  'sink-smt': 'Kafka → 3 SMTs → file sink',
};

const SIZE_TITLE: Record<RecordSize, string> = { '200B': '~200 B', '2KB': '~2 KB' };

/** Every workload, in the order they run and are reported. */
export const WORKLOADS: readonly Workload[] = [
  ...(['source', 'sink', 'sink-smt'] as const).flatMap((path) =>
    (Object.keys(RECORD_SIZES) as RecordSize[]).flatMap((size) =>
      [false, true].map((schemas) => ({
        id: `${path}-${size}-${schemas ? 'schemas' : 'schemaless'}`,
        path,
        size,
        schemas,
        tasks: 1,
        title: `${PATH_TITLE[path]}, ${SIZE_TITLE[size]}, JSON ${schemas ? 'with schemas' : 'schemaless'}`,
        raw:
          path === 'source'
            ? 'producer (acks=all) sending the same values'
            : 'consumer reading the same topic',
      })),
    ),
  ),
  // Scaling: two tasks, one partition each, writing the same file (FileStreamSource has one
  // task whatever tasks.max says, so the row is a sink).
  {
    id: 'sink-200B-schemaless-2tasks',
    path: 'sink',
    size: '200B',
    schemas: false,
    tasks: 2,
    title: `${PATH_TITLE.sink}, ~200 B, JSON schemaless, tasks.max=2 over 2 partitions`,
    raw: 'one consumer reading the same 2-partition topic',
  },
];

/** What every run gets: the Kafka it talks to, where it writes, how it reports. */
export interface BenchContext {
  readonly brokers: readonly string[];
  readonly kafka: Kafka;
  readonly admin: Admin;
  readonly producer: Producer;
  readonly workDir: string;
  /** Unique per bench run: prefixes topic and connector names. */
  readonly runId: string;
  readonly records: number;
  readonly kafkaConnect: KafkaConnectInstall | undefined;
  readonly cpuProfileDir: string | undefined;
  /** A progress line (stderr). */
  readonly log: (line: string) => void;
}

/** The worker config both workers get: same converters, same flush interval, a REST listener. */
export function workerConfig(
  ctx: BenchContext,
  dir: string,
  schemas: boolean,
  restPort: number,
): Record<string, string> {
  return {
    'bootstrap.servers': ctx.brokers.join(','),
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': String(schemas),
    'offset.storage.file.filename': join(dir, 'connect.offsets'),
    'offset.flush.interval.ms': '10000',
    listeners: `http://127.0.0.1:${restPort}`,
  };
}

/** Kafka's FileStreamSource reading `file` into `topic`. */
export function fileSourceConfig(
  name: string,
  file: string,
  topic: string,
): Record<string, string> {
  return {
    name,
    'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
    'tasks.max': '1',
    file,
    topic,
  };
}

/** Kafka's FileStreamSink writing `topic` into `file`, with the 3-SMT chain when asked. */
export function fileSinkConfig(
  name: string,
  topic: string,
  file: string,
  transforms: boolean,
  tasks = 1,
): Record<string, string> {
  return {
    name,
    'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
    'tasks.max': String(tasks),
    topics: topic,
    file,
    ...(transforms ? SMT_CHAIN : {}),
  };
}

/** Three of Kafka's built-in SMTs by their Java class names: add a field, drop one, mask one. */
export const SMT_CHAIN: Readonly<Record<string, string>> = {
  transforms: 'insert,drop,mask',
  'transforms.insert.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
  'transforms.insert.static.field': 'pipeline',
  'transforms.insert.static.value': 'bench',
  'transforms.drop.type': 'org.apache.kafka.connect.transforms.ReplaceField$Value',
  'transforms.drop.exclude': 'internal',
  'transforms.mask.type': 'org.apache.kafka.connect.transforms.MaskField$Value',
  'transforms.mask.fields': 'email',
};
