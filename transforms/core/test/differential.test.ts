/**
 * Differential test against Apache Kafka's own transforms: a Java harness built from Kafka's
 * connect-transforms jars (the version the test-fixtures Kafka runs) applies every case of
 * `transform-cases.ts`, and so do ours (found through the Java class name in our plugin
 * manifest). Output records (topic, partition, key, value, schemas, headers, timestamp) must be
 * equal, and a case must fail on both sides or on neither.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ConnectHeaders,
  type ConnectRecord,
  Decimal,
  type Predicate,
  parsePluginManifest,
  SinkRecord,
  SourceRecord,
  type Transformation,
} from '@sluice/api';
import {
  buildJavaHarness,
  CONNECT_VALUES_JAVA_DIR,
  connectTypedValues,
  type JavaHarness,
  runJavaHarness,
  serviceDefinition,
} from '@sluice/test-fixtures';
import { beforeAll, describe, expect, it } from 'vitest';
import * as transforms from '../src/index.js';
import { CASES, type DifferentialCase, type RecordSpec } from './transform-cases.js';

const KAFKA_VERSION = serviceDefinition('kafka').version;
// Schemaless maps with string keys are plain objects, as the JSON converter reads them; and
// schemaless numbers compare by value (JS has one number type; see the README).
const { canonical, dumpSchema, dumpValue, toSchema, toValue } = connectTypedValues({
  stringKeyedMapsAsObjects: true,
  schemalessNumbers: 'by-value',
});

interface Answer {
  record?: unknown;
  result?: boolean;
  error?: string;
  stage?: string;
}

/**
 * Known, deliberate differences, each named by case and checked precisely:
 *
 * - MaskField of a Decimal field: Kafka puts `BigDecimal.ZERO` (scale 0) or the replacement's
 *   own scale into a Decimal field of another scale, which its converters then reject; ours uses
 *   the field's scale, so the value is valid for its schema.
 */
/**
 * - Before JDK 19, Java's `Double.toString`/`Float.toString` sometimes printed more digits than
 *   the shortest that identify the value (JDK-4511638); ours prints the shortest (JDK 19+). Only
 *   accepted when the harness JVM is older, and when both texts read back as the same number.
 */
function longerJavaDigits(theirs: unknown, ours: unknown): boolean {
  if (javaFeature >= 19) return false;
  const number = /-?\d+\.\d+(?:E-?\d+)?/g;
  const t = JSON.stringify(theirs);
  const o = JSON.stringify(ours);
  const a = t.match(number) ?? [];
  const b = o.match(number) ?? [];
  if (a.length !== b.length || a.length === 0) return false;
  const float = (x: string) => Math.fround(Number(x));
  return (
    a.every((x, i) => float(x) === float(b[i] as string)) &&
    t.replace(number, '#') === o.replace(number, '#')
  );
}

/**
 * InsertHeader: a literal Kafka parses into an array or map without an element schema (empty,
 * all null, or of types it cannot merge) gets such a schema there, which Sluice's schemas cannot
 * express; ours adds the same value without a schema.
 */
function elementlessSchemas(theirs: unknown, ours: unknown): boolean {
  const t = theirs as { record?: { headers?: { schema: Record<string, unknown> | null }[] } };
  const headers = t.record?.headers as
    | { schema: Record<string, unknown> | null; value: unknown }[]
    | undefined;
  if (headers === undefined) return false;
  let changed = false;
  const cleared = headers.map((h) => {
    const s = h.schema;
    if (s !== null && (s.items === null || s.values === null || s.keys === null)) {
      changed = true;
      return { ...h, schema: null, value: canonical(h.value, true) };
    }
    return h;
  });
  return (
    changed &&
    JSON.stringify({ ...t, record: { ...t.record, headers: cleared } }) === JSON.stringify(ours)
  );
}

const KNOWN_DIFFERENCES: Record<string, (theirs: unknown, ours: unknown) => boolean> = {
  'Cast floats to string 1.17549435e-38': longerJavaDigits,
  'MaskField decimal numbers': sameButDecimalScales,
  'MaskField decimal replacement numbers': sameButDecimalScales,
};
for (const name of ['null array', 'more empty array', 'more empty map', 'more mixed map']) {
  KNOWN_DIFFERENCES[`InsertHeader ${name} tombstone`] = elementlessSchemas;
}

/** Equal, except that decimals may have other scales as long as their values are equal. */
function sameButDecimalScales(theirs: unknown, ours: unknown): boolean {
  let scalesDiffer = false;
  const walk = (a: unknown, b: unknown): boolean => {
    if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return a === b;
    const da = (a as { decimal?: { unscaled: string; scale: number } }).decimal;
    const db = (b as { decimal?: { unscaled: string; scale: number } }).decimal;
    if (da !== undefined && db !== undefined) {
      const x = new Decimal(BigInt(da.unscaled), da.scale);
      const y = new Decimal(BigInt(db.unscaled), db.scale);
      if (x.scale !== y.scale) scalesDiffer = true;
      return x.compareTo(y) === 0;
    }
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) =>
      walk((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    );
  };
  return walk(theirs, ours) && scalesDiffer;
}

let harness: JavaHarness;
let javaFeature = 0;

beforeAll(async () => {
  harness = await buildJavaHarness({
    name: `kafka-transforms-${KAFKA_VERSION}`,
    artifacts: [
      `org.apache.kafka:connect-transforms:${KAFKA_VERSION}`,
      `org.apache.kafka:connect-json:${KAFKA_VERSION}`,
      `org.apache.kafka:connect-api:${KAFKA_VERSION}`,
    ],
    sourceDirs: [fileURLToPath(new URL('./java', import.meta.url)), CONNECT_VALUES_JAVA_DIR],
    mainClass: 'sluice.harness.TransformsHarness',
    // Kafka's Cast formats dates in the JVM's time zone; Sluice always uses UTC.
    jvmOptions: ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Duser.timezone=UTC'],
  });
  const [info] = (await runJavaHarness(harness, [{ kind: 'info' }])) as { java: string }[];
  javaFeature = Number(info?.java);
});

const manifest = parsePluginManifest(
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as unknown,
  '@sluice/transforms',
);

/** Our plugin for a Java class name, found through the manifest's aliases. */
function ourPlugin(kind: DifferentialCase['kind'], className: string): unknown {
  const declaration = manifest.plugins.find(
    (p) => p.kind === kind && p.aliases.includes(className),
  );
  if (declaration === undefined) throw new Error(`no ${kind} with alias ${className}`);
  const Plugin = (transforms as Record<string, unknown>)[
    declaration.exportName
  ] as new () => unknown;
  return new Plugin();
}

/** The record spec with every default filled in, as both sides read it. */
function complete(spec: RecordSpec): Required<RecordSpec> {
  return {
    sink: spec.sink ?? true,
    topic: spec.topic ?? 'orders',
    partition: spec.partition === undefined ? 1 : spec.partition,
    offset: spec.offset ?? 42,
    timestamp: spec.timestamp === undefined ? '1709634030400' : spec.timestamp,
    keySchema: spec.keySchema ?? null,
    key: spec.key ?? null,
    valueSchema: spec.valueSchema ?? null,
    value: spec.value ?? null,
    headers: spec.headers ?? [],
  };
}

function ourRecord(partial: RecordSpec): ConnectRecord {
  const spec = complete(partial);
  const keySchema = toSchema(spec.keySchema);
  const valueSchema = toSchema(spec.valueSchema);
  const headers = new ConnectHeaders();
  for (const h of spec.headers) {
    const schema = toSchema(h.schema);
    headers.add(h.key, toValue(schema, h.value), schema);
  }
  const fields = {
    topic: spec.topic,
    keySchema,
    key: toValue(keySchema, spec.key),
    valueSchema,
    value: toValue(valueSchema, spec.value),
    timestamp: spec.timestamp === null ? null : Number(spec.timestamp),
    headers,
  };
  if (!spec.sink) {
    return new SourceRecord({
      ...fields,
      kafkaPartition: spec.partition,
      sourcePartition: { table: 't' },
      sourceOffset: { id: 1 },
    });
  }
  return new SinkRecord({
    ...fields,
    kafkaPartition: spec.partition ?? 0,
    kafkaOffset: spec.offset,
  });
}

function dumpRecord(record: ConnectRecord): unknown {
  return {
    topic: record.topic,
    partition: record.kafkaPartition,
    timestamp: record.timestamp === null ? null : String(record.timestamp),
    keySchema: dumpSchema(record.keySchema),
    key: dumpValue(record.keySchema, record.key),
    valueSchema: dumpSchema(record.valueSchema),
    value: dumpValue(record.valueSchema, record.value),
    headers: record.headers.toArray().map((h) => ({
      key: h.key,
      schema: dumpSchema(h.schema),
      value: dumpValue(h.schema, h.value),
    })),
  };
}

function ours(c: DifferentialCase): Answer {
  const record = ourRecord(c.record);
  const plugin = ourPlugin(c.kind, c.className);
  let stage = 'configure';
  try {
    if (c.kind === 'predicate') {
      const p = plugin as Predicate;
      p.configure(c.config);
      stage = 'apply';
      return { result: p.test(record) };
    }
    const t = plugin as Transformation;
    t.configure(c.config);
    stage = 'apply';
    const out = t.apply(record);
    return { record: out === null ? null : dumpRecord(out) };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}`, stage };
  }
}

/**
 * The kind of error: Kafka's DataException, ConfigException or ConnectException, or `unchecked`
 * for Java's runtime exceptions (Kafka's IllegalArgumentException for an unknown ExtractField
 * field, its NullPointerException for an unknown HeaderFrom field), which ours raise as
 * DataException so that error tolerance handles them. A JS TypeError or ReferenceError is a bug
 * and never matches.
 */
function errorKind(error: string, java: boolean): string {
  const name = error.slice(0, error.indexOf(':'));
  const simple = name.slice(name.lastIndexOf('.') + 1);
  if (simple === 'SchemaBuilderException' || simple === 'DataException') return 'DataException';
  if (simple === 'ConfigException' || simple === 'ConnectException') return simple;
  return java ? 'unchecked' : `bug ${name}`;
}

/** A record dump in canonical form: schemaless parts compare numbers by value. */
function comparable(answer: Answer, java: boolean): unknown {
  if (answer.error !== undefined) {
    const kind = errorKind(answer.error, java);
    return { error: kind === 'unchecked' ? 'DataException' : kind, stage: answer.stage };
  }
  if (answer.result !== undefined) return { result: answer.result };
  const r = answer.record as Record<string, unknown> | null;
  if (r === null) return { record: null };
  const headers = (r.headers as { key: string; schema: unknown; value: unknown }[]).map((h) => ({
    key: h.key,
    schema: canonical(h.schema),
    value: canonical(h.value, h.schema === null),
  }));
  return {
    record: {
      ...r,
      keySchema: canonical(r.keySchema),
      key: canonical(r.key, r.keySchema === null),
      valueSchema: canonical(r.valueSchema),
      value: canonical(r.value, r.valueSchema === null),
      headers,
    },
  };
}

describe(`transforms match Kafka ${KAFKA_VERSION}'s connect-transforms`, () => {
  it('covers every transform and predicate Kafka ships', () => {
    const covered = new Set(CASES.map((c) => c.className));
    for (const plugin of manifest.plugins) {
      const javaName = plugin.aliases.find((a) => a.startsWith('org.apache.kafka.'));
      expect(covered.has(javaName ?? ''), `${plugin.name} has differential cases`).toBe(true);
    }
  });

  it('gives the same output records, or fails on both sides, for every case', async () => {
    const theirs = (await runJavaHarness(
      harness,
      CASES.map((c) => ({
        kind: c.kind,
        class: c.className,
        config: c.config,
        record: complete(c.record),
      })),
    )) as Answer[];
    const mismatches: string[] = [];
    CASES.forEach((c, i) => {
      const their = theirs[i] as Answer;
      if (their.stage === 'harness') throw new Error(`harness failed on ${c.name}: ${their.error}`);
      const our = ours(c);
      const a = comparable(their, true);
      const b = comparable(our, false);
      if (JSON.stringify(a) === JSON.stringify(b)) return;
      const known = KNOWN_DIFFERENCES[c.name];
      if (known?.(a, b)) return;
      mismatches.push(
        `${c.name}\n  kafka: ${JSON.stringify(their)}\n  ours:  ${JSON.stringify(our)}`,
      );
    });
    if (process.env.SLUICE_DIFF_REPORT) {
      CASES.forEach((c, i) => {
        const their = theirs[i] as Answer;
        process.stdout.write(
          `${c.name} => ${their.error ?? (their.result !== undefined ? their.result : 'record')}\n`,
        );
        const our = ours(c);
        if (their.error !== undefined) {
          const strip = (m: string) => m.slice(m.indexOf(': ') + 2);
          const same = strip(their.error) === strip(our.error ?? '');
          process.stdout.write(
            `MSG ${same ? 'same' : 'diff'} | ${strip(their.error)} | ${strip(our.error ?? '')}\n`,
          );
        }
      });
    }
    expect(mismatches, mismatches.join('\n\n')).toEqual([]);
  });
});
