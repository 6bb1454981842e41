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
import { RecordingLogger, redisClusterUrl, redisUrl } from '@sluice/test-fixtures';
import { Cluster, Redis } from 'ioredis';

/** A deployment the connector is tested against: Debian's redis-server, alone or as a cluster. */
export interface Target {
  readonly name: 'standalone' | 'cluster';
  /** Connector keys that reach it. */
  props(): ConnectorProps;
  /** A client for arranging and checking. */
  client(): Redis | Cluster;
}

export const STANDALONE: Target = {
  name: 'standalone',
  props: () => ({ 'redis.uri': redisUrl() }),
  client: () => new Redis(redisUrl()),
};

export const CLUSTER: Target = {
  name: 'cluster',
  props: () => ({ 'redis.uri': redisClusterUrl(), 'redis.cluster': 'true' }),
  client: () => {
    const seed = new URL(redisClusterUrl());
    return new Cluster([{ host: seed.hostname, port: Number(seed.port) }]);
  },
};

export const TARGETS: readonly Target[] = [STANDALONE, CLUSTER];

/** A prefix no other test (or parallel run) uses. */
export function unique(label: string): string {
  return `t:${label}:${randomUUID().slice(0, 8)}`;
}

/** What the error reporter received. */
export interface Reported {
  readonly record: SinkRecord;
  readonly error: Error;
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

/** Offsets as the runtime keeps them, for source tasks: JSON per partition. */
export class MemoryOffsets implements OffsetStorageReader {
  readonly stored = new Map<string, SourceOffset>();

  commit(records: readonly SourceRecord[]): void {
    for (const r of records) {
      if (r.sourcePartition !== null && r.sourceOffset !== null) {
        this.stored.set(JSON.stringify(r.sourcePartition), r.sourceOffset);
      }
    }
  }

  async offset(partition: SourcePartition): Promise<SourceOffset | null> {
    return this.stored.get(JSON.stringify(partition)) ?? null;
  }

  async offsets(
    partitions: readonly SourcePartition[],
  ): Promise<Map<SourcePartition, SourceOffset | null>> {
    return new Map(partitions.map((p) => [p, this.stored.get(JSON.stringify(p)) ?? null]));
  }
}

/** Starts a source task the way the runtime does. */
export async function startSource<T extends SourceTask>(
  task: T,
  props: ConnectorProps,
  offsets = new MemoryOffsets(),
): Promise<{ task: T; log: RecordingLogger; offsets: MemoryOffsets }> {
  const log = new RecordingLogger();
  task.initialize({
    configs: () => props,
    offsetStorageReader: () => offsets,
    transactionContext: () => null,
    log,
  });
  await task.start(props);
  return { task, log, offsets };
}

/** Polls until `count` records arrived (failing after a generous deadline instead of hanging). */
export async function pollRecords(
  task: SourceTask,
  count: number,
  timeoutMs = 60_000,
): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    if (Date.now() > deadline) {
      throw new Error(`expected ${count} records, got ${out.length} within ${timeoutMs} ms`);
    }
    out.push(...((await task.poll()) ?? []));
  }
  return out;
}

/** Waits until `check` holds, polling; fails with `what` after the deadline. */
export async function waitFor(
  what: string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
