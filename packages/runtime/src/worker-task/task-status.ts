import { SampledStat } from './sampled-stat.js';

/** Connector and task states, as Kafka Connect reports them. */
export type ConnectState =
  | 'UNASSIGNED'
  | 'RUNNING'
  | 'PAUSED'
  | 'STOPPED'
  | 'FAILED'
  | 'RESTARTING';

/** A connector's task id, as Kafka's ConnectorTaskId. */
export interface ConnectorTaskId {
  connector: string;
  task: number;
}

/** Receives a task's state changes (the herder keeps them for status). */
export interface TaskStatusListener {
  onStartup(id: ConnectorTaskId): void;
  onPause(id: ConnectorTaskId): void;
  onResume(id: ConnectorTaskId): void;
  onFailure(id: ConnectorTaskId, error: Error): void;
  onShutdown(id: ConnectorTaskId): void;
}

/** Counters shown in progress lines, status and metrics. */
export interface TaskCounters {
  /** Source: records returned by poll(); sink: records consumed. */
  recordsIn: number;
  /** Source: records acknowledged by Kafka; sink: records handed to put() successfully. */
  recordsOut: number;
  /** Records dropped by transforms or skipped by errors.tolerance=all. */
  recordsSkipped: number;
  offsetCommits: number;
  offsetCommitFailures: number;
  /** Sink: consumer lag summed over assigned partitions, when known. */
  lag: number | null;
  /** Topics produced to (source, acknowledged) or consumed from (sink): KIP-558 active topics. */
  topics: Set<string>;
  /** Records per batch: returned by poll() (source), given to a successful put() (sink). */
  batchSize: SampledStat;
  /** Milliseconds per batch: poll() (source), a successful put() (sink). */
  batchTimeMs: SampledStat;
  /** Milliseconds per successful offset commit. */
  offsetCommitTimeMs: SampledStat;
}

export function newCounters(): TaskCounters {
  return {
    recordsIn: 0,
    recordsOut: 0,
    recordsSkipped: 0,
    offsetCommits: 0,
    offsetCommitFailures: 0,
    lag: null,
    topics: new Set(),
    batchSize: new SampledStat(),
    batchTimeMs: new SampledStat(),
    offsetCommitTimeMs: new SampledStat(),
  };
}

/** A latch that wakes waiters when signalled. */
export class Signal {
  private waiters: Array<() => void> = [];

  /** Resolves on the next `notify()` or after `timeoutMs`. */
  wait(timeoutMs?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      this.waiters.push(done);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w !== done);
          resolve();
        }, timeoutMs);
      }
    });
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}
