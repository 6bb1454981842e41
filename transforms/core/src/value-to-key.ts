import {
  ConfigDef,
  type ConnectRecord,
  DataException,
  SchemaBuilder,
  Struct,
  type Transformation,
} from '@sluice/api';
import { NON_EMPTY_LIST } from './config-validators.js';
import { REPLACE_NULL_WITH_DEFAULT_DOC } from './field-value.js';
import { PLUGIN_VERSION } from './plugin-version.js';
import { requireMap, requireStruct } from './requirements.js';
import { SchemaCache } from './schema-cache.js';
import { MapDraft, mapGet } from './schemaless-map.js';

const PURPOSE = 'copying fields from value to key';

const CONFIG_DEF = new ConfigDef()
  .define('fields', {
    type: 'LIST',
    validator: NON_EMPTY_LIST,
    importance: 'HIGH',
    documentation: 'Field names on the record value to extract as the record key.',
  })
  .define('replace.null.with.default', {
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

/** Replaces the key with a Struct or map of some fields of the value (Kafka's `ValueToKey`). */
export class ValueToKey<R extends ConnectRecord = ConnectRecord> implements Transformation<R> {
  private fields: string[] = [];
  private replaceNullWithDefault = true;
  private readonly cache = new SchemaCache();

  configure(props: Record<string, unknown>): void {
    const config = CONFIG_DEF.parse(props);
    this.fields = config.fields;
    this.replaceNullWithDefault = config['replace.null.with.default'];
    this.cache.clear();
  }

  apply(record: R): R {
    if (record.valueSchema === null) {
      const value = requireMap(record.value, PURPOSE);
      const key = MapDraft.empty(value);
      for (const field of this.fields) key.set(field, mapGet(value, field));
      return record.newRecord({ keySchema: null, key: key.build() });
    }
    const value = requireStruct(record.value, PURPOSE);
    const keySchema = this.cache.get(value.schema, (schema) => {
      const builder = SchemaBuilder.struct();
      for (const name of this.fields) {
        const field = schema.field(name);
        if (field === undefined) throw new DataException(`Field does not exist: ${name}`);
        builder.field(name, field.schema);
      }
      return builder.build();
    });
    const key = new Struct(keySchema);
    for (const field of this.fields) {
      key.put(
        field,
        this.replaceNullWithDefault ? value.get(field) : value.getWithoutDefault(field),
      );
    }
    return record.newRecord({ keySchema, key, valueSchema: value.schema, value });
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
