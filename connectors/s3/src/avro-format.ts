import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { crc32, deflateRaw, inflateRaw } from 'node:zlib';
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
import { ByteReader } from './byte-reader.js';
import { snappyCompress } from './codec-worker.js';
import { CompressionQueue } from './compression-queue.js';
import type { AvroCodec } from './config.js';
import type { ObjectWriter, RecordFormat } from './record-format.js';
import { readFailure, type StoredObject } from './stored-object.js';

const MAGIC = Buffer.from([0x4f, 0x62, 0x6a, 0x01]); // "Obj" 1
/** Bytes of encoded records per block, as Avro's DataFileWriter default sync interval. */
const BLOCK_BYTES = 64_000;
const META_TYPE = avro.Type.forSchema({ type: 'map', values: 'bytes' });
const LONG_TYPE = avro.Type.forSchema('long');

const deflateRawAsync = promisify(deflateRaw);
const inflateRawAsync = promisify(inflateRaw);

/** The data of a block compressed with `codec`, off the event loop. */
async function compress(codec: AvroCodec, data: Buffer): Promise<Uint8Array[]> {
  switch (codec) {
    case 'null':
      return [data];
    case 'deflate':
      return [await deflateRawAsync(data)];
    case 'snappy': {
      const checksum = Buffer.alloc(4);
      checksum.writeUInt32BE(crc32(data) >>> 0);
      return [await snappyCompress(data), checksum];
    }
  }
}

/** The data of a block read back (deflate on zlib's thread pool; snappy blocks are small and fast). */
async function decompress(codec: string, data: Buffer): Promise<Buffer> {
  switch (codec) {
    case 'null':
      return data;
    case 'deflate':
      return inflateRawAsync(data);
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
  private readonly out = new CompressionQueue();
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
    return this.out.pendingBytes;
  }

  take(): Promise<Uint8Array[]> {
    return this.out.take();
  }

  finish(): Promise<Uint8Array[]> {
    this.flushBlock();
    return this.out.take();
  }

  private writeHeader(compiled: Compiled): void {
    const meta = {
      'avro.schema': Buffer.from(JSON.stringify(compiled.avroJson)),
      'avro.codec': Buffer.from(this.format.codec),
    };
    const header = [MAGIC, META_TYPE.toBuffer(meta), this.sync];
    this.out.add(0, () => header);
  }

  private flushBlock(): void {
    if (this.blockCount === 0) return;
    const raw = Buffer.concat(this.block);
    const count = LONG_TYPE.toBuffer(this.blockCount);
    const codec = this.format.codec;
    this.out.add(raw.byteLength, async () => {
      const data = await compress(codec, raw);
      const size = data.reduce((n, d) => n + d.byteLength, 0);
      return [count, LONG_TYPE.toBuffer(size), ...data, this.sync];
    });
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

  /** The records of an Avro container, block by block: one block is held at a time. */
  async *read(object: StoredObject, skip: number): AsyncGenerator<SchemaAndValue[]> {
    const reader = new ByteReader(await object.open(), object.key);
    try {
      yield* this.readBlocks(reader, object.key, skip);
    } catch (error) {
      throw readFailure(error, object.key);
    } finally {
      await reader.close();
    }
  }

  private async *readBlocks(
    reader: ByteReader,
    key: string,
    skip: number,
  ): AsyncGenerator<SchemaAndValue[]> {
    // Too short to hold the magic is not Avro either; an S3 failure stays what it is.
    const magic = await reader.read(MAGIC.byteLength).catch((error: unknown) => {
      if (error instanceof DataException) return Buffer.alloc(0);
      throw error;
    });
    if (!magic.equals(MAGIC)) throw new DataException(`Not an Avro object container file: ${key}`);
    const meta = await readMetadata(reader);
    const sync = Buffer.from(await reader.read(16));
    const schemaText = meta.get('avro.schema')?.toString('utf8');
    if (schemaText === undefined) throw new DataException(`Avro file without a schema: ${key}`);
    const codec = meta.get('avro.codec')?.toString('utf8') ?? 'null';
    const avroJson = JSON.parse(schemaText) as unknown;
    const type = avroType(avroJson);
    const schema = toConnectSchema(avroJson as never, this.options);
    const fromAvro: FromAvro = compileFromAvro(schema, type, this.options);
    let toSkip = skip;
    let index = 0;
    while (!(await reader.atEnd())) {
      const count = await reader.readLong();
      const size = await reader.readLong();
      const at = reader.position;
      const block = await reader.read(size);
      if (!(await reader.read(16)).equals(sync)) {
        throw new DataException(`Avro sync marker missing after the block at byte ${at} of ${key}`);
      }
      if (count <= toSkip) {
        // Records before the resume point: passed over without decompressing.
        toSkip -= count;
        index += count;
        continue;
      }
      const data = await decompress(codec, block);
      const out: SchemaAndValue[] = [];
      let pos = 0;
      for (let i = 0; i < count; i++) {
        index++;
        const decoded = type.decode(data, pos) as { value: unknown; offset: number };
        if (decoded.offset < 0) {
          throw new DataException(`Truncated Avro block at byte ${at} of ${key} (record ${index})`);
        }
        pos = decoded.offset;
        if (i >= toSkip) out.push({ schema, value: fromAvro(decoded.value) });
      }
      toSkip = 0;
      yield out;
    }
  }
}

/** The file metadata map of an Avro container header (blocks of string keys and bytes values). */
async function readMetadata(reader: ByteReader): Promise<Map<string, Buffer>> {
  const meta = new Map<string, Buffer>();
  for (;;) {
    let count = await reader.readLong();
    if (count === 0) return meta;
    if (count < 0) {
      count = -count;
      await reader.readLong(); // the block's size in bytes
    }
    for (let i = 0; i < count; i++) {
      const name = (await reader.read(await reader.readLong())).toString('utf8');
      meta.set(name, Buffer.from(await reader.read(await reader.readLong())));
    }
  }
}
