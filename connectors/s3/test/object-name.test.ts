import { describe, expect, it } from 'vitest';
import { objectKey, parseObjectKey } from '../src/object-name.js';

const layout = { topicsDir: 'topics', directoryDelim: '/', fileDelim: '+', zeroPadWidth: 10 };

describe('object names', () => {
  it('names an object <topics.dir>/<topic>/<encoded partition>/<topic>+<partition>+<start offset padded to 10>.<ext>', () => {
    expect(objectKey(layout, 'orders/partition=3', 'orders', 3, 42, '.json')).toBe(
      'topics/orders/partition=3/orders+3+0000000042.json',
    );
  });

  it('pads to filename.offset.zero.pad.width and leaves longer offsets whole', () => {
    expect(objectKey({ ...layout, zeroPadWidth: 4 }, 'o/p', 'o', 0, 7, '.avro')).toBe(
      'topics/o/p/o+0+0007.avro',
    );
    expect(objectKey({ ...layout, zeroPadWidth: 4 }, 'o/p', 'o', 0, 1234567, '.avro')).toBe(
      'topics/o/p/o+0+1234567.avro',
    );
  });

  it('omits an empty topics.dir', () => {
    expect(objectKey({ ...layout, topicsDir: '' }, 'o/partition=0', 'o', 0, 0, '.bin')).toBe(
      'o/partition=0/o+0+0000000000.bin',
    );
  });

  it('parses a key back, with the view infix as part of the extension', () => {
    const key = 'topics/my.topic-1/year=2024/my.topic-1+12+0000000100.keys.avro';
    expect(parseObjectKey(key, layout)).toEqual({
      key,
      topic: 'my.topic-1',
      partition: 12,
      startOffset: 100,
      extension: '.keys.avro',
      base: 'topics/my.topic-1/year=2024/my.topic-1+12+0000000100',
    });
    expect(parseObjectKey('topics/readme.txt', layout)).toBeNull();
  });
});
