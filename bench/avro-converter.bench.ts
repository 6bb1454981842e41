/**
 * AvroConverter throughput on a realistic ~1 KB record, next to avsc alone encoding and decoding
 * the same Avro value with the same Avro schema (the raw baseline), in the same run.
 *
 * The converter talks to the Schema Registry only for the first record of a schema (then it is
 * cached), so the run uses an in-memory registry: what is measured is the per-record path.
 * Cases run round by round (see `compare`).
 */
import { ConnectHeaders, type SchemaAndValue } from '@sluice/api';
import {
  AvroConverter,
  avroType,
  compileToAvro,
  DEFAULT_AVRO_DATA_OPTIONS,
  fromConnectSchema,
  type RegisteredSchema,
  type SchemaRegistry,
} from '@sluice/converter-avro';
import { compare, table } from './measure.js';
import { order as orderRecord, orderSchema } from './order-record.js';

const TOPIC = 'orders';
const headers = new ConnectHeaders();

/** Registers every schema as id 1, 2, ... in memory. */
class InMemoryRegistry implements SchemaRegistry {
  private readonly schemas: string[] = [];
  async register(_subject: string, schema: string): Promise<number> {
    const known = this.schemas.indexOf(schema);
    return known >= 0 ? known + 1 : this.schemas.push(schema);
  }
  async lookup(_subject: string, schema: string): Promise<RegisteredSchema | null> {
    const id = this.schemas.indexOf(schema) + 1;
    return id === 0 ? null : { id, version: id, schema };
  }
  async schemaById(id: number): Promise<string> {
    return this.schemas[id - 1] ?? '"null"';
  }
  async latest(): Promise<RegisteredSchema> {
    throw new Error('not used');
  }
}

// ~1 KB encoded.
const order = orderRecord(36);

const converter = new AvroConverter();
converter.configure(
  { 'schema.registry.url': 'http://registry.invalid' },
  false,
  new InMemoryRegistry(),
);

// Warm the caches: the first record of a schema asks the registry.
const framed = (await converter.fromConnectData(TOPIC, headers, orderSchema, order)) as Uint8Array;
await converter.toConnectData(TOPIC, headers, framed);

// The baseline: avsc alone, with the same Avro schema, on the value avsc reads and writes.
const type = avroType(fromConnectSchema(orderSchema, DEFAULT_AVRO_DATA_OPTIONS));
const avroValue = compileToAvro(orderSchema, type, DEFAULT_AVRO_DATA_OPTIONS)(order);
const body = type.toBuffer(avroValue);

process.stderr.write(`record: ${body.length} bytes of Avro, ${framed.length} framed\n`);

const serialize = compare([
  { name: 'avsc toBuffer (baseline)', op: () => type.toBuffer(avroValue) },
  {
    name: 'AvroConverter.fromConnectData',
    op: () => converter.fromConnectData(TOPIC, headers, orderSchema, order),
  },
]);
const deserialize = compare([
  { name: 'avsc fromBuffer (baseline)', op: () => type.fromBuffer(body) },
  {
    name: 'AvroConverter.toConnectData',
    op: () => converter.toConnectData(TOPIC, headers, framed) as SchemaAndValue,
  },
]);

process.stdout.write(
  `\n### Serialize (Connect data → bytes)\n\n${table(serialize, serialize[0] as never)}\n`,
);
process.stdout.write(
  `\n### Deserialize (bytes → Connect data)\n\n${table(deserialize, deserialize[0] as never)}\n\n`,
);
process.stdout.write(
  'Ratios: median over the rounds of the case / the baseline in the same round.\n' +
    'The baseline encodes and decodes plain avsc values: no Structs, Decimals or Dates, no framing.\n',
);
