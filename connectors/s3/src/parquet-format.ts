import { gzipSync } from 'node:zlib';
import {
  DataException,
  type Field,
  type Schema,
  type SchemaAndValue,
  Struct,
  schemaEquals,
} from '@sluice/api';
import { type AvroDataOptions, fromConnectSchema, toConnectSchema } from '@sluice/converter-avro';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { compressors as decompressors } from 'hyparquet-compressors';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { ParquetCodec } from './config.js';
import type { ObjectWriter, RecordFormat } from './record-format.js';
import { fromParquetValue, parquetSchemaOf, toParquetValue } from './schema-mapping.js';

/** The footer key holding the Avro schema (as parquet-avro writes it), from which the Connect schema reads back. */
const AVRO_SCHEMA_KEY = 'parquet.avro.schema';

const CODECS = { none: 'UNCOMPRESSED', snappy: 'SNAPPY', gzip: 'GZIP' } as const;

/** Buffers the rows of one Parquet file: Parquet is written whole, at `finish`. */
class ParquetObjectWriter implements ObjectWriter {
  private schema: Schema | null = null;
  private columns: unknown[][] = [];

  constructor(private readonly format: ParquetFormat) {}

  write(schema: Schema | null, value: unknown): void {
    if (schema === null) {
      throw new DataException(
        'ParquetFormat needs records with a schema (use a converter with schemas)',
      );
    }
    if (this.schema === null) {
      parquetSchemaOf(schema);
      this.schema = schema;
      this.columns = schema.fields.map(() => []);
    } else if (this.schema !== schema && !schemaEquals(this.schema, schema)) {
      throw new DataException('A record of another schema cannot go into the same Parquet file');
    }
    if (!(value instanceof Struct)) {
      throw new DataException('ParquetFormat needs a struct value, not null or another type');
    }
    // Straight into the column arrays: no row object per record.
    const fields = schema.fields;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as Field;
      (this.columns[i] as unknown[]).push(toParquetValue(f.schema, value.get(f)));
    }
  }

  get pendingBytes(): number {
    return 0;
  }

  take(): Uint8Array[] {
    return [];
  }

  finish(): Uint8Array[] {
    if (this.schema === null) return [];
    return [this.format.encode(this.schema, this.columns)];
  }
}

/**
 * Parquet files, as Confluent's ParquetFormat: one row per record of a struct value, the Avro
 * schema of the Connect schema in the footer (`parquet.avro.schema`), codec snappy (default),
 * gzip or none. Written with hyparquet-writer, read with hyparquet (pure JavaScript).
 */
export class ParquetFormat implements RecordFormat {
  readonly extension = '.parquet';

  constructor(
    private readonly codec: ParquetCodec,
    private readonly options: AvroDataOptions,
  ) {}

  newWriter(_seed = ''): ObjectWriter {
    return new ParquetObjectWriter(this);
  }

  /** The bytes of a Parquet file holding `columns` (one array per field of `schema`). */
  encode(schema: Schema, columns: unknown[][]): Uint8Array {
    const elements = parquetSchemaOf(schema);
    const buffer = parquetWriteBuffer({
      schema: elements,
      columnData: schema.fields.map((f, i) => ({
        name: f.name,
        data: columns[i] as never,
        nullable: f.schema.optional,
      })),
      codec: CODECS[this.codec],
      compressors: { GZIP: (input: Uint8Array) => gzipSync(input) },
      kvMetadata: [
        { key: AVRO_SCHEMA_KEY, value: JSON.stringify(fromConnectSchema(schema, this.options)) },
      ],
      createdBy: 'sluice connector-s3',
    });
    return new Uint8Array(buffer);
  }

  async read(bytes: Uint8Array): Promise<SchemaAndValue[]> {
    const file = bytes.buffer.slice(
      bytes.byteOffset,
      bytes.byteOffset + bytes.byteLength,
    ) as ArrayBuffer;
    const metadata = parquetMetadata(file);
    const avroText = metadata.key_value_metadata?.find((kv) => kv.key === AVRO_SCHEMA_KEY)?.value;
    if (avroText === undefined) {
      throw new DataException(
        `Parquet file without ${AVRO_SCHEMA_KEY}: not written by the S3 sink`,
      );
    }
    const schema = toConnectSchema(JSON.parse(avroText) as never, this.options);
    // Decimals are read as their raw bytes (hyparquet would turn them into lossy numbers).
    for (const element of metadata.schema) {
      if (element.converted_type === 'DECIMAL') {
        delete element.converted_type;
        delete element.logical_type;
      }
    }
    const rows = (await parquetReadObjects({
      file,
      metadata,
      compressors: decompressors,
      utf8: false,
    })) as Record<string, unknown>[];
    return rows.map((row) => ({ schema, value: fromParquetValue(schema, row) }));
  }
}
