import { randomUUID } from 'node:crypto';
import {
  ConnectHeaders,
  type Header,
  type SourceOffset,
  type SourcePartition,
  SourceRecord,
  Struct,
  valuesEqual,
} from '@sluice/api';
import type { CdcConfig, OperationCode } from './config/cdc-config.js';
import type { OffsetContext } from './offset-context.js';
import type { TupleValue } from './pgoutput/pgoutput-message.js';
import { type SnapshotMarker, SourceInfo } from './source-info.js';
import type { TableSchema } from './table-schema.js';
import type { TransactionMonitor } from './transaction-monitor.js';

/** A change of one row: what the stream or a snapshot read. */
export interface RowChange {
  readonly op: 'r' | 'c' | 'u' | 'd';
  /** The old row (key columns only unless REPLICA IDENTITY FULL), or null when not sent. */
  readonly oldRow: readonly TupleValue[] | null;
  readonly newRow: readonly TupleValue[] | null;
}

const NANOS_ORIGIN = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** The wall clock in microseconds (Debezium's envelope `ts_*` fields: when the event was made). */
function nowMicros(): bigint {
  return (NANOS_ORIGIN + process.hrtime.bigint()) / 1000n;
}

/**
 * Turns changes into Debezium's records (EventDispatcher and RelationalChangeRecordEmitter):
 * the envelope with `before`, `after`, `source`, `transaction`, `op` and the `ts_*` fields,
 * tombstones after deletes, a delete + tombstone + create for an update of the key (with the
 * `__debezium.newkey` / `__debezium.oldkey` headers), and truncates. Skipped operations are
 * dropped here.
 *
 * When one message makes several records, all but the last carry the offset of the record before
 * them: a restart after only some of them reached Kafka replays the message instead of skipping
 * its rest.
 */
export class ChangeEventDispatcher {
  private readonly sourceInfo: SourceInfo;
  private lastOffset: SourceOffset;
  /** Debezium 3's context headers, or null when `extended.headers.enabled=false`. */
  private readonly contextHeaders: readonly Header[] | null;

  constructor(
    private readonly config: CdcConfig,
    private readonly partition: SourcePartition,
    private readonly offset: OffsetContext,
    private readonly transactions: TransactionMonitor | null,
  ) {
    this.sourceInfo = new SourceInfo(config.topicPrefix, config.connection.database);
    this.lastOffset = offset.toOffset();
    this.contextHeaders = config.extendedHeaders
      ? [
          ...new ConnectHeaders()
            .addString('__debezium.context.connectorLogicalName', config.topicPrefix)
            .addString('__debezium.context.taskId', '0')
            .addString('__debezium.context.connectorName', 'postgresql')
            .addString('__debezium.context.runId', randomUUID()),
        ]
      : null;
  }

  /** A record's own headers followed by the context headers, as Debezium orders them. */
  private headers(own?: ConnectHeaders): ConnectHeaders | undefined {
    if (this.contextHeaders === null) return own;
    return new ConnectHeaders(
      own === undefined ? this.contextHeaders : [...own, ...this.contextHeaders],
    );
  }

  private skipped(op: OperationCode): boolean {
    return this.config.skippedOperations.has(op);
  }

  /** Records the offset of a record emitted outside this dispatcher (heartbeats, BEGIN/END). */
  emitted(record: SourceRecord): SourceRecord {
    if (record.sourceOffset !== null) this.lastOffset = record.sourceOffset;
    return record;
  }

  private source(table: TableSchema, marker: SnapshotMarker): Struct {
    const o = this.offset;
    return this.sourceInfo.struct({
      timestampMicros: o.timestampMicros,
      snapshot: marker,
      schema: table.definition.id.schema,
      table: table.definition.id.table,
      txId: o.txId,
      lsn: o.lsn,
      lastCommitLsn: o.lastCommitLsn,
      origin: o.origin,
      originLsn: o.originLsn,
    });
  }

  private envelope(
    table: TableSchema,
    op: string,
    before: Struct | null,
    after: Struct | null,
    marker: SnapshotMarker,
  ): Struct {
    const now = nowMicros();
    const values: unknown[] = [
      before,
      after,
      this.source(table, marker),
      this.transactions !== null && marker === 'false'
        ? this.transactions.event(`${table.definition.id.schema}.${table.definition.id.table}`)
        : null,
      op,
      now / 1000n,
      now,
      now * 1000n,
    ];
    return Struct.fromTrustedValues(table.envelopeSchema, values);
  }

  private record(
    table: TableSchema,
    key: Struct | null,
    value: Struct | null,
    offset: SourceOffset,
    own?: ConnectHeaders,
  ): SourceRecord {
    const headers = this.headers(own);
    return new SourceRecord({
      sourcePartition: this.partition,
      sourceOffset: offset,
      topic: table.topic,
      keySchema: table.keySchema,
      key,
      valueSchema: value === null ? null : table.envelopeSchema,
      value,
      ...(headers === undefined ? {} : { headers }),
    });
  }

  /** The records of one row change, appended to `out`. */
  dataChange(
    table: TableSchema,
    change: RowChange,
    marker: SnapshotMarker,
    out: SourceRecord[],
  ): void {
    const own = this.offset.toOffset();
    const pending: { key: Struct | null; value: Struct | null; headers?: ConnectHeaders }[] = [];
    switch (change.op) {
      case 'r':
      case 'c': {
        if (change.op === 'c' && this.skipped('c')) return;
        const row = change.newRow ?? [];
        pending.push({
          key: table.keyOf(row),
          value: this.envelope(table, change.op, null, table.valueOf(row), marker),
        });
        break;
      }
      case 'u': {
        if (this.skipped('u')) return;
        const newRow = change.newRow ?? [];
        const newKey = table.keyOf(newRow);
        const oldKey = change.oldRow === null ? null : table.keyOf(change.oldRow);
        const before = change.oldRow === null ? null : table.valueOf(change.oldRow);
        const after = table.valueOf(newRow, change.oldRow);
        if (oldKey === null || valuesEqual(oldKey, newKey)) {
          pending.push({ key: newKey, value: this.envelope(table, 'u', before, after, marker) });
        } else {
          const deleteHeaders = new ConnectHeaders();
          deleteHeaders.add('__debezium.newkey', newKey, table.keySchema);
          pending.push({
            key: oldKey,
            value: this.envelope(table, 'd', before, null, marker),
            headers: deleteHeaders,
          });
          // The tombstone is a copy of the delete record, headers included.
          if (this.config.tombstonesOnDelete) {
            pending.push({ key: oldKey, value: null, headers: deleteHeaders });
          }
          const createHeaders = new ConnectHeaders();
          createHeaders.add('__debezium.oldkey', oldKey, table.keySchema);
          pending.push({
            key: newKey,
            value: this.envelope(table, 'c', null, after, marker),
            headers: createHeaders,
          });
        }
        break;
      }
      case 'd': {
        if (this.skipped('d')) return;
        const oldRow = change.oldRow ?? [];
        const key = table.keyOf(oldRow);
        pending.push({
          key,
          value: this.envelope(table, 'd', table.valueOf(oldRow), null, marker),
        });
        if (this.config.tombstonesOnDelete) pending.push({ key, value: null });
        break;
      }
    }
    pending.forEach((p, i) => {
      const last = i === pending.length - 1;
      out.push(this.record(table, p.key, p.value, last ? own : this.lastOffset, p.headers));
    });
    this.lastOffset = own;
  }

  private headersField(): { headers?: ConnectHeaders } {
    const headers = this.headers();
    return headers === undefined ? {} : { headers };
  }

  /** A truncate record of a table (unless `t` is skipped, Debezium's default). */
  truncate(table: TableSchema, out: SourceRecord[]): void {
    if (this.skipped('t')) return;
    const own = this.offset.toOffset();
    const value = this.envelope(table, 't', null, null, 'false');
    out.push(
      new SourceRecord({
        sourcePartition: this.partition,
        sourceOffset: own,
        topic: table.topic,
        keySchema: null,
        key: null,
        valueSchema: table.envelopeSchema,
        value,
        ...this.headersField(),
      }),
    );
    this.lastOffset = own;
  }
}
