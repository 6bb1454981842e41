import { type ConnectorProps, SinkTask, type SourceTask } from '@sluice/api';
import {
  deliver,
  drain as kitDrain,
  MemoryOffsets,
  pollRecords,
  type Reported,
  type StartedSink,
  startSinkTask,
  startSourceTask,
} from '@sluice/connector-testkit';
import { postgresUrl, RecordingLogger } from '@sluice/test-fixtures';
import pg from 'pg';

/** A client on the test PostgreSQL (default type parsing: for arranging and asserting). */
export async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  await client.query("SET TimeZone = 'UTC'");
  return client;
}

let counter = 0;

/** A fresh schema for one test, so parallel runs never share tables. */
export async function freshSchema(client: pg.Client, label: string): Promise<string> {
  counter++;
  const name = `t_${label}_${process.pid}_${Date.now().toString(36)}_${counter}`;
  await client.query(`CREATE SCHEMA "${name}"`);
  return name;
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

/** Polls until the task has been idle for `rounds` polls in a row (nothing more to read). */
export function drain(task: SourceTask, offsets: MemoryOffsets, rounds = 3) {
  return kitDrain(task, offsets, rounds);
}

/**
 * Starts a sink task with a runtime-like context; `reported` collects DLQ reports when enabled,
 * `log` what the task logged, `sought` where the task asked the runtime to consume from.
 */
export async function startSink<T extends SinkTask>(
  task: T,
  props: ConnectorProps,
  options: { dlq?: boolean } = {},
): Promise<StartedSink<T> & { log: RecordingLogger }> {
  const log = new RecordingLogger();
  return { ...(await startSinkTask(task, props, { ...options, log })), log };
}

export { deliver, MemoryOffsets, pollRecords, type Reported, SinkTask };
