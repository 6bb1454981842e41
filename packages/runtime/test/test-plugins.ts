/**
 * Connectors written for the runtime's tests: a sink that records what it is given and can be
 * told to fail, and a source that counts, whose task count the test can change. A converter and
 * a transform that fail once or answer late when a value asks them to.
 */
import {
  ConfigDef,
  type ConnectHeaders,
  type ConnectorProps,
  type ConnectRecord,
  DataException,
  type OffsetAndMetadata,
  RetriableException,
  Schema,
  type SchemaAndValue,
  SinkConnector,
  type SinkRecord,
  SinkTask,
  SourceConnector,
  SourceRecord,
  SourceTask,
  type TaskClass,
  TopicPartitionMap,
  type Transformation,
} from '@sluice/api';
import { builtinPlugin, type PluginDescriptor } from '../src/plugins/plugin-registry.js';

/** What a CollectingSink connector's tasks saw, by connector name. */
export interface SinkLog {
  /** Values given to put() successfully, in order. */
  values: string[];
  putCalls: number;
  failedPuts: number;
  opened: string[];
  closed: string[];
  stopped: number;
  preCommits: number;
  /** The props the last started task got. */
  props: ConnectorProps;
}

export const sinkLogs = new Map<string, SinkLog>();

export function sinkLog(name: string): SinkLog {
  let log = sinkLogs.get(name);
  if (!log) {
    log = {
      values: [],
      putCalls: 0,
      failedPuts: 0,
      opened: [],
      closed: [],
      stopped: 0,
      preCommits: 0,
      props: {},
    };
    sinkLogs.set(name, log);
  }
  return log;
}

/** Values that made a put() throw once already (a "fail once" sink fails only the first time). */
const failedOnce = new Set<string>();

const NO_KEYS = new ConfigDef();

export class CollectingSinkTask extends SinkTask {
  private name = '';
  private props: ConnectorProps = {};
  private retriableLeft = 0;

  version(): string {
    return '1.0.0';
  }

  start(props: ConnectorProps): void {
    this.name = props.name ?? '';
    this.props = props;
    sinkLog(this.name).props = props;
    this.retriableLeft = Number(props['fail.retriable.times'] ?? '0');
  }

  override open(partitions: Array<{ topic: string; partition: number }>): void {
    sinkLog(this.name).opened.push(...partitions.map((p) => `${p.topic}-${p.partition}`));
    // A task that keeps its own offsets rewinds (or skips) consumption here.
    const seek = this.props['seek.on.open'];
    if (seek !== undefined) for (const p of partitions) this.context.offset(p, Number(seek));
  }

  override preCommit(
    current: TopicPartitionMap<OffsetAndMetadata>,
  ): TopicPartitionMap<OffsetAndMetadata> {
    sinkLog(this.name).preCommits++;
    // A task whose writes are never durable reports nothing to commit.
    if (this.props['precommit.nothing'] === 'true') return new TopicPartitionMap();
    return current;
  }

  override close(partitions: Array<{ topic: string; partition: number }>): void {
    sinkLog(this.name).closed.push(...partitions.map((p) => `${p.topic}-${p.partition}`));
  }

  async put(records: SinkRecord[]): Promise<void> {
    const log = sinkLog(this.name);
    log.putCalls++;
    if (records.length > 0 && this.retriableLeft > 0) {
      this.retriableLeft--;
      log.failedPuts++;
      throw new RetriableException('the store is busy, try again');
    }
    const delay = Number(this.props['put.delay.ms'] ?? '0');
    // A slow store: the task heartbeats between chunks while the group may rebalance.
    if (delay > 0 && records.length > 0) await new Promise((r) => setTimeout(r, delay));
    if (this.props['block.put'] === 'true' && records.length > 0) {
      // A store that never answers: only task.shutdown.graceful.timeout.ms ends this.
      await new Promise(() => {});
    }
    const failOn = this.props['fail.once.on.value'];
    if (failOn && !failedOnce.has(`${this.name}:${failOn}`)) {
      if (records.some((r) => String(r.value) === failOn)) {
        failedOnce.add(`${this.name}:${failOn}`);
        log.failedPuts++;
        throw new Error(`cannot store ${failOn}`);
      }
    }
    if (this.props['precommit.nothing'] === 'true') this.context.requestCommit();
    // A task that finds it must rewrite from an earlier offset rewinds from put(), once.
    const seekOn = this.props['seek.once.on.value'];
    const seekAt = records.find((r) => String(r.value) === seekOn);
    if (seekAt && !failedOnce.has(`${this.name}:seek`)) {
      failedOnce.add(`${this.name}:seek`);
      this.context.offset(
        { topic: seekAt.topic, partition: seekAt.kafkaPartition },
        Number(this.props['seek.to']),
      );
    }
    const errant = new Set((this.props['report.values'] ?? '').split(',').filter(Boolean));
    const reporter = this.context.errantRecordReporter();
    for (const r of records) {
      const value = String(r.value);
      if (errant.has(value) && reporter) {
        await reporter.report(r, new Error(`value ${value} is not accepted`));
        continue;
      }
      log.values.push(value);
    }
  }

  stop(): void {
    sinkLog(this.name).stopped++;
  }
}

export class CollectingSinkConnector extends SinkConnector {
  private props: ConnectorProps = {};

  version(): string {
    return '1.0.0';
  }

  start(props: ConnectorProps): void {
    this.props = props;
  }

  taskClass(): TaskClass<CollectingSinkTask> {
    return CollectingSinkTask;
  }

  taskConfigs(maxTasks: number): ConnectorProps[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }

  stop(): void {}

  config(): ConfigDef<object> {
    return NO_KEYS;
  }
}

/** Live CountingSource connectors by name, so tests can ask them to reconfigure. */
export const countingSources = new Map<string, CountingSourceConnector>();

/** Each task emits `<name>-<task>-<n>` records for n = 0, 1, ... resuming from its offset. */
export class CountingSourceTask extends SourceTask {
  private prefix = '';
  private topic = '';
  private next = 0;
  private stopped = false;
  private retriablePollsLeft = 0;
  private failPollAt = -1;

  version(): string {
    return '1.0.0';
  }

  async start(props: ConnectorProps): Promise<void> {
    this.prefix = `${props.name}-${props['task.index']}`;
    this.topic = props.topic ?? '';
    const committed = await this.context.offsetStorageReader().offset({ task: this.prefix });
    this.next = committed ? Number(committed.n) + 1 : 0;
    this.retriablePollsLeft = Number(props['poll.retriable.failures'] ?? '0');
    this.failPollAt = Number(props['poll.fail.at'] ?? '-1');
  }

  async poll(): Promise<SourceRecord[] | null> {
    await new Promise((r) => setTimeout(r, 20));
    if (this.stopped) return null;
    if (this.retriablePollsLeft > 0) {
      this.retriablePollsLeft--;
      throw new RetriableException('the source is busy');
    }
    if (this.failPollAt >= 0 && this.next >= this.failPollAt) {
      throw new Error(`the source broke at ${this.next}`);
    }
    const records: SourceRecord[] = [];
    for (let i = 0; i < 10; i++, this.next++) {
      records.push(
        new SourceRecord({
          sourcePartition: { task: this.prefix },
          sourceOffset: { n: this.next },
          topic: this.topic,
          value: `${this.prefix}-${this.next}`,
        }),
      );
    }
    return records;
  }

  stop(): void {
    this.stopped = true;
  }
}

export class CountingSourceConnector extends SourceConnector {
  props: ConnectorProps = {};
  /** How many tasks the next taskConfigs() returns (capped by tasks.max). */
  taskCount = 1;
  starts = 0;

  version(): string {
    return '1.0.0';
  }

  start(props: ConnectorProps): void {
    this.props = props;
    this.starts++;
    countingSources.set(props.name ?? '', this);
  }

  taskClass(): TaskClass<CountingSourceTask> {
    return CountingSourceTask;
  }

  taskConfigs(maxTasks: number): ConnectorProps[] {
    return Array.from({ length: Math.min(maxTasks, this.taskCount) }, (_, i) => ({
      ...this.props,
      'task.index': String(i),
    }));
  }

  /** Changes the number of tasks and asks the runtime to apply it. */
  setTaskCount(n: number): void {
    this.taskCount = n;
    this.context.requestTaskReconfiguration();
  }

  stop(): void {}

  config(): ConfigDef<object> {
    return NO_KEYS;
  }
}

/** How many times each text was given to `WhimsicalStringConverter` and `WhimsicalTransform`. */
export const whimsicalAttempts = {
  converter: new Map<string, number>(),
  transform: new Map<string, number>(),
};

function attempt(counts: Map<string, number>, text: string): number {
  const n = (counts.get(text) ?? 0) + 1;
  counts.set(text, n);
  return n;
}

/**
 * What `WhimsicalStringConverter` does with `text` before answering `answer`: `retry:` throws a
 * RetriableException at the first attempt, `async:` answers with a promise, `fail:` throws a
 * DataException.
 */
function whimsically<T>(text: string, verb: string, answer: T): T | Promise<T> {
  const n = attempt(whimsicalAttempts.converter, text);
  if (text.startsWith('fail:')) throw new DataException(`cannot ${verb} ${text}`);
  if (text.startsWith('retry:') && n === 1) throw new RetriableException(`${text}: busy`);
  return text.startsWith('async:') ? Promise.resolve(answer) : answer;
}

/** A string converter that does what the text asks by its prefix, both ways (see whimsically). */
export class WhimsicalStringConverter {
  configure(): void {}

  config(): ConfigDef<object> {
    return NO_KEYS;
  }

  fromConnectData(
    _topic: string,
    _headers: ConnectHeaders,
    _schema: Schema | null,
    value: unknown,
  ): Uint8Array | null | Promise<Uint8Array | null> {
    if (value === null || value === undefined) return null;
    const text = String(value);
    return whimsically(text, 'write', Buffer.from(text, 'utf8'));
  }

  toConnectData(
    _topic: string,
    _headers: ConnectHeaders,
    value: Uint8Array | null,
  ): SchemaAndValue | Promise<SchemaAndValue> {
    const text = value === null ? null : Buffer.from(value).toString('utf8');
    const read = { schema: Schema.OPTIONAL_STRING_SCHEMA, value: text };
    return text === null ? read : whimsically(text, 'read', read);
  }
}

/**
 * A transform that appends `!` to a string value, and does what the text asks: `tx-retry:`
 * throws a RetriableException at the first attempt, `tx-async:` answers with a promise (as a
 * JavaScript plugin may, though the interface says it should not).
 */
export class WhimsicalTransform<R extends ConnectRecord> implements Transformation<R> {
  configure(): void {}

  config(): ConfigDef<object> {
    return NO_KEYS;
  }

  apply(record: R): R | null {
    const text = String(record.value);
    const n = attempt(whimsicalAttempts.transform, text);
    if (text.includes('tx-retry:') && n === 1) throw new RetriableException(`${text}: busy`);
    const out = record.newRecord({ value: `${text}!` });
    return text.includes('tx-async:') ? (Promise.resolve(out) as unknown as R) : out;
  }

  close(): void {}
}

/** The test plugins as plugins of a pretend package `test-plugins`. */
export function testPlugins(): PluginDescriptor[] {
  return [
    builtinPlugin('sink', 'CollectingSink', [], CollectingSinkConnector, '1.0.0', 'test-plugins'),
    builtinPlugin('source', 'CountingSource', [], CountingSourceConnector, '1.0.0', 'test-plugins'),
    builtinPlugin(
      'converter',
      'WhimsicalStringConverter',
      [],
      WhimsicalStringConverter,
      '1.0.0',
      'test-plugins',
    ),
    builtinPlugin(
      'transform',
      'WhimsicalTransform',
      [],
      WhimsicalTransform,
      '1.0.0',
      'test-plugins',
    ),
  ];
}
