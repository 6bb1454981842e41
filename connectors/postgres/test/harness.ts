import {
  type ConnectorProps,
  type ErrantRecordReporter,
  type OffsetStorageReader,
  type SinkRecord,
  SinkTask,
  type SinkTaskContext,
  type SourceOffset,
  type SourcePartition,
  type SourceRecord,
  type SourceTask,
  type TopicPartition,
  TopicPartitionMap,
} from '@sluice/api';
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

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? value.toString() : JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
    a < b ? -1 : 1,
  );
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/**
 * An offset store as the runtime keeps it: the last offset of each partition from the records a
 * poll returned, written through JSON (bigints as JSON integers, read back as numbers when safe).
 */
export class MemoryOffsets implements OffsetStorageReader {
  readonly stored = new Map<string, string>();

  /** Commits the offsets of records the runtime would have had acknowledged. */
  commit(records: readonly SourceRecord[]): void {
    for (const r of records) {
      if (r.sourcePartition === null || r.sourceOffset === null) continue;
      this.stored.set(canonical(r.sourcePartition), canonical(r.sourceOffset));
    }
  }

  /** Stores an offset as another deployment (e.g. the Java JDBC connector) would have written it. */
  put(partition: SourcePartition, offset: SourceOffset): void {
    this.stored.set(canonical(partition), canonical(offset));
  }

  async offset(partition: SourcePartition): Promise<SourceOffset | null> {
    const text = this.stored.get(canonical(partition));
    if (text === undefined) return null;
    // Integers beyond 2^53 come back as bigint, as the runtime's offset JSON reads them.
    const marked = text.replace(/(:)(-?\d{16,})(?=[,}\]])/g, '$1"__bigint__$2"');
    return JSON.parse(marked, (_key, value: unknown) => {
      if (typeof value === 'string' && value.startsWith('__bigint__')) {
        const big = BigInt(value.slice('__bigint__'.length));
        return Number.isSafeInteger(Number(big)) ? Number(big) : big;
      }
      return value;
    }) as SourceOffset;
  }

  async offsets(
    partitions: readonly SourcePartition[],
  ): Promise<Map<SourcePartition, SourceOffset | null>> {
    const out = new Map<SourcePartition, SourceOffset | null>();
    for (const p of partitions) out.set(p, await this.offset(p));
    return out;
  }

  /** The stored offset of a partition, parsed. */
  get(partition: SourcePartition): unknown {
    const text = this.stored.get(canonical(partition));
    return text === undefined ? undefined : JSON.parse(text);
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

/**
 * Polls until `count` records arrived (or more), committing their offsets as they come.
 * Fails after a generous deadline instead of hanging.
 */
export async function pollRecords(
  task: SourceTask,
  offsets: MemoryOffsets,
  count: number,
  timeoutMs = 60_000,
): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    if (Date.now() > deadline) {
      throw new Error(`expected ${count} records, got ${out.length} within ${timeoutMs} ms`);
    }
    const records = (await task.poll()) ?? [];
    offsets.commit(records);
    out.push(...records);
  }
  return out;
}

/** Polls until the task has been idle for `rounds` polls in a row (nothing more to read). */
export async function drain(
  task: SourceTask,
  offsets: MemoryOffsets,
  rounds = 3,
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

/** What the runtime's error reporter received. */
export interface Reported {
  record: SinkRecord;
  error: Error;
}

/**
 * Starts a sink task with a runtime-like context; `reported` collects DLQ reports when enabled,
 * `log` what the task logged.
 */
export async function startSink<T extends SinkTask>(
  task: T,
  props: ConnectorProps,
  options: { dlq?: boolean } = {},
): Promise<{
  task: T;
  reported: Reported[];
  log: RecordingLogger;
  /** Where the task asked the runtime to consume from (`context.offset`). */
  sought: TopicPartitionMap<number>;
}> {
  const log = new RecordingLogger();
  const reported: Reported[] = [];
  const sought = new TopicPartitionMap<number>();
  const reporter: ErrantRecordReporter = {
    async report(record, error) {
      reported.push({ record, error });
    },
  };
  const context: SinkTaskContext = {
    configs: () => props,
    offset: (a: TopicPartition | TopicPartitionMap<number>, b?: number) => {
      if (b !== undefined) sought.set(a as TopicPartition, b);
      else for (const [tp, o] of a as TopicPartitionMap<number>) sought.set(tp, o);
    },
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
  return { task, reported, log, sought };
}

/** put then flush, as the runtime does before committing offsets. */
export async function deliver(task: SinkTask, records: SinkRecord[]): Promise<void> {
  await task.put(records);
  await task.preCommit(new TopicPartitionMap());
}

export { SinkTask };
