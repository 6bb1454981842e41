import {
  ConfigDef,
  type ConnectRecord,
  SchemaBuilder,
  Struct,
  type Transformation,
} from '@sluice/api';
import { PLUGIN_VERSION } from './plugin-version.js';
import { KEY, type RecordPart, VALUE } from './record-part.js';
import { SchemaCache } from './schema-cache.js';
import { MapDraft } from './schemaless-map.js';

const CONFIG_DEF = new ConfigDef().define('field', {
  type: 'STRING',
  importance: 'MEDIUM',
  documentation:
    'Field name for the single field that will be created in the resulting Struct or Map.',
});

/**
 * Wraps the key or value in a Struct (with schemas) or a map (without) with one field, as Kafka's
 * `HoistField`.
 */
export abstract class HoistField<R extends ConnectRecord = ConnectRecord>
  implements Transformation<R>
{
  private fieldName = '';
  private readonly cache = new SchemaCache();

  protected constructor(private readonly part: RecordPart) {}

  configure(props: Record<string, unknown>): void {
    this.fieldName = CONFIG_DEF.parse(props).field;
    this.cache.clear();
  }

  apply(record: R): R {
    const schema = this.part.schema(record);
    const value = this.part.value(record);
    if (schema === null) {
      return this.part.update(record, null, MapDraft.empty().set(this.fieldName, value).build());
    }
    const updatedSchema = this.cache.get(schema, (s) =>
      SchemaBuilder.struct().field(this.fieldName, s).build(),
    );
    return this.part.update(
      record,
      updatedSchema,
      new Struct(updatedSchema).put(this.fieldName, value),
    );
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

/** {@link HoistField} on the record key (`org.apache.kafka.connect.transforms.HoistField$Key`). */
export class HoistFieldKey<R extends ConnectRecord = ConnectRecord> extends HoistField<R> {
  constructor() {
    super(KEY);
  }
}

/** {@link HoistField} on the record value (`org.apache.kafka.connect.transforms.HoistField$Value`). */
export class HoistFieldValue<R extends ConnectRecord = ConnectRecord> extends HoistField<R> {
  constructor() {
    super(VALUE);
  }
}
