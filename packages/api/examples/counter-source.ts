import { setTimeout as sleep } from 'node:timers/promises';
import {
  ConfigDef,
  type ConnectorProps,
  ConnectTimestamp,
  Range,
  Schema,
  SchemaBuilder,
  SourceConnector,
  SourceRecord,
  SourceTask,
  Struct,
} from '@sluice/api';

/** The connector's keys, declared once: defaults, validation and docs come from here. */
export const counterConfigDef = new ConfigDef()
  .define('topic', {
    type: 'STRING',
    importance: 'HIGH',
    documentation: 'The topic to write the counter to.',
  })
  .define('batch.size', {
    type: 'INT',
    default: 10,
    validator: Range.atLeast(1),
    importance: 'MEDIUM',
    documentation: 'How many records each poll returns.',
  })
  .define('poll.interval.ms', {
    type: 'LONG',
    default: 1000,
    validator: Range.atLeast(0),
    importance: 'LOW',
    documentation: 'How long each poll waits before returning records.',
  });

/** The typed object `counterConfigDef.parse` returns. */
type CounterConfig = ReturnType<typeof counterConfigDef.parse>;

const TICK_SCHEMA = SchemaBuilder.struct()
  .name('com.example.Tick')
  .field('n', Schema.INT64_SCHEMA)
  .field('at', ConnectTimestamp.SCHEMA)
  .build();

/** The one source partition: the runtime stores the latest offset under it. */
const PARTITION = { counter: 'ticks' };

/** Counts upwards, one record per number, resuming after the last committed number. */
export class CounterSourceConnector extends SourceConnector {
  private props: ConnectorProps = {};

  version(): string {
    return '1.0.0';
  }

  start(props: ConnectorProps): void {
    counterConfigDef.parse(props); // refuse a bad config now, with every problem listed
    this.props = props;
  }

  taskClass(): typeof CounterSourceTask {
    return CounterSourceTask;
  }

  taskConfigs(_maxTasks: number): ConnectorProps[] {
    // A single counter cannot be split between tasks.
    return [{ ...this.props }];
  }

  stop(): void {}

  config(): ConfigDef<object> {
    return counterConfigDef;
  }
}

export class CounterSourceTask extends SourceTask {
  private config!: CounterConfig;
  private next = 0n;
  private readonly stopping = new AbortController();

  version(): string {
    return '1.0.0';
  }

  async start(props: ConnectorProps): Promise<void> {
    this.config = counterConfigDef.parse(props);
    const offset = await this.context.offsetStorageReader().offset(PARTITION);
    // Offsets are JSON: the counter is kept as a string so it stays exact beyond 2^53.
    this.next = typeof offset?.next === 'string' ? BigInt(offset.next) : 0n;
    // Each line carries the connector name and task id, e.g. [ticks|task-0].
    this.log.info(
      { next: String(this.next) },
      offset === null
        ? 'no committed offset: counting from 0'
        : 'resuming after the committed offset',
    );
  }

  async poll(): Promise<SourceRecord[] | null> {
    try {
      await sleep(this.config['poll.interval.ms'], undefined, { signal: this.stopping.signal });
    } catch (error) {
      if (this.stopping.signal.aborted) return null; // stop() was called: return at once
      throw error;
    }
    const records: SourceRecord[] = [];
    for (let i = 0; i < this.config['batch.size']; i++) {
      const n = this.next++;
      records.push(
        new SourceRecord({
          sourcePartition: PARTITION,
          sourceOffset: { next: String(this.next) },
          topic: this.config.topic,
          keySchema: Schema.INT64_SCHEMA,
          key: n,
          valueSchema: TICK_SCHEMA,
          value: new Struct(TICK_SCHEMA).put('n', n).put('at', new Date()),
        }),
      );
    }
    return records;
  }

  stop(): void {
    this.stopping.abort();
  }
}
