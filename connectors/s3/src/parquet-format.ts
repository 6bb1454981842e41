import {
  DataException,
  type Field,
  type Schema,
  type SchemaAndValue,
  Struct,
  schemaEquals,
} from '@sluice/api';
import { type AvroDataOptions, fromConnectSchema, toConnectSchema } from '@sluice/converter-avro';
import { type AsyncBuffer, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors as decompressors } from 'hyparquet-compressors';
import { parquetWrite } from './codec-worker.js';
import type { ParquetCodec } from './config.js';
import type { ObjectWriter, RecordFormat } from './record-format.js';
import { fromParquetValue, parquetSchemaOf, toParquetValue } from './schema-mapping.js';
import { readFailure, type StoredObject } from './stored-object.js';

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

  async take(): Promise<Uint8Array[]> {
    return [];
  }

  async finish(): Promise<Uint8Array[]> {
    if (this.schema === null) return [];
    const columns = this.columns;
    this.columns = [];
    return [await this.format.encode(this.schema, columns)];
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

  /**
   * The bytes of a Parquet file holding `columns` (one array per field of `schema`). Encoding and
   * compressing every page is synchronous in hyparquet-writer, so it runs in the codec worker.
   */
  async encode(schema: Schema, columns: unknown[][]): Promise<Uint8Array> {
    const options = {
      schema: parquetSchemaOf(schema),
      columnData: schema.fields.map((f, i) => ({
        name: f.name,
        data: columns[i],
        nullable: f.schema.optional,
      })),
      codec: CODECS[this.codec],
      kvMetadata: [
        { key: AVRO_SCHEMA_KEY, value: JSON.stringify(fromConnectSchema(schema, this.options)) },
      ],
      createdBy: 'sluice connector-s3',
    };
    return parquetWrite(options);
  }

  /**
   * The rows of a Parquet file, row group by row group: the footer and then each group's column
   * chunks are fetched by ranged reads, so one row group is held at a time. Row groups before
   * the resume point are not fetched.
   */
  async *read(object: StoredObject, skip: number): AsyncGenerator<SchemaAndValue[]> {
    try {
      yield* this.readRowGroups(object, skip);
    } catch (error) {
      throw readFailure(error, object.key);
    }
  }

  private async *readRowGroups(
    object: StoredObject,
    skip: number,
  ): AsyncGenerator<SchemaAndValue[]> {
    const file: AsyncBuffer = {
      byteLength: await object.size(),
      slice: async (start, end) => {
        const bytes = await object.range(start, end ?? file.byteLength);
        return bytes.buffer.slice(
          bytes.byteOffset,
          bytes.byteOffset + bytes.byteLength,
        ) as ArrayBuffer;
      },
    };
    const metadata = await parquetMetadataAsync(file);
    const avroText = metadata.key_value_metadata?.find((kv) => kv.key === AVRO_SCHEMA_KEY)?.value;
    if (avroText === undefined) {
      throw new DataException(
        `Parquet file without ${AVRO_SCHEMA_KEY}: ${object.key} was not written by the S3 sink`,
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
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupEnd = groupStart + Number(group.num_rows);
      if (groupEnd > skip) {
        const rows = (await parquetReadObjects({
          file,
          metadata,
          rowStart: Math.max(skip, groupStart),
          rowEnd: groupEnd,
          compressors: decompressors,
          utf8: false,
        })) as Record<string, unknown>[];
        yield rows.map((row) => ({ schema, value: fromParquetValue(schema, row) }));
      }
      groupStart = groupEnd;
    }
  }
}
