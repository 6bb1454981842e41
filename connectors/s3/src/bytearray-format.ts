import { DataException, Schema, type SchemaAndValue } from '@sluice/api';
import { SeparatedWriter, separatedRecords } from './json-format.js';
import type { ObjectWriter, RecordFormat } from './record-format.js';
import type { StoredObject } from './stored-object.js';

/** Options of {@link ByteArrayFormat}. */
export interface ByteArrayFormatOptions {
  readonly extension: string;
  readonly separator: string;
  readonly gzipLevel: number | null;
}

function bytesOf(schema: Schema | null, value: unknown): Uint8Array {
  if (schema !== null && schema.type !== 'BYTES') {
    throw new DataException(`Invalid schema type for ByteArrayFormat: ${schema.type}`);
  }
  if (!(value instanceof Uint8Array)) {
    throw new DataException(
      `ByteArrayFormat is not compatible with objects of type ${value === null ? 'null' : typeof value}`,
    );
  }
  return value;
}

/**
 * Raw bytes, as Confluent's ByteArrayFormat: each value (bytes, as the ByteArrayConverter gives
 * them) followed by the separator.
 */
export class ByteArrayFormat implements RecordFormat {
  readonly extension: string;
  private readonly separator: Uint8Array;

  constructor(private readonly options: ByteArrayFormatOptions) {
    this.extension = options.extension + (options.gzipLevel === null ? '' : '.gz');
    this.separator = Buffer.from(options.separator, 'utf8');
  }

  newWriter(_seed = ''): ObjectWriter {
    return new SeparatedWriter(bytesOf, this.separator, this.options.gzipLevel);
  }

  read(object: StoredObject, skip: number): AsyncIterable<SchemaAndValue[]> {
    return separatedRecords(
      object,
      this.options.gzipLevel !== null,
      this.separator,
      skip,
      () => true,
      (piece) => ({ schema: Schema.OPTIONAL_BYTES_SCHEMA, value: new Uint8Array(piece) }),
    );
  }
}
