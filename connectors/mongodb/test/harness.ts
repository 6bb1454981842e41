import { randomUUID } from 'node:crypto';
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
import { mongodbUrl, RecordingLogger } from '@sluice/test-fixtures';
import { type Db, MongoClient } from 'mongodb';

/** A client of the test server, for arranging and asserting. */
export async function mongoClient(url = mongodbUrl()): Promise<MongoClient> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  return client;
}

/** A new database for one test file. */
export function freshDb(client: MongoClient, label: string): Db {
  return client.db(`t_${label}_${randomUUID().slice(0, 8)}`);
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
