/**
 * JsonConverter throughput on a realistic ~1 KB record, with and without schemas, next to
 * JSON.stringify / JSON.parse of the same document (the raw baseline) in the same run.
 */
import { ConnectHeaders, Decimal, Schema, SchemaBuilder, Struct } from '@sluice/api';
import { JsonConverter } from '@sluice/converter-json';
import { measure, table } from './measure.js';

const TOPIC = 'orders';
const headers = new ConnectHeaders();

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
  .field('created', Schema.INT64_SCHEMA)
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
  .put('created', 1_732_000_000_000n)
  .put('paid', true)
  .put('total', 1234.56)
  .put('note', 'Leave the parcel with the neighbour at number 12 if nobody answers the door.')
  .put('tags', ['priority', 'gift', 'eu'])
  .put(
    'lines',
    Array.from({ length: 12 }, (_, i) =>
      new Struct(lineSchema)
        .put('sku', `SKU-${1000 + i}-BLUE-XL`)
        .put('quantity', i + 1)
        .put('price', Decimal.fromString(`${19 + i}.99`)),
    ),
  );

const withSchemas = new JsonConverter();
withSchemas.configure({ 'schemas.enable': true }, false);
const schemaless = new JsonConverter();
schemaless.configure({ 'schemas.enable': false }, false);

const plain = JSON.parse(
  new TextDecoder().decode(
    schemaless.fromConnectData(TOPIC, headers, orderSchema, order) ?? undefined,
  ),
) as unknown;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const plainBytes = encoder.encode(JSON.stringify(plain));
const enveloped = withSchemas.fromConnectData(TOPIC, headers, orderSchema, order);
const bare = schemaless.fromConnectData(TOPIC, headers, orderSchema, order);
const envelopedText = decoder.decode(enveloped ?? undefined);

process.stderr.write(
  `record: ${bare?.length} bytes bare, ${enveloped?.length} bytes with the schema envelope\n`,
);

const serialize = [
  measure('JSON.stringify + encode (baseline)', () => encoder.encode(JSON.stringify(plain))),
  measure('JsonConverter schemas.enable=false', () =>
    schemaless.fromConnectData(TOPIC, headers, orderSchema, order),
  ),
  measure('JsonConverter schemas.enable=true', () =>
    withSchemas.fromConnectData(TOPIC, headers, orderSchema, order),
  ),
  measure('JSON.stringify + encode of the envelope', () =>
    encoder.encode(JSON.stringify({ schema: JSON.parse(envelopedText).schema, payload: plain })),
  ),
];
const deserialize = [
  measure('decode + JSON.parse (baseline)', () => JSON.parse(decoder.decode(plainBytes))),
  measure('JsonConverter schemas.enable=false', () =>
    schemaless.toConnectData(TOPIC, headers, plainBytes),
  ),
  measure('JsonConverter schemas.enable=true', () =>
    withSchemas.toConnectData(TOPIC, headers, enveloped),
  ),
  measure('decode + JSON.parse of the envelope', () =>
    JSON.parse(decoder.decode(enveloped ?? undefined)),
  ),
];

process.stdout.write(
  `\n### Serialize (Connect data → bytes)\n\n${table(serialize, serialize[0] as never)}\n`,
);
process.stdout.write(
  `\n### Deserialize (bytes → Connect data)\n\n${table(deserialize, deserialize[0] as never)}\n\n`,
);
process.stdout.write(
  'Baselines do not validate against a schema, keep int64/decimal exact, or build Structs.\n',
);
