import { describe, expect, it } from 'vitest';
import { JsonFormat } from '../src/json-format.js';
import { parseObjectKey } from '../src/object-name.js';
import { RangeReader } from '../src/range-reader.js';
import { S3SourceConnector } from '../src/source-connector.js';
import { ownsPartition } from '../src/source-task.js';
import { bytesObject } from '../src/stored-object.js';

describe('S3 source task assignment', () => {
  it('gives every Kafka partition to exactly one task, spreading them', () => {
    const count = 3;
    const owners = Array.from({ length: 60 }, (_, p) =>
      Array.from({ length: count }, (_, i) => i).filter((i) =>
        ownsPartition('orders', p, i, count),
      ),
    );
    for (const o of owners) expect(o).toHaveLength(1);
    const perTask = [0, 1, 2].map((i) => owners.filter((o) => o[0] === i).length);
    for (const n of perTask) expect(n).toBeGreaterThan(5);
  });

  it('numbers the task configs so each task knows its share', () => {
    const connector = new S3SourceConnector();
    connector.start({ 's3.bucket.name': 'b', 'format.class': 'JsonFormat' });
    const configs = connector.taskConfigs(2);
    expect(configs.map((c) => [c['task.index'], c['task.count']])).toEqual([
      ['0', '2'],
      ['1', '2'],
    ]);
  });
});

describe('RangeReader', () => {
  const layout = { topicsDir: 'topics', directoryDelim: '/', fileDelim: '+', zeroPadWidth: 0 };
  const json = new JsonFormat({ gzipLevel: null, decimalFormat: 'BASE64' });
  const base = 'topics/t/partition=0/t+0+0000000000';
  const lines = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => `${i}\n`).join(''));
  const range = (values: number, keys: number) => {
    const objects = new Map([
      [`${base}.json`, lines(values)],
      [`${base}.keys.json`, lines(keys)],
    ]);
    const name = (key: string) => {
      const parsed = parseObjectKey(key, layout);
      if (parsed === null) throw new Error(key);
      return { ...parsed, extension: '.json' };
    };
    return new RangeReader(
      {
        topic: 't',
        partition: 0,
        startOffset: 0,
        base,
        value: name(`${base}.json`),
        key: name(`${base}.keys.json`),
      },
      0,
      (o) => ({ format: json, object: bytesObject(o.key, objects.get(o.key) as Buffer) }),
    );
  };

  it('hands out records a batch at a time, each with its position in the range', async () => {
    const reader = range(5, 5);
    const first = await reader.next(3);
    expect(first.map((r) => [r.value, r.key, r.sourceOffset?.record])).toEqual([
      [0, 0, 1],
      [1, 1, 2],
      [2, 2, 3],
    ]);
    expect((await reader.next(3)).map((r) => r.value)).toEqual([3, 4]);
    expect(reader.done).toBe(true);
  });

  it('fails naming the range when its keys object holds fewer or more records than its values', async () => {
    await expect(range(5, 3).next(10)).rejects.toThrow(
      `The keys object of ${base} holds 3 records, its value object more`,
    );
    await expect(range(3, 5).next(10)).rejects.toThrow(
      `The keys object of ${base} holds more records than its value object (3)`,
    );
  });
});
