import {
  ConfigDef,
  type ConnectRecord,
  DataException,
  Decimal,
  NonEmptyString,
  type Schema,
  Struct,
  type Transformation,
  validateValue,
} from '@sluice/api';
import { NON_EMPTY_LIST } from './config-validators.js';
import { fieldValue, REPLACE_NULL_WITH_DEFAULT_DOC } from './field-value.js';
import { javaLongValue } from './java-numbers.js';
import { PLUGIN_VERSION } from './plugin-version.js';
import { KEY, type RecordPart, VALUE } from './record-part.js';
import { requireMap, requireStruct } from './requirements.js';
import { isSchemalessMap, MapDraft, mapGet } from './schemaless-map.js';
import { valueKind } from './value-kind.js';

const PURPOSE = 'mask fields';

const CONFIG_DEF = new ConfigDef()
  .define('fields', {
    type: 'LIST',
    validator: NON_EMPTY_LIST,
    importance: 'HIGH',
    documentation: 'Names of fields to mask.',
  })
  .define('replacement', {
    type: 'STRING',
    default: null,
    validator: [new NonEmptyString()],
    importance: 'LOW',
    documentation:
      "Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only).",
  })
  .define('replace.null.with.default', {
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

/** What Java type a value would have in Kafka; masking depends on it. */
type ValueKind =
  | 'Boolean'
  | 'Byte'
  | 'Short'
  | 'Integer'
  | 'Long'
  | 'Float'
  | 'Double'
  | 'BigDecimal'
  | 'Date'
  | 'String'
  | 'List'
  | 'Map'
  | 'Unsupported';

const SCHEMA_KINDS: Record<string, ValueKind> = {
  INT8: 'Byte',
  INT16: 'Short',
  INT32: 'Integer',
  INT64: 'Long',
  FLOAT32: 'Float',
  FLOAT64: 'Double',
  BOOLEAN: 'Boolean',
  STRING: 'String',
  ARRAY: 'List',
  MAP: 'Map',
};

function kindOf(value: unknown, schema: Schema | null): ValueKind {
  if (value instanceof Date) return 'Date';
  if (value instanceof Decimal) return 'BigDecimal';
  if (schema !== null) return SCHEMA_KINDS[schema.type] ?? 'Unsupported';
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'bigint') return 'Long';
  if (typeof value === 'number') return Number.isInteger(value) ? 'Long' : 'Double';
  if (typeof value === 'string') return 'String';
  if (Array.isArray(value)) return 'List';
  if (isSchemalessMap(value)) return 'Map';
  return 'Unsupported';
}

/**
 * Replaces fields of the key or value with the "empty" value of their type (0, false, "", an
 * empty list or map, the epoch) or with `replacement` converted to the field's type, as Kafka's
 * `MaskField`.
 */
export abstract class MaskField<R extends ConnectRecord = ConnectRecord>
  implements Transformation<R>
{
  private fields = new Set<string>();
  private replacement: string | null = null;
  private replaceNullWithDefault = true;

  protected constructor(private readonly part: RecordPart) {}

  configure(props: Record<string, unknown>): void {
    const config = CONFIG_DEF.parse(props);
    this.fields = new Set(config.fields);
    this.replacement = config.replacement;
    this.replaceNullWithDefault = config['replace.null.with.default'];
  }

  apply(record: R): R {
    const schema = this.part.schema(record);
    const raw = this.part.value(record);
    if (schema === null) {
      const value = requireMap(raw, PURPOSE);
      const updated = MapDraft.copyOf(value);
      for (const field of this.fields) {
        updated.set(field, this.masked(mapGet(value, field), null));
      }
      return this.part.update(record, null, updated.build());
    }
    const value = requireStruct(raw, PURPOSE);
    // The input's values are valid for their fields already; only a masked one is checked.
    const values = value.schema.fields.map((field) => {
      const original = fieldValue(value, field, this.replaceNullWithDefault) ?? null;
      if (!this.fields.has(field.name)) return original;
      const masked = this.masked(original, field.schema) ?? null;
      validateValue(field.schema, masked, field.name);
      return masked;
    });
    return this.part.update(record, schema, Struct.fromTrustedValues(value.schema, values));
  }

  private masked(value: unknown, schema: Schema | null): unknown {
    if (value === null) return null;
    const kind = kindOf(value, schema);
    return this.replacement === null
      ? maskWithEmptyValue(value, kind, schema)
      : maskWithReplacement(value, kind, schema, this.replacement);
  }

  config(): ConfigDef<object> {
    return CONFIG_DEF;
  }

  version(): string {
    return PLUGIN_VERSION;
  }

  close(): void {}
}

function decimalScale(schema: Schema | null): number {
  return schema === null ? 0 : Decimal.scaleOf(schema);
}

function maskWithEmptyValue(value: unknown, kind: ValueKind, schema: Schema | null): unknown {
  switch (kind) {
    case 'Boolean':
      return false;
    case 'Byte':
    case 'Short':
    case 'Integer':
    case 'Float':
    case 'Double':
      return 0;
    case 'Long':
      return typeof value === 'bigint' ? 0n : 0;
    case 'BigDecimal':
      // Kafka uses BigDecimal.ZERO (scale 0); a Decimal field keeps its schema's scale here.
      return new Decimal(0n, decimalScale(schema));
    case 'Date':
      return new Date(0);
    case 'String':
      return '';
    case 'List':
      return [];
    case 'Map':
      return schema === null && !(value instanceof Map) ? {} : new Map();
    default:
      throw new DataException(`Cannot mask value of type: ${valueKind(value)}`);
  }
}

function maskWithReplacement(
  value: unknown,
  kind: ValueKind,
  schema: Schema | null,
  replacement: string,
): unknown {
  const decimal = (): Decimal => {
    try {
      return Decimal.fromString(replacement);
    } catch (error) {
      throw new DataException(`Unable to convert ${replacement} (String) to a number`, {
        cause: error,
      });
    }
  };
  switch (kind) {
    case 'String':
      return replacement;
    case 'Byte':
      return Number(BigInt.asIntN(8, javaLongValue(decimal(), false)));
    case 'Short':
      return Number(BigInt.asIntN(16, javaLongValue(decimal(), false)));
    case 'Integer':
      return Number(BigInt.asIntN(32, javaLongValue(decimal(), false)));
    case 'Long': {
      const long = javaLongValue(decimal(), false);
      return typeof value === 'bigint' || !Number.isSafeInteger(Number(long)) ? long : Number(long);
    }
    case 'Float':
      return Math.fround(Number(decimal().toString()));
    case 'Double':
      return Number(decimal().toString());
    case 'BigDecimal':
      // Kafka keeps the replacement's own scale; a Decimal field needs its schema's scale.
      return schema === null ? decimal() : decimal().setScale(decimalScale(schema));
    default:
      throw new DataException(
        `Cannot mask value of type ${valueKind(value)} with custom replacement.`,
      );
  }
}

/** {@link MaskField} on the key (`org.apache.kafka.connect.transforms.MaskField$Key`). */
export class MaskFieldKey<R extends ConnectRecord = ConnectRecord> extends MaskField<R> {
  constructor() {
    super(KEY);
  }
}

/** {@link MaskField} on the value (`org.apache.kafka.connect.transforms.MaskField$Value`). */
export class MaskFieldValue<R extends ConnectRecord = ConnectRecord> extends MaskField<R> {
  constructor() {
    super(VALUE);
  }
}
