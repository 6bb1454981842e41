/**
 * JsonConverter throughput on a realistic ~1 KB record, with and without schemas, next to
 * JSON.stringify / JSON.parse of the same document (the raw baseline) in the same run, round
 * by round (see `compare`).
 */
import { ConnectHeaders } from '@sluice/api';
import { JsonConverter } from '@sluice/converter-json';
import { compare, table } from './measure.js';
import { order as orderRecord, orderSchema } from './order-record.js';

const TOPIC = 'orders';
const headers = new ConnectHeaders();

// ~1 KB encoded.
const order = orderRecord(12);

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
const envelopeSchema = (JSON.parse(decoder.decode(enveloped ?? undefined)) as { schema: unknown })
  .schema;

process.stderr.write(
  `record: ${bare?.length} bytes bare, ${enveloped?.length} bytes with the schema envelope\n`,
);

const serialize = compare([
  // Buffer.from, the faster of Node's two ways to encode (and the one the converter uses).
  { name: 'JSON.stringify + encode (baseline)', op: () => Buffer.from(JSON.stringify(plain)) },
  {
    name: 'JsonConverter schemas.enable=false',
    op: () => schemaless.fromConnectData(TOPIC, headers, orderSchema, order),
  },
  {
    name: 'JsonConverter schemas.enable=true',
    op: () => withSchemas.fromConnectData(TOPIC, headers, orderSchema, order),
  },
  {
    name: 'JSON.stringify + encode of the envelope',
    op: () => Buffer.from(JSON.stringify({ schema: envelopeSchema, payload: plain })),
  },
]);
const deserialize = compare([
  { name: 'decode + JSON.parse (baseline)', op: () => JSON.parse(decoder.decode(plainBytes)) },
  {
    name: 'JsonConverter schemas.enable=false',
    op: () => schemaless.toConnectData(TOPIC, headers, plainBytes),
  },
  {
    name: 'JsonConverter schemas.enable=true',
    op: () => withSchemas.toConnectData(TOPIC, headers, enveloped),
  },
  {
    name: 'decode + JSON.parse of the envelope',
    op: () => JSON.parse(decoder.decode(enveloped ?? undefined)),
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
    'Baselines do not validate against a schema, keep int64/decimal exact, or build Structs.\n',
);
