import { Schema, SinkRecord } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { spansOf } from '../src/offsets-table.js';

const record = (topic: string, partition: number, offset: number, renamed?: string) => {
  const consumed = new SinkRecord({
    topic,
    kafkaPartition: partition,
    kafkaOffset: offset,
    keySchema: null,
    key: null,
    valueSchema: Schema.STRING_SCHEMA,
    value: 'v',
  });
  // A transform routing the record to another topic keeps where it was consumed.
  return renamed === undefined ? consumed : consumed.newRecord({ topic: renamed });
};

describe('spansOf', () => {
  it('gives each partition its first offset and the next one to consume, by where the records were consumed', () => {
    expect(
      spansOf([
        record('orders', 0, 5),
        record('orders', 1, 9, 'db.orders'),
        record('orders', 0, 6, 'db.orders'),
        record('orders', 0, 8),
        record('refunds', 0, 2),
      ]),
    ).toEqual([
      { topic: 'orders', partition: 0, first: 5, next: 9 },
      { topic: 'orders', partition: 1, first: 9, next: 10 },
      { topic: 'refunds', partition: 0, first: 2, next: 3 },
    ]);
  });

  it('has no span for no records', () => {
    expect(spansOf([])).toEqual([]);
  });
});
