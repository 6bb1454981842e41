import {
  ConfigDef,
  ConfigException,
  type ConnectRecord,
  ConnectTimestamp,
  Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
} from '@sluice/api';
import { fieldValue, REPLACE_NULL_WITH_DEFAULT_DOC } from './field-value.js';
import { PLUGIN_VERSION } from './plugin-version.js';
import { KEY, type RecordPart, VALUE } from './record-part.js';
import { requireMap, requireSinkRecord, requireStruct } from './requirements.js';
import { SchemaCache } from './schema-cache.js';
import { copySchemaBasics } from './schema-copy.js';
import { MapDraft } from './schemaless-map.js';

const PURPOSE = 'field insertion';
const OPTIONALITY_DOC =
  'Suffix with `!` to make this a required field, or `?` to keep it optional (the default).';
const OPTIONAL_TIMESTAMP_SCHEMA = ConnectTimestamp.builder().optional().build();

const CONFIG_DEF = new ConfigDef()
  .define('topic.field', {
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation: `Field name for Kafka topic. ${OPTIONALITY_DOC}`,
  })
  .define('partition.field', {
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation: `Field name for Kafka partition. ${OPTIONALITY_DOC}`,
  })
  .define('offset.field', {
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation: `Field name for Kafka offset - only applicable to sink connectors. ${OPTIONALITY_DOC}`,
  })
  .define('timestamp.field', {
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation: `Field name for record timestamp. ${OPTIONALITY_DOC}`,
  })
  .define('static.field', {
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation: `Field name for static data field. ${OPTIONALITY_DOC}`,
  })
  .define('static.value', {
    type: 'STRING',
    default: null,
    importance: 'MEDIUM',
    documentation: 'Static field value, if field name configured.',
  })
  .define('replace.null.with.default', {
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation: REPLACE_NULL_WITH_DEFAULT_DOC,
  });

/** A field to insert: its name and whether it is optional (`name?`, the default) or required (`name!`). */
interface InsertionSpec {
  readonly name: string;
  readonly optional: boolean;
}

function parseSpec(spec: string | null): InsertionSpec | null {
  if (spec === null) return null;
  if (spec.endsWith('?')) return { name: spec.slice(0, -1), optional: true };
  if (spec.endsWith('!')) return { name: spec.slice(0, -1), optional: false };
  return { name: spec, optional: true };
}

/**
 * Adds fields from the record's metadata (topic, partition, offset, timestamp) or a static value
 * to the key or value, as Kafka's `InsertField`. Null keys/values (tombstones) pass through.
 */
export abstract class InsertField<R extends ConnectRecord = ConnectRecord>
  implements Transformation<R>
{
  private topicField: InsertionSpec | null = null;
  private partitionField: InsertionSpec | null = null;
  private offsetField: InsertionSpec | null = null;
  private timestampField: InsertionSpec | null = null;
  private staticField: InsertionSpec | null = null;
  private staticValue: string | null = null;
  private replaceNullWithDefault = true;
  private readonly cache = new SchemaCache();

  protected constructor(private readonly part: RecordPart) {}

  configure(props: Record<string, unknown>): void {
    const config = CONFIG_DEF.parse(props);
    this.topicField = parseSpec(config['topic.field']);
    this.partitionField = parseSpec(config['partition.field']);
    this.offsetField = parseSpec(config['offset.field']);
    this.timestampField = parseSpec(config['timestamp.field']);
    this.staticField = parseSpec(config['static.field']);
    this.staticValue = config['static.value'];
    this.replaceNullWithDefault = config['replace.null.with.default'];
    if (
      this.topicField === null &&
      this.partitionField === null &&
      this.offsetField === null &&
      this.timestampField === null &&
      this.staticField === null
    ) {
      throw new ConfigException('No field insertion configured');
    }
    if (this.staticField !== null && this.staticValue === null) {
      throw ConfigException.invalid(
        'static.value',
        null,
        `No value specified for static field: ${this.staticField.name}`,
      );
    }
    this.cache.clear();
  }

  apply(record: R): R {
    const value = this.part.value(record);
    if (value === null) return record;
    if (this.part.schema(record) === null) return this.applySchemaless(record, value);
    return this.applyWithSchema(record, value);
  }

  private applySchemaless(record: R, raw: unknown): R {
    const updated = MapDraft.copyOf(requireMap(raw, PURPOSE));
    if (this.topicField !== null) updated.set(this.topicField.name, record.topic);
    if (this.partitionField !== null && record.kafkaPartition !== null) {
      updated.set(this.partitionField.name, record.kafkaPartition);
    }
    if (this.offsetField !== null) {
      updated.set(this.offsetField.name, requireSinkRecord(record, PURPOSE).kafkaOffset);
    }
    if (this.timestampField !== null && record.timestamp !== null) {
      updated.set(this.timestampField.name, record.timestamp);
    }
    if (this.staticField !== null && this.staticValue !== null) {
      updated.set(this.staticField.name, this.staticValue);
    }
    return this.part.update(record, null, updated.build());
  }

  private applyWithSchema(record: R, raw: unknown): R {
    const value = requireStruct(raw, PURPOSE);
    const updatedSchema = this.cache.get(value.schema, (schema) => this.makeUpdatedSchema(schema));
    // The input's values are valid for the same field schemas; the inserted ones are built to
    // their fields' types, in the order makeUpdatedSchema added them.
    const values = value.schema.fields.map(
      (field) => fieldValue(value, field, this.replaceNullWithDefault) ?? null,
    );
    if (this.topicField !== null) values.push(record.topic);
    if (this.partitionField !== null) values.push(record.kafkaPartition ?? null);
    if (this.offsetField !== null) {
      values.push(BigInt(requireSinkRecord(record, PURPOSE).kafkaOffset));
    }
    if (this.timestampField !== null) {
      values.push(record.timestamp !== null ? new Date(record.timestamp) : null);
    }
    if (this.staticField !== null) values.push(this.staticValue);
    const updated = Struct.fromTrustedValues(updatedSchema, values);
    return this.part.update(record, updatedSchema, updated);
  }

  private makeUpdatedSchema(schema: Schema): Schema {
    const builder = copySchemaBasics(schema, SchemaBuilder.struct());
    for (const field of schema.fields) builder.field(field.name, field.schema);
    const add = (spec: InsertionSpec | null, optional: Schema, required: Schema) => {
      if (spec !== null) builder.field(spec.name, spec.optional ? optional : required);
    };
    add(this.topicField, Schema.OPTIONAL_STRING_SCHEMA, Schema.STRING_SCHEMA);
    add(this.partitionField, Schema.OPTIONAL_INT32_SCHEMA, Schema.INT32_SCHEMA);
    add(this.offsetField, Schema.OPTIONAL_INT64_SCHEMA, Schema.INT64_SCHEMA);
    add(this.timestampField, OPTIONAL_TIMESTAMP_SCHEMA, ConnectTimestamp.SCHEMA);
    add(this.staticField, Schema.OPTIONAL_STRING_SCHEMA, Schema.STRING_SCHEMA);
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

/** {@link InsertField} on the key (`org.apache.kafka.connect.transforms.InsertField$Key`). */
export class InsertFieldKey<R extends ConnectRecord = ConnectRecord> extends InsertField<R> {
  constructor() {
    super(KEY);
  }
}

/** {@link InsertField} on the value (`org.apache.kafka.connect.transforms.InsertField$Value`). */
export class InsertFieldValue<R extends ConnectRecord = ConnectRecord> extends InsertField<R> {
  constructor() {
    super(VALUE);
  }
}
