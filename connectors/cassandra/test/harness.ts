import type { ConnectorProps, SinkTask, SourceTask } from '@sluice/api';
import {
  deliver,
  drain,
  MemoryOffsets,
  pollRecords,
  type Reported,
  type StartedSink,
  startSinkTask,
  startSourceTask,
} from '@sluice/connector-testkit';
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

const _canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** Starts a sink task with a runtime-like context; `reported` collects DLQ reports when enabled. */
export async function startSink<T extends SinkTask>(
  task: T,
  props: ConnectorProps,
  options: { dlq?: boolean } = {},
): Promise<StartedSink<T> & { log: RecordingLogger }> {
  const log = new RecordingLogger();
  return { ...(await startSinkTask(task, props, { ...options, log })), log };
}

/** Starts a source task the way the runtime does. */
export function startSource<T extends SourceTask>(
  task: T,
  props: ConnectorProps,
  offsets: MemoryOffsets,
  log: RecordingLogger = new RecordingLogger(),
): Promise<T> {
  return startSourceTask(task, props, offsets, log);
}

export { deliver, drain, MemoryOffsets, pollRecords, type Reported };
