import { randomUUID } from 'node:crypto';
import {
  ConnectHeaders,
  DataException,
  Decimal,
  RetriableException,
  Schema,
  type SchemaAndValue,
  SchemaBuilder,
  Struct,
  valuesEqual,
} from '@sluice/api';
import { schemaRegistryUrl } from '@sluice/test-fixtures';
import { describe, expect, it } from 'vitest';
import { AvroConverter, readSchemaId, SchemaRegistryClient } from '../src/index.js';

const headers = new ConnectHeaders();

function converter(configs: Record<string, unknown> = {}, isKey = false): AvroConverter {
  const c = new AvroConverter();
  c.configure({ 'schema.registry.url': schemaRegistryUrl(), ...configs }, isKey);
  return c;
}

/** A topic (and so subject) no earlier run used: the registry is kept between runs. */
const freshTopic = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;

/** Sets a subject's compatibility level (registries differ in their default: Apicurio has none). */
async function setCompatibility(subject: string, level: string): Promise<void> {
  const response = await fetch(`${schemaRegistryUrl()}/config/${encodeURIComponent(subject)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: level }),
  });
  expect(response.ok, await response.text()).toBe(true);
}

/**
 * Which of `names` are registered subjects. Asked one by one: a registry kept between runs
 * holds more subjects than its `/subjects` list answers (Apicurio lists the first 1000).
 */
async function registeredSubjects(names: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const name of names) {
    const response = await fetch(
      `${schemaRegistryUrl()}/subjects/${encodeURIComponent(name)}/versions`,
    );
    if (response.ok) found.push(name);
    await response.body?.cancel();
  }
  return found;
}

const v1 = SchemaBuilder.struct()
  .name('it.Customer')
  .field('id', Schema.INT64_SCHEMA)
  .field('name', Schema.STRING_SCHEMA)
  .field('balance', Decimal.schema(2))
  .build();
const v2 = SchemaBuilder.struct()
  .name('it.Customer')
  .field('id', Schema.INT64_SCHEMA)
  .field('name', Schema.STRING_SCHEMA)
  .field('balance', Decimal.schema(2))
  .field('country', SchemaBuilder.string().defaultValue('NL').build())
  .build();

const ada = () =>
  new Struct(v1)
    .put('id', 9007199254740993n)
    .put('name', 'Ada')
    .put('balance', Decimal.fromString('-1234567890123.45'));

describe('AvroConverter against the real Schema Registry', () => {
  it('registers the schema on first use and round trips the record', async () => {
    const topic = freshTopic('customers');
    const c = converter();
    const bytes = (await c.fromConnectData(topic, headers, v1, ada())) as Uint8Array;
    const latest = await new SchemaRegistryClient({ urls: [schemaRegistryUrl()] }).latest(
      `${topic}-value`,
    );
    expect(readSchemaId(bytes)).toBe(latest.id);
    expect(JSON.parse(latest.schema)).toMatchObject({ type: 'record', name: 'Customer' });

    // A second converter (another worker) reads it with nothing cached.
    const back = (await converter().toConnectData(topic, headers, bytes)) as SchemaAndValue;
    const struct = back.value as Struct;
    expect(struct.get('id')).toBe(9007199254740993n);
    expect(String(struct.get('balance'))).toBe('-1234567890123.45');
    expect(back.schema?.name).toBe('it.Customer');
    expect(back.schema?.version).toBe(1); // the registry version
    expect(valuesEqual(struct.get('name'), 'Ada')).toBe(true);
  });

  it('registers under the subject of each strategy, for keys and values', async () => {
    const topic = freshTopic('strategies');
    await converter({}, true).fromConnectData(topic, headers, Schema.STRING_SCHEMA, 'k');
    const record = SchemaBuilder.struct()
      .name(`it.Rec${randomUUID().slice(0, 8)}`)
      .field('a', Schema.INT32_SCHEMA)
      .build();
    const value = new Struct(record).put('a', 1);
    await converter({
      'value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.RecordNameStrategy',
    }).fromConnectData(topic, headers, record, value);
    await converter({
      'value.subject.name.strategy':
        'io.confluent.kafka.serializers.subject.TopicRecordNameStrategy',
    }).fromConnectData(topic, headers, record, value);
    const expected = [`${topic}-key`, `${record.name}`, `${topic}-${record.name}`];
    expect(await registeredSubjects(expected)).toEqual(expected);
  });

  it('writes with the latest version when use.latest.version is set and registration is off', async () => {
    const topic = freshTopic('latest');
    await converter().fromConnectData(
      topic,
      headers,
      v2,
      new Struct(v2).put('id', 1n).put('name', 'x').put('balance', Decimal.fromString('0.00')),
    );
    const client = new SchemaRegistryClient({ urls: [schemaRegistryUrl()] });
    const latest = await client.latest(`${topic}-value`);

    // v1 data written with the latest (v2) schema: country gets its default.
    const writer = converter({ 'auto.register.schemas': false, 'use.latest.version': true });
    const bytes = (await writer.fromConnectData(topic, headers, v1, ada())) as Uint8Array;
    expect(readSchemaId(bytes)).toBe(latest.id);
    const back = (await converter().toConnectData(topic, headers, bytes)) as SchemaAndValue;
    expect((back.value as Struct).get('country')).toBe('NL');
    expect((back.value as Struct).get('name')).toBe('Ada');

    // Without registration or use.latest.version, an unregistered schema is an error.
    const strict = converter({ 'auto.register.schemas': false });
    await expect((async () => strict.fromConnectData(topic, headers, v1, ada()))()).rejects.toThrow(
      /Schema not found under subject/,
    );
  });

  it('reads data of an older schema version into the latest version after the schema evolved', async () => {
    const topic = freshTopic('evolution');
    const old = (await converter().fromConnectData(topic, headers, v1, ada())) as Uint8Array;
    const current = (await converter().fromConnectData(
      topic,
      headers,
      v2,
      new Struct(v2)
        .put('id', 2n)
        .put('name', 'Grace')
        .put('balance', Decimal.fromString('10.00'))
        .put('country', 'US'),
    )) as Uint8Array;
    expect(readSchemaId(old)).not.toBe(readSchemaId(current));

    const reader = converter({ 'use.latest.version': true });
    const oldBack = (await reader.toConnectData(topic, headers, old)) as SchemaAndValue;
    const newBack = (await reader.toConnectData(topic, headers, current)) as SchemaAndValue;
    expect(oldBack.schema?.fields.map((f) => f.name)).toEqual(['id', 'name', 'balance', 'country']);
    expect((oldBack.value as Struct).get('country')).toBe('NL');
    expect((oldBack.value as Struct).get('id')).toBe(9007199254740993n);
    expect((newBack.value as Struct).get('country')).toBe('US');
    expect(oldBack.schema?.version).toBe(2);

    // Without use.latest.version each message reads with its own writer schema.
    const plain = converter();
    const asWritten = (await plain.toConnectData(topic, headers, old)) as SchemaAndValue;
    expect(asWritten.schema?.fields.map((f) => f.name)).toEqual(['id', 'name', 'balance']);
    expect(asWritten.schema?.version).toBe(1);
  });

  it('refuses an incompatible schema change with a DataException from the registry', async () => {
    const topic = freshTopic('incompatible');
    await converter().fromConnectData(topic, headers, v1, ada());
    await setCompatibility(`${topic}-value`, 'BACKWARD');
    const breaking = SchemaBuilder.struct()
      .name('it.Customer')
      .field('id', Schema.STRING_SCHEMA)
      .build();
    const write = (async () =>
      converter().fromConnectData(topic, headers, breaking, new Struct(breaking).put('id', 'x')))();
    await expect(write).rejects.toThrow(DataException);
    await expect(write).rejects.not.toThrow(RetriableException);
  });

  it('gives a DataException for an unknown schema id', async () => {
    const read = (async () =>
      converter().toConnectData(
        'nowhere',
        headers,
        new Uint8Array([0, 0x7f, 0xff, 0xff, 0xf0, 2]),
      ))();
    await expect(read).rejects.toThrow(DataException);
    await expect(read).rejects.toThrow(/2147483632 not found/);
  });

  it('gives a RetriableException when the registry is down (wrong port)', async () => {
    const url = new URL(schemaRegistryUrl());
    url.port = String(Number(url.port) === 1 ? 2 : 1); // nothing listens on port 1
    const c = new AvroConverter();
    c.configure({ 'schema.registry.url': url.toString() }, false);
    const write = (async () => c.fromConnectData('t', headers, Schema.STRING_SCHEMA, 'x'))();
    await expect(write).rejects.toThrow(RetriableException);
  });
});
