import {
  type ConnectorProps,
  type ErrantRecordReporter,
  type OffsetStorageReader,
  type SinkRecord,
  type SinkTask,
  type SinkTaskContext,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  type SourceTask,
  TopicPartitionMap,
} from '@sluice/api';
import { cassandraContactPoints, RecordingLogger } from '@sluice/test-fixtures';
import cassandra from 'cassandra-driver';

/** The connector keys that reach the test Cassandra. */
export function connectionProps(): Record<string, string> {
  return {
    contactPoints: cassandraContactPoints().join(','),
    'loadBalancing.localDc': 'datacenter1',
  };
}

/** A client of the test Cassandra, for arranging and asserting (values as the connector reads them). */
export async function cassandraClient(): Promise<cassandra.Client> {
  const client = new cassandra.Client({
    contactPoints: cassandraContactPoints(),
    localDataCenter: 'datacenter1',
    encoding: { useBigIntAsLong: true, useBigIntAsVarint: true, map: Map, set: Set },
  });
  await client.connect();
  return client;
}

/** A new keyspace for one test file (replication factor 1: one node). */
export async function freshKeyspace(client: cassandra.Client, label: string): Promise<string> {
  const name = `t_${label}_${process.pid}_${Date.now().toString(36)}`;
  await client.execute(
    `CREATE KEYSPACE ${name} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
  );
  return name;
}

/** What the runtime's error reporter received. */
export interface Reported {
  record: SinkRecord;
  error: Error;
}

/** Starts a sink task with a runtime-like context; `reported` collects DLQ reports when enabled. */
export async function startSink<T extends SinkTask>(
  task: T,
  props: ConnectorProps,
  options: { dlq?: boolean } = {},
): Promise<{ task: T; reported: Reported[]; log: RecordingLogger }> {
  const log = new RecordingLogger();
  const reported: Reported[] = [];
  const reporter: ErrantRecordReporter = {
    async report(record, error) {
      reported.push({ record, error });
    },
  };
  const context: SinkTaskContext = {
    configs: () => props,
    offset: () => {},
    timeout: () => {},
    assignment: () => [],
    pause: () => {},
    resume: () => {},
    requestCommit: () => {},
    errantRecordReporter: () => (options.dlq ? reporter : null),
    log,
  };
  task.initialize(context);
  await task.start(props);
  return { task, reported, log };
}

/** put then preCommit, as the runtime does before committing offsets. */
export async function deliver(task: SinkTask, records: SinkRecord[]): Promise<void> {
  await task.put(records);
  await task.preCommit(new TopicPartitionMap());
}

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** An offset store as the runtime keeps it: the last offset of each partition, through JSON. */
export class MemoryOffsets implements OffsetStorageReader {
  readonly stored = new Map<string, string>();

  /** Commits the offsets of records the runtime would have had acknowledged. */
  commit(records: readonly SourceRecord[]): void {
    for (const r of records) {
      if (r.sourcePartition !== null && r.sourceOffset !== null) {
        this.stored.set(canonical(r.sourcePartition), canonical(r.sourceOffset));
      }
    }
  }

  async offset(partition: SourcePartition): Promise<SourceOffset | null> {
    const text = this.stored.get(canonical(partition));
    return text === undefined ? null : (JSON.parse(text) as SourceOffset);
  }

  async offsets(
    partitions: readonly SourcePartition[],
  ): Promise<Map<SourcePartition, SourceOffset | null>> {
    const out = new Map<SourcePartition, SourceOffset | null>();
    for (const p of partitions) out.set(p, await this.offset(p));
    return out;
  }
}

/** Starts a source task the way the runtime does. */
export async function startSource<T extends SourceTask>(
  task: T,
  props: ConnectorProps,
  offsets: MemoryOffsets,
  log: RecordingLogger = new RecordingLogger(),
): Promise<T> {
  task.initialize({
    configs: () => props,
    offsetStorageReader: () => offsets,
    transactionContext: () => null,
    log,
  });
  await task.start(props);
  return task;
}

/** Polls until the task returned nothing `rounds` times in a row, committing offsets as it goes. */
export async function drain(
  task: SourceTask,
  offsets: MemoryOffsets,
  rounds = 2,
): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  let idle = 0;
  while (idle < rounds) {
    const records = (await task.poll()) ?? [];
    offsets.commit(records);
    out.push(...records);
    idle = records.length === 0 ? idle + 1 : 0;
  }
  return out;
}

/** Polls until `count` records arrived (committing offsets), failing after a deadline. */
export async function pollRecords(
  task: SourceTask,
  offsets: MemoryOffsets,
  count: number,
  timeoutMs = 60_000,
): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    if (Date.now() > deadline)
      throw new Error(`expected ${count} records, got ${out.length} within ${timeoutMs} ms`);
    const records = (await task.poll()) ?? [];
    offsets.commit(records);
    out.push(...records);
  }
  return out;
}
