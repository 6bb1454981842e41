/**
 * Where our AvroConverter and Apicurio Registry 2.4.2's differ, and why: the exact list the
 * differential test allows (README, "Differential test"). Apicurio's AvroData is a fork of
 * Confluent's from before Confluent 7; where the two part, ours follows Confluent's current
 * AvroData, and each such difference is one of Apicurio's fork. Each entry names the cases it
 * covers and checks that a difference is exactly this one, so a new difference, or a known one
 * that changes shape or goes away, fails the test.
 */
import { anythingAvroType, schemalessFromAvro } from '../src/schemaless.js';
import { AVRO_DATA_CONFIGS } from './differential-cases.js';

/** One difference the test found: `aspect` is encode, schema, bytes or decode. */
export interface Difference {
  /** `<aspect> <case>` and ` [<config>]` when the config is not the default, e.g. `schema documented`. */
  readonly key: string;
  /** Java's side: an error message, the schema text, the bytes (hex) or the decoded data (JSON). */
  readonly java: string;
  readonly ours: string;
  readonly javaFailed: boolean;
  readonly oursFailed: boolean;
}

export interface KnownDifference {
  readonly why: string;
  /** The difference keys it explains, all of them. */
  readonly where: readonly string[];
  /** Whether `d` is exactly this difference. */
  readonly matches: (d: Difference) => boolean;
}

/** The label suffix of each AvroData config, as the test writes it. */
export function configLabel(config: Record<string, string>): string {
  const entries = Object.entries(config).map(([k, v]) => `${k}=${v}`);
  return entries.length === 0 ? '' : ` [${entries.join(',')}]`;
}

const everyConfig = (...keys: string[]) =>
  keys.flatMap((key) => AVRO_DATA_CONFIGS.map((config) => `${key}${configLabel(config)}`));
const configs = (key: string, ...which: number[]) =>
  which.map((i) => `${key}${configLabel(AVRO_DATA_CONFIGS[i] as Record<string, string>)}`);

const javaFailsWith = (pattern: RegExp) => (d: Difference) =>
  d.javaFailed && !d.oursFailed && pattern.test(d.java);

/** Both sides parsed, `edit` applied to each, compared. */
function sameAfter(d: Difference, edit: (value: unknown) => unknown): boolean {
  if (d.javaFailed || d.oursFailed) return false;
  const java = JSON.stringify(edit(JSON.parse(d.java)));
  const ours = JSON.stringify(edit(JSON.parse(d.ours)));
  return java === ours;
}

/** A copy of `value` with `edit` applied to every object in it, innermost first. */
function mapObjects(
  value: unknown,
  edit: (o: Record<string, unknown>) => Record<string, unknown>,
): unknown {
  if (Array.isArray(value)) return value.map((v) => mapObjects(v, edit));
  if (value === null || typeof value !== 'object') return value;
  return edit(Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapObjects(v, edit)])));
}

/** A copy of `value` without the object keys `drop` selects. */
const without = (value: unknown, drop: (key: string, parent: Record<string, unknown>) => boolean) =>
  mapObjects(value, (o) => Object.fromEntries(Object.entries(o).filter(([k]) => !drop(k, o))));

const FIELD_DOC_PARAMETER = 'io.confluent.connect.avro.field.doc.';

/** The Anything record's value of an Avro body (hex), numbers as numbers. */
function schemalessValue(hex: string): string {
  const value = schemalessFromAvro(anythingAvroType().fromBuffer(Buffer.from(hex, 'hex')));
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'bigint' ? Number(v) : v instanceof Map ? [...v] : v,
  );
}

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    why: "Field docs: Apicurio's fork writes an Avro field's doc from the field schema's doc and reads it back there; Confluent's AvroData writes it from the struct's io.confluent.connect.avro.field.doc.<field> parameter and reads it into that parameter, as ours does.",
    where: [...everyConfig('schema documented'), ...everyConfig('decode java bytes of documented')],
    matches: (d) =>
      d.key.startsWith('schema')
        ? // Avro field objects: a name and a type that is not 'record'.
          sameAfter(d, (v) =>
            without(v, (k, parent) => k === 'doc' && 'name' in parent && parent.type !== 'record'),
          )
        : sameAfter(d, (v) =>
            without(
              v,
              (k, parent) =>
                k.startsWith(FIELD_DOC_PARAMETER) || (k === 'doc' && !('fields' in parent)),
            ),
          ),
  },
  {
    why: "The connect.default of a bytes or Decimal schema: Apicurio's fork writes it in base64; Confluent's AvroData writes the ISO-8859-1 string Avro uses for bytes defaults, as ours does (the field's Avro default is the same on both sides).",
    where: configs('schema defaults', 0, 2),
    matches: (d) => {
      if (d.javaFailed) return false;
      const latin1 = (o: Record<string, unknown>) =>
        o.type === 'bytes' && typeof o['connect.default'] === 'string'
          ? {
              ...o,
              'connect.default': Buffer.from(o['connect.default'], 'base64').toString('latin1'),
            }
          : o;
      return (
        JSON.stringify(mapObjects(JSON.parse(d.java), latin1)) ===
        JSON.stringify(JSON.parse(d.ours))
      );
    },
  },
  {
    why: "A struct default: Apicurio's fork can neither write one (it hands Avro the Struct) nor read one; Confluent's AvroData writes it as a JSON object and reads it back, as ours does.",
    where: everyConfig('encode struct default', 'decode our bytes of struct default'),
    matches: javaFailsWith(
      /Unknown datum class: class org\.apache\.kafka\.connect\.data\.Struct|Invalid type for STRUCT: class java\.util\.LinkedHashMap/,
    ),
  },
  {
    why: "A default of a map with non-string keys: Apicurio's fork writes a JSON object, which Avro refuses for an array of MapEntry records. Confluent's AvroData writes [[key, value], ...] in connect.default and leaves the Avro field without a default (Avro refuses that one too), as ours does. Reading it, the fork fails; Confluent's logs 'Ignoring invalid default' and drops it; ours reads back the map that was written.",
    where: [
      ...everyConfig('encode default of a map with int32 keys'),
      ...configs('decode our bytes of default of a map with int32 keys', 0, 2),
    ],
    matches: javaFailsWith(
      /Invalid default for field byId: \{"7":"seven"\}|Invalid JSON for record default value: \[7,"seven"\]/,
    ),
  },
  {
    why: "Nested structs without a name: Apicurio's fork names each one io.confluent.connect.avro.ConnectDefault, which Avro refuses ('Can't redefine'), and reads back the names ConnectDefault2, 3, ...; Confluent's AvroData numbers them and drops every ConnectDefault name when reading, as ours does.",
    where: everyConfig('encode anonymous structs', 'decode our bytes of anonymous structs'),
    matches: (d) =>
      d.key.startsWith('encode')
        ? javaFailsWith(/Can't redefine: io\.confluent\.connect\.avro\.ConnectDefault/)(d)
        : sameAfter(d, (v) =>
            without(
              v,
              (k, parent) =>
                k === 'name' &&
                /^io\.confluent\.connect\.avro\.ConnectDefault\d*$/.test(String(parent.name)),
            ),
          ),
  },
  {
    why: "A Connect union (an io.confluent.connect.avro.Union struct) at top level: Apicurio's serializer registers the schema of the Avro value it is handed, for a union the member's (\"string\"), and writes no branch index; Confluent's registers the union AvroData maps the Connect schema to and writes the branch, as ours does.",
    where: everyConfig('schema union string', 'bytes union string'),
    matches: (d) =>
      d.key.startsWith('schema')
        ? d.java === '"string"' &&
          d.ours.startsWith('["int","string",{"type":"record","name":"Line"')
        : d.ours === `02${d.java}`,
  },
  {
    why: 'Schemaless numbers: JS has one number type, so ours writes an integer in the int32 range as int and any other number as double (a bigint as long), where Java writes a Long as long; each side reads the same numbers back from either.',
    where: [
      'bytes schemaless int64',
      'bytes schemaless int64 beyond int32',
      'bytes schemaless map',
    ],
    matches: (d) => !d.javaFailed && schemalessValue(d.java) === schemalessValue(d.ours),
  },
  {
    why: "Schemaless bytes: Confluent's AvroData refuses them ('Unknown Java type for schemaless data'), as Apicurio's fork does; ours writes them in the Anything record's bytes field, which both read.",
    where: ['encode schemaless bytes'],
    matches: javaFailsWith(/Unknown Java type for schemaless data: class \[B/),
  },
];
