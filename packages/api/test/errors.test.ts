import { describe, expect, it } from 'vitest';
import {
  AlreadyExistsException,
  ConfigException,
  ConnectException,
  DataException,
  IllegalWorkerStateException,
  isRetriable,
  NotFoundException,
  RetriableException,
  SchemaBuilderException,
  SchemaProjectorException,
  SinkRecord,
  SourceRecord,
} from '../src/index.js';

describe('error classes', () => {
  it('form the Kafka hierarchy, each with its name', () => {
    const cases: [Error, string, (new (...args: never[]) => Error)[]][] = [
      [new RetriableException('x'), 'RetriableException', [ConnectException]],
      [new DataException('x'), 'DataException', [ConnectException]],
      [
        new SchemaBuilderException('x'),
        'SchemaBuilderException',
        [DataException, ConnectException],
      ],
      [new SchemaProjectorException('x'), 'SchemaProjectorException', [DataException]],
      [new ConfigException('x'), 'ConfigException', [ConnectException]],
      [new NotFoundException('x'), 'NotFoundException', [ConnectException]],
      [new AlreadyExistsException('x'), 'AlreadyExistsException', [ConnectException]],
      [new IllegalWorkerStateException('x'), 'IllegalWorkerStateException', [ConnectException]],
    ];
    for (const [error, name, parents] of cases) {
      expect(error.name).toBe(name);
      expect(error).toBeInstanceOf(Error);
      for (const parent of parents) expect(error).toBeInstanceOf(parent);
    }
    expect(new DataException('x')).not.toBeInstanceOf(RetriableException);
    expect(new ConnectException('x')).not.toBeInstanceOf(DataException);
  });

  it('tells retriable from fatal by type', () => {
    expect(isRetriable(new RetriableException('timeout'))).toBe(true);
    expect(isRetriable(new ConnectException('fatal'))).toBe(false);
    expect(isRetriable(new Error('plain'))).toBe(false);
    expect(isRetriable('text')).toBe(false);
    class ConnectionLost extends RetriableException {}
    expect(isRetriable(new ConnectionLost('lost'))).toBe(true);
  });

  it('keeps the cause', () => {
    const cause = new Error('socket closed');
    expect(new RetriableException('write failed', { cause }).cause).toBe(cause);
    expect(new ConfigException('bad', { cause }).cause).toBe(cause);
  });

  it('carries the record, topic, partition and offset at fault', () => {
    const sink = new SinkRecord({
      topic: 'orders',
      kafkaPartition: 3,
      kafkaOffset: 42,
      value: 'v',
    });
    const error = new DataException('cannot write', { record: sink });
    expect(error.record).toBe(sink);
    expect(error.topic).toBe('orders');
    expect(error.partition).toBe(3);
    expect(error.offset).toBe(42);
    const source = new SourceRecord({
      topic: 't',
      sourcePartition: null,
      sourceOffset: null,
    });
    const fromSource = new DataException('x', { record: source, offset: 7 });
    expect(fromSource.topic).toBe('t');
    expect(fromSource.partition).toBeUndefined();
    expect(fromSource.offset).toBe(7);
    const explicit = new ConnectException('x', { topic: 'a', partition: 1, offset: 2 });
    expect([explicit.topic, explicit.partition, explicit.offset]).toEqual(['a', 1, 2]);
  });

  it('are recognised across copies of @sluice/api through their brands', () => {
    // A plugin from plugin.path may bring its own copy of the package: same class names, other
    // constructors. Simulate that copy's error with a foreign class carrying the same brands.
    const brands = Symbol.for('@sluice/api:error-brands');
    const foreign = new Error('from another copy');
    Object.defineProperty(foreign, brands, {
      value: ['RetriableException', 'ConnectException'],
    });
    expect(foreign).toBeInstanceOf(RetriableException);
    expect(foreign).toBeInstanceOf(ConnectException);
    expect(foreign).not.toBeInstanceOf(DataException);
    expect(isRetriable(foreign)).toBe(true);
  });

  it('subclasses written by plugins work with instanceof without declaring a brand', () => {
    class MyError extends DataException {}
    const error = new MyError('x');
    expect(error).toBeInstanceOf(MyError);
    expect(error).toBeInstanceOf(DataException);
    expect(new DataException('x')).not.toBeInstanceOf(MyError);
  });
});

describe('ConfigException', () => {
  it('builds Kafka messages for invalid and missing values', () => {
    const invalid = ConfigException.invalid('tasks.max', 'x', 'Not a number of type INT');
    expect(invalid.message).toBe(
      'Invalid value x for configuration tasks.max: Not a number of type INT',
    );
    expect(invalid.key).toBe('tasks.max');
    expect(invalid.value).toBe('x');
    expect(invalid.problems).toEqual([{ key: 'tasks.max', value: 'x', message: invalid.message }]);
    expect(ConfigException.invalid('k', 1).message).toBe('Invalid value 1 for configuration k');
    expect(ConfigException.invalid('k', ['a', 'b'], 'Bad').message).toBe(
      'Invalid value [a, b] for configuration k: Bad',
    );
    expect(ConfigException.invalid('k', []).message).toBe('Invalid value [] for configuration k');
    expect(ConfigException.missing('topic').message).toBe(
      'Missing required configuration "topic" which has no default value.',
    );
  });

  it('has no problems when no key is given', () => {
    const error = new ConfigException('general failure');
    expect(error.problems).toEqual([]);
    expect(error.key).toBeUndefined();
  });

  it('combines problems, using the single message when there is only one', () => {
    const one = ConfigException.fromProblems([{ key: 'a', message: 'A is bad' }]);
    expect(one.message).toBe('A is bad');
    expect(one.key).toBe('a');
    const two = ConfigException.fromProblems([
      { key: 'a', message: 'A is bad' },
      { key: 'b', value: 1, message: 'B is bad' },
    ]);
    expect(two.message).toBe('The configuration has 2 problems:\n  - A is bad\n  - B is bad');
    expect(two.problems).toHaveLength(2);
    expect(two.key).toBe('a');
  });
});
