import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

/**
 * kafkajs is patched (patches/kafkajs@2.2.4.patch) where a CDC worker's profile showed it
 * spending: the record batch checksum, and the encoder's buffers and varints; and where a file
 * source worker's did: grouping a send by partition, and the produce request's timestamps; and
 * a file sink worker's: each fetched record's offset and timestamp, and the cut-short batch a
 * fetch response ends with. The bytes must stay what Kafka's protocol defines, and decoded
 * values exactly what they were.
 */
const require = createRequire(import.meta.url);
const crc32C = require('@sluice/kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as (
  buffer: Buffer,
) => number;
interface Encoder {
  writeVarInt(value: number): Encoder;
  writeVarLong(value: number): Encoder;
  buffer: Buffer;
}
const Encoder = require('@sluice/kafkajs/src/protocol/encoder.js') as {
  new (initialSize?: number): Encoder;
  sizeOfVarLong(value: number): number;
};
const Record = require('@sluice/kafkajs/src/protocol/recordBatch/record/v0/index.js') as (record: {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | Buffer[]>;
}) => Encoder;

const { RecordBatch } = require('@sluice/kafkajs/src/protocol/recordBatch/v0/index.js') as {
  RecordBatch: (batch: {
    firstTimestamp: number;
    maxTimestamp: number;
    lastOffsetDelta: number;
    records: Encoder[];
  }) => Promise<Encoder>;
};

interface Decoder {
  readVarIntBytes(): Buffer;
}
const Decoder = require('@sluice/kafkajs/src/protocol/decoder.js') as {
  new (buffer: Buffer): Decoder;
};
const decodeRecord = require('@sluice/kafkajs/src/protocol/recordBatch/record/v0/decoder.js') as (
  decoder: Decoder,
  batchContext: Record<string, unknown>,
) => { offset: string; timestamp: string; key: Buffer | null; value: Buffer | null };

const decodeMessages =
  require('@sluice/kafkajs/src/protocol/requests/fetch/v4/decodeMessages.js') as (
    decoder: Decoder,
  ) => Promise<Array<{ offset: string; value: Buffer | null }>>;

const groupMessagesPerPartition =
  require('@sluice/kafkajs/src/producer/groupMessagesPerPartition.js') as (args: {
    topic: string;
    partitionMetadata: unknown[];
    messages: Array<{ partition: number; value: string }>;
    partitioner: (a: { message: { partition: number } }) => number;
  }) => Record<number, Array<{ partition: number; value: string }>>;

const produceV3 =
  require('@sluice/kafkajs/src/protocol/requests/produce/v3/request.js') as (request: {
    acks: number;
    timeout: number;
    topicData: Array<{
      topic: string;
      partitions: Array<{
        partition: number;
        messages: Array<{ key: Buffer | null; value: Buffer; timestamp?: string }>;
      }>;
    }>;
  }) => { apiKey: number; apiVersion: number; encode(): Promise<{ buffers: Buffer[] }> };

const createRequest = require('@sluice/kafkajs/src/protocol/request.js') as (args: {
  correlationId: number;
  clientId: string;
  request: { apiKey: number; apiVersion: number; encode(): Promise<unknown> };
}) => Promise<{ buffers: Buffer[]; size: number }>;

interface TopicData {
  topic: string;
  partitions: Array<{ partition: number }>;
}
interface EosManager {
  initProducerId(): Promise<void>;
  beginTransaction(): void;
  addPartitionsToTransaction(topicData: TopicData[]): Promise<void>;
  expectPartitions(topicData: TopicData[]): void;
  commit(): Promise<void>;
}
const createEosManager = require('@sluice/kafkajs/src/producer/eosManager/index.js') as (options: {
  logger: unknown;
  cluster: unknown;
  transactional: boolean;
  transactionalId: string;
}) => EosManager;
const { createErrorFromCode } = require('@sluice/kafkajs/src/protocol/error.js') as {
  createErrorFromCode(code: number): Error;
};
const NOT_COORDINATOR = 16;
const CONCURRENT_TRANSACTIONS = 51;

/**
 * Brokers answering a transactional producer as scripted (`failures` per API: the error codes of
 * its next answers), and the requests each got. kafkajs' cluster, down to the brokers' answers,
 * is what the patched transaction manager talks to; a single real broker never says
 * NOT_COORDINATOR, which only a coordinator that moved says.
 */
function scriptedCluster(coordinators: number[]) {
  const sent: Array<{ node: number; api: string; request: unknown }> = [];
  const failures = new Map<string, number[]>();
  let lookups = 0;
  const broker = (nodeId: number) => {
    const answer = (api: string) => async (request: unknown) => {
      sent.push({ node: nodeId, api, request });
      const code = failures.get(`${nodeId} ${api}`)?.shift();
      if (code !== undefined) throw createErrorFromCode(code);
      return api === 'initProducerId' ? { producerId: 7, producerEpoch: 0 } : {};
    };
    return {
      nodeId,
      initProducerId: answer('initProducerId'),
      addPartitionsToTxn: answer('addPartitionsToTxn'),
      endTxn: answer('endTxn'),
    };
  };
  const brokers = new Map(coordinators.map((id) => [id, broker(id)]));
  const cluster = {
    retry: { retries: 3, initialRetryTime: 1, maxRetryTime: 5 },
    refreshMetadataIfNecessary: async () => {},
    findGroupCoordinator: async () => brokers.get(coordinators[lookups++] as number),
    findBroker: async ({ nodeId }: { nodeId: number }) => brokers.get(nodeId),
  };
  const quiet = () => {};
  const logger = { debug: quiet, info: quiet, warn: quiet, error: quiet };
  const manager = createEosManager({ logger, cluster, transactional: true, transactionalId: 't' });
  return { manager, sent, failures, lookups: () => lookups };
}

/** CRC-32C one bit at a time, straight from the definition. */
function crcReference(buffer: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of buffer) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** Kafka's varlong: zigzag-encoded 64 bits, 7 bits a byte, lowest first. */
function varlong(value: number): Buffer {
  let v = BigInt.asUintN(64, (BigInt(value) << 1n) ^ (BigInt(value) >> 63n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

describe('kafkajs as patched', () => {
  it('checksums record batches with CRC-32C: its check value and the definition for every length', () => {
    expect(crc32C(Buffer.from('123456789'))).toBe(0xe3069283);
    for (let length = 0; length < 600; length++) {
      const buffer = randomBytes(length);
      expect(crc32C(buffer), `length ${length}`).toBe(crcReference(buffer));
    }
  });

  it('writes varints and varlongs as Kafka defines them, across the int32 boundary', () => {
    const values = [
      0,
      1,
      -1,
      63,
      64,
      -64,
      -65,
      300,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
      -(2 ** 31) - 1,
    ];
    values.push(2 ** 40, -(2 ** 40), 1_733_000_000_000, Number.MAX_SAFE_INTEGER);
    for (const value of values) {
      const written = new Encoder().writeVarLong(value).buffer;
      expect(written, String(value)).toEqual(varlong(value));
      expect(Encoder.sizeOfVarLong(value)).toBe(written.length);
      if ((value | 0) === value)
        expect(new Encoder().writeVarInt(value).buffer).toEqual(varlong(value));
    }
  });

  it('encodes records of any size as Kafka’s record format defines them', () => {
    for (const size of [0, 10, 600, 5000]) {
      const key = randomBytes(size);
      const value = randomBytes(size * 2);
      const headers = { h: [Buffer.from('x'), Buffer.from('')] };
      const body = Buffer.concat([
        Buffer.from([0]), // attributes
        varlong(12), // timestamp delta
        varlong(3), // offset delta
        varlong(key.length),
        key,
        varlong(value.length),
        value,
        Buffer.from([4, 2, 0x68, 2, 0x78, 2, 0x68, 0]), // two headers: h=x, h=(empty)
      ]);
      const encoded = Record({ offsetDelta: 3, timestampDelta: 12, key, value, headers }).buffer;
      expect(encoded).toEqual(Buffer.concat([varlong(body.length), body]));
    }
  });

  it('writes uncompressed record batches in Kafka’s v2 batch format, checksum included', async () => {
    for (const count of [0, 1, 250]) {
      const records = Array.from({ length: count }, (_, i) =>
        Record({
          offsetDelta: i,
          timestampDelta: i,
          key: randomBytes(40),
          value: randomBytes(4000),
        }),
      );
      const recordBytes = Buffer.concat(records.map((r) => r.buffer));
      const batch = (
        await RecordBatch({
          firstTimestamp: 1000,
          maxTimestamp: 2000,
          lastOffsetDelta: count - 1,
          records,
        })
      ).buffer;
      const header = Buffer.alloc(40);
      header.writeInt16BE(0, 0); // attributes: no compression, create time, not transactional
      header.writeInt32BE(count - 1, 2);
      header.writeBigInt64BE(1000n, 6);
      header.writeBigInt64BE(2000n, 14);
      header.writeBigInt64BE(-1n, 22); // producer id
      header.writeInt16BE(0, 30);
      header.writeInt32BE(0, 32);
      header.writeInt32BE(count, 36);
      const body = Buffer.concat([header, recordBytes]);
      const front = Buffer.alloc(21);
      front.writeBigInt64BE(0n, 0); // first offset
      front.writeInt32BE(9 + body.length, 8); // length of what follows
      front.writeInt32BE(0, 12); // partition leader epoch
      front.writeInt8(2, 16); // magic
      front.writeUInt32BE(crcReference(body), 17);
      expect(batch).toEqual(Buffer.concat([front, body]));
    }
  });

  it('decodes each record’s offset and timestamp exactly, from small deltas to the 64-bit range', () => {
    // Odd bases and deltas past 2^53: a sum made in floating point there would come out wrong.
    const deltas = [
      0,
      1,
      -1,
      127,
      -128,
      2 ** 31,
      2 ** 40,
      -(2 ** 47),
      2 ** 48,
      2 ** 53 + 2,
      2 ** 62,
    ];
    const batches = [
      { firstOffset: '0', firstTimestamp: '1732000000001' },
      { firstOffset: '4503599627370000', firstTimestamp: '-1' },
      { firstOffset: '9007199254740991', firstTimestamp: '9007199254740001' },
      { firstOffset: '9223372036854775000', firstTimestamp: '9007199254740993' },
    ];
    for (const batch of batches) {
      // One context per batch, shared by its records, as kafkajs' batch decoder passes it.
      const context: Record<string, unknown> = { ...batch, magicByte: 2, timestampType: 0 };
      deltas.forEach((timestampDelta, i) => {
        const encoded = Record({
          offsetDelta: i * 1000,
          timestampDelta,
          key: null,
          value: Buffer.from(`v${i}`),
        }).buffer;
        const record = decodeRecord(new Decoder(new Decoder(encoded).readVarIntBytes()), context);
        expect(record.offset).toBe(String(BigInt(batch.firstOffset) + BigInt(i * 1000)));
        expect(record.timestamp).toBe(
          String(BigInt(batch.firstTimestamp) + BigInt(timestampDelta)),
        );
        expect(record.value).toEqual(Buffer.from(`v${i}`));
      });
    }
    // Log-append time: every record gets the batch's max timestamp, whatever its delta.
    const logAppend = {
      firstOffset: '7',
      firstTimestamp: '5',
      maxTimestamp: '99',
      timestampType: 1,
    };
    const encoded = Record({ offsetDelta: 2, timestampDelta: 3, key: null, value: null }).buffer;
    const record = decodeRecord(new Decoder(new Decoder(encoded).readVarIntBytes()), logAppend);
    expect([record.offset, record.timestamp]).toEqual(['9', '99']);
  });

  it('reads a fetch response’s whole record batches and stops at one cut short, wherever it is cut', async () => {
    const batch = async (from: number) =>
      (
        await RecordBatch({
          firstTimestamp: 1000,
          maxTimestamp: 1000,
          lastOffsetDelta: 2,
          records: [0, 1, 2].map((i) =>
            Record({
              offsetDelta: i,
              timestampDelta: 0,
              key: null,
              value: Buffer.from(`v${from + i}`),
            }),
          ),
        })
      ).buffer;
    const [first, second] = [await batch(0), await batch(3)];
    for (const cut of [0, 20, 60, second.length - 1, second.length]) {
      const messages = Buffer.concat([first, second.subarray(0, cut)]);
      const size = Buffer.alloc(4);
      size.writeInt32BE(messages.length);
      const records = await decodeMessages(new Decoder(Buffer.concat([size, messages])));
      const expected = cut === second.length ? 6 : 3;
      expect(records.map((r) => r.value?.toString())).toEqual(
        Array.from({ length: expected }, (_, i) => `v${i}`),
      );
    }
  });

  it('groups a send by partition keeping each partition’s messages in order', () => {
    const messages = Array.from({ length: 3000 }, (_, i) => ({ partition: i % 3, value: `v${i}` }));
    const grouped = groupMessagesPerPartition({
      topic: 't',
      partitionMetadata: [{}, {}, {}],
      messages,
      partitioner: ({ message }) => message.partition,
    });
    expect(Object.keys(grouped)).toEqual(['0', '1', '2']);
    for (const p of [0, 1, 2])
      expect(grouped[p]).toEqual(messages.filter((m) => m.partition === p));
    expect(
      groupMessagesPerPartition({
        topic: 't',
        partitionMetadata: [],
        messages,
        partitioner: () => 0,
      }),
    ).toEqual({});
  });

  it('stamps a produce request’s batch with its smallest and largest timestamp, records as deltas', async () => {
    const key = Buffer.from('k');
    const value = Buffer.from('value');
    // 999 sorts after 10000 as a string: the batch must still start at 999.
    const stamps = ['10000', '999', '1000000', '12345'];
    const request = produceV3({
      acks: -1,
      timeout: 30000,
      topicData: [
        {
          topic: 't',
          partitions: [
            { partition: 0, messages: stamps.map((timestamp) => ({ key, value, timestamp })) },
          ],
        },
      ],
    });
    const bytes = Buffer.concat((await request.encode()).buffers);
    const records = stamps.map((t, i) =>
      Record({ offsetDelta: i, timestampDelta: Number(t) - 999, key, value }),
    );
    const batch = (
      await RecordBatch({
        firstTimestamp: 999,
        maxTimestamp: 1_000_000,
        lastOffsetDelta: stamps.length - 1,
        records,
      })
    ).buffer;
    // The request ends with the partition's record batch.
    expect(bytes.subarray(bytes.length - batch.length)).toEqual(batch);
  });

  it('sends a produce request as its buffers, framed with the size and header Kafka expects', async () => {
    const value = (n: number) => randomBytes(n);
    const topicData = [
      {
        topic: 'orders',
        partitions: [
          { partition: 0, messages: [{ key: null, value: value(3000) }] },
          { partition: 3, messages: [{ key: Buffer.from('k'), value: value(10) }] },
        ],
      },
      { topic: 'é', partitions: [{ partition: 1, messages: [{ key: null, value: value(1) }] }] },
    ];
    const request = produceV3({ acks: -1, timeout: 30000, topicData });
    const { buffers, size } = await createRequest({
      correlationId: 7,
      clientId: 'sluice',
      request,
    });
    const bytes = Buffer.concat(buffers);
    expect(size).toBe(bytes.length);
    // Each record batch is sent as encoded, not copied: request header, produce header, then per
    // topic its header and per partition its header and batch.
    expect(buffers.length).toBe(1 + 1 + (1 + 2 * 2) + (1 + 2 * 1));
    // Read the request back field by field, as the broker does.
    let at = 0;
    /** The next `length` bytes. */
    const take = (length: number) => {
      at += length;
      return bytes.subarray(at - length, at);
    };
    const int16 = () => take(2).readInt16BE(0);
    const int32 = () => take(4).readInt32BE(0);
    const text = () => {
      const length = int16();
      return length < 0 ? null : take(length).toString('utf8');
    };
    expect(int32()).toBe(bytes.length - 4);
    expect([int16(), int16(), int32(), text()]).toEqual([0, 3, 7, 'sluice']);
    expect([text(), int16(), int32()]).toEqual([null, -1, 30000]);
    expect(int32()).toBe(topicData.length);
    for (const topic of topicData) {
      expect(text()).toBe(topic.topic);
      expect(int32()).toBe(topic.partitions.length);
      for (const partition of topic.partitions) {
        expect(int32()).toBe(partition.partition);
        const batchSize = int32();
        const batch = take(batchSize);
        // A record batch: its length field counts the bytes after it; its value is inside.
        expect(batch.readInt32BE(8)).toBe(batchSize - 12);
        expect(batch.includes(partition.messages[0]?.value as Buffer)).toBe(true);
      }
    }
    expect(at).toBe(bytes.length);
  });

  it('keeps the transaction coordinator across transactions, and looks it up again when it answers NOT_COORDINATOR', async () => {
    const { manager, sent, failures, lookups } = scriptedCluster([1, 2]);
    await manager.initProducerId();
    for (let n = 0; n < 3; n++) {
      manager.beginTransaction();
      await manager.addPartitionsToTransaction([
        { topic: 'records', partitions: [{ partition: n }] },
      ]);
      await manager.commit();
    }
    expect(lookups()).toBe(1);
    expect(sent.map((r) => `${r.node} ${r.api}`)).toEqual([
      '1 initProducerId',
      ...Array.from({ length: 3 }, () => ['1 addPartitionsToTxn', '1 endTxn']).flat(),
    ]);
    // The coordinator moved: EndTxn goes again, to the coordinator found anew, which is kept.
    failures.set('1 endTxn', [NOT_COORDINATOR]);
    sent.length = 0;
    manager.beginTransaction();
    await manager.addPartitionsToTransaction([
      { topic: 'records', partitions: [{ partition: 0 }] },
    ]);
    await manager.commit();
    manager.beginTransaction();
    await manager.addPartitionsToTransaction([
      { topic: 'records', partitions: [{ partition: 0 }] },
    ]);
    expect(lookups()).toBe(2);
    expect(sent.map((r) => `${r.node} ${r.api}`)).toEqual([
      '1 addPartitionsToTxn',
      '1 endTxn',
      '2 endTxn',
      '2 addPartitionsToTxn',
    ]);
  });

  it('adds expected partitions with the next partitions added, and retries a transaction’s first AddPartitionsToTxn quickly while the last one completes', async () => {
    const { manager, sent, failures } = scriptedCluster([1]);
    await manager.initProducerId();
    manager.beginTransaction();
    manager.expectPartitions([{ topic: 'offsets', partitions: [{ partition: 3 }] }]);
    failures.set('1 addPartitionsToTxn', [CONCURRENT_TRANSACTIONS, CONCURRENT_TRANSACTIONS]);
    await manager.addPartitionsToTransaction([
      { topic: 'records', partitions: [{ partition: 0 }, { partition: 1 }] },
    ]);
    // Retried by the transaction manager itself (20 ms apart, as Kafka's producer): kafkajs
    // threw the first answer to its caller, whose retries wait 300 ms and more.
    expect(sent.filter((r) => r.api === 'addPartitionsToTxn')).toHaveLength(3);
    // Already in the transaction: nothing more to add when the offsets are written.
    await manager.addPartitionsToTransaction([
      { topic: 'offsets', partitions: [{ partition: 3 }] },
    ]);
    const adds = sent.filter((r) => r.api === 'addPartitionsToTxn');
    expect(adds).toHaveLength(3);
    expect((adds[2]?.request as { topics: TopicData[] } | undefined)?.topics).toEqual([
      { topic: 'records', partitions: [0, 1] },
      { topic: 'offsets', partitions: [3] },
    ]);
  });
});
