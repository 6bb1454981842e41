import { randomUUID } from 'node:crypto';
import type {
  ConnectorProps,
  ErrantRecordReporter,
  OffsetStorageReader,
  SinkRecord,
  SinkTask,
  SinkTaskContext,
  SourceOffset,
  SourcePartition,
  SourceRecord,
  SourceTask,
} from '@sluice/api';
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

const canonical = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** An offset store as the runtime keeps it: the last offset of each partition, through JSON. */
export class MemoryOffsets implements OffsetStorageReader {
  readonly stored = new Map<string, string>();

  /** Commits the offsets of records the runtime would have had acknowledged. */
  commit(records: readonly SourceRecord[]): void {
    for (const r of records) {
      if (r.sourcePartition !== null && r.sourceOffset !== null)
        this.stored.set(canonical(r.sourcePartition), canonical(r.sourceOffset));
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

/** Polls until the task returned nothing `rounds` times in a row, committing offsets. */
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
