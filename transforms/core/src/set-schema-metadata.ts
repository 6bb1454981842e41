import {
  ConfigDef,
  ConfigException,
  type ConnectRecord,
  ConnectSchema,
  DataException,
  type Schema,
  Struct,
  type Transformation,
} from '@sluice/api';
import { REPLACE_NULL_WITH_DEFAULT_DOC } from './field-value.js';
import { PLUGIN_VERSION } from './plugin-version.js';
import { KEY, type RecordPart, VALUE } from './record-part.js';
import { requireSchema } from './requirements.js';

const CONFIG_DEF = new ConfigDef()
  .define('schema.name', {
    type: 'STRING',
    default: null,
    importance: 'HIGH',
    documentation: 'Schema name to set.',
  })
  .define('schema.version', {
    type: 'INT',
    default: null,
    importance: 'HIGH',
    documentation: 'Schema version to set.',
  })
  .define('replace.null.with.default', {
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

/** Sets the name and/or version of the key or value schema (Kafka's `SetSchemaMetadata`). */
export abstract class SetSchemaMetadata<R extends ConnectRecord = ConnectRecord>
  implements Transformation<R>
{
  private schemaName: string | null = null;
  private schemaVersion: number | null = null;
  private replaceNullWithDefault = true;

  protected constructor(private readonly part: RecordPart) {}

  configure(props: Record<string, unknown>): void {
    const config = CONFIG_DEF.parse(props);
    this.schemaName = config['schema.name'];
    this.schemaVersion = config['schema.version'];
    this.replaceNullWithDefault = config['replace.null.with.default'];
    if (this.schemaName === null && this.schemaVersion === null) {
      throw new ConfigException('Neither schema name nor version configured');
    }
  }

  apply(record: R): R {
    const value = this.part.value(record);
    const schema = this.part.schema(record);
    if (value === null && schema === null) return record;
    const current = requireSchema(schema, 'updating schema metadata');
    if (current.type !== 'STRUCT') {
      // Kafka 4.1 copies `schema.fields()`, which throws for every schema but a struct's.
      throw new DataException('Cannot list fields on non-struct type', { record });
    }
    const updatedSchema = new ConnectSchema({
      type: current.type,
      optional: current.optional,
      defaultValue: current.defaultValue,
      name: this.schemaName ?? current.name,
      version: this.schemaVersion ?? current.version,
      doc: current.doc,
      parameters: current.parameters,
      fields: current.fields,
      keySchema: current.keySchema,
      valueSchema: current.valueSchema,
    });
    return this.part.update(record, updatedSchema, this.updateSchemaIn(value, updatedSchema));
  }

  /** A struct value re-created under the renamed schema; other values are kept as they are. */
  private updateSchemaIn(value: unknown, updatedSchema: Schema): unknown {
    if (!(value instanceof Struct)) return value;
    const updated = new Struct(updatedSchema);
    for (const field of updatedSchema.fields) {
      updated.put(
        field,
        this.replaceNullWithDefault ? value.get(field.name) : value.getWithoutDefault(field.name),
      );
    }
    return updated;
  }

  config(): ConfigDef<object> {
    return CONFIG_DEF;
  }

  version(): string {
    return PLUGIN_VERSION;
  }

  close(): void {}
}

/** {@link SetSchemaMetadata} on the key (`org.apache.kafka.connect.transforms.SetSchemaMetadata$Key`). */
export class SetSchemaMetadataKey<
  R extends ConnectRecord = ConnectRecord,
> extends SetSchemaMetadata<R> {
  constructor() {
    super(KEY);
  }
}

/** {@link SetSchemaMetadata} on the value (`org.apache.kafka.connect.transforms.SetSchemaMetadata$Value`). */
export class SetSchemaMetadataValue<
  R extends ConnectRecord = ConnectRecord,
> extends SetSchemaMetadata<R> {
  constructor() {
    super(VALUE);
  }
}
