import { DataException, type Schema, type SchemaAndValue } from '@sluice/api';
import { JsonConverter } from '@sluice/converter-json';
import { GzipChunks, openPlain } from './gzip-chunks.js';
import { ChunkBuffer, type ObjectWriter, type RecordFormat } from './record-format.js';
import { readFailure, type StoredObject } from './stored-object.js';

const NEWLINE = new Uint8Array([0x0a]);

/** Writes separated records, gzip-compressed when asked. */
export class SeparatedWriter implements ObjectWriter {
  private readonly plain = new ChunkBuffer();
  private readonly gzip: GzipChunks | null;

  constructor(
    private readonly encode: (schema: Schema | null, value: unknown) => Uint8Array,
    private readonly separator: Uint8Array,
    compressionLevel: number | null,
  ) {
    this.gzip = compressionLevel === null ? null : new GzipChunks(compressionLevel);
  }

  write(schema: Schema | null, value: unknown): void {
    const bytes = this.encode(schema, value);
    if (this.gzip) {
      this.gzip.push(bytes);
      this.gzip.push(this.separator);
    } else {
      this.plain.push(bytes);
      this.plain.push(this.separator);
    }
  }

  get pendingBytes(): number {
    return this.gzip ? this.gzip.pendingBytes : this.plain.byteLength;
  }

  async take(): Promise<Uint8Array[]> {
    return this.gzip ? this.gzip.take() : this.plain.take();
  }

  async finish(): Promise<Uint8Array[]> {
    return this.gzip ? this.gzip.finish() : this.plain.take();
  }
}

/**
 * The records of a separated stream (JSON lines, raw bytes), in batches as chunks arrive: only the
 * current chunk and the record it ends in are held. A trailing separator ends the last record;
 * with an empty separator the whole object is one record. Pieces `isRecord` rejects (blank lines)
 * are not records; the first `skip` records are passed over without decoding.
 */
export async function* separatedRecords(
  object: StoredObject,
  gzip: boolean,
  separator: Uint8Array,
  skip: number,
  isRecord: (piece: Buffer) => boolean,
  decode: (piece: Buffer, index: number) => SchemaAndValue,
): AsyncGenerator<SchemaAndValue[]> {
  const stream = await openPlain(object, gzip);
  let seen = 0;
  const add = (piece: Buffer, out: SchemaAndValue[]): void => {
    if (!isRecord(piece)) return;
    seen++;
    if (seen > skip) out.push(decode(piece, seen));
  };
  let carry: Buffer | null = null;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk]);
      if (separator.byteLength === 0) {
        carry = buf;
        continue;
      }
      const out: SchemaAndValue[] = [];
      // A separator may straddle the chunks: search from just before the new bytes.
      let from = carry === null ? 0 : Math.max(0, carry.byteLength - separator.byteLength + 1);
      let start = 0;
      for (;;) {
        const at = buf.indexOf(separator, from);
        if (at < 0) break;
        add(buf.subarray(start, at), out);
        start = at + separator.byteLength;
        from = start;
      }
      carry = start < buf.byteLength ? buf.subarray(start) : null;
      if (out.length > 0) yield out;
    }
  } catch (error) {
    throw readFailure(error, object.key);
  } finally {
    stream.destroy();
  }
  const out: SchemaAndValue[] = [];
  if (carry !== null) add(carry, out);
  if (out.length > 0) yield out;
}

/** Characters of JSON text gathered before they are encoded to UTF-8 in one go. */
const TEXT_CHUNK = 64 * 1024;

/** Writes JSON lines: text is gathered and encoded in chunks, not one small buffer per record. */
class JsonLinesWriter implements ObjectWriter {
  private text = '';
  private readonly plain = new ChunkBuffer();
  private readonly gzip: GzipChunks | null;

  constructor(
    private readonly converter: JsonConverter,
    gzipLevel: number | null,
  ) {
    this.gzip = gzipLevel === null ? null : new GzipChunks(gzipLevel);
  }

  write(schema: Schema | null, value: unknown): void {
    let line: string;
    try {
      line = this.converter.toJsonText(schema, value);
    } catch (error) {
      throw new DataException(
        `Converting Kafka Connect data to JSON failed: ${(error as Error).message}`,
        { cause: error },
      );
    }
    this.text += `${line}\n`;
    if (this.text.length >= TEXT_CHUNK) this.encodeText();
  }

  get pendingBytes(): number {
    return (this.gzip ? this.gzip.pendingBytes : this.plain.byteLength) + this.text.length;
  }

  async take(): Promise<Uint8Array[]> {
    this.encodeText();
    return this.gzip ? this.gzip.take() : this.plain.take();
  }

  async finish(): Promise<Uint8Array[]> {
    this.encodeText();
    return this.gzip ? this.gzip.finish() : this.plain.take();
  }

  private encodeText(): void {
    if (this.text === '') return;
    const bytes = Buffer.from(this.text, 'utf8');
    this.text = '';
    if (this.gzip) this.gzip.push(bytes);
    else this.plain.push(bytes);
  }
}

/** Options of {@link JsonFormat}. */
export interface JsonFormatOptions {
  readonly gzipLevel: number | null;
  readonly decimalFormat: 'BASE64' | 'NUMERIC';
}

/**
 * JSON lines, as Confluent's JsonFormat: each value written by Kafka's JsonConverter without the
 * schema envelope (`schemas.enable=false`), one per line. The schema is not kept: the source reads
 * schemaless values back (objects as maps).
 */
export class JsonFormat implements RecordFormat {
  readonly extension: string;
  private readonly converter = new JsonConverter();

  constructor(private readonly options: JsonFormatOptions) {
    this.extension = options.gzipLevel === null ? '.json' : '.json.gz';
    this.converter.configure({
      'schemas.enable': 'false',
      'decimal.format': options.decimalFormat,
      'replace.null.with.default': 'true',
    });
  }

  newWriter(_seed = ''): ObjectWriter {
    return new JsonLinesWriter(this.converter, this.options.gzipLevel);
  }

  read(object: StoredObject, skip: number): AsyncIterable<SchemaAndValue[]> {
    return separatedRecords(
      object,
      this.options.gzipLevel !== null,
      NEWLINE,
      skip,
      (line) => line.byteLength > 0 && !(line.byteLength === 1 && line[0] === 0x0d),
      (line, index) => {
        try {
          return this.converter.toConnectData('', null, line);
        } catch (error) {
          throw new DataException(`Not a JSON line: record ${index} of ${object.key}`, {
            cause: error,
          });
        }
      },
    );
  }
}
