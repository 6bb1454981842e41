/**
 * Differential test against MongoDB's own Kafka connector (mongo-kafka 1.13.0, the newest release
 * Maven Central serves here) and the Java driver it runs on: a Java harness built from their jars
 * gets the same BSON documents and Connect records, and our output must equal theirs byte for
 * byte, except where the README documents a deliberate difference (checked here precisely).
 */
import { fileURLToPath } from 'node:url';
import { JsonConverter } from '@sluice/converter-json';
import {
  buildJavaHarness,
  type JavaHarness,
  runJavaHarness,
  serviceDefinition,
} from '@sluice/test-fixtures';
import { BSON } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { bsonToJson, type JsonMode } from '../src/json-writer.js';
import {
  deserialize,
  inferDocumentSchema,
  parseExtendedJson,
  structToDocument,
  toConnect,
} from '../src/schema-mapping.js';
import { BSON_VECTORS, CONNECT_VECTORS } from './bson-vectors.js';

const KAFKA_VERSION = serviceDefinition('kafka').version;
const FORMATTERS: Record<string, JsonMode> = {
  DefaultJson: 'strict',
  ExtendedJson: 'canonical',
  SimplifiedJson: 'simplified',
};

interface Answer {
  json?: string;
  connect?: string;
  bson?: string;
  error?: string;
}

let harness: JavaHarness;
const converter = new JsonConverter();
converter.configure({ 'schemas.enable': 'true' }, false);
const text = (bytes: Uint8Array | null) => new TextDecoder().decode(bytes ?? new Uint8Array());

async function ask(requests: readonly object[]): Promise<Answer[]> {
  const answers = (await runJavaHarness(harness, requests)) as Answer[];
  for (const [i, a] of answers.entries())
    if (a.error !== undefined) throw new Error(`${JSON.stringify(requests[i])}: ${a.error}`);
  return answers;
}

/** A JsonConverter text with every struct's fields and payload keys sorted by name (mongo-kafka sorts them). */
function sortedFields(json: string): string {
  const sort = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(sort);
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(node).sort()) out[k] = sort((node as Record<string, unknown>)[k]);
    if (Array.isArray(out.fields))
      out.fields = [...(out.fields as { field: string }[])].sort((a, b) =>
        a.field < b.field ? -1 : 1,
      );
    return out;
  };
  const { schema, payload } = JSON.parse(json) as { schema: unknown; payload: unknown };
  return JSON.stringify({ schema: sort(schema), payload: sort(payload) });
}

beforeAll(async () => {
  harness = await buildJavaHarness({
    name: 'mongo-kafka-1.13.0',
    // Kafka's jars first: mongo-kafka's own dependencies bring an older Jackson.
    artifacts: [
      `org.apache.kafka:connect-json:${KAFKA_VERSION}`,
      'org.mongodb.kafka:mongo-kafka-connect:1.13.0',
    ],
    sourceDirs: [fileURLToPath(new URL('./java', import.meta.url))],
    mainClass: 'com.mongodb.kafka.connect.sink.converter.MongoKafkaHarness',
    jvmOptions: ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'],
  });
}, 600_000);

describe('against mongo-kafka 1.13.0 and the Java driver', () => {
  it('writes every BSON type as JSON text exactly as each output.json.formatter does', async () => {
    const cases = Object.entries(BSON_VECTORS).flatMap(([name, bytes]) =>
      Object.keys(FORMATTERS).map((formatter) => ({ name, bytes, formatter })),
    );
    const answers = await ask(
      cases.map((c) => ({
        kind: 'json',
        bson: c.bytes.toString('base64'),
        formatter: c.formatter,
      })),
    );
    const ours = cases.map(
      (c) =>
        `${c.name} ${c.formatter}: ${bsonToJson(c.bytes, FORMATTERS[c.formatter] as JsonMode)}`,
    );
    expect(ours).toEqual(cases.map((c, i) => `${c.name} ${c.formatter}: ${answers[i]?.json}`));
  });

  it('infers the same schemas and values as output.schema.infer.value, fields in document order instead of sorted', async () => {
    // The vectors whose types both map alike (the others are the named schemas of the README).
    const names = ['doubles', 'integers', 'strings', 'dates', 'common'];
    const cases = names.flatMap((name) =>
      ['DefaultJson', 'SimplifiedJson'].map((formatter) => ({
        name,
        formatter,
        bytes: BSON_VECTORS[name] as Buffer,
      })),
    );
    const answers = await ask(
      cases.map((c) => ({
        kind: 'infer',
        bson: c.bytes.toString('base64'),
        formatter: c.formatter,
      })),
    );
    const ours = cases.map((c) => {
      const doc = deserialize(c.bytes);
      const schema = inferDocumentSchema(doc);
      const mode = FORMATTERS[c.formatter] as JsonMode;
      return text(converter.fromConnectData('t', null, schema, toConnect(schema, doc, '', mode)));
    });
    expect(ours.map((o, i) => `${cases[i]?.name}: ${sortedFields(o)}`)).toEqual(
      answers.map((a, i) => `${cases[i]?.name}: ${sortedFields(a.connect ?? '')}`),
    );
    // Document order is kept (mongo-kafka sorts the fields by name).
    const first = JSON.parse(ours[0] as string).schema.fields.map(
      (f: { field: string }) => f.field,
    );
    expect(first.slice(0, 3)).toEqual(['one', 'tenth', 'million']);
  });

  it('turns Connect structs into the same BSON documents as the sink', async () => {
    const answers = await ask(CONNECT_VECTORS.map((connect) => ({ kind: 'sink', connect })));
    for (const [i, connect] of CONNECT_VECTORS.entries()) {
      const { schema, value } = converter.toConnectData(
        't',
        null,
        new TextEncoder().encode(connect),
      );
      const ours = BSON.serialize(structToDocument(value as never, ''));
      const theirs = Buffer.from(answers[i]?.bson ?? '', 'base64');
      expect(bsonToJson(ours, 'canonical'), `${schema?.name}`).toBe(
        bsonToJson(theirs, 'canonical'),
      );
    }
  });

  it('reads JSON text values into the same BSON documents as the sink', async () => {
    const texts = [
      '{"a": 1, "b": 2147483648, "c": 1.5, "d": 1e3, "e": -0.0, "f": "x", "g": null, "h": true}',
      '{"_id": {"$oid": "65f0a1b2c3d4e5f601234567"}, "at": {"$date": "2024-05-01T10:00:00.123Z"}, "n": {"$numberLong": "9007199254740993"}}',
      '{"d": {"$numberDecimal": "19.99"}, "b": {"$binary": {"base64": "PH0qHhssTV6PkAEjRWeJqw==", "subType": "04"}}, "arr": [1, [2, {"x": "y"}]]}',
      '{"legacyDate": {"$date": 1700000000000}, "legacyBinary": {"$binary": "AQI=", "$type": "00"}}',
      '{"beyondDouble": 9007199254740993, "min": -9223372036854775808, "s": "12345678901234567890", "e": 1234567890123456e3, "f": 12345678901234567.5}',
    ];
    const answers = await ask(texts.map((t) => ({ kind: 'parse', text: t })));
    for (const [i, t] of texts.entries()) {
      const theirs = Buffer.from(answers[i]?.bson ?? '', 'base64');
      expect(bsonToJson(BSON.serialize(parseExtendedJson(t)), 'canonical'), t).toBe(
        bsonToJson(theirs, 'canonical'),
      );
    }
    // Beyond int64 both refuse the record rather than round it.
    const beyond = '{"big": 12345678901234567890}';
    const [refused] = (await runJavaHarness(harness, [
      { kind: 'parse', text: beyond },
    ])) as Answer[];
    expect(refused?.error).toContain('NumberFormatException');
    expect(() => parseExtendedJson(beyond)).toThrow(
      'The JSON number 12345678901234567890 does not fit a 64-bit integer',
    );
  });
});
