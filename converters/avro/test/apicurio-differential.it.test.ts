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
import { AvroConverter, HEADER_SIZE, readSchemaId } from '../src/index.js';
import {
  configLabel,
  type Difference,
  KNOWN_DIFFERENCES,
  type KnownDifference,
} from './apicurio-differences.js';
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
  const schemaless = answer.schema === null;
  return { schema: canonical(answer.schema), value: canonical(answer.value, schemaless) };
}

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
        return {
          c,
          avroData,
          label: `${c.name}${configLabel(avroData)}`,
          javaTopic: `${topic}-java`,
          ourTopic: `${topic}-ours`,
        };
      }),
    );
    const differences: Difference[] = [];
    const differ = (
      key: string,
      java: string,
      ours: string,
      failed: [boolean, boolean] = [false, false],
    ) => differences.push({ key, java, ours, javaFailed: failed[0], oursFailed: failed[1] });

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

    let sameBytes = 0;
    for (const [i, { label }] of jobs.entries()) {
      const theirs = javaEncoded[i] as EncodeAnswer;
      const ours = ourEncoded[i] as EncodeAnswer;
      if (typeof theirs.bytes !== 'string' || typeof ours.bytes !== 'string') {
        // Both failing is agreement (the messages are each runtime's own), as are two nulls.
        const javaFailed = theirs.error !== undefined;
        const oursFailed = ours.error !== undefined;
        if (javaFailed !== oursFailed || (!javaFailed && theirs.bytes !== ours.bytes)) {
          const show = (a: EncodeAnswer) => a.error ?? (a.bytes === null ? 'null' : 'bytes');
          differ(`encode ${label}`, show(theirs), show(ours), [javaFailed, oursFailed]);
        }
        continue;
      }
      const javaBytes = Buffer.from(theirs.bytes, 'base64');
      const ourBytes = Buffer.from(ours.bytes, 'base64');
      const javaId = readSchemaId(javaBytes);
      const ourId = readSchemaId(ourBytes);
      const javaSchema = await registeredSchema(javaId);
      const ourSchema = await registeredSchema(ourId);
      if (javaSchema !== ourSchema) differ(`schema ${label}`, javaSchema, ourSchema);
      else if (javaId !== ourId) differ(`id ${label}`, String(javaId), String(ourId));
      const javaBody = javaBytes.subarray(HEADER_SIZE).toString('hex');
      const ourBody = ourBytes.subarray(HEADER_SIZE).toString('hex');
      if (javaBody !== ourBody) differ(`bytes ${label}`, javaBody, ourBody);
      else sameBytes++;
    }

    // Both directions: each side reads Java's bytes and ours, on the topic that wrote them.
    const decodeJobs = jobs.flatMap((job, i) => {
      const out: { job: Job; key: string; topic: string; bytes: string | null }[] = [];
      const theirs = (javaEncoded[i] as EncodeAnswer).bytes;
      const ours = (ourEncoded[i] as EncodeAnswer).bytes;
      if (theirs !== undefined) {
        out.push({
          job,
          key: `decode java bytes of ${job.label}`,
          topic: job.javaTopic,
          bytes: theirs,
        });
      }
      if (ours !== undefined) {
        out.push({
          job,
          key: `decode our bytes of ${job.label}`,
          topic: job.ourTopic,
          bytes: ours,
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
    let sameData = 0;
    for (const [i, { job, key, topic, bytes }] of decodeJobs.entries()) {
      const theirs = javaDecoded[i] as DecodeAnswer;
      const ours = await ourDecode(job.c, job.avroData, topic, bytes);
      const java = theirs.error ?? JSON.stringify(comparable(theirs));
      const our = ours.error ?? JSON.stringify(comparable(ours));
      if (theirs.error !== undefined && ours.error !== undefined) continue;
      if (java !== our)
        differ(key, java, our, [theirs.error !== undefined, ours.error !== undefined]);
      else sameData++;
    }

    const unexpected: string[] = [];
    const explained = new Map<KnownDifference, string[]>(KNOWN_DIFFERENCES.map((k) => [k, []]));
    for (const d of differences) {
      const known = KNOWN_DIFFERENCES.find((k) => k.where.includes(d.key));
      if (known?.matches(d)) explained.get(known)?.push(d.key);
      else unexpected.push(`${d.key}:\n  java ${d.java}\n  ours ${d.ours}`);
    }
    expect(unexpected.join('\n')).toBe('');
    // A known difference that is gone (fixed, or no longer covered) must leave the list too.
    for (const [known, keys] of explained) {
      expect(keys.sort(), known.why).toEqual([...known.where].sort());
    }
    // What agreed, so that a harness answering nothing cannot pass.
    expect(jobs.length).toBeGreaterThanOrEqual(150);
    expect(sameBytes).toBeGreaterThanOrEqual(120);
    expect(sameData).toBeGreaterThanOrEqual(245);
  });
});
