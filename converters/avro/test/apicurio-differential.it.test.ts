/**
 * Differential test against a JVM Avro converter: Apicurio Registry's AvroConverter
 * (`io.apicurio:apicurio-registry-utils-converter`, from Maven Central; Confluent's own
 * converter is not published there), whose AvroData is a fork of Confluent's. A Java harness
 * converts the same Connect data against the same registry, set to Confluent's wire format
 * (magic byte, 4-byte id, no headers). For every case and AvroData config it compares the
 * schema each side registers, the bytes each side writes, and what each side reads from its
 * own bytes and from the other's.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { ConnectHeaders } from '@sluice/api';
import {
  buildJavaHarness,
  CONNECT_VALUES_JAVA_DIR,
  connectTypedValues,
  type JavaHarness,
  runJavaHarness,
  schemaRegistryUrl,
} from '@sluice/test-fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import { AvroConverter, readSchemaId } from '../src/index.js';
import { AVRO_DATA_CONFIGS, CASES, type DifferentialCase } from './differential-cases.js';

const APICURIO_VERSION = '2.4.2.Final';
const CCOMPAT_PATH = '/apis/ccompat/v7';

interface EncodeAnswer {
  bytes?: string | null;
  error?: string;
}
interface DecodeAnswer {
  schema?: unknown;
  value?: unknown;
  error?: string;
}

// Schemaless, JS has one number type: numbers compare by value (see the README).
const { canonical, dumpSchema, dumpValue, toSchema, toValue } = connectTypedValues({
  schemalessNumbers: 'by-value',
});
const headers = new ConnectHeaders();
const run = randomUUID().slice(0, 8);

let harness: JavaHarness;

beforeAll(async () => {
  harness = await buildJavaHarness({
    name: `apicurio-avro-converter-${APICURIO_VERSION}`,
    artifacts: [`io.apicurio:apicurio-registry-utils-converter:${APICURIO_VERSION}`],
    // Its JSON Schema converter's serde needs a jar that is on JitPack only; the Avro one does not.
    exclusions: ['io.apicurio:apicurio-registry-serdes-jsonschema-serde'],
    sourceDirs: [fileURLToPath(new URL('./java', import.meta.url)), CONNECT_VALUES_JAVA_DIR],
    mainClass: 'sluice.harness.AvroConverterHarness',
    jvmOptions: ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1'],
  });
});

/** Apicurio's own API beside the ccompat one the converter uses. */
function apicurioUrl(): string {
  const url = schemaRegistryUrl().replace(/\/+$/, '');
  if (!url.endsWith(CCOMPAT_PATH)) {
    throw new Error(
      `the Avro differential test runs Apicurio's converter, which needs Apicurio Registry's own API: SLUICE_SCHEMA_REGISTRY_URL=${url} is not an Apicurio ${CCOMPAT_PATH} URL`,
    );
  }
  return `${url.slice(0, -CCOMPAT_PATH.length)}/apis/registry/v2`;
}

/** Apicurio's serdes set to Confluent's framing: magic byte 0, 4-byte content id, no headers. */
function javaConfig(avroData: Record<string, string>): Record<string, string> {
  return {
    'apicurio.registry.url': apicurioUrl(),
    'apicurio.registry.auto-register': 'true',
    'apicurio.registry.as-confluent': 'true',
    'apicurio.registry.use-id': 'contentId',
    'apicurio.registry.headers.enabled': 'false',
    // Register the whole schema, as Confluent does, not nested records as references.
    'apicurio.registry.dereference-schema': 'true',
    ...avroData,
  };
}

const ourConverters = new Map<string, AvroConverter>();
function ourConverter(avroData: Record<string, string>, isKey: boolean): AvroConverter {
  const key = JSON.stringify([avroData, isKey]);
  let converter = ourConverters.get(key);
  if (converter === undefined) {
    converter = new AvroConverter();
    converter.configure({ 'schema.registry.url': schemaRegistryUrl(), ...avroData }, isKey);
    ourConverters.set(key, converter);
  }
  return converter;
}

async function ourEncode(
  c: DifferentialCase,
  avroData: Record<string, string>,
  topic: string,
): Promise<EncodeAnswer> {
  try {
    const schema = toSchema(c.schema);
    const bytes = await ourConverter(avroData, c.isKey === true).fromConnectData(
      topic,
      headers,
      schema,
      toValue(schema, c.value),
    );
    return { bytes: bytes === null ? null : Buffer.from(bytes).toString('base64') };
  } catch (error) {
    return { error: String(error) };
  }
}

async function ourDecode(
  c: DifferentialCase,
  avroData: Record<string, string>,
  topic: string,
  bytes: string | null,
): Promise<DecodeAnswer> {
  try {
    const result = await ourConverter(avroData, c.isKey === true).toConnectData(
      topic,
      headers,
      bytes === null ? null : new Uint8Array(Buffer.from(bytes, 'base64')),
    );
    return { schema: dumpSchema(result.schema), value: dumpValue(result.schema, result.value) };
  } catch (error) {
    return { error: String(error) };
  }
}

const registered = new Map<number, string>();
/** The schema text the registry holds under `id`, as each side registered it. */
async function registeredSchema(id: number): Promise<string> {
  let text = registered.get(id);
  if (text === undefined) {
    const response = await fetch(`${schemaRegistryUrl()}/schemas/ids/${id}`);
    const body = await response.text();
    if (!response.ok) throw new Error(`schema ${id}: ${response.status} ${body}`);
    text = (JSON.parse(body) as { schema: string }).schema;
    registered.set(id, text);
  }
  return text;
}

function comparable(answer: DecodeAnswer): unknown {
  if (answer.error !== undefined) return { error: true };
  const schemaless = answer.schema === null;
  return { schema: canonical(answer.schema), value: canonical(answer.value, schemaless) };
}

const hex = (b64: string) => Buffer.from(b64, 'base64').toString('hex');

interface Job {
  readonly c: DifferentialCase;
  readonly avroData: Record<string, string>;
  readonly label: string;
  readonly javaTopic: string;
  readonly ourTopic: string;
}

describe(`AvroConverter matches Apicurio Registry ${APICURIO_VERSION}'s AvroConverter`, () => {
  it("registers the same schemas, writes the same bytes and reads each other's bytes to the same data", async () => {
    const jobs: Job[] = AVRO_DATA_CONFIGS.flatMap((avroData, configIndex) =>
      CASES.filter((c) => configIndex === 0 || c.defaultConfigOnly !== true).map((c) => {
        // One subject per side and config: each case adds a version (Apicurio checks no
        // compatibility unless asked), and a run leaves a dozen subjects in the registry.
        const topic = `avro-diff-${run}-${configIndex}`;
        const config = Object.entries(avroData).map(([k, v]) => `${k}=${v}`);
        return {
          c,
          avroData,
          label: `${c.name}${config.length > 0 ? ` [${config.join(',')}]` : ''}`,
          javaTopic: `${topic}-java`,
          ourTopic: `${topic}-ours`,
        };
      }),
    );

    const javaEncoded = (await runJavaHarness(
      harness,
      jobs.map(({ c, avroData, javaTopic }) => ({
        op: 'encode',
        config: javaConfig(avroData),
        isKey: c.isKey === true,
        topic: javaTopic,
        schema: c.schema,
        value: c.value,
      })),
    )) as EncodeAnswer[];
    const ourEncoded: EncodeAnswer[] = [];
    for (const job of jobs) ourEncoded.push(await ourEncode(job.c, job.avroData, job.ourTopic));

    const differences: string[] = [];
    for (const [i, { label }] of jobs.entries()) {
      const theirs = javaEncoded[i] as EncodeAnswer;
      const ours = ourEncoded[i] as EncodeAnswer;
      if ((theirs.error === undefined) !== (ours.error === undefined)) {
        differences.push(
          `encode ${label}: java ${theirs.error ?? 'ok'} / ours ${ours.error ?? 'ok'}`,
        );
        continue;
      }
      if (typeof theirs.bytes !== 'string' || typeof ours.bytes !== 'string') {
        if (theirs.bytes !== ours.bytes) {
          differences.push(`encode ${label}: java ${theirs.bytes} / ours ${ours.bytes}`);
        }
        continue;
      }
      const javaBytes = Buffer.from(theirs.bytes, 'base64');
      const ourBytes = Buffer.from(ours.bytes, 'base64');
      const javaSchema = await registeredSchema(readSchemaId(javaBytes));
      const ourSchema = await registeredSchema(readSchemaId(ourBytes));
      if (javaSchema !== ourSchema) {
        differences.push(`schema ${label}:\n  java ${javaSchema}\n  ours ${ourSchema}`);
      }
      // Equal schemas have one content id, so the whole messages compare; else the Avro values.
      const [a, b] =
        javaSchema === ourSchema
          ? [javaBytes, ourBytes]
          : [javaBytes.subarray(5), ourBytes.subarray(5)];
      if (!a.equals(b)) {
        differences.push(
          `bytes ${label}:\n  java ${a.toString('hex')}\n  ours ${b.toString('hex')}`,
        );
      }
    }

    // Both directions: each side reads Java's bytes and ours, on the topic that wrote them.
    const decodeJobs = jobs.flatMap((job, i) => {
      const out: { job: Job; label: string; topic: string; bytes: string | null }[] = [];
      const theirs = javaEncoded[i] as EncodeAnswer;
      const ours = ourEncoded[i] as EncodeAnswer;
      if (theirs.bytes !== undefined) {
        out.push({
          job,
          label: `java bytes of ${job.label}`,
          topic: job.javaTopic,
          bytes: theirs.bytes,
        });
      }
      if (ours.bytes !== undefined) {
        out.push({
          job,
          label: `our bytes of ${job.label}`,
          topic: job.ourTopic,
          bytes: ours.bytes,
        });
      }
      return out;
    });
    const javaDecoded = (await runJavaHarness(
      harness,
      decodeJobs.map(({ job, topic, bytes }) => ({
        op: 'decode',
        config: javaConfig(job.avroData),
        isKey: job.c.isKey === true,
        topic,
        bytes,
      })),
    )) as DecodeAnswer[];
    for (const [i, { job, label, topic, bytes }] of decodeJobs.entries()) {
      const theirAnswer = javaDecoded[i] as DecodeAnswer;
      const ourAnswer = await ourDecode(job.c, job.avroData, topic, bytes);
      const theirs = JSON.stringify(comparable(theirAnswer));
      const ours = JSON.stringify(comparable(ourAnswer));
      if (theirs !== ours) {
        differences.push(
          `decode ${label}:\n  java ${theirAnswer.error ?? theirs}\n  ours ${ourAnswer.error ?? ours}`,
        );
      }
    }

    (await import('node:fs')).writeFileSync('/tmp/avro-diff.txt', differences.join('\n'));
    expect(differences.join('\n')).toBe('');
    expect(jobs.length).toBeGreaterThan(150);
    void hex;
  });
});
