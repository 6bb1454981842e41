import { describe, expect, it } from 'vitest';
import { parseSinkConfig, parseSourceConfig, validateSinkProps } from '../src/config.js';

const base = {
  'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
  's3.bucket.name': 'archive',
  'format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
  'flush.size': '1000',
};

describe('sink config', () => {
  it('takes a Confluent S3 sink config with its defaults', () => {
    const c = parseSinkConfig({
      ...base,
      'storage.class': 'io.confluent.connect.s3.storage.S3Storage',
      'schema.compatibility': 'NONE',
      'aws.secret.access.key': 'shh',
    });
    expect(c.format).toBe('json');
    expect(c.s3.region).toBe('us-west-2');
    expect(c.topicsDir).toBe('topics');
    expect(c.zeroPadWidth).toBe(10);
    expect(c.partSize).toBe(25 * 1024 * 1024);
    expect(c.rotateIntervalMs).toBe(-1);
    expect(c.behaviorOnNullValues).toBe('fail');
    expect(c.partitioner.kind).toBe('DefaultPartitioner');
    expect(c.keysFormat).toBe('avro');
    expect(c.s3.secretAccessKey.value()).toBe('shh');
    expect(String(c.s3.secretAccessKey)).toBe('[hidden]');
    expect(c.s3.pathStyle).toBe(true);
    expect(c.bytearraySeparator).toBe('\n');
  });

  it('uses path-style addressing whenever store.url is set', () => {
    const c = parseSinkConfig({
      ...base,
      'store.url': 'http://127.0.0.1:9000',
      's3.path.style.access.enabled': 'false',
    });
    expect(c.s3.endpoint).toBe('http://127.0.0.1:9000');
    expect(c.s3.pathStyle).toBe(true);
  });

  it('accepts the short and Confluent names of formats and partitioners', () => {
    for (const [name, format] of [
      ['AvroFormat', 'avro'],
      ['io.confluent.connect.s3.format.parquet.ParquetFormat', 'parquet'],
      ['io.confluent.connect.s3.format.bytearray.ByteArrayFormat', 'bytearray'],
    ] as const) {
      expect(parseSinkConfig({ ...base, 'format.class': name }).format).toBe(format);
    }
    expect(() =>
      parseSinkConfig({ ...base, 'format.class': 'io.confluent.connect.s3.format.orc.OrcFormat' }),
    ).toThrow(/format.class must be one of/);
  });

  it('refuses unsupported Confluent keys by name', () => {
    expect(() =>
      parseSinkConfig({ ...base, 's3.sse.kms.key.id': 'k', 's3.acl.canned': 'private' }),
    ).toThrow(
      /Configuration s3.sse.kms.key.id is not supported by Sluice[\s\S]*Configuration s3.acl.canned is not supported/,
    );
  });

  it('checks the keys each partitioner needs, listing every problem', () => {
    expect(() => parseSinkConfig({ ...base, 'partitioner.class': 'TimeBasedPartitioner' })).toThrow(
      /partition.duration.ms[\s\S]*path.format[\s\S]*Locale cannot be empty[\s\S]*Timezone cannot be empty/,
    );
    expect(() => parseSinkConfig({ ...base, 'partitioner.class': 'FieldPartitioner' })).toThrow(
      /at least one field name/,
    );
    expect(() => parseSinkConfig({ ...base, 'rotate.schedule.interval.ms': '1000' })).toThrow(
      /timezone configuration must be set when using rotate.schedule.interval.ms/,
    );
    expect(() => parseSinkConfig({ ...base, 'behavior.on.null.values': 'write' })).toThrow(
      /store.kafka.keys must be true/,
    );
    expect(() => parseSinkConfig({ ...base, timezone: 'Nowhere/Land' })).toThrow(/not recognised/);
  });

  it('reports cross-key problems on their key for the REST validation', () => {
    const values = validateSinkProps({
      ...base,
      'partitioner.class': 'FieldPartitioner',
      'flush.size': 'x',
    });
    expect(values.find((v) => v.name === 'partition.field.name')?.errorMessages).toEqual([
      expect.stringContaining('at least one field name'),
    ]);
    expect(values.find((v) => v.name === 'flush.size')?.errorMessages[0]).toContain(
      'Not a number of type INT',
    );
  });

  it('unescapes the bytearray separator and refuses parts smaller than 5 MiB', () => {
    expect(
      parseSinkConfig({ ...base, 'format.bytearray.separator': '\\r\\n|' }).bytearraySeparator,
    ).toBe('\r\n|');
    expect(() => parseSinkConfig({ ...base, 's3.part.size': '1024' })).toThrow(/s3.part.size/);
  });
});

describe('source config', () => {
  it('reads the layout keys and its own', () => {
    const c = parseSourceConfig({
      's3.bucket.name': 'archive',
      'format.class': 'AvroFormat',
      topics: 'a,b',
    });
    expect(c.topics).toEqual(['a', 'b']);
    expect(c.format).toBe('avro');
    expect(c.pollIntervalMs).toBe(60_000);
    expect(c.taskCount).toBe(1);
  });
});
