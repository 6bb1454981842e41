import {
  ConfigDef,
  type ConnectRecord,
  DataException,
  Decimal,
  type Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
} from '@sluice/api';
import { PLUGIN_VERSION } from './plugin-version.js';
import { KEY, type RecordPart, VALUE } from './record-part.js';
import { requireMap, requireStructOrNull } from './requirements.js';
import { SchemaCache } from './schema-cache.js';
import { copySchemaBasics } from './schema-copy.js';
import { isSchemalessMap, MapDraft, mapEntries, type SchemalessMap } from './schemaless-map.js';
import { valueKind } from './value-kind.js';

const PURPOSE = 'flattening';

const CONFIG_DEF = new ConfigDef().define('delimiter', {
  type: 'STRING',
  default: '.',
  importance: 'MEDIUM',
  documentation:
    'Delimiter to insert between field names from the input record when generating field names for the output record',
});

const FLAT_TYPES = new Set([
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FLOAT32',
  'FLOAT64',
  'BOOLEAN',
  'STRING',
  'BYTES',
  'ARRAY',
]);

/**
 * Flattens nested Structs (with schemas) or maps (without) into one level, joining field names
 * with `delimiter`, as Kafka's `Flatten`. Arrays are kept as they are; maps inside a schema'd
 * value are refused, as in Kafka.
 */
export abstract class Flatten<R extends ConnectRecord = ConnectRecord>
  implements Transformation<R>
{
  private delimiter = '.';
  private readonly cache = new SchemaCache();

  protected constructor(private readonly part: RecordPart) {}

  configure(props: Record<string, unknown>): void {
    // Kafka trims every STRING config, so a delimiter of spaces only becomes empty there too.
    this.delimiter = CONFIG_DEF.parse(props).delimiter;
    this.cache.clear();
  }

  private fieldName(prefix: string, name: string): string {
    return prefix === '' ? name : `${prefix}${this.delimiter}${name}`;
  }

  apply(record: R): R {
    const raw = this.part.value(record);
    if (raw === null) return record;
    const schema = this.part.schema(record);
    if (schema === null) {
      const out = MapDraft.empty(requireMap(raw, PURPOSE));
      this.flattenSchemaless(requireMap(raw, PURPOSE), '', out);
      return this.part.update(record, null, out.build());
    }
    const value = requireStructOrNull(raw, PURPOSE);
    const updatedSchema = this.cache.get(schema, (s) => {
      const builder = copySchemaBasics(s, SchemaBuilder.struct());
      this.buildSchema(s, '', builder, s.optional, s.defaultValue as Struct | null);
      return builder.build();
    });
    if (value === null) return this.part.update(record, updatedSchema, null);
    const updated = new Struct(updatedSchema);
    this.buildValue(value, '', updated);
    return this.part.update(record, updatedSchema, updated);
  }

  private flattenSchemaless(map: SchemalessMap, prefix: string, out: MapDraft): void {
    for (const [key, value] of mapEntries(map)) {
      const name = this.fieldName(prefix, String(key));
      if (value === null || value === undefined) {
        out.set(name, null);
      } else if (isSchemalessMap(value)) {
        this.flattenSchemaless(value, name, out);
      } else if (value instanceof Struct) {
        throw new DataException(
          `Flatten transformation does not support ${valueKind(value)} for record without schemas (for field ${name}).`,
        );
      } else if (value instanceof Date || value instanceof Decimal || typeof value === 'object') {
        if (Array.isArray(value) || value instanceof Uint8Array) out.set(name, value);
        else {
          throw new DataException(
            `Flatten transformation was passed a value of type ${valueKind(value)} which is not supported by Connect's data API`,
          );
        }
      } else out.set(name, value);
    }
  }

  private buildSchema(
    schema: Schema,
    prefix: string,
    builder: SchemaBuilder,
    optional: boolean,
    defaultFromParent: Struct | null,
  ): void {
    for (const field of schema.fields) {
      const name = this.fieldName(prefix, field.name);
      const fieldOptional = optional || field.schema.optional;
      let fieldDefault: unknown = null;
      if (field.schema.defaultValue !== null) fieldDefault = field.schema.defaultValue;
      else if (defaultFromParent !== null) fieldDefault = defaultFromParent.get(field);
      if (FLAT_TYPES.has(field.schema.type)) {
        const converted = copySchemaBasics(field.schema);
        if (fieldOptional) converted.optional();
        if (fieldDefault !== null) converted.defaultValue(fieldDefault);
        builder.field(name, converted.build());
      } else if (field.schema.type === 'STRUCT') {
        this.buildSchema(field.schema, name, builder, fieldOptional, fieldDefault as Struct | null);
      } else {
        throw new DataException(
          `Flatten transformation does not support ${field.schema.type} for record with schemas (for field ${name}).`,
        );
      }
    }
  }

  private buildValue(value: Struct | null, prefix: string, out: Struct): void {
    if (value === null) return;
    for (const field of value.schema.fields) {
      const name = this.fieldName(prefix, field.name);
      if (FLAT_TYPES.has(field.schema.type)) out.put(name, value.get(field));
      else if (field.schema.type === 'STRUCT') {
        this.buildValue(value.get(field) as Struct | null, name, out);
      } else {
        throw new DataException(
          `Flatten transformation does not support ${field.schema.type} for record with schemas (for field ${name}).`,
        );
      }
    }
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

/** {@link Flatten} on the key (`org.apache.kafka.connect.transforms.Flatten$Key`). */
export class FlattenKey<R extends ConnectRecord = ConnectRecord> extends Flatten<R> {
  constructor() {
    super(KEY);
  }
}

/** {@link Flatten} on the value (`org.apache.kafka.connect.transforms.Flatten$Value`). */
export class FlattenValue<R extends ConnectRecord = ConnectRecord> extends Flatten<R> {
  constructor() {
    super(VALUE);
  }
}
