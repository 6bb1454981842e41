import { ConfigException, DataException, RetriableException } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { exceptionClassName, pluginClassName } from '../src/errors/java-class-names.js';
import { toKafkaClientException } from '../src/kafka/kafkajs-client.js';
import { builtinPlugin } from '../src/plugins/plugin-registry.js';

class ConnectorOwnError extends Error {
  override name = 'ConnectorOwnError';
}
class KeepsParentName extends DataException {}

describe('Java class names in DLQ headers', () => {
  it("names @sluice/api errors by Kafka's classes and other errors by their own class", () => {
    expect(exceptionClassName(new DataException('x'))).toBe(
      'org.apache.kafka.connect.errors.DataException',
    );
    expect(exceptionClassName(new RetriableException('x'))).toBe(
      'org.apache.kafka.connect.errors.RetriableException',
    );
    expect(exceptionClassName(new ConfigException('x'))).toBe(
      'org.apache.kafka.common.config.ConfigException',
    );
    expect(exceptionClassName(new KeepsParentName('x'))).toBe(
      'org.apache.kafka.connect.errors.DataException',
    );
    expect(exceptionClassName(new TypeError('x'))).toBe('TypeError');
    expect(exceptionClassName(new ConnectorOwnError('x'))).toBe('ConnectorOwnError');
    // Named like an API error without being one: not passed off as Kafka's class.
    const impostor = Object.assign(new Error('x'), { name: 'DataException' });
    expect(exceptionClassName(impostor)).toBe('DataException');
  });

  it("names Kafka client errors by the exception Kafka's Java client throws for their code", () => {
    const kafkajsError = Object.assign(
      new Error('This server does not host this topic-partition'),
      {
        name: 'KafkaJSProtocolError',
        type: 'UNKNOWN_TOPIC_OR_PARTITION',
        code: 3,
        retriable: true,
      },
    );
    const wrapped = Object.assign(new Error(kafkajsError.message), {
      name: 'KafkaJSNumberOfRetriesExceeded',
      cause: kafkajsError,
    });
    const error = toKafkaClientException(wrapped);
    expect(exceptionClassName(error)).toBe(
      'org.apache.kafka.common.errors.UnknownTopicOrPartitionException',
    );
    expect(error.name).toBe('UnknownTopicOrPartitionException');
    expect(error.retriable).toBe(true);
    const tooLarge = Object.assign(new Error('too large'), { code: 10, retriable: false });
    expect(exceptionClassName(toKafkaClientException(tooLarge))).toBe(
      'org.apache.kafka.common.errors.RecordTooLargeException',
    );
    expect(exceptionClassName(toKafkaClientException(new Error('?')))).toBe(
      'org.apache.kafka.common.KafkaException',
    );
  });

  it('names a plugin that stands for a Java class by that class, whichever alias configured it', () => {
    class Plugin {}
    const json = builtinPlugin(
      'converter',
      'JsonConverter',
      ['org.apache.kafka.connect.json.JsonConverter'],
      Plugin,
      '1',
    );
    expect(pluginClassName(json, 'JsonConverter')).toBe(
      'org.apache.kafka.connect.json.JsonConverter',
    );
    const extract = builtinPlugin(
      'transform',
      'ExtractFieldValue',
      ['org.apache.kafka.connect.transforms.ExtractField$Value', 'ExtractField$Value'],
      Plugin,
      '1',
    );
    expect(pluginClassName(extract, 'ExtractField$Value')).toBe(
      'org.apache.kafka.connect.transforms.ExtractField$Value',
    );
    const own = builtinPlugin('transform', 'Upper', [], Plugin, '1');
    expect(pluginClassName(own, ' Upper ')).toBe('Upper');
  });
});
