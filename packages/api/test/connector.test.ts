import { describe, expect, it } from 'vitest';
import {
  ConfigDef,
  ConnectException,
  type ConnectorProps,
  type OffsetAndMetadata,
  SinkConnector,
  SinkTask,
  SourceConnector,
  type SourceTask,
  TopicPartitionMap,
} from '../src/index.js';

const offsets = () =>
  new TopicPartitionMap<OffsetAndMetadata>([[{ topic: 't', partition: 0 }, { offset: 5 }]]);

class RecordingSinkTask extends SinkTask {
  readonly calls: string[] = [];
  constructor(private readonly asyncFlush: boolean) {
    super();
  }
  version(): string {
    return '1';
  }
  start(): void {}
  put(): void {}
  override flush(): void | Promise<void> {
    if (!this.asyncFlush) {
      this.calls.push('flush');
      return;
    }
    return Promise.resolve().then(() => {
      this.calls.push('flush');
    });
  }
  stop(): void {}
}

describe('SinkTask defaults', () => {
  it('preCommit flushes, then returns the current offsets (synchronously for a sync flush)', () => {
    const task = new RecordingSinkTask(false);
    const current = offsets();
    expect(task.preCommit(current)).toBe(current);
    expect(task.calls).toEqual(['flush']);
  });

  it('preCommit waits for an async flush before returning the offsets', async () => {
    const task = new RecordingSinkTask(true);
    const current = offsets();
    const result = task.preCommit(current);
    expect(task.calls).toEqual([]);
    expect(await result).toBe(current);
    expect(task.calls).toEqual(['flush']);
  });

  it('preCommit fails when flush fails, so nothing is committed', async () => {
    class FailingTask extends RecordingSinkTask {
      override flush(): Promise<void> {
        return Promise.reject(new Error('disk full'));
      }
    }
    await expect(new FailingTask(true).preCommit(offsets())).rejects.toThrow('disk full');
  });

  it('names the topics keys as Kafka does', () => {
    expect(SinkTask.TOPICS_CONFIG).toBe('topics');
    expect(SinkTask.TOPICS_REGEX_CONFIG).toBe('topics.regex');
    expect(SinkConnector.TOPICS_CONFIG).toBe('topics');
  });
});

class Source extends SourceConnector {
  readonly calls: string[] = [];
  version(): string {
    return '1';
  }
  start(props: ConnectorProps): void {
    this.calls.push(`start ${props.x}`);
  }
  taskClass(): new () => SourceTask {
    throw new Error('unused');
  }
  taskConfigs(): ConnectorProps[] {
    return [];
  }
  stop(): Promise<void> {
    this.calls.push('stop');
    return Promise.resolve();
  }
  config(): ConfigDef<object> {
    return new ConfigDef().define('x', { type: 'INT', importance: 'HIGH', documentation: '' });
  }
}

describe('Connector defaults', () => {
  it('reconfigure stops, then starts with the new config', async () => {
    const source = new Source();
    await source.reconfigure({ x: '2' });
    expect(source.calls).toEqual(['stop', 'start 2']);
  });

  it('validate checks every key of config()', async () => {
    const result = await new Source().validate({ x: 'two' });
    expect(result.configValues.map((v) => v.errorMessages)).toEqual([
      ['Invalid value two for configuration x: Not a number of type INT'],
    ]);
  });

  it('validate refuses a connector whose config() returns nothing', () => {
    class NoConfig extends Source {
      override config(): ConfigDef<object> {
        return null as unknown as ConfigDef<object>;
      }
    }
    expect(() => new NoConfig().validate({})).toThrow(ConnectException);
    expect(() => new NoConfig().validate({})).toThrow(
      'NoConfig.config() must return a ConfigDef that is not null.',
    );
  });

  it('a source connector declares no exactly-once support and no transaction boundaries by default', async () => {
    const source = new Source();
    expect(await source.exactlyOnceSupport({})).toBeNull();
    expect(await source.canDefineTransactionBoundaries({})).toBe('UNSUPPORTED');
    expect(await source.alterOffsets({}, [{ partition: { a: 1 }, offset: null }])).toBe(false);
  });
});

describe('connector and task loggers', () => {
  class LoggingTask extends RecordingSinkTask {
    constructor() {
      super(false);
    }
    override start(): void {
      this.log.debug('opening');
    }
  }

  class LoggingSink extends SinkConnector {
    version = () => '1';
    start(): void {
      this.log.info({ tables: 2 }, 'started');
    }
    taskClass = () => LoggingTask;
    taskConfigs = () => [];
    stop(): void {}
    config = () => new ConfigDef();
    override validate(props: ConnectorProps) {
      // validate runs on an instance that was never initialized.
      this.log.warn('validating');
      return super.validate(props);
    }
  }

  it('log through the context they were given, and drop lines before initialize', async () => {
    const lines: unknown[][] = [];
    const log = {
      error: (...args: unknown[]) => lines.push(['error', ...args]),
      warn: (...args: unknown[]) => lines.push(['warn', ...args]),
      info: (...args: unknown[]) => lines.push(['info', ...args]),
      debug: (...args: unknown[]) => lines.push(['debug', ...args]),
      trace: (...args: unknown[]) => lines.push(['trace', ...args]),
    };
    const connector = new LoggingSink();
    await connector.validate({});
    expect(lines).toEqual([]);
    connector.initialize({ requestTaskReconfiguration: () => {}, raiseError: () => {}, log });
    connector.start();
    const task = new LoggingTask();
    task.initialize({ log } as unknown as Parameters<SinkTask['initialize']>[0]);
    task.start();
    expect(lines).toEqual([
      ['info', { tables: 2 }, 'started'],
      ['debug', 'opening'],
    ]);
  });
});
