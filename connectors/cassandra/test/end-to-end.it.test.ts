import { Decimal, type Struct, schemaEquals, valuesEqual } from '@sluice/api';
import { JsonConverter } from '@sluice/converter-json';
import { createStandalone, type StandaloneHerder } from '@sluice/runtime';
import type cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJsonText } from '../src/json-text.js';
import { cassandraClient, connectionProps, freshKeyspace } from './harness.js';
import {
  createTopics,
  failures,
  log,
  produce,
  readTopic,
  unique,
  waitFor,
  workerProps,
} from './kafka.js';

let client: cassandra.Client;
let ks: string;
let herder: StandaloneHerder;

beforeAll(async () => {
  client = await cassandraClient();
  ks = await freshKeyspace(client, 'e2e');
  ({ herder } = await createStandalone(await workerProps(), { log }));
  await herder.start();
});

afterAll(async () => {
  await herder?.stop();
  await client?.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
  await client?.shutdown();
});

const decode = (bytes: Uint8Array | null) =>
  bytes === null ? null : new TextDecoder().decode(bytes);

/** The JsonConverter schema of the rows: the source's value schema, field for field. */
function rowSchema(keyspace: string) {
  const opt = (type: string, extra: Record<string, unknown> = {}) => ({
    type,
    optional: true,
    ...extra,
  });
  return {
    type: 'struct',
    name: `${keyspace}.roundtrip.Value`,
    optional: false,
    fields: [
      { field: 'id', type: 'int64', optional: false },
      {
        field: 'at',
        ...opt('int64', { name: 'org.apache.kafka.connect.data.Timestamp', version: 1 }),
      },
      {
        field: 'attrs',
        ...opt('map', {
          keys: { type: 'string', optional: false },
          values: { type: 'int32', optional: false },
        }),
      },
      {
        field: 'big',
        ...opt('bytes', {
          name: 'org.apache.kafka.connect.data.Decimal',
          version: 1,
          parameters: { scale: '0' },
        }),
      },
      {
        field: 'born',
        ...opt('int32', { name: 'org.apache.kafka.connect.data.Date', version: 1 }),
      },
      { field: 'flag', ...opt('boolean') },
      {
        field: 'home',
        ...opt('struct', {
          name: `${keyspace}.addr`,
          fields: [
            { field: 'street', type: 'string', optional: true },
            { field: 'zip', type: 'int32', optional: true },
          ],
        }),
      },
      { field: 'name', ...opt('string') },
      { field: 'photo', ...opt('bytes') },
      {
        field: 'price',
        ...opt('struct', {
          name: 'io.debezium.data.VariableScaleDecimal',
          fields: [
            { field: 'scale', type: 'int32', optional: false },
            { field: 'value', type: 'bytes', optional: false },
          ],
        }),
      },
      { field: 'score', ...opt('double') },
      { field: 'small', ...opt('int16') },
      { field: 'tags', ...opt('array', { items: { type: 'string', optional: false } }) },
      { field: 'wake', ...opt('int64', { name: 'io.debezium.time.NanoTime' }) },
    ],
  };
}

function row(i: number, at: number): string {
  const id = 9007199254740993n + BigInt(i);
  // Built as text: the id is beyond 2^53 and must reach Kafka exactly.
  const payload = `{"id":${id},"at":${at + i},"attrs":{"a":${i},"b":-1},"big":"${Buffer.from([0x80 + (i % 16), i % 256]).toString('base64')}","born":${-700000 + i},"flag":${i % 2 === 0},"home":{"street":"Main ${i}","zip":${i % 3 === 0 ? null : 10000 + i}},"name":${i % 5 === 0 ? null : `"n${i}"`},"photo":"${Buffer.from(`p${i}`).toString('base64')}","price":{"scale":${i % 4},"value":"${Buffer.from(new Decimal(BigInt(i * 7919 - 300_000), 0).toBytes()).toString('base64')}"},"score":${i / 8},"small":${(i % 200) - 100},"tags":["t${i}","u"],"wake":${86_399_999_999_999 - i}}`;
  return `{"schema":${JSON.stringify(rowSchema(ks))},"payload":${payload}}`;
}

describe('Kafka → Cassandra → Kafka', () => {
  it('copies a topic through the DataStax-aliased sink and the stream-reactor-aliased source with identical values', async () => {
    await client.execute(`CREATE TYPE ${ks}.addr (street text, zip int)`);
    await client.execute(`CREATE TABLE ${ks}.roundtrip (
      id bigint PRIMARY KEY, at timestamp, attrs map<text, int>, big varint, born date, flag boolean, home frozen<addr>,
      name text, photo blob, price decimal, score double, small smallint, tags list<text>, wake time)`);
    const input = unique('rt-in');
    const output = unique('rt-out');
    await createTopics(input, output);
    const at = Date.now() - 3_600_000;
    const values = Array.from({ length: 200 }, (_, i) => row(i, at));
    await produce(input, values);
    const fields = rowSchema(ks).fields.map((f) => f.field);
    await herder.putConnectorConfig(
      'cassandra-sink',
      {
        'connector.class': 'com.datastax.oss.kafka.sink.CassandraSinkConnector',
        topics: input,
        ...connectionProps(),
        [`topic.${input}.${ks}.roundtrip.mapping`]: fields.map((f) => `${f}=value.${f}`).join(', '),
        [`topic.${input}.${ks}.roundtrip.deletesEnabled`]: 'false',
      },
      false,
    );
    // The rows carry timestamps an hour old: an incremental source reads them only if they are in
    // the table when it reads that time range (later writes must be within slice.delay.ms of now).
    await waitFor('200 rows written', async () => {
      const failed = failures(herder, ['cassandra-sink']);
      if (failed.length > 0) throw new Error(failed.join('\n'));
      return (
        (await client.execute(`SELECT count(*) FROM ${ks}.roundtrip`)).first().get('count') === 200n
      );
    });
    await herder.putConnectorConfig(
      'cassandra-source',
      {
        'connector.class':
          'io.lenses.streamreactor.connect.cassandra.source.CassandraSourceConnector',
        ...connectionProps(),
        'connect.cassandra.key.space': ks,
        'connect.cassandra.kcql': `INSERT INTO ${output} SELECT * FROM roundtrip PK at`,
        'connect.cassandra.slice.delay.ms': '1000',
        'connect.cassandra.import.poll.interval': '500',
      },
      false,
    );
    const copied = await readTopic(output, (records) => {
      const failed = failures(herder, ['cassandra-sink', 'cassandra-source']);
      if (failed.length > 0) throw new Error(failed.join('\n'));
      return records.length >= 200;
    });
    // Compared as Connect data, read back by the JsonConverter: the very same values and schema.
    const converter = new JsonConverter();
    converter.configure({}, false);
    const data = (bytes: Uint8Array) => converter.toConnectData(output, null, bytes);
    const idOf = (struct: unknown) => String((struct as Struct).get('id'));
    const original = new Map(
      values.map((v) => data(new TextEncoder().encode(v))).map((d) => [idOf(d.value), d]),
    );
    expect(copied).toHaveLength(200);
    for (const record of copied) {
      const copy = data(record.value as Uint8Array);
      const source = original.get(idOf(copy.value));
      if (source === undefined) throw new Error(`row ${idOf(copy.value)} was not in the input`);
      expect(schemaEquals(copy.schema, source.schema)).toBe(true);
      const [a, b] = [copy.value as Struct, source.value as Struct];
      const differing = a.schema.fields
        .filter((f) => !valuesEqual(a.get(f.name), b.get(f.name)))
        .map((f) => `${f.name}: ${String(a.get(f.name))} != ${String(b.get(f.name))}`);
      expect(differing).toEqual([]);
    }
    expect(new Set(copied.map((r) => idOf(data(r.value as Uint8Array).value))).size).toBe(200);
    // The record key is the primary key; the source offset is the window read last.
    expect(parseJsonText(decode(copied[0]?.key ?? null) ?? '')).toMatchObject({
      payload: { id: expect.anything() },
    });
    await herder.deleteConnector('cassandra-sink');
    await herder.deleteConnector('cassandra-source');
  });

  it('sends a record Cassandra refuses to the dead letter queue with the server error in its headers, and writes the rest', async () => {
    await client.execute(`CREATE TABLE ${ks}.lines (id int PRIMARY KEY, qty int)`);
    const topic = unique('lines');
    const dlq = unique('lines-dlq');
    await createTopics(topic, dlq);
    const envelope = (id: number, ttl: number) =>
      JSON.stringify({
        schema: {
          type: 'struct',
          optional: false,
          fields: [
            { field: 'id', type: 'int32', optional: false },
            { field: 'qty', type: 'int32', optional: false },
            { field: 'ttl', type: 'int64', optional: false },
          ],
        },
        payload: { id, qty: id * 10, ttl },
      });
    const values = [envelope(1, 600), envelope(2, 999_999_999), envelope(3, 600)];
    await produce(topic, values);
    await herder.putConnectorConfig(
      'cassandra-sink-dlq',
      {
        'connector.class': 'CassandraSink',
        topics: topic,
        ...connectionProps(),
        [`topic.${topic}.${ks}.lines.mapping`]: 'id=value.id, qty=value.qty, __ttl=value.ttl',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': dlq,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
      },
      false,
    );
    const dead = await readTopic(dlq, (records) => {
      const failed = failures(herder, ['cassandra-sink-dlq']);
      if (failed.length > 0) throw new Error(failed.join('\n'));
      return records.length >= 1;
    });
    await waitFor(
      'rows 1 and 3',
      async () => (await client.execute(`SELECT id FROM ${ks}.lines`)).rowLength >= 2,
    );
    expect(
      (await client.execute(`SELECT id, qty FROM ${ks}.lines`)).rows
        .map((r) => [r.get('id'), r.get('qty')])
        .sort(),
    ).toEqual([
      [1, 10],
      [3, 30],
    ]);
    expect(dead).toHaveLength(1);
    const header = (key: string) =>
      decode(dead[0]?.headers.find((h) => h.key === key)?.value ?? null);
    expect(decode(dead[0]?.value ?? null)).toBe(values[1]);
    expect(header('__connect.errors.offset')).toBe('1');
    expect(header('__connect.errors.stage')).toBe('TASK_PUT');
    expect(header('__connect.errors.exception.message')).toMatch(
      /Cassandra refused the write .* ttl is too large\. requested \(999999999\) maximum \(630720000\) \(server error invalid\)/,
    );
  });
});
