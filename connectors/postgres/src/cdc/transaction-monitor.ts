import {
  type Schema,
  SchemaBuilder,
  type SourcePartition,
  SourceRecord,
  Struct,
} from '@sluice/api';
import { javaHashMapOrder } from './java-hash-map-order.js';
import type { OffsetContext } from './offset-context.js';
import { TRANSACTION_BLOCK_SCHEMA } from './table-schema.js';

const KEY_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.common.TransactionMetadataKey')
  .version(1)
  .field('id', SchemaBuilder.string().build())
  .build();

const COLLECTION_SCHEMA: Schema = SchemaBuilder.struct()
  .name('event.collection')
  .version(1)
  .field('data_collection', SchemaBuilder.string().build())
  .field('event_count', SchemaBuilder.int64().build())
  .optional()
  .build();

const VALUE_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.common.TransactionMetadataValue')
  .version(1)
  .field('status', SchemaBuilder.string().build())
  .field('id', SchemaBuilder.string().build())
  .field('event_count', SchemaBuilder.int64().optional().build())
  .field('data_collections', SchemaBuilder.array(COLLECTION_SCHEMA).optional().build())
  .field('ts_ms', SchemaBuilder.int64().build())
  .build();

/**
 * Transaction metadata (`provide.transaction.metadata`), as Debezium's PostgresTransactionMonitor
 * writes it: a BEGIN and an END record per transaction on `<prefix>.transaction`, and the
 * `transaction` block of each event. Ids are `<xid>:<lsn>` with the LSN of the message at hand.
 */
export class TransactionMonitor {
  readonly topic: string;

  constructor(
    topicPrefix: string,
    private readonly partition: SourcePartition,
    private readonly offset: OffsetContext,
  ) {
    this.topic = `${topicPrefix}.transaction`;
  }

  private id(): string {
    return `${this.offset.txId}:${this.offset.lsn}`;
  }

  private record(value: Struct): SourceRecord {
    const key = new Struct(KEY_SCHEMA).put('id', value.get('id'));
    return new SourceRecord({
      sourcePartition: this.partition,
      sourceOffset: this.offset.toOffset(),
      topic: this.topic,
      keySchema: KEY_SCHEMA,
      key,
      valueSchema: VALUE_SCHEMA,
      value,
    });
  }

  /** A transaction started: its BEGIN record. */
  begin(commitTimeMicros: number): SourceRecord {
    const tx = this.offset.transaction;
    tx.id = String(this.offset.txId);
    tx.total = 0;
    tx.perTable.clear();
    return this.record(
      new Struct(VALUE_SCHEMA)
        .put('status', 'BEGIN')
        .put('id', this.id())
        .put('ts_ms', BigInt(Math.floor(commitTimeMicros / 1000))),
    );
  }

  /** An event of the transaction: counts it and returns its `transaction` block. */
  event(table: string): Struct {
    const tx = this.offset.transaction;
    const order = (tx.perTable.get(table) ?? 0) + 1;
    tx.perTable.set(table, order);
    tx.total++;
    return new Struct(TRANSACTION_BLOCK_SCHEMA)
      .put('id', this.id())
      .put('total_order', BigInt(tx.total))
      .put('data_collection_order', BigInt(order));
  }

  /** The transaction committed: its END record (its offset still carries the counters). */
  end(commitTimeMicros: number): SourceRecord {
    const tx = this.offset.transaction;
    // Debezium keeps the counts in a java.util.HashMap and lists them in its order.
    const collections = javaHashMapOrder([...tx.perTable]).map(([table, count]) =>
      new Struct(COLLECTION_SCHEMA).put('data_collection', table).put('event_count', BigInt(count)),
    );
    const record = this.record(
      new Struct(VALUE_SCHEMA)
        .put('status', 'END')
        .put('id', this.id())
        .put('event_count', BigInt(tx.total))
        .put('data_collections', collections)
        .put('ts_ms', BigInt(Math.floor(commitTimeMicros / 1000))),
    );
    tx.id = null;
    tx.total = 0;
    tx.perTable.clear();
    return record;
  }
}
