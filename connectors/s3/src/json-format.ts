import { DataException, type Schema, type SchemaAndValue } from '@sluice/api';
import { JsonConverter } from '@sluice/converter-json';
import { GzipChunks, gunzip } from './gzip-chunks.js';
import { ChunkBuffer, type ObjectWriter, type RecordFormat } from './record-format.js';

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

  take(): Uint8Array[] {
    return this.gzip ? this.gzip.take() : this.plain.take();
  }

  finish(): Uint8Array[] {
    return this.gzip ? this.gzip.finish() : this.plain.take();
  }
}

/** Splits `bytes` at every occurrence of `separator`; a trailing separator ends the last record. */
export function splitRecords(bytes: Uint8Array, separator: Uint8Array): Buffer[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Buffer[] = [];
  if (separator.byteLength === 0) return buf.byteLength === 0 ? [] : [buf];
  let start = 0;
  for (;;) {
    const at = buf.indexOf(separator, start);
    if (at < 0) break;
    out.push(buf.subarray(start, at));
    start = at + separator.byteLength;
  }
  if (start < buf.byteLength) out.push(buf.subarray(start));
  return out;
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

  take(): Uint8Array[] {
    this.encodeText();
    return this.gzip ? this.gzip.take() : this.plain.take();
  }

  finish(): Uint8Array[] {
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

  read(bytes: Uint8Array): SchemaAndValue[] {
    const plain = this.options.gzipLevel === null ? bytes : gunzip(bytes);
    return splitRecords(plain, NEWLINE)
      .filter((line) => line.byteLength > 0 && !(line.byteLength === 1 && line[0] === 0x0d))
      .map((line) => {
        try {
          return this.converter.toConnectData('', null, line);
        } catch (error) {
          throw new DataException('Not a JSON line', { cause: error });
        }
      });
  }
}
