import { type Header, type Schema, SinkRecord, SourceRecord } from '@sluice/api';

/** A sink record on topic `orders`, partition 1, offset 42, timestamp 2024-03-05T10:20:30.400Z. */
export function sinkRecord(fields: {
  keySchema?: Schema | null;
  key?: unknown;
  valueSchema?: Schema | null;
  value?: unknown;
  topic?: string;
  timestamp?: number | null;
  headers?: Header[];
}): SinkRecord {
  return new SinkRecord({
    topic: fields.topic ?? 'orders',
    kafkaPartition: 1,
    kafkaOffset: 42,
    keySchema: fields.keySchema ?? null,
    key: fields.key ?? null,
    valueSchema: fields.valueSchema ?? null,
    value: fields.value ?? null,
    timestamp: fields.timestamp === undefined ? TIMESTAMP : fields.timestamp,
    headers: fields.headers ?? [],
  });
}

/** A source record with no partition, on topic `orders`. */
export function sourceRecord(fields: {
  valueSchema?: Schema | null;
  value?: unknown;
  timestamp?: number | null;
}): SourceRecord {
  return new SourceRecord({
    topic: 'orders',
    sourcePartition: { table: 'orders' },
    sourceOffset: { id: 1 },
    valueSchema: fields.valueSchema ?? null,
    value: fields.value ?? null,
    timestamp: fields.timestamp === undefined ? TIMESTAMP : fields.timestamp,
  });
}

/** 2024-03-05T10:20:30.400Z */
export const TIMESTAMP = Date.UTC(2024, 2, 5, 10, 20, 30, 400);
