import {
  ConfigDef,
  ConfigException,
  ConnectDate,
  type ConnectRecord,
  ConnectTime,
  DataException,
  Decimal,
  type Schema,
  SchemaBuilder,
  type SchemaType,
  Struct,
  type Transformation,
} from '@sluice/api';
import { fieldValue, REPLACE_NULL_WITH_DEFAULT_DOC } from './field-value.js';
import {
  javaBigDecimalToString,
  javaDoubleToString,
  javaFloatToString,
  javaIntValue,
  javaLongValue,
  javaNarrow,
  javaParseDouble,
  javaParseInteger,
} from './java-numbers.js';
import { splitLikeJava } from './java-split.js';
import { PLUGIN_VERSION } from './plugin-version.js';
import { KEY, type RecordPart, VALUE } from './record-part.js';
import { requireMap, requireStruct } from './requirements.js';
import { SchemaCache } from './schema-cache.js';
import { copySchemaBasics } from './schema-copy.js';
import { isSchemalessMap, MapDraft, mapGet } from './schemaless-map.js';
import { SimpleDateFormat } from './simple-date-format.js';
import { valueKind } from './value-kind.js';

const PURPOSE = 'cast types';
const INPUT_TYPES: readonly SchemaType[] = [
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FLOAT32',
  'FLOAT64',
  'BOOLEAN',
  'STRING',
  'BYTES',
];
const OUTPUT_TYPES: readonly SchemaType[] = [
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FLOAT32',
  'FLOAT64',
  'BOOLEAN',
  'STRING',
];
const ALL_TYPES = new Set<string>([...INPUT_TYPES, 'ARRAY', 'MAP', 'STRUCT']);
const MILLIS_PER_DAY = 86_400_000;
const DATE_FORMAT = new SimpleDateFormat('yyyy-MM-dd');
const TIME_FORMAT = new SimpleDateFormat("HH:mm:ss.SSS'Z'");
const TIMESTAMP_FORMAT = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");

/** What `spec` parses to: a cast per field, or one for the whole key/value. */
interface CastSpec {
  readonly fields: ReadonlyMap<string, SchemaType>;
  readonly whole: SchemaType | null;
}

function parseType(text: string): SchemaType {
  const type = text.trim().toUpperCase();
  if (!ALL_TYPES.has(type)) {
    throw new ConfigException(`Invalid type found in casting spec: ${text.trim()}`, {
      key: 'spec',
      value: text,
    });
  }
  if (!OUTPUT_TYPES.includes(type as SchemaType)) {
    throw new ConfigException(
      `Cast transformation does not support casting to ${type}; supported types are [${OUTPUT_TYPES.join(', ')}]`,
      { key: 'spec', value: text },
    );
  }
  return type as SchemaType;
}

function parseSpec(mappings: readonly string[]): CastSpec {
  if (mappings.length === 0) {
    throw new ConfigException('Must specify at least one field to cast.', { key: 'spec' });
  }
  const fields = new Map<string, SchemaType>();
  let whole: SchemaType | null = null;
  for (const mapping of mappings) {
    const parts = splitLikeJava(mapping, ':');
    if (parts.length > 2) {
      throw ConfigException.invalid('spec', mappings, `Invalid rename mapping: ${mapping}`);
    }
    if (parts.length === 1) whole = parseType(parts[0] as string);
    else fields.set((parts[0] as string).trim(), parseType(parts[1] as string));
  }
  if (whole !== null && mappings.length > 1) {
    throw new ConfigException(
      'Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec',
      { key: 'spec', value: mappings },
    );
  }
  return { fields, whole };
}

const CONFIG_DEF = new ConfigDef()
  .define('spec', {
    type: 'LIST',
    validator: {
      ensureValid: (_name: string, value: unknown) => {
        parseSpec(value as string[]);
      },
      toString: () => 'list of colon-delimited pairs, e.g. `foo:bar,abc:xyz`',
    },
    importance: 'HIGH',
    documentation:
      'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string.',
  })
  .define('replace.null.with.default', {
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

/** The Connect type Kafka infers for a schemaless value (`ConnectSchema.schemaType`), or null. */
function inferType(value: unknown): SchemaType | null {
  if (typeof value === 'boolean') return 'BOOLEAN';
  if (typeof value === 'bigint') return 'INT64';
  if (typeof value === 'number') return Number.isInteger(value) ? 'INT64' : 'FLOAT64';
  if (typeof value === 'string') return 'STRING';
  if (value instanceof Uint8Array) return 'BYTES';
  if (Array.isArray(value)) return 'ARRAY';
  if (value instanceof Struct) return 'STRUCT';
  if (isSchemalessMap(value)) return 'MAP';
  return null;
}

/** Java's `Values.dateFormatFor`: a time, a date or a timestamp, by the value. */
function formatDate(value: Date): string {
  const ms = value.getTime();
  if (ms < MILLIS_PER_DAY) return TIME_FORMAT.format(ms);
  if (ms % MILLIS_PER_DAY === 0) return DATE_FORMAT.format(ms);
  return TIMESTAMP_FORMAT.format(ms);
}

/** Casts one value, as Kafka's `Cast.castValueToType`. */
function castValue(schema: Schema | null, value: unknown, target: SchemaType): unknown {
  if (value === null || value === undefined) return null;
  const inferred = schema === null ? inferType(value) : schema.type;
  if (inferred === null) {
    throw new DataException(
      `Cast transformation was passed a value of type ${valueKind(value)} which is not supported by Connect's data API`,
    );
  }
  if (!INPUT_TYPES.includes(inferred)) {
    throw new DataException(
      `Cast transformation does not support casting from ${inferred}; supported types are [${INPUT_TYPES.join(', ')}]`,
    );
  }
  let v = value;
  // Logical types become their underlying INT32/INT64 value, except when cast to a string.
  if (schema !== null && schema.name !== null && target !== 'STRING' && v instanceof Date) {
    if (schema.name === ConnectDate.LOGICAL_NAME) v = ConnectDate.fromLogical(schema, v);
    else if (schema.name === ConnectTime.LOGICAL_NAME) v = ConnectTime.fromLogical(schema, v);
    else v = BigInt(v.getTime());
  }
  const floating =
    (schema === null && typeof v === 'number' && !Number.isInteger(v)) ||
    schema?.type === 'FLOAT32' ||
    schema?.type === 'FLOAT64';
  const isNumber = typeof v === 'number' || typeof v === 'bigint' || v instanceof Decimal;
  const num = v as number | bigint | Decimal;
  try {
    switch (target) {
      case 'INT8':
        if (isNumber) return javaNarrow(num, 8, floating);
        if (typeof v === 'boolean') return v ? 1 : 0;
        if (typeof v === 'string') return Number(javaParseInteger(v, 8));
        break;
      case 'INT16':
        if (isNumber) return javaNarrow(num, 16, floating);
        if (typeof v === 'boolean') return v ? 1 : 0;
        if (typeof v === 'string') return Number(javaParseInteger(v, 16));
        break;
      case 'INT32':
        if (isNumber) return javaIntValue(num, floating);
        if (typeof v === 'boolean') return v ? 1 : 0;
        if (typeof v === 'string') return Number(javaParseInteger(v, 32));
        break;
      case 'INT64':
        if (isNumber) return javaLongValue(num, floating);
        if (typeof v === 'boolean') return v ? 1n : 0n;
        if (typeof v === 'string') return javaParseInteger(v, 64);
        break;
      case 'FLOAT32':
        if (isNumber) return Math.fround(toDouble(num));
        if (typeof v === 'boolean') return v ? 1 : 0;
        if (typeof v === 'string') return Math.fround(javaParseDouble(v));
        break;
      case 'FLOAT64':
        if (isNumber) return toDouble(num);
        if (typeof v === 'boolean') return v ? 1 : 0;
        if (typeof v === 'string') return javaParseDouble(v);
        break;
      case 'BOOLEAN':
        if (isNumber) return javaLongValue(num, floating) !== 0n;
        if (typeof v === 'boolean') return v;
        if (typeof v === 'string') return v.toLowerCase() === 'true';
        break;
      case 'STRING':
        return castToString(v, schema);
      default:
        throw new DataException(`${target} is not supported in the Cast transformation.`);
    }
  } catch (error) {
    if (
      error instanceof DataException &&
      /^(For input string|Value out of range)/.test(error.message)
    ) {
      throw new DataException(`Value (${String(value)}) was out of range for requested data type`, {
        cause: error,
      });
    }
    throw error;
  }
  throw new DataException(`Unexpected type in Cast transformation: ${valueKind(v)}`);
}

function toDouble(value: number | bigint | Decimal): number {
  return value instanceof Decimal ? Number(value.toString()) : Number(value);
}

function castToString(value: unknown, schema: Schema | null): string {
  if (value instanceof Date) return formatDate(value);
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof Decimal) return javaBigDecimalToString(value);
  if (typeof value === 'number') {
    const type = schema?.type ?? (Number.isInteger(value) ? 'INT64' : 'FLOAT64');
    if (type === 'FLOAT32') return javaFloatToString(value);
    if (type === 'FLOAT64') return javaDoubleToString(value);
    return String(value);
  }
  return String(value);
}

/**
 * Casts fields of the key or value (or the whole key or value) to another primitive type, as
 * Kafka's `Cast`: `spec=age:int32,score:float64` or `spec=string`.
 */
export abstract class Cast<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  private spec: CastSpec = { fields: new Map(), whole: null };
  private replaceNullWithDefault = true;
  private readonly cache = new SchemaCache();

  protected constructor(private readonly part: RecordPart) {}

  configure(props: Record<string, unknown>): void {
    const config = CONFIG_DEF.parse(props);
    this.spec = parseSpec(config.spec);
    this.replaceNullWithDefault = config['replace.null.with.default'];
    this.cache.clear();
  }

  apply(record: R): R {
    const raw = this.part.value(record);
    if (raw === null) return record;
    const schema = this.part.schema(record);
    const { whole, fields } = this.spec;
    if (schema === null) {
      if (whole !== null) return this.part.update(record, null, castValue(null, raw, whole));
      const value = requireMap(raw, PURPOSE);
      const updated = MapDraft.copyOf(value);
      for (const [field, type] of fields) {
        updated.set(field, castValue(null, mapGet(value, field), type));
      }
      return this.part.update(record, null, updated.build());
    }
    const updatedSchema = this.cache.get(schema, (s) => this.buildSchema(s));
    if (whole !== null) {
      return this.part.update(record, updatedSchema, castValue(schema, raw, whole));
    }
    const value = requireStruct(raw, PURPOSE);
    const updated = new Struct(updatedSchema);
    for (const field of value.schema.fields) {
      const original = fieldValue(value, field, this.replaceNullWithDefault);
      const target = fields.get(field.name);
      updated.put(
        field.name,
        target === undefined ? original : castValue(field.schema, original, target),
      );
    }
    return this.part.update(record, updatedSchema, updated);
  }

  private buildSchema(schema: Schema): Schema {
    const { whole, fields } = this.spec;
    let builder: SchemaBuilder;
    if (whole !== null) builder = copySchemaBasics(schema, new SchemaBuilder(whole));
    else {
      builder = copySchemaBasics(schema, SchemaBuilder.struct());
      for (const field of schema.fields) {
        const target = fields.get(field.name);
        if (target === undefined) {
          builder.field(field.name, field.schema);
          continue;
        }
        const fieldBuilder = new SchemaBuilder(target);
        if (field.schema.optional) fieldBuilder.optional();
        if (field.schema.defaultValue !== null) {
          fieldBuilder.defaultValue(castValue(field.schema, field.schema.defaultValue, target));
        }
        builder.field(field.name, fieldBuilder.build());
      }
    }
    if (schema.optional) builder.optional();
    if (schema.defaultValue !== null) {
      builder.defaultValue(castValue(schema, schema.defaultValue, builder.type));
    }
    return builder.build();
  }

  config(): ConfigDef<object> {
    return CONFIG_DEF;
  }

  version(): string {
    return PLUGIN_VERSION;
  }

  close(): void {
    this.cache.clear();
  }
}

/** {@link Cast} on the key (`org.apache.kafka.connect.transforms.Cast$Key`). */
export class CastKey<R extends ConnectRecord = ConnectRecord> extends Cast<R> {
  constructor() {
    super(KEY);
  }
}

/** {@link Cast} on the value (`org.apache.kafka.connect.transforms.Cast$Value`). */
export class CastValue<R extends ConnectRecord = ConnectRecord> extends Cast<R> {
  constructor() {
    super(VALUE);
  }
}
