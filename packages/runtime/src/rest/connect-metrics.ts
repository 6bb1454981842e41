import { Counter, Gauge, Registry } from 'prom-client';
import type { RebalanceMetrics } from '../distributed/rebalance-metrics.js';
import type { ConnectorStateInfo, StartupCounters, TaskCountersView } from '../herder/herder.js';
import type { ConnectState } from '../worker-task/task-status.js';

/**
 * What the metrics read from a herder, synchronously at each scrape: both herders answer from
 * memory (the distributed one from the status topic it follows).
 */
export interface MetricsSource {
  readonly startups: StartupCounters;
  connectorNames(): string[];
  connectorStatus(name: string): ConnectorStateInfo;
  taskCounters(name: string): TaskCountersView[];
  /** Distributed mode: the connectors this worker runs, and its rebalances. */
  localConnectorNames?(): string[];
  readonly rebalance?: RebalanceMetrics;
}

/** Task states Kafka's connect-worker-metrics count per connector. */
const COUNTED_STATES: ReadonlyArray<[ConnectState, string]> = [
  ['RUNNING', 'running'],
  ['PAUSED', 'paused'],
  ['FAILED', 'failed'],
  ['UNASSIGNED', 'unassigned'],
  ['RESTARTING', 'restarting'],
];

interface TaskSample {
  connector: string;
  task: string;
  type: 'source' | 'sink';
  state: ConnectState;
  counters: TaskCountersView;
}

/**
 * Kafka Connect's metrics in Prometheus form, read from the herder at each scrape. Names follow
 * Kafka's JMX groups and attributes: `kafka_connect_<group without -metrics>_<attribute>`, dashes
 * as underscores, counters ending in `_total`, the `connector` and `task` tags as labels (e.g.
 * source-task-metrics source-record-poll-total → `kafka_connect_source_task_source_record_poll_total`).
 * Counters restart from zero when a task restarts, which Prometheus' rate() handles.
 */
export class ConnectMetrics {
  readonly registry = new Registry();

  constructor(private readonly herder: MetricsSource) {
    const r = this.registry;
    const snapshot = () => this.snapshot();
    const gauge = (
      name: string,
      help: string,
      labelNames: string[],
      fill: (set: (labels: Record<string, string>, v: number) => void) => void,
    ) =>
      new Gauge({
        name,
        help,
        labelNames,
        registers: [r],
        collect() {
          this.reset();
          fill((labels, v) => this.set(labels, v));
        },
      });
    const taskCounter = (
      name: string,
      help: string,
      type: 'source' | 'sink' | null,
      value: (t: TaskSample) => number | null,
    ) =>
      new Counter({
        name,
        help,
        labelNames: ['connector', 'task'],
        registers: [r],
        collect() {
          this.reset();
          for (const t of snapshot().tasks) {
            if (type !== null && t.type !== type) continue;
            const v = value(t);
            if (v !== null) this.inc({ connector: t.connector, task: t.task }, v);
          }
        },
      });

    const taskGauge = (
      name: string,
      help: string,
      type: 'source' | 'sink' | null,
      value: (c: NonNullable<TaskSample['counters']['counters']>) => number,
    ) =>
      gauge(name, help, ['connector', 'task'], (set) => {
        for (const t of snapshot().tasks) {
          if (type !== null && t.type !== type) continue;
          const c = t.counters.counters;
          const v = c ? value(c) : Number.NaN;
          if (!Number.isNaN(v)) set({ connector: t.connector, task: t.task }, v);
        }
      });

    gauge('kafka_connect_worker_connector_count', 'Connectors on this worker.', [], (set) =>
      set({}, (this.herder.localConnectorNames?.() ?? this.herder.connectorNames()).length),
    );
    gauge('kafka_connect_worker_task_count', 'Tasks on this worker.', [], (set) =>
      set({}, snapshot().tasks.length),
    );
    const startups: Array<[string, keyof StartupCounters, string]> = [
      ['connector_startup_attempts', 'connectorAttempts', 'Connector starts attempted.'],
      ['connector_startup_success', 'connectorSuccesses', 'Connector starts that succeeded.'],
      ['connector_startup_failure', 'connectorFailures', 'Connector starts that failed.'],
      ['task_startup_attempts', 'taskAttempts', 'Task starts attempted.'],
      ['task_startup_success', 'taskSuccesses', 'Task starts that succeeded.'],
      ['task_startup_failure', 'taskFailures', 'Task starts that failed.'],
    ];
    for (const [name, field, help] of startups) {
      const herder = this.herder;
      new Counter({
        name: `kafka_connect_worker_${name}_total`,
        help,
        registers: [r],
        collect() {
          this.reset();
          this.inc(herder.startups[field]);
        },
      });
    }
    const rebalance = this.herder.rebalance;
    if (rebalance) {
      // connect-worker-rebalance-metrics (distributed mode only, as in Kafka).
      const rebalanceGauge = (name: string, help: string, value: () => number) =>
        gauge(`kafka_connect_worker_rebalance_${name}`, help, [], (set) => set({}, value()));
      new Counter({
        name: 'kafka_connect_worker_rebalance_completed_rebalances_total',
        help: 'Rebalances completed by this worker.',
        registers: [r],
        collect() {
          this.reset();
          this.inc(rebalance.completedRebalances);
        },
      });
      rebalanceGauge('rebalancing', 'Whether this worker is rebalancing (1) or not (0).', () =>
        rebalance.rebalancing ? 1 : 0,
      );
      rebalanceGauge(
        'epoch',
        'The generation of the group this worker is in.',
        () => rebalance.epoch,
      );
      rebalanceGauge(
        'time_since_last_rebalance_ms',
        'Milliseconds since this worker completed the last rebalance (-1 before the first).',
        () => rebalance.timeSinceLastRebalanceMs(),
      );
      rebalanceGauge('rebalance_avg_time_ms', 'Average milliseconds a rebalance took.', () =>
        rebalance.avgTimeMs(),
      );
      rebalanceGauge('rebalance_max_time_ms', 'Most milliseconds a rebalance took.', () =>
        rebalance.maxTimeMs(),
      );
      gauge(
        'kafka_connect_worker_rebalance_leader_name',
        "The group leader's URL, as a label (1 while known).",
        ['leader'],
        (set) => {
          if (rebalance.leaderName) set({ leader: rebalance.leaderName }, 1);
        },
      );
    }
    for (const [state, word] of COUNTED_STATES) {
      gauge(
        `kafka_connect_worker_connector_${word}_task_count`,
        `Tasks of the connector that are ${word}.`,
        ['connector'],
        (set) => {
          for (const c of snapshot().connectors)
            set({ connector: c.name }, c.tasks.filter((t) => t === state).length);
        },
      );
    }
    gauge(
      'kafka_connect_connector_status',
      "The connector's state (1 for the state it is in), as connector-metrics status.",
      ['connector', 'type', 'status'],
      (set) => {
        for (const c of snapshot().connectors)
          set({ connector: c.name, type: c.type, status: c.state.toLowerCase() }, 1);
      },
    );
    gauge(
      'kafka_connect_connector_task_status',
      "The task's state (1 for the state it is in), as connector-task-metrics status.",
      ['connector', 'task', 'status'],
      (set) => {
        for (const t of snapshot().tasks)
          set({ connector: t.connector, task: t.task, status: t.state.toLowerCase() }, 1);
      },
    );
    taskCounter(
      'kafka_connect_connector_task_offset_commit_success_total',
      'Offset commits that succeeded.',
      null,
      (t) => t.counters.counters?.offsetCommits ?? null,
    );
    taskCounter(
      'kafka_connect_connector_task_offset_commit_failure_total',
      'Offset commits that failed.',
      null,
      (t) => t.counters.counters?.offsetCommitFailures ?? null,
    );
    taskCounter(
      'kafka_connect_source_task_source_record_poll_total',
      'Records returned by poll() of the source task (before transforms).',
      'source',
      (t) => t.counters.counters?.recordsIn ?? null,
    );
    taskCounter(
      'kafka_connect_source_task_source_record_write_total',
      'Records written to Kafka and acknowledged (after transforms).',
      'source',
      (t) => t.counters.counters?.recordsOut ?? null,
    );
    taskCounter(
      'kafka_connect_sink_task_sink_record_read_total',
      'Records read from Kafka by the sink task (before transforms).',
      'sink',
      (t) => t.counters.counters?.recordsIn ?? null,
    );
    taskCounter(
      'kafka_connect_sink_task_sink_record_send_total',
      'Records handed to put() successfully (after transforms).',
      'sink',
      (t) => t.counters.counters?.recordsOut ?? null,
    );
    taskCounter(
      'kafka_connect_connector_task_records_skipped_total',
      'Records dropped by transforms or skipped under errors.tolerance=all.',
      null,
      (t) => t.counters.counters?.recordsSkipped ?? null,
    );
    taskCounter(
      'kafka_connect_task_error_record_failures_total',
      'Failed attempts at an operation on a record (task-error-metrics total-record-failures).',
      null,
      (t) => t.counters.errors?.failures ?? null,
    );
    taskCounter(
      'kafka_connect_task_error_retries_total',
      'Retries of failed operations (errors.retry.timeout).',
      null,
      (t) => t.counters.errors?.retries ?? null,
    );
    taskCounter(
      'kafka_connect_task_error_records_skipped_total',
      'Records skipped because of errors (task-error-metrics total-records-skipped).',
      null,
      (t) => t.counters.errors?.skipped ?? null,
    );
    taskCounter(
      'kafka_connect_task_error_record_errors_total',
      'Records whose processing ended in an error, tolerated or not (task-error-metrics total-record-errors).',
      null,
      (t) => t.counters.errors?.recordErrors ?? null,
    );
    taskCounter(
      'kafka_connect_task_error_errors_logged_total',
      'Errors written to the log by errors.log.enable (task-error-metrics total-errors-logged).',
      null,
      (t) => t.counters.errors?.errorsLogged ?? null,
    );
    taskCounter(
      'kafka_connect_task_error_deadletterqueue_produce_requests_total',
      'Writes of failed records to the dead letter queue attempted.',
      null,
      (t) => t.counters.errors?.dlqRequests ?? null,
    );
    taskCounter(
      'kafka_connect_task_error_deadletterqueue_produce_failures_total',
      'Writes of failed records to the dead letter queue that failed.',
      null,
      (t) => t.counters.errors?.dlqFailures ?? null,
    );
    gauge(
      'kafka_connect_task_error_last_error_timestamp',
      'When the last error happened, in ms since the epoch (0 before any): task-error-metrics last-error-timestamp.',
      ['connector', 'task'],
      (set) => {
        for (const t of snapshot().tasks) {
          const e = t.counters.errors;
          if (e) set({ connector: t.connector, task: t.task }, e.lastErrorTimestamp);
        }
      },
    );
    // Kafka's windowed averages and maxima. Where Kafka shows NaN (nothing recorded in the
    // window) the series is absent: prom-client would print `Nan`, which not every parser reads.
    const WINDOW = "over the last 30 to 60 seconds (Kafka's metrics sample window)";
    taskGauge(
      'kafka_connect_connector_task_batch_size_avg',
      `Records per batch (source: returned by poll(); sink: given to put()), average ${WINDOW}.`,
      null,
      (c) => c.batchSize.avg(),
    );
    taskGauge(
      'kafka_connect_connector_task_batch_size_max',
      `Records per batch, maximum ${WINDOW}.`,
      null,
      (c) => c.batchSize.max(),
    );
    taskGauge(
      'kafka_connect_source_task_poll_batch_avg_time_ms',
      `Milliseconds a poll() returning records took, average ${WINDOW}.`,
      'source',
      (c) => c.batchTimeMs.avg(),
    );
    taskGauge(
      'kafka_connect_source_task_poll_batch_max_time_ms',
      `Milliseconds a poll() returning records took, maximum ${WINDOW}.`,
      'source',
      (c) => c.batchTimeMs.max(),
    );
    taskGauge(
      'kafka_connect_sink_task_put_batch_avg_time_ms',
      `Milliseconds a successful put() took, average ${WINDOW}.`,
      'sink',
      (c) => c.batchTimeMs.avg(),
    );
    taskGauge(
      'kafka_connect_sink_task_put_batch_max_time_ms',
      `Milliseconds a successful put() took, maximum ${WINDOW}.`,
      'sink',
      (c) => c.batchTimeMs.max(),
    );
    taskGauge(
      'kafka_connect_connector_task_offset_commit_avg_time_ms',
      `Milliseconds a successful offset commit took, average ${WINDOW}.`,
      null,
      (c) => c.offsetCommitTimeMs.avg(),
    );
    taskGauge(
      'kafka_connect_connector_task_offset_commit_max_time_ms',
      `Milliseconds a successful offset commit took, maximum ${WINDOW}.`,
      null,
      (c) => c.offsetCommitTimeMs.max(),
    );
    gauge(
      'kafka_connect_source_task_source_record_active_count',
      'Records polled by the source task and not yet acknowledged by Kafka.',
      ['connector', 'task'],
      (set) => {
        for (const t of snapshot().tasks) {
          const n = t.counters.activeRecords;
          if (n !== null) set({ connector: t.connector, task: t.task }, n);
        }
      },
    );
    gauge(
      'kafka_connect_sink_task_partition_count',
      'Topic partitions assigned to the sink task.',
      ['connector', 'task'],
      (set) => {
        for (const t of snapshot().tasks) {
          const n = t.counters.partitionCount;
          if (n !== null) set({ connector: t.connector, task: t.task }, n);
        }
      },
    );
    gauge(
      'kafka_connect_sink_task_records_lag',
      "Records between the sink task's position and the end of its partitions, summed.",
      ['connector', 'task'],
      (set) => {
        for (const t of snapshot().tasks) {
          const lag = t.type === 'sink' ? t.counters.counters?.lag : null;
          if (lag !== null && lag !== undefined) set({ connector: t.connector, task: t.task }, lag);
        }
      },
    );
  }

  /** One consistent read of the herder per scrape (each metric's collect reuses it). */
  private cached: { at: number; value: ReturnType<ConnectMetrics['read']> } | null = null;

  private snapshot(): ReturnType<ConnectMetrics['read']> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > 100) this.cached = { at: now, value: this.read() };
    return this.cached.value;
  }

  private read() {
    const connectors: Array<{
      name: string;
      type: string;
      state: ConnectState;
      tasks: ConnectState[];
    }> = [];
    const tasks: TaskSample[] = [];
    let names: string[] = [];
    try {
      names = this.herder.connectorNames();
    } catch {
      // A distributed worker that has not joined its group yet knows no connectors.
    }
    for (const name of names) {
      let status: ConnectorStateInfo;
      let counters: TaskCountersView[];
      try {
        status = this.herder.connectorStatus(name);
        counters = this.herder.taskCounters(name);
      } catch {
        // Deleted while we read.
        continue;
      }
      connectors.push({
        name,
        type: status.type,
        state: status.connector.state,
        tasks: status.tasks.map((t) => t.state),
      });
      for (const t of status.tasks) {
        const c = counters.find((x) => x.id === t.id);
        if (!c) continue;
        tasks.push({
          connector: name,
          task: String(t.id),
          type: status.type,
          state: t.state,
          counters: c,
        });
      }
    }
    return { connectors, tasks };
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ text: string; contentType: string }> {
    this.cached = null;
    return { text: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
