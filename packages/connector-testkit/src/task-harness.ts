/**
 * Running one task by hand, with the context the runtime would give it: for a connector's own
 * tests against its real server, below the worker (no Kafka). The conformance suites run the
 * whole runtime; these let a test drive put/poll itself.
 */
import {
  type ConnectorLogger,
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
  type TopicPartition,
  TopicPartitionMap,
} from '@sluice/api';

/** JSON with sorted keys (one text per partition), bigints as JSON integers, as the runtime writes. */
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

  /** Stores an offset as another deployment (e.g. a Java connector) would have written it. */
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

/** Initializes and starts a source task the way the runtime does. */
export async function startSourceTask<T extends SourceTask>(
  task: T,
  props: ConnectorProps,
  offsets: MemoryOffsets,
  log: ConnectorLogger,
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
    if (Date.now() > deadline) {
      throw new Error(`expected ${count} records, got ${out.length} within ${timeoutMs} ms`);
    }
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

/** What the runtime's error reporter received. */
export interface Reported {
  record: SinkRecord;
  error: Error;
}

/** A sink task started by `startSinkTask`, with what it reported and asked for. */
export interface StartedSink<T extends SinkTask> {
  task: T;
  /** DLQ reports (only with `dlq: true`; otherwise the task sees no reporter). */
  reported: Reported[];
  /** Where the task asked the runtime to consume from (`context.offset`). */
  sought: TopicPartitionMap<number>;
}

/** Initializes and starts a sink task with a runtime-like context. */
export async function startSinkTask<T extends SinkTask>(
  task: T,
  props: ConnectorProps,
  options: { log: ConnectorLogger; dlq?: boolean },
): Promise<StartedSink<T>> {
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
    log: options.log,
  };
  task.initialize(context);
  await task.start(props);
  return { task, reported, sought };
}

/** put then preCommit, as the runtime does before committing offsets. */
export async function deliver(task: SinkTask, records: SinkRecord[]): Promise<void> {
  await task.put(records);
  await task.preCommit(new TopicPartitionMap());
}
