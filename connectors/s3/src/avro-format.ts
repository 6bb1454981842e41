import { createHash } from 'node:crypto';
import { crc32, deflateRawSync, inflateRawSync } from 'node:zlib';
import { DataException, type Schema, type SchemaAndValue, schemaEquals } from '@sluice/api';
import {
  type AvroDataOptions,
  avroType,
  compileFromAvro,
  compileToAvro,
  type FromAvro,
  fromConnectSchema,
  type ToAvro,
  toConnectSchema,
} from '@sluice/converter-avro';
import avro from 'avsc';
import snappy from 'snappyjs';
import type { AvroCodec } from './config.js';
import { ChunkBuffer, type ObjectWriter, type RecordFormat } from './record-format.js';

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]); // "Obj" 1
/** Bytes of encoded records per block, as Avro's DataFileWriter default sync interval. */
const BLOCK_BYTES = 64_000;
const META_TYPE = avro.Type.forSchema({ type: 'map', values: 'bytes' });
const LONG_TYPE = avro.Type.forSchema('long');

function compress(codec: AvroCodec, data: Buffer): Buffer {
  switch (codec) {
    case 'null':
      return data;
    case 'deflate':
      return deflateRawSync(data);
    case 'snappy': {
      const checksum = Buffer.alloc(4);
      checksum.writeUInt32BE(crc32(data) >>> 0);
      return Buffer.concat([Buffer.from(snappy.compress(data)), checksum]);
    }
  }
}

function decompress(codec: string, data: Buffer): Buffer {
  switch (codec) {
    case 'null':
      return data;
    case 'deflate':
      return inflateRawSync(data);
    case 'snappy':
      return Buffer.from(snappy.uncompress(data.subarray(0, data.byteLength - 4)));
    default:
      throw new DataException(`Unsupported Avro codec ${codec}`);
  }
}

interface Compiled {
  readonly schema: Schema;
  readonly avroJson: unknown;
  readonly type: avro.Type;
  readonly toAvro: ToAvro;
}

/** Writes one Avro object container file; the schema is that of the first record. */
class AvroObjectWriter implements ObjectWriter {
  private readonly out = new ChunkBuffer();
  private readonly block: Buffer[] = [];
  private blockBytes = 0;
  private blockCount = 0;
  private compiled: Compiled | null = null;
  private readonly sync: Buffer;

  constructor(
    private readonly format: AvroFormat,
    seed: string,
  ) {
    // A sync marker derived from the object name: rewriting an object gives the same bytes.
    this.sync = createHash('md5').update(seed).digest();
  }

  write(schema: Schema | null, value: unknown): void {
    if (schema === null) {
      throw new DataException(
        'AvroFormat needs records with a schema (use a converter with schemas)',
      );
    }
    if (this.compiled === null) {
      this.compiled = this.format.compile(schema);
      this.writeHeader(this.compiled);
    } else if (this.compiled.schema !== schema && !schemaEquals(this.compiled.schema, schema)) {
      throw new DataException('A record of another schema cannot go into the same Avro file');
    }
    const encoded = this.compiled.type.toBuffer(this.compiled.toAvro(value));
    this.block.push(encoded);
    this.blockBytes += encoded.byteLength;
    this.blockCount++;
    if (this.blockBytes >= BLOCK_BYTES) this.flushBlock();
  }

  get pendingBytes(): number {
    return this.out.byteLength;
  }

  take(): Uint8Array[] {
    return this.out.take();
  }

  finish(): Uint8Array[] {
    this.flushBlock();
    return this.out.take();
  }

  private writeHeader(compiled: Compiled): void {
    const meta = {
      'avro.schema': Buffer.from(JSON.stringify(compiled.avroJson)),
      'avro.codec': Buffer.from(this.format.codec),
    };
    this.out.push(MAGIC);
    this.out.push(META_TYPE.toBuffer(meta));
    this.out.push(this.sync);
  }

  private flushBlock(): void {
    if (this.blockCount === 0) return;
    const data = compress(this.format.codec, Buffer.concat(this.block));
    this.out.push(LONG_TYPE.toBuffer(this.blockCount));
    this.out.push(LONG_TYPE.toBuffer(data.byteLength));
    this.out.push(data);
    this.out.push(this.sync);
    this.block.length = 0;
    this.blockBytes = 0;
    this.blockCount = 0;
  }
}

/**
 * Avro object container files, as Confluent's AvroFormat: the Connect schema mapped to Avro by
 * Confluent's AvroData rules (the mapping of @sluice/converter-avro, `connect.*` properties kept
 * so the Connect schema reads back the same), codec null, deflate or snappy.
 */
export class AvroFormat implements RecordFormat {
  readonly extension = '.avro';
  private readonly cache = new Map<Schema, Compiled>();

  constructor(
    readonly codec: AvroCodec,
    private readonly options: AvroDataOptions,
  ) {}

  /** The Avro schema and value conversion of a Connect schema (cached). */
  compile(schema: Schema): Compiled {
    let compiled = this.cache.get(schema);
    if (compiled === undefined) {
      const avroJson = fromConnectSchema(schema, this.options);
      const type = avroType(avroJson);
      compiled = { schema, avroJson, type, toAvro: compileToAvro(schema, type, this.options) };
      if (this.cache.size > 1000) this.cache.clear();
      this.cache.set(schema, compiled);
    }
    return compiled;
  }

  newWriter(seed: string): ObjectWriter {
    return new AvroObjectWriter(this, seed);
  }

  read(bytes: Uint8Array): SchemaAndValue[] {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.byteLength < 4 || !buf.subarray(0, 4).equals(MAGIC)) {
      throw new DataException('Not an Avro object container file');
    }
    const header = META_TYPE.decode(buf, 4) as { value: Record<string, Buffer>; offset: number };
    let pos = header.offset + 16;
    const schemaText = header.value['avro.schema']?.toString('utf8');
    if (schemaText === undefined) throw new DataException('Avro file without a schema');
    const codec = header.value['avro.codec']?.toString('utf8') ?? 'null';
    const avroJson = JSON.parse(schemaText) as unknown;
    const type = avroType(avroJson);
    const schema = toConnectSchema(avroJson as never, this.options);
    const fromAvro: FromAvro = compileFromAvro(schema, type, this.options);
    const out: SchemaAndValue[] = [];
    while (pos < buf.byteLength) {
      const count = LONG_TYPE.decode(buf, pos) as { value: number; offset: number };
      const size = LONG_TYPE.decode(buf, count.offset) as { value: number; offset: number };
      const data = decompress(codec, buf.subarray(size.offset, size.offset + size.value));
      pos = size.offset + size.value + 16;
      let at = 0;
      for (let i = 0; i < count.value; i++) {
        const decoded = type.decode(data, at) as { value: unknown; offset: number };
        if (decoded.offset < 0) throw new DataException('Truncated Avro block');
        out.push({ schema, value: fromAvro(decoded.value) });
        at = decoded.offset;
      }
    }
    return out;
  }
}
