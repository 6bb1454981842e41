import { randomUUID } from 'node:crypto';
import type { ConnectorProps, SinkTask, SourceTask } from '@sluice/api';
import {
  pollRecords as kitPollRecords,
  MemoryOffsets,
  type Reported,
  type StartedSink,
  startSinkTask,
  startSourceTask,
  waitFor,
} from '@sluice/connector-testkit';
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

/** Starts a sink task with a runtime-like context; `reported` collects DLQ reports when enabled. */
export async function startSink<T extends SinkTask>(
  task: T,
  props: ConnectorProps,
  options: { dlq?: boolean } = {},
): Promise<StartedSink<T> & { log: RecordingLogger }> {
  const log = new RecordingLogger();
  return { ...(await startSinkTask(task, props, { ...options, log })), log };
}

/** Starts a source task the way the runtime does, reading its offsets from `offsets`. */
export async function startSource<T extends SourceTask>(
  task: T,
  props: ConnectorProps,
  offsets = new MemoryOffsets(),
): Promise<{ task: T; log: RecordingLogger; offsets: MemoryOffsets }> {
  const log = new RecordingLogger();
  await startSourceTask(task, props, offsets, log);
  return { task, log, offsets };
}

/** Polls until `count` records arrived, committing nothing (the test decides what the runtime acknowledged). */
export function pollRecords(task: SourceTask, count: number, timeoutMs?: number) {
  return kitPollRecords(task, new MemoryOffsets(), count, timeoutMs);
}

export { MemoryOffsets, type Reported, waitFor };
