import { type Schema, SchemaBuilder, Struct } from '@sluice/api';
import { VERSION } from '../version.js';
import type { Lsn } from './lsn.js';

/** Debezium's `snapshot` markers of the source block (`false` is the default, left unset). */
export type SnapshotMarker =
  | 'true'
  | 'first'
  | 'first_in_data_collection'
  | 'last_in_data_collection'
  | 'last'
  | 'false'
  | 'incremental';

const SNAPSHOT_MARKERS: readonly SnapshotMarker[] = [
  'true',
  'first',
  'first_in_data_collection',
  'last_in_data_collection',
  'last',
  'false',
  'incremental',
];

/** The `source` block schema of Debezium's PostgreSQL connector (`io.debezium.connector.postgresql.Source`). */
export const SOURCE_SCHEMA: Schema = SchemaBuilder.struct()
  .name('io.debezium.connector.postgresql.Source')
  .version(1)
  .field('version', SchemaBuilder.string().build())
  .field('connector', SchemaBuilder.string().build())
  .field('name', SchemaBuilder.string().build())
  .field('ts_ms', SchemaBuilder.int64().build())
  .field(
    'snapshot',
    SchemaBuilder.string()
      .name('io.debezium.data.Enum')
      .version(1)
      .parameter('allowed', SNAPSHOT_MARKERS.join(','))
      .defaultValue('false')
      .optional()
      .build(),
  )
  .field('db', SchemaBuilder.string().build())
  .field('sequence', SchemaBuilder.string().optional().build())
  .field('ts_us', SchemaBuilder.int64().optional().build())
  .field('ts_ns', SchemaBuilder.int64().optional().build())
  .field('schema', SchemaBuilder.string().build())
  .field('table', SchemaBuilder.string().build())
  .field('txId', SchemaBuilder.int64().optional().build())
  .field('lsn', SchemaBuilder.int64().optional().build())
  .field('xmin', SchemaBuilder.int64().optional().build())
  .field('origin', SchemaBuilder.string().optional().build())
  .field('origin_lsn', SchemaBuilder.int64().optional().build())
  .build();

/** What the source block of one event says. */
export interface SourcePosition {
  /** When the change was committed (streaming) or the snapshot read (snapshot), µs since the epoch. */
  readonly timestampMicros: number;
  readonly snapshot: SnapshotMarker;
  readonly schema: string;
  readonly table: string;
  readonly txId: number | null;
  readonly lsn: Lsn | null;
  /** The commit LSN of the last transaction completed before this event. */
  readonly lastCommitLsn: Lsn | null;
  readonly origin: string | null;
  readonly originLsn: Lsn | null;
}

/** Builds `source` structs for one connector (Debezium's PostgresSourceInfoStructMaker). */
export class SourceInfo {
  constructor(
    private readonly serverName: string,
    private readonly database: string,
  ) {}

  /** The `source` struct of an event at `position`. */
  struct(position: SourcePosition): Struct {
    const micros = BigInt(position.timestampMicros);
    const commit = position.lastCommitLsn;
    const lsn = position.lsn;
    // Incremental snapshot events carry no WAL position, as in Debezium.
    const positioned = position.snapshot !== 'incremental';
    // Built from trusted values in field order: this runs for every event.
    return Struct.fromTrustedValues(SOURCE_SCHEMA, [
      VERSION,
      'postgresql',
      this.serverName,
      micros / 1000n,
      position.snapshot === 'false' ? null : position.snapshot,
      this.database,
      `[${commit === null ? 'null' : `"${commit}"`},${lsn === null ? 'null' : `"${lsn}"`}]`,
      micros,
      micros * 1000n,
      position.schema,
      position.table,
      positioned && position.txId !== null ? BigInt(position.txId) : null,
      positioned ? lsn : null,
      null,
      position.origin,
      position.originLsn,
    ]);
  }
}
