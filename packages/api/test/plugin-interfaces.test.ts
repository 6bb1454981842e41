import { describe, expect, it } from 'vitest';
import {
  type ConfigData,
  ConfigDef,
  type ConfigProvider,
  type ConnectHeaders,
  type ConnectRecord,
  type Converter,
  type HeaderConverter,
  missingPluginMethods,
  NULL_SCHEMA_AND_VALUE,
  PLUGIN_REQUIRED_METHODS,
  type PluginKind,
  type Predicate,
  type Schema,
  type SchemaAndValue,
  SinkRecord,
  type Transformation,
} from '../src/index.js';

// Each class implements only the members its interface requires, so its methods are exactly the
// interface's required methods: the loader's list must name the same ones.

class MinimalConverter implements Converter {
  configure(_configs: Record<string, unknown>, _isKey: boolean): void {}
  fromConnectData(
    _topic: string,
    _headers: ConnectHeaders,
    _schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    return value === null ? null : new TextEncoder().encode(String(value));
  }
  toConnectData(
    _topic: string,
    _headers: ConnectHeaders,
    value: Uint8Array | null,
  ): SchemaAndValue {
    return value === null
      ? NULL_SCHEMA_AND_VALUE
      : { schema: null, value: new TextDecoder().decode(value) };
  }
  config(): ConfigDef<object> {
    return new ConfigDef();
  }
}

class MinimalHeaderConverter implements HeaderConverter {
  configure(_configs: Record<string, unknown>): void {}
  toConnectHeader(_topic: string, _key: string, _value: Uint8Array | null): SchemaAndValue {
    return NULL_SCHEMA_AND_VALUE;
  }
  fromConnectHeader(_topic: string, _key: string, _schema: Schema | null, _value: unknown): null {
    return null;
  }
  config(): ConfigDef<object> {
    return new ConfigDef();
  }
  close(): void {}
}

class UppercaseTopic<R extends ConnectRecord> implements Transformation<R> {
  configure(_props: Record<string, unknown>): void {}
  apply(record: R): R | null {
    return record.newRecord({ topic: record.topic.toUpperCase() });
  }
  config(): ConfigDef<object> {
    return new ConfigDef();
  }
  close(): void {}
}

class IsTombstone<R extends ConnectRecord> implements Predicate<R> {
  configure(_props: Record<string, unknown>): void {}
  test(record: R): boolean {
    return record.value === null;
  }
  config(): ConfigDef<object> {
    return new ConfigDef();
  }
  close(): void {}
}

class StaticProvider implements ConfigProvider {
  configure(_configs: Record<string, unknown>): void {}
  async get(_path: string, keys?: readonly string[]): Promise<ConfigData> {
    const data: Record<string, string> = { user: 'app', host: 'db' };
    const wanted = keys ?? Object.keys(data);
    return { data: Object.fromEntries(wanted.map((k) => [k, data[k] ?? ''])), ttl: null };
  }
  close(): void {}
}

const ownMethods = (cls: { prototype: object }): string[] =>
  Object.getOwnPropertyNames(cls.prototype)
    .filter((name) => name !== 'constructor')
    .sort();

describe('plugin interfaces and the loader check agree', () => {
  const cases: [PluginKind, { prototype: object }][] = [
    ['converter', MinimalConverter],
    ['header-converter', MinimalHeaderConverter],
    ['transform', UppercaseTopic],
    ['predicate', IsTombstone],
    ['config-provider', StaticProvider],
  ];

  it.each(cases)('%s: a minimal implementation has exactly the required methods', (kind, cls) => {
    expect(missingPluginMethods(kind, cls)).toEqual([]);
    expect(ownMethods(cls)).toEqual([...PLUGIN_REQUIRED_METHODS[kind]].sort());
  });

  it('the minimal implementations work on records', async () => {
    const record = new SinkRecord({
      topic: 'orders',
      kafkaPartition: 0,
      kafkaOffset: 1,
      value: null,
    });
    const renamed = new UppercaseTopic<SinkRecord>().apply(record);
    expect(renamed?.topic).toBe('ORDERS');
    expect(renamed?.originalTopic).toBe('orders');
    expect(new IsTombstone<SinkRecord>().test(record)).toBe(true);
    const converter = new MinimalConverter();
    const bytes = converter.fromConnectData('t', record.headers, null, 'hi');
    expect(converter.toConnectData('t', record.headers, bytes)).toEqual({
      schema: null,
      value: 'hi',
    });
    expect(await new StaticProvider().get('secrets', ['user'])).toEqual({
      data: { user: 'app' },
      ttl: null,
    });
  });
});
