/**
 * JsonConverter throughput on a realistic ~1 KB record, with and without schemas, next to
 * JSON.stringify / JSON.parse of the same document (the raw baseline) in the same run.
 */
import { ConnectHeaders } from '@sluice/api';
import { JsonConverter } from '@sluice/converter-json';
import { measure, table } from './measure.js';
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
