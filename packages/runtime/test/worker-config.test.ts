import { describe, expect, it } from 'vitest';
import { checkWorkerConfig, unusedWorkerKeys } from '../src/config/worker-config.js';

describe('worker config', () => {
  it('reports every problem and still gives a config to check connectors with, bad keys at their defaults', () => {
    const { config, problems } = checkWorkerConfig({
      'value.converter': 'JsonConverter',
      'offset.flush.interval.ms': 'often',
      'log.format': 'pretty',
      'connector.client.config.override.policy': 'Principal',
    });
    expect(problems.map((p) => p.key).sort()).toEqual([
      'connector.client.config.override.policy',
      'key.converter',
      'log.format',
      'offset.flush.interval.ms',
      'offset.storage.file.filename',
    ]);
    expect(config).toMatchObject({
      keyConverter: '',
      valueConverter: 'JsonConverter',
      offsetFlushIntervalMs: 60_000,
      logFormat: null,
      overridePolicy: 'All',
    });
  });

  it('reads log.format in any case', () => {
    const { config, problems } = checkWorkerConfig({
      'key.converter': 'StringConverter',
      'value.converter': 'StringConverter',
      'offset.storage.file.filename': '/tmp/o',
      'log.format': 'TEXT',
    });
    expect(problems).toEqual([]);
    expect(config.logFormat).toBe('text');
  });

  it("warns about keys that have no effect as Kafka does, taking the worker's prefixes into account", () => {
    const warnings = unusedWorkerKeys({
      'bootstrap.servers': 'b:9092',
      'key.converter': 'StringConverter',
      'key.converter.schemas.enable': 'false',
      'value.converter.schemas.enable': 'false',
      'header.converter.x': 'y',
      'producer.linger.ms': '10',
      'consumer.max.poll.records': '10',
      'admin.request.timeout.ms': '1000',
      'config.providers': 'env',
      'config.providers.env.class': 'EnvVarConfigProvider',
      'listeners.https.ssl.keystore.location': '/k',
      'security.protocol': 'SASL_SSL',
      'sasl.mechanism': 'PLAIN',
      'ssl.truststore.location': '/t',
      'rest.basic.auth.credentials.file': '/c',
      'log.format': 'json',
      'offset.flush.intervall.ms': '1000',
      'metric.reporters': 'com.example.Reporter',
      'group.id': 'connect-cluster',
    });
    expect(warnings.map((w) => w.message)).toEqual([
      "The configuration 'group.id' is a Kafka Connect worker config that Sluice does not use; it has no effect.",
      "The configuration 'metric.reporters' is a Kafka Connect worker config that Sluice does not use; it has no effect.",
      "The configuration 'offset.flush.intervall.ms' was supplied but isn't a known config.",
    ]);
  });
});
