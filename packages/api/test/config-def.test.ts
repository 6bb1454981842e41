import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ConfigDef,
  ConfigException,
  configValueToString,
  NonEmptyString,
  Password,
  parseConfigValue,
  propsWithPrefix,
  Range,
  type Recommender,
  ValidString,
} from '../src/index.js';

function connectorDef() {
  return new ConfigDef()
    .define('topic', {
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'Topic to write to.',
      validator: new NonEmptyString(),
    })
    .define('batch.size', {
      type: 'INT',
      default: 100,
      validator: Range.between(1, 10000),
      importance: 'MEDIUM',
      documentation: 'Records per poll.',
    })
    .define('poll.interval.ms', {
      type: 'LONG',
      default: '5000',
      importance: 'LOW',
      documentation: 'How long to wait between polls.',
    })
    .define('mode', {
      type: 'STRING',
      default: 'bulk',
      validator: ValidString.in('bulk', 'incrementing'),
      importance: 'HIGH',
      documentation: 'How to read.',
    })
    .define('tables', {
      type: 'LIST',
      default: [],
      importance: 'MEDIUM',
      documentation: 'Tables to read.',
    })
    .define('ratio', { type: 'DOUBLE', default: 0.5, importance: 'LOW', documentation: 'Ratio.' })
    .define('enabled', {
      type: 'BOOLEAN',
      default: true,
      importance: 'LOW',
      documentation: 'Whether on.',
    })
    .define('connection.password', {
      type: 'PASSWORD',
      default: null,
      importance: 'HIGH',
      documentation: 'The password.',
    });
}

function problemsOf(fn: () => unknown): ConfigException {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigException);
    return error as ConfigException;
  }
  throw new Error('expected a ConfigException');
}

describe('ConfigDef.parse', () => {
  it('parses strings into typed values and fills in defaults', () => {
    const config = connectorDef().parse({
      topic: ' orders ',
      'batch.size': '250',
      tables: 'a, b ,c',
      enabled: 'FALSE',
      'connection.password': 's3cret',
    });
    expect(config.topic).toBe('orders');
    expect(config['batch.size']).toBe(250);
    expect(config['poll.interval.ms']).toBe(5000);
    expect(config.mode).toBe('bulk');
    expect(config.tables).toEqual(['a', 'b', 'c']);
    expect(config.ratio).toBe(0.5);
    expect(config.enabled).toBe(false);
    expect(config['connection.password']).toBeInstanceOf(Password);
    expect(config['connection.password']?.value()).toBe('s3cret');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('types the parsed object from the definitions', () => {
    const config = connectorDef().parse({ topic: 't' });
    expectTypeOf(config.topic).toEqualTypeOf<string>();
    expectTypeOf(config['batch.size']).toEqualTypeOf<number>();
    expectTypeOf(config.tables).toEqualTypeOf<string[]>();
    expectTypeOf(config.enabled).toEqualTypeOf<boolean>();
    expectTypeOf(config['connection.password']).toEqualTypeOf<Password | null>();
    expect(config['connection.password']).toBeNull();
  });

  it('accepts already-typed values and Map props', () => {
    const config = connectorDef().parse(
      new Map<string, unknown>([
        ['topic', 't'],
        ['batch.size', 7],
        ['tables', ['x']],
        ['enabled', true],
      ]),
    );
    expect(config['batch.size']).toBe(7);
    expect(config.tables).toEqual(['x']);
  });

  it('ignores keys it does not define', () => {
    expect(() => connectorDef().parse({ topic: 't', 'connector.class': 'X' })).not.toThrow();
  });

  it('reports a missing required key with Kafka message', () => {
    const error = problemsOf(() => connectorDef().parse({}));
    expect(error.message).toBe(
      'Missing required configuration "topic" which has no default value.',
    );
    expect(error.key).toBe('topic');
  });

  it('reports every problem of every key at once, each with its key', () => {
    const error = problemsOf(() =>
      connectorDef().parse({
        'batch.size': '0',
        'poll.interval.ms': 'soon',
        mode: 'timestamp',
        enabled: 'yes',
      }),
    );
    expect(error.problems.map((p) => p.key)).toEqual([
      'topic',
      'batch.size',
      'poll.interval.ms',
      'mode',
      'enabled',
    ]);
    expect(error.problems.map((p) => p.message)).toEqual([
      'Missing required configuration "topic" which has no default value.',
      'Invalid value 0 for configuration batch.size: Value must be at least 1',
      'Invalid value soon for configuration poll.interval.ms: Not a number of type LONG',
      'Invalid value timestamp for configuration mode: String must be one of: bulk, incrementing',
      'Invalid value yes for configuration enabled: Expected value to be either true or false',
    ]);
    expect(error.message).toBe(
      ['The configuration has 5 problems:', ...error.problems.map((p) => `  - ${p.message}`)].join(
        '\n',
      ),
    );
    expect(error.problems[1]?.value).toBe(0);
  });

  it('gives each parse a fresh copy of a list default', () => {
    const def = new ConfigDef().define('l', {
      type: 'LIST',
      default: 'a,b',
      importance: 'LOW',
      documentation: '',
    });
    const first = def.parse({});
    (first.l as string[]).push('c');
    expect(def.parse({}).l).toEqual(['a', 'b']);
  });

  it('treats a null value like a missing one', () => {
    expect(connectorDef().parse({ topic: 't', 'batch.size': null })['batch.size']).toBe(100);
  });

  it('does not run validators on a null default', () => {
    const def = new ConfigDef().define('x', {
      type: 'STRING',
      default: null,
      validator: new NonEmptyString(),
      importance: 'LOW',
      documentation: '',
    });
    expect(def.parse({}).x).toBeNull();
  });

  it('applies several validators in order, reporting the first failure', () => {
    const def = new ConfigDef().define('n', {
      type: 'INT',
      default: 10,
      validator: [Range.atLeast(1), (v) => ((v as number) % 2 === 0 ? undefined : 'must be even')],
      importance: 'LOW',
      documentation: '',
    });
    expect(problemsOf(() => def.parse({ n: '0' })).message).toBe(
      'Invalid value 0 for configuration n: Value must be at least 1',
    );
    expect(problemsOf(() => def.parse({ n: '3' })).message).toBe(
      'Invalid value 3 for configuration n: must be even',
    );
  });

  it('wraps errors thrown by a validator into a problem for its key', () => {
    const def = new ConfigDef().define('x', {
      type: 'STRING',
      validator: {
        ensureValid: () => {
          throw new Error('boom');
        },
        toString: () => '',
      },
      importance: 'LOW',
      documentation: '',
    });
    const error = problemsOf(() => def.parse({ x: 'v' }));
    expect(error.problems).toEqual([
      { key: 'x', value: 'v', message: 'Invalid value v for configuration x: boom' },
    ]);
  });
});

describe('ConfigDef.define', () => {
  it('refuses a key defined twice', () => {
    const def = new ConfigDef().define('a', { type: 'INT', importance: 'LOW', documentation: '' });
    expect(() => def.define('a', { type: 'INT', importance: 'LOW', documentation: '' })).toThrow(
      'Configuration a is defined twice.',
    );
  });

  it('refuses a default that does not parse or does not validate', () => {
    expect(() =>
      new ConfigDef().define('a', {
        type: 'INT',
        default: 'x',
        importance: 'LOW',
        documentation: '',
      }),
    ).toThrow('Invalid value x for configuration a: Not a number of type INT');
    expect(() =>
      new ConfigDef().define('a', {
        type: 'INT',
        default: 0,
        validator: Range.atLeast(1),
        importance: 'LOW',
        documentation: '',
      }),
    ).toThrow('Invalid value 0 for configuration a: Value must be at least 1');
  });

  it('records the key metadata, with Kafka defaults', () => {
    const def = new ConfigDef().define('a', {
      type: 'INT',
      importance: 'LOW',
      documentation: 'doc',
    });
    expect(def.configKeys().get('a')).toMatchObject({
      name: 'a',
      type: 'INT',
      hasDefault: false,
      defaultValue: null,
      group: null,
      orderInGroup: -1,
      width: 'NONE',
      displayName: 'a',
      dependents: [],
      internal: false,
    });
  });

  it('refuses to parse when a dependent is not defined', () => {
    const def = new ConfigDef().define('a', {
      type: 'INT',
      default: 1,
      dependents: ['b'],
      importance: 'LOW',
      documentation: '',
    });
    expect(() => def.parse({})).toThrow(/dependents, but not defined: b$/);
    expect(def.validateAll({}).get('b')?.errorMessages).toEqual([
      'b is referred in the dependents, but not defined.',
    ]);
  });

  it('copies another definition without sharing keys', () => {
    const base = connectorDef();
    const extended = new ConfigDef(base).define('extra', {
      type: 'INT',
      default: 1,
      importance: 'LOW',
      documentation: '',
    });
    expect(extended.names()).toContain('extra');
    expect(base.names()).not.toContain('extra');
    expect(extended.parse({ topic: 't' }).topic).toBe('t');
  });
});

describe('unsupported keys', () => {
  const def = () =>
    new ConfigDef()
      .define('a', { type: 'INT', default: 1, importance: 'LOW', documentation: '' })
      .defineUnsupported('exactly.once.support', 'exactly-once source is not implemented yet');

  it('are reported, with the reason, only when set', () => {
    expect(() => def().parse({})).not.toThrow();
    const error = problemsOf(() => def().parse({ 'exactly.once.support': 'required' }));
    expect(error.problems).toEqual([
      {
        key: 'exactly.once.support',
        value: 'required',
        message:
          'Configuration exactly.once.support is not supported by Sluice: exactly-once source is not implemented yet',
      },
    ]);
    expect(
      def().validateAll({ 'exactly.once.support': 'x' }).get('exactly.once.support'),
    ).toMatchObject({ errorMessages: [error.problems[0]?.message] });
    expect(def().unsupportedKeys().get('exactly.once.support')).toMatch(/not implemented/);
  });

  it('cannot also be defined', () => {
    expect(() =>
      def().define('exactly.once.support', {
        type: 'STRING',
        importance: 'LOW',
        documentation: '',
      }),
    ).toThrow('Configuration exactly.once.support is defined twice.');
  });
});

describe('ConfigDef.validate', () => {
  it('returns one result per key with its value and every error, never throwing', () => {
    const results = connectorDef().validateAll({
      'batch.size': 'many',
      mode: 'timestamp',
      tables: 'a,b',
    });
    expect([...results.keys()]).toEqual(connectorDef().names());
    expect(results.get('topic')).toEqual({
      name: 'topic',
      value: null,
      recommendedValues: [],
      errorMessages: ['Missing required configuration "topic" which has no default value.'],
      visible: true,
    });
    expect(results.get('batch.size')?.errorMessages).toEqual([
      'Invalid value many for configuration batch.size: Not a number of type INT',
    ]);
    expect(results.get('mode')?.errorMessages).toEqual([
      'Invalid value timestamp for configuration mode: String must be one of: bulk, incrementing',
    ]);
    expect(results.get('tables')).toMatchObject({ value: ['a', 'b'], errorMessages: [] });
    expect(results.get('poll.interval.ms')).toMatchObject({ value: 5000, errorMessages: [] });
    expect(connectorDef().validate({})).toHaveLength(connectorDef().names().length);
  });

  it('asks recommenders for valid values and visibility, from the other parsed values', () => {
    const recommender: Recommender = {
      validValues: (_name, parsed) => (parsed.mode === 'incrementing' ? ['id', 'seq'] : []),
      visible: (_name, parsed) => parsed.mode === 'incrementing',
    };
    const def = connectorDef().define('incrementing.column', {
      type: 'STRING',
      default: '',
      recommender,
      importance: 'LOW',
      documentation: '',
    });
    expect(def.validateAll({ topic: 't', mode: 'bulk' }).get('incrementing.column')).toMatchObject({
      visible: false,
      recommendedValues: [],
    });
    expect(
      def.validateAll({ topic: 't', mode: 'incrementing' }).get('incrementing.column'),
    ).toMatchObject({ visible: true, recommendedValues: ['id', 'seq'] });
  });

  it('keeps passwords as Password values and hides them in the REST shape', () => {
    const def = connectorDef();
    const values = def.validate({ topic: 't', 'connection.password': 'hunter2' });
    const password = values.find((v) => v.name === 'connection.password');
    expect(password?.value).toBeInstanceOf(Password);
    const infos = def.toConfigInfos('MySource', values);
    expect(JSON.stringify(infos)).not.toContain('hunter2');
    const info = infos.configs.find((c) => c.definition?.name === 'connection.password');
    expect(info?.value?.value).toBe('[hidden]');
  });

  it('never shows a password in a validator error, even from a careless validator', () => {
    const def = new ConfigDef().define('secret', {
      type: 'PASSWORD',
      validator: (v) => ((v as Password).value().length < 8 ? 'too short' : undefined),
      importance: 'HIGH',
      documentation: '',
    });
    const values = def.validate({ secret: 'abc' });
    expect(values[0]?.errorMessages).toEqual([
      'Invalid value [hidden] for configuration secret: too short',
    ]);
    const careless = new ConfigDef().define('secret', {
      type: 'PASSWORD',
      validator: {
        ensureValid: (name) => {
          throw ConfigException.invalid(name, '[redacted by validator]', 'bad');
        },
        toString: () => '',
      },
      importance: 'HIGH',
      documentation: '',
    });
    const raw = problemsOf(() => careless.parse({ secret: 'abc' }));
    expect(raw.problems[0]?.value).toBe('[hidden]');
    const error = problemsOf(() => def.parse({ secret: 'abc' }));
    expect(JSON.stringify(error.problems)).not.toContain('abc');
    expect(error.problems[0]?.value).toBe('[hidden]');
    expect(error.message).not.toContain('abc');
  });
});

describe('ConfigDef REST shapes', () => {
  it('builds the validate response, counting every error', () => {
    const def = connectorDef();
    const infos = def.toConfigInfos('MySource', def.validate({ 'batch.size': '0' }));
    expect(infos.name).toBe('MySource');
    expect(infos.error_count).toBe(2);
    expect(infos.configs).toHaveLength(def.names().length);
    expect(infos.configs[0]).toEqual({
      definition: {
        name: 'topic',
        type: 'STRING',
        required: true,
        default_value: null,
        importance: 'HIGH',
        documentation: 'Topic to write to.',
        group: null,
        order: -1,
        width: 'NONE',
        display_name: 'topic',
        dependents: [],
      },
      value: {
        name: 'topic',
        value: null,
        recommended_values: [],
        errors: ['Missing required configuration "topic" which has no default value.'],
        visible: true,
      },
    });
    const tables = infos.configs.find((c) => c.definition?.name === 'tables');
    expect(tables?.definition?.default_value).toBe('');
    expect(tables?.value?.value).toBe('');
  });

  it('lists values for keys it does not define first', () => {
    const def = connectorDef();
    const extra = {
      name: 'x',
      value: 'v',
      recommendedValues: [],
      errorMessages: ['bad'],
      visible: true,
    };
    const infos = def.toConfigInfos('P', [extra, ...def.validate({ topic: 't' })]);
    expect(infos.configs[0]).toEqual({
      definition: null,
      value: { name: 'x', value: 'v', recommended_values: [], errors: ['bad'], visible: true },
    });
    expect(infos.error_count).toBe(1);
  });
});

describe('parseConfigValue', () => {
  const bad = (value: unknown, type: Parameters<typeof parseConfigValue>[2]): string =>
    problemsOf(() => parseConfigValue('k', value, type)).message;

  it('parses BOOLEAN case-insensitively, as Kafka', () => {
    expect(parseConfigValue('k', 'TRUE', 'BOOLEAN')).toBe(true);
    expect(parseConfigValue('k', ' false ', 'BOOLEAN')).toBe(false);
    expect(bad('1', 'BOOLEAN')).toBe(
      'Invalid value 1 for configuration k: Expected value to be either true or false',
    );
    expect(bad(1, 'BOOLEAN')).toBe(
      'Invalid value 1 for configuration k: Expected value to be either true or false',
    );
  });

  it('parses SHORT, INT and LONG with their ranges', () => {
    expect(parseConfigValue('k', ' 42 ', 'INT')).toBe(42);
    expect(parseConfigValue('k', '-32768', 'SHORT')).toBe(-32768);
    expect(parseConfigValue('k', '9007199254740991', 'LONG')).toBe(9007199254740991);
    expect(parseConfigValue('k', 12n, 'LONG')).toBe(12);
    expect(bad('32768', 'SHORT')).toBe(
      'Invalid value 32768 for configuration k: Not a number of type SHORT',
    );
    expect(bad('2147483648', 'INT')).toBe(
      'Invalid value 2147483648 for configuration k: Not a number of type INT',
    );
    expect(bad('4.5', 'INT')).toBe(
      'Invalid value 4.5 for configuration k: Not a number of type INT',
    );
    expect(bad(4.5, 'INT')).toBe(
      'Invalid value 4.5 for configuration k: Expected value to be a 32-bit integer, but it was a number',
    );
    expect(bad('9223372036854775807', 'LONG')).toMatch(
      /Not a number of type LONG that Sluice can hold exactly/,
    );
    expect(bad(2n ** 60n, 'LONG')).toMatch(/Not a number of type LONG/);
  });

  it('parses DOUBLE as Java does, with d/f suffixes, NaN and Infinity', () => {
    expect(parseConfigValue('k', '1e3', 'DOUBLE')).toBe(1000);
    expect(parseConfigValue('k', '1.5d', 'DOUBLE')).toBe(1.5);
    expect(parseConfigValue('k', '.5', 'DOUBLE')).toBe(0.5);
    expect(parseConfigValue('k', '-Infinity', 'DOUBLE')).toBe(Number.NEGATIVE_INFINITY);
    expect(parseConfigValue('k', 'NaN', 'DOUBLE')).toBeNaN();
    expect(parseConfigValue('k', 3, 'DOUBLE')).toBe(3);
    expect(bad('abc', 'DOUBLE')).toBe(
      'Invalid value abc for configuration k: Not a number of type DOUBLE',
    );
    expect(bad(true, 'DOUBLE')).toMatch(/Expected value to be a double, but it was a boolean/);
  });

  it('parses LIST by commas with surrounding whitespace, keeping empty items as Kafka', () => {
    expect(parseConfigValue('k', 'a, b ,c', 'LIST')).toEqual(['a', 'b', 'c']);
    expect(parseConfigValue('k', '  ', 'LIST')).toEqual([]);
    expect(parseConfigValue('k', 'a,,b', 'LIST')).toEqual(['a', '', 'b']);
    expect(parseConfigValue('k', 'a,b,', 'LIST')).toEqual(['a', 'b', '']);
    expect(parseConfigValue('k', ['x', 'y'], 'LIST')).toEqual(['x', 'y']);
    expect(bad([1], 'LIST')).toMatch(/Expected a list of strings/);
    expect(bad(5, 'LIST')).toMatch(/Expected a comma separated list/);
  });

  it('parses STRING, CLASS and PASSWORD, trimming as Kafka', () => {
    expect(parseConfigValue('k', ' x ', 'STRING')).toBe('x');
    expect(parseConfigValue('k', 'org.example.Foo', 'CLASS')).toBe('org.example.Foo');
    class MyTransform {}
    expect(parseConfigValue('k', MyTransform, 'CLASS')).toBe('MyTransform');
    expect(parseConfigValue('k', ' p ', 'PASSWORD').value()).toBe('p');
    expect(bad(5, 'STRING')).toMatch(/Expected value to be a string, but it was a number/);
    expect(bad(5, 'CLASS')).toMatch(/Expected a class name/);
    expect(bad(5, 'PASSWORD')).toBe(
      'Invalid value [hidden] for configuration k: Expected value to be a string, but it was a number',
    );
  });
});

describe('configValueToString and propsWithPrefix', () => {
  it('prints values as Kafka convertToString', () => {
    expect(configValueToString(['a', 'b'])).toBe('a,b');
    expect(configValueToString(null)).toBeNull();
    expect(configValueToString(new Password('x'))).toBe('[hidden]');
    expect(configValueToString('plain', 'PASSWORD')).toBe('[hidden]');
    expect(configValueToString(5)).toBe('5');
    expect(configValueToString(false)).toBe('false');
  });

  it('selects keys by prefix, stripping it unless asked not to', () => {
    const props = { 'value.converter.schemas.enable': 'false', 'value.converter': 'json', x: '1' };
    expect(propsWithPrefix(props, 'value.converter.')).toEqual({ 'schemas.enable': 'false' });
    expect(propsWithPrefix(new Map(Object.entries(props)), 'value.converter.', false)).toEqual({
      'value.converter.schemas.enable': 'false',
    });
  });
});

describe('groups, embedding and documentation', () => {
  const def = () =>
    new ConfigDef()
      .define('b.low', { type: 'INT', default: 1, importance: 'LOW', documentation: 'b low' })
      .define('a.req', { type: 'STRING', importance: 'LOW', documentation: 'a required' })
      .define('conn.url', {
        type: 'STRING',
        importance: 'HIGH',
        documentation: 'URL | with pipe',
        group: 'Connection',
        orderInGroup: 1,
      })
      .define('conn.timeout.ms', {
        type: 'LONG',
        default: 30000,
        validator: Range.atLeast(0),
        importance: 'MEDIUM',
        documentation: 'Timeout.',
        group: 'Connection',
        orderInGroup: 2,
      })
      .define('secret.internal', {
        type: 'STRING',
        default: 'x',
        importance: 'LOW',
        documentation: 'internal',
        internal: true,
      });

  it('keeps groups in order of appearance and sorts keys as Kafka docs do', () => {
    const d = def();
    expect(d.groups()).toEqual(['Connection']);
    expect(d.sortedKeys().map((k) => k.name)).toEqual([
      'a.req',
      'b.low',
      'secret.internal',
      'conn.url',
      'conn.timeout.ms',
    ]);
    expect(d.defaultValues()).toEqual({
      'b.low': 1,
      'conn.timeout.ms': 30000,
      'secret.internal': 'x',
    });
  });

  it('renders a markdown table without internal keys, escaping pipes and naming time units', () => {
    const md = def().toMarkdown();
    expect(md).toBe(
      [
        '| Name | Description | Type | Default | Valid values | Importance |',
        '| --- | --- | --- | --- | --- | --- |',
        '| `a.req` | a required | string | _required_ |  | low |',
        '| `b.low` | b low | int | `1` |  | low |',
        '| `conn.url` | URL \\| with pipe | string | _required_ |  | high |',
        '| `conn.timeout.ms` | Timeout. | long | `30000` (30 seconds) | [0,...] | medium |',
        '',
      ].join('\n'),
    );
    expect(def().toMarkdown({ groupHeadings: true })).toContain('### Connection\n\n| Name |');
  });

  it('embeds a child definition under a prefix and group, keeping its validators', () => {
    const parent = new ConfigDef().embed('ssl.', 'SSL', 0, def());
    expect(parent.names()).toContain('ssl.conn.timeout.ms');
    expect(parent.configKeys().get('ssl.conn.url')?.group).toBe('SSL: Connection');
    expect(parent.configKeys().get('ssl.b.low')?.group).toBe('SSL');
    const error = problemsOf(() =>
      parent.parse({ 'ssl.a.req': 'x', 'ssl.conn.url': 'u', 'ssl.conn.timeout.ms': '-1' }),
    );
    // The message names the key as the child defined it (as Kafka's does); the problem's key is
    // the one the user set.
    expect(error.message).toBe(
      'Invalid value -1 for configuration conn.timeout.ms: Value must be at least 0',
    );
    expect(error.problems.map((p) => p.key)).toEqual(['ssl.conn.timeout.ms']);
  });
});
