import { ConfigException } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import {
  parseSinkConfig,
  parseSourceConfig,
  validateSinkProps,
  validateSourceProps,
} from '../src/index.js';

const SINK = 'com.mongodb.kafka.connect.sink.';

function problemsOf(parse: () => unknown): string[] {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigException);
    return (error as ConfigException).problems.map((p) => `  - ${p.message}`);
  }
  throw new Error('expected a ConfigException');
}

describe('sink config', () => {
  it('lists every problem of a config at once, each naming its key (as written, override included)', () => {
    const problems = problemsOf(() =>
      parseSinkConfig({
        'connection.uri': 'http://localhost',
        topics: 'a,b',
        'topics.regex': 'x(',
        'max.batch.size': '-1',
        'document.id.strategy': `${SINK}processor.id.strategy.Nope`,
        'writemodel.strategy': 'Foo',
        'post.processor.chain': `${SINK}processor.AllowListValueProjector`,
        'field.renamer.mapping': '{"x": 1}',
        'field.renamer.regexp': 'nope',
        'topic.override.c.collection': 'x',
        'topic.override.b.max.batch.size': 'abc',
        'change.data.capture.handler': `${SINK}cdc.qlik.rdbms.RdbmsHandler`,
        'timeseries.timefield': 't',
        'timeseries.metafield': 't',
      }),
    );
    expect(problems).toEqual([
      "  - Invalid value [hidden] for configuration connection.uri: The connection string is invalid. Connection strings must start with either 'mongodb://' or 'mongodb+srv://'",
      '  - Invalid value x( for configuration topics.regex: Invalid regular expression: /^(?:x()$/: Unterminated group',
      '  - Invalid value a,b for configuration topics: topics and topics.regex are mutually exclusive options, but both are set.',
      '  - Invalid value x for configuration topic.override.c.collection: not a setting of a topic this sink reads: topic.override.<topic>.<setting>, with <topic> one of a, b and <setting> a per-topic key',
      '  - Missing required configuration "database" which has no default value.',
      '  - Invalid value -1 for configuration max.batch.size: Value must be at least 0',
      expect.stringContaining(
        `Invalid value ${SINK}processor.id.strategy.Nope for configuration document.id.strategy: not a class Sluice provides (custom Java classes cannot be loaded); one of ${SINK}processor.id.strategy.BsonOidStrategy,`,
      ),
      expect.stringContaining(
        `Invalid value Foo for configuration writemodel.strategy: not a class Sluice provides (custom Java classes cannot be loaded); one of ${SINK}writemodel.strategy.DefaultWriteModelStrategy,`,
      ),
      `  - Invalid value ${SINK}cdc.qlik.rdbms.RdbmsHandler for configuration change.data.capture.handler: the Qlik Replicate and Attunity handlers are not supported by Sluice`,
      '  - Invalid value  for configuration value.projection.list: the AllowListValueProjector post processor needs the fields to project',
      '  - Invalid value {"x": 1} for configuration field.renamer.mapping: not a JSON array',
      `  - Invalid value nope for configuration field.renamer.regexp: not valid JSON: Unexpected token 'o', "nope" is not valid JSON`,
      '  - Invalid value t for configuration timeseries.metafield: the meta field may not be the same as the time field or _id',
      '  - Invalid value abc for configuration topic.override.b.max.batch.size: Not a number of type INT',
    ]);
  });

  it('refuses settings that contradict each other as mongo-kafka does', () => {
    const base = { topics: 't', database: 'd' };
    expect(
      problemsOf(() =>
        parseSinkConfig({
          ...base,
          'delete.on.null.values': 'true',
          'document.id.strategy': `${SINK}processor.id.strategy.ProvidedInValueStrategy`,
        }),
      ),
    ).toEqual([
      '  - Invalid value true for configuration delete.on.null.values: DeleteOneDefaultStrategy can only be applied when the configured IdStrategy is an instance of: FullKeyStrategy or PartialKeyStrategy or ProvidedInKeyStrategy',
    ]);
    expect(
      problemsOf(() =>
        parseSinkConfig({
          ...base,
          'document.id.strategy': `${SINK}processor.id.strategy.PartialKeyStrategy`,
        }),
      ),
    ).toEqual([
      '  - Invalid value none for configuration key.projection.type: the PartialKeyStrategy needs AllowList or BlockList (document.id.strategy.partial.key.projection.type or key.projection.type)',
    ]);
    expect(
      problemsOf(() =>
        parseSinkConfig({
          ...base,
          'namespace.mapper': `${SINK}namespace.mapping.FieldPathNamespaceMapper`,
          'namespace.mapper.key.database.field': 'a',
          'namespace.mapper.value.database.field': 'b',
        }),
      ),
    ).toEqual([
      '  - Invalid value a for configuration namespace.mapper.key.database.field: set either the key or the value database field, not both',
    ]);
  });

  it('parses the defaults, per-topic overrides and topics.regex', () => {
    const config = parseSinkConfig({
      topics: 'a,b',
      database: 'd',
      'topic.override.b.collection': 'bees',
      'topic.override.b.max.batch.size': '5',
    });
    const a = config.topicConfig('a');
    expect(a).toMatchObject({
      collection: 'a',
      idStrategy: 'BsonOidStrategy',
      writeModel: 'DefaultWriteModelStrategy',
      postProcessors: ['DocumentIdAdder'],
      maxBatchSize: 0,
      bulkWriteOrdered: true,
      deleteOnNullValues: false,
      tolerance: 'none',
    });
    expect(config.topicConfig('b')).toMatchObject({ collection: 'bees', maxBatchSize: 5 });
    expect(() => config.topicConfig('c')).toThrow('Unknown topic: c, must be one of: a, b');

    const byRegex = parseSinkConfig({ 'topics.regex': 'ev-.*', database: 'd' });
    expect(byRegex.topicConfig('ev-1').collection).toBe('ev-1');
    expect(() => byRegex.topicConfig('other')).toThrow(
      'Unknown topic: other, does not match: ev-.*',
    );
  });

  it('attaches each problem to its key in the REST validation', () => {
    const values = validateSinkProps({
      topics: 't',
      database: 'd',
      'writemodel.strategy': 'Foo',
    }).configValues;
    const errors = Object.fromEntries(values.map((v) => [v.name, v.errorMessages]));
    expect(errors['writemodel.strategy']).toEqual([
      expect.stringContaining('Invalid value Foo for configuration writemodel.strategy'),
    ]);
    expect(errors.database).toEqual([]);
  });
});

describe('source config', () => {
  it('lists every problem of a config at once', () => {
    const problems = problemsOf(() =>
      parseSourceConfig({
        'connection.uri': 'mongodb://x',
        'startup.mode': 'nope',
        'output.format.value': 'xml',
        pipeline: '{',
        'topic.namespace.map': '[',
        'output.json.formatter': 'Foo',
        'poll.max.batch.size': '0',
        'heartbeat.interval.ms': '-1',
        'change.stream.full.document': 'x',
      }),
    );
    expect(problems).toEqual([
      '  - Invalid value x for configuration change.stream.full.document: String must be one of: , default, updateLookup, whenAvailable, required',
      '  - Invalid value 0 for configuration poll.max.batch.size: Value must be at least 1',
      '  - Invalid value -1 for configuration heartbeat.interval.ms: Value must be at least 0',
      '  - Invalid value xml for configuration output.format.value: String must be one of (case insensitive): json, bson, schema',
      '  - Invalid value nope for configuration startup.mode: String must be one of (case insensitive): , latest, timestamp, copy_existing',
      `  - Invalid value { for configuration pipeline: Expected property name or '}' in JSON at position 1`,
      expect.stringContaining(
        '  - Invalid value Foo for configuration output.json.formatter: one of com.mongodb.kafka.connect.source.json.formatter.DefaultJson,',
      ),
      '  - Invalid value [ for configuration topic.namespace.map: Unexpected end of JSON input',
    ]);
  });

  it('parses the defaults, the deprecated copy.existing keys and the polling mode', () => {
    const config = parseSourceConfig({
      'connection.uri': 'mongodb://x',
      database: 'd',
      'copy.existing': 'true',
      'copy.existing.max.threads': '2',
    });
    expect(config).toMatchObject({
      startupMode: 'copy_existing',
      copyExisting: { maxThreads: 2 },
    });
    expect(
      parseSourceConfig({
        'connection.uri': 'mongodb://x',
        database: 'd',
        collection: 'c',
        'polling.mode': 'timestamp',
        'polling.field': 'updatedAt',
      }).polling,
    ).toMatchObject({ field: 'updatedAt' });
    const values = validateSourceProps({ 'output.format.key': 'xml' }).configValues;
    expect(values.find((v) => v.name === 'output.format.key')?.errorMessages).toHaveLength(1);
  });
});
