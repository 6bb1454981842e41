import {
  ConfigDef,
  ConfigException,
  type ConnectRecord,
  DataException,
  type Field,
  type Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
  ValidString,
} from '@sluice/api';
import { NON_EMPTY_LIST } from './config-validators.js';
import { fieldValue, REPLACE_NULL_WITH_DEFAULT_DOC } from './field-value.js';
import { PLUGIN_VERSION } from './plugin-version.js';
import { KEY, type RecordPart, VALUE } from './record-part.js';
import { requireMap, requireStruct } from './requirements.js';
import { SchemaCache } from './schema-cache.js';
import { copySchemaBasics } from './schema-copy.js';
import { MapDraft, mapGet } from './schemaless-map.js';

const CONFIG_DEF = new ConfigDef()
  .define('fields', {
    type: 'LIST',
    validator: NON_EMPTY_LIST,
    importance: 'HIGH',
    documentation: 'Field names in the record whose values are to be copied or moved to headers.',
  })
  .define('headers', {
    type: 'LIST',
    validator: NON_EMPTY_LIST,
    importance: 'HIGH',
    documentation:
      'Header names, in the same order as the field names listed in the fields configuration property.',
  })
  .define('operation', {
    type: 'STRING',
    validator: ValidString.in('move', 'copy'),
    importance: 'HIGH',
    documentation:
      'Either `move` if the fields are to be moved to the headers (removed from the key/value), or `copy` if the fields are to be copied to the headers (retained in the key/value).',
  })
  .define('replace.null.with.default', {
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

/**
 * Moves or copies fields of the key or value into headers (Kafka's `HeaderFrom`): the n-th entry
 * of `fields` goes to the header named by the n-th entry of `headers`.
 */
export abstract class HeaderFrom<R extends ConnectRecord = ConnectRecord>
  implements Transformation<R>
{
  private fields: string[] = [];
  private headers: string[] = [];
  private operation: 'move' | 'copy' = 'copy';
  private replaceNullWithDefault = true;
  private readonly cache = new SchemaCache();

  protected constructor(private readonly part: RecordPart) {}

  configure(props: Record<string, unknown>): void {
    const config = CONFIG_DEF.parse(props);
    this.fields = config.fields;
    this.headers = config.headers;
    if (this.headers.length !== this.fields.length) {
      throw new ConfigException(
        "'fields' config must have the same number of elements as 'headers' config.",
        { key: 'headers', value: config.headers },
      );
    }
    this.operation = config.operation === 'move' ? 'move' : 'copy';
    this.replaceNullWithDefault = config['replace.null.with.default'];
    this.cache.clear();
  }

  apply(record: R): R {
    const schema = this.part.schema(record);
    const raw = this.part.value(record);
    const headers = record.headers.duplicate();
    const purpose = `header ${this.operation}`;
    if (schema === null) {
      const value = requireMap(raw, purpose);
      const updated = MapDraft.copyOf(value);
      this.fields.forEach((field, i) => {
        if (this.operation === 'move') updated.delete(field);
        headers.add(this.headers[i] as string, mapGet(value, field), null);
      });
      return this.part.update(record, null, updated.build(), headers);
    }
    const value = requireStruct(raw, purpose);
    let updatedSchema = schema;
    let updated = value;
    if (this.operation === 'move') {
      updatedSchema = this.cache.get(schema, (s) => this.moveSchema(s));
      updated = new Struct(updatedSchema);
      for (const field of updatedSchema.fields) {
        // By name: the moved-from struct has the fields at other positions.
        const source = value.schema.field(field.name) as Field;
        updated.put(field, fieldValue(value, source, this.replaceNullWithDefault));
      }
    }
    this.fields.forEach((name, i) => {
      const field = value.schema.field(name);
      const fieldSchema = schema.field(name)?.schema;
      if (fieldSchema === undefined) {
        // Kafka fails here with a NullPointerException: the field is not in the schema.
        throw new DataException(`Field does not exist in the ${this.part.name} schema: ${name}`, {
          record,
        });
      }
      const header =
        field === undefined ? null : fieldValue(value, field, this.replaceNullWithDefault);
      headers.add(this.headers[i] as string, header, fieldSchema);
    });
    return this.part.update(record, updatedSchema, updated, headers);
  }

  private moveSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schema.fields) {
      if (!this.fields.includes(field.name)) builder.field(field.name, field.schema);
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

/** {@link HeaderFrom} on the key (`org.apache.kafka.connect.transforms.HeaderFrom$Key`). */
export class HeaderFromKey<R extends ConnectRecord = ConnectRecord> extends HeaderFrom<R> {
  constructor() {
    super(KEY);
  }
}

/** {@link HeaderFrom} on the value (`org.apache.kafka.connect.transforms.HeaderFrom$Value`). */
export class HeaderFromValue<R extends ConnectRecord = ConnectRecord> extends HeaderFrom<R> {
  constructor() {
    super(VALUE);
  }
}
