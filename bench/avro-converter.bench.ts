/**
 * AvroConverter throughput on a realistic ~1 KB record, next to avsc alone encoding and decoding
 * the same Avro value with the same Avro schema (the raw baseline), in the same run.
 *
 * The converter talks to the Schema Registry only for the first record of a schema (then it is
 * cached), so the run uses an in-memory registry: what is measured is the per-record path.
 */
import {
  ConnectHeaders,
  ConnectTimestamp,
  Decimal,
  Schema,
  type SchemaAndValue,
  SchemaBuilder,
  Struct,
} from '@sluice/api';
import {
  AvroConverter,
  avroType,
  compileToAvro,
  DEFAULT_AVRO_DATA_OPTIONS,
  fromConnectSchema,
  type RegisteredSchema,
  type SchemaRegistry,
} from '@sluice/converter-avro';
import { measure, table } from './measure.js';

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

const lineSchema = SchemaBuilder.struct()
  .name('shop.Line')
  .field('sku', Schema.STRING_SCHEMA)
  .field('quantity', Schema.INT32_SCHEMA)
  .field('price', Decimal.schema(2))
  .build();
const orderSchema = SchemaBuilder.struct()
  .name('shop.Order')
  .field('id', Schema.INT64_SCHEMA)
  .field('customer', Schema.STRING_SCHEMA)
  .field('email', Schema.OPTIONAL_STRING_SCHEMA)
  .field('created', ConnectTimestamp.SCHEMA)
  .field('paid', Schema.BOOLEAN_SCHEMA)
  .field('total', Schema.FLOAT64_SCHEMA)
  .field('note', Schema.OPTIONAL_STRING_SCHEMA)
  .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA).build())
  .field('lines', SchemaBuilder.array(lineSchema).build())
  .build();

const order = new Struct(orderSchema)
  .put('id', 1_234_567_890_123n)
  .put('customer', 'Ada Lovelace')
  .put('email', 'ada@example.com')
  .put('created', new Date(1_732_000_000_000))
  .put('paid', true)
  .put('total', 1234.56)
  .put('note', 'Leave the parcel with the neighbour at number 12 if nobody answers the door.')
  .put('tags', ['priority', 'gift', 'eu'])
  .put(
    'lines',
    Array.from({ length: 36 }, (_, i) =>
      new Struct(lineSchema)
        .put('sku', `SKU-${1000 + i}-BLUE-XL`)
        .put('quantity', i + 1)
        .put('price', Decimal.fromString(`${19 + i}.99`)),
    ),
  );

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

const serialize = [
  measure('avsc toBuffer (baseline)', () => type.toBuffer(avroValue)),
  measure('AvroConverter.fromConnectData', () =>
    converter.fromConnectData(TOPIC, headers, orderSchema, order),
  ),
];
const deserialize = [
  measure('avsc fromBuffer (baseline)', () => type.fromBuffer(body)),
  measure(
    'AvroConverter.toConnectData',
    () => converter.toConnectData(TOPIC, headers, framed) as SchemaAndValue,
  ),
];

process.stdout.write(
  `\n### Serialize (Connect data → bytes)\n\n${table(serialize, serialize[0] as never)}\n`,
);
process.stdout.write(
  `\n### Deserialize (bytes → Connect data)\n\n${table(deserialize, deserialize[0] as never)}\n\n`,
);
process.stdout.write(
  'The baseline encodes and decodes plain avsc values: no Structs, Decimals or Dates, no framing.\n',
);
