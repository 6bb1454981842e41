import {
  type Schema,
  SchemaBuilder,
  type SourceOffset,
  type SourcePartition,
  SourceRecord,
  Struct,
} from '@sluice/api';

const KEY_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.common.ServerNameKey')
  .version(1)
  .field('serverName', SchemaBuilder.string().build())
  .build();

const VALUE_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.common.Heartbeat')
  .version(1)
  .field('ts_ms', SchemaBuilder.int64().build())
  .build();

/**
 * Debezium's heartbeat: every `heartbeat.interval.ms` a record on `<heartbeat.topics.prefix>.<prefix>`
 * carrying the current offset, so the offset (and with it the slot) moves on while no captured
 * table changes.
 */
export class Heartbeat {
  private readonly topic: string;
  private last = Date.now();

  constructor(
    private readonly intervalMs: number,
    topicsPrefix: string,
    private readonly serverName: string,
    private readonly partition: SourcePartition,
  ) {
    this.topic = `${topicsPrefix}.${serverName}`;
  }

  get enabled(): boolean {
    return this.intervalMs > 0;
  }

  /** Whether a heartbeat is due. */
  due(now = Date.now()): boolean {
    return this.enabled && now - this.last >= this.intervalMs;
  }

  /** Milliseconds until the next heartbeat (Infinity when disabled). */
  untilNext(now = Date.now()): number {
    return this.enabled ? Math.max(0, this.last + this.intervalMs - now) : Number.POSITIVE_INFINITY;
  }

  /** The heartbeat record for `offset`; restarts the interval. */
  record(offset: SourceOffset): SourceRecord {
    this.last = Date.now();
    return new SourceRecord({
      sourcePartition: this.partition,
      sourceOffset: offset,
      topic: this.topic,
      keySchema: KEY_SCHEMA,
      key: new Struct(KEY_SCHEMA).put('serverName', this.serverName),
      valueSchema: VALUE_SCHEMA,
      value: new Struct(VALUE_SCHEMA).put('ts_ms', BigInt(this.last)),
    });
  }
}
