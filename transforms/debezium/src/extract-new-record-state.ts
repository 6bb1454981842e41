import {
  ConfigDef,
  ConfigException,
  type ConnectRecord,
  type Field,
  type Schema,
  SchemaBuilder,
  Struct,
  type Transformation,
  ValidString,
} from '@sluice/api';
import { copySchemaBasics, FieldReference } from './field-reference.js';
import { PLUGIN_VERSION } from './plugin-version.js';

/** Debezium 3's `delete.tombstone.handling.mode` values. */
export const DELETE_TOMBSTONE_MODES = [
  'drop',
  'tombstone',
  'rewrite',
  'rewrite-with-tombstone',
  'delete-to-tombstone',
] as const;
type DeleteTombstoneMode = (typeof DELETE_TOMBSTONE_MODES)[number];

const CONFIG_DEF = new ConfigDef()
  .define('delete.tombstone.handling.mode', {
    type: 'STRING',
    default: null,
    validator: ValidString.caseInsensitive(...DELETE_TOMBSTONE_MODES),
    importance: 'MEDIUM',
    documentation:
      'What becomes of delete events and tombstones. `drop`: both removed. `tombstone` (the default): the delete becomes a record with a null value, tombstones are removed. `rewrite`: the delete becomes the row before it with `__deleted=true` (other rows get `__deleted=false`), tombstones removed. `rewrite-with-tombstone`: as `rewrite`, tombstones kept. `delete-to-tombstone`: the delete becomes a tombstone (null value and schema), tombstones removed.',
  })
  .define('delete.handling.mode', {
    type: 'STRING',
    default: null,
    validator: ValidString.caseInsensitive('drop', 'rewrite', 'none'),
    importance: 'LOW',
    documentation:
      'Debezium 2’s key, used when `delete.tombstone.handling.mode` is not set: `drop` (its default) removes deletes, `none` keeps them as records with a null value, `rewrite` as with the new key.',
  })
  .define('drop.tombstones', {
    type: 'BOOLEAN',
    default: null,
    importance: 'LOW',
    documentation:
      'Debezium 2’s key, used when `delete.tombstone.handling.mode` is not set: remove tombstones (its default `true`) or keep them.',
  })
  .define('route.by.field', {
    type: 'STRING',
    default: '',
    importance: 'LOW',
    documentation:
      'A field of the row whose value becomes the topic of the record (empty: keep the topic).',
  })
  .define('add.fields.prefix', {
    type: 'STRING',
    default: '__',
    importance: 'LOW',
    documentation: 'Prefix of the fields `add.fields` adds.',
  })
  .define('add.fields', {
    type: 'LIST',
    default: '',
    importance: 'LOW',
    documentation:
      'Envelope fields to add to the row: `op`, `ts_ms`, `ts_us`, `ts_ns` from the envelope, `source.<field>` (or a bare source field such as `table`, `lsn`), `transaction.<field>`; `field:name` picks the name. They are named `<prefix><field>` or `<prefix><struct>_<field>`.',
  })
  .define('add.headers.prefix', {
    type: 'STRING',
    default: '__',
    importance: 'LOW',
    documentation: 'Prefix of the headers `add.headers` adds.',
  })
  .define('add.headers', {
    type: 'LIST',
    default: '',
    importance: 'LOW',
    documentation: 'Envelope fields to add as headers, named as `add.fields` names fields.',
  })
  .define('replace.null.with.default', {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation:
      'When rows are rewritten (adding `__deleted`), null fields with a schema default get the default.',
  })
  .define('drop.fields.header.name', {
    type: 'STRING',
    default: null,
    importance: 'LOW',
    documentation: 'A header holding a list of field names to remove from the value.',
  })
  .define('drop.fields.from.key', {
    type: 'BOOLEAN',
    default: false,
    importance: 'LOW',
    documentation: 'Remove those fields from the key too.',
  })
  .define('drop.fields.keep.schema.compatible', {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation: 'Only remove optional fields, so schemas stay compatible.',
  });

const DELETED_FIELD = '__deleted';
const DELETED_SCHEMA = SchemaBuilder.string().optional().build();

/** Debezium 2's `delete.handling.mode` + `drop.tombstones`, as the mode Debezium 3 has for them. */
function legacyMode(
  deletes: string,
  dropTombstones: boolean,
): { mode: DeleteTombstoneMode; keepDeletes: boolean } {
  switch (deletes) {
    case 'rewrite':
      return { mode: dropTombstones ? 'rewrite' : 'rewrite-with-tombstone', keepDeletes: true };
    case 'none':
      return { mode: 'tombstone', keepDeletes: true };
    default:
      return { mode: 'drop', keepDeletes: false };
  }
}

/**
 * Debezium's ExtractNewRecordState (`io.debezium.transforms.ExtractNewRecordState`): turns change
 * events into the row they leave behind (`after`), for sinks that want rows. Deletes and tombstones
 * follow `delete.tombstone.handling.mode`; truncates and records that are not Debezium envelopes
 * (heartbeats, transaction metadata) pass as Debezium passes them: truncates are dropped, the rest
 * unchanged. Envelope fields can be copied into the row (`add.fields`) or headers (`add.headers`).
 */
export class ExtractNewRecordState<R extends ConnectRecord = ConnectRecord>
  implements Transformation<R>
{
  private mode: DeleteTombstoneMode = 'tombstone';
  private dropTombstones = true;
  private routeByField: string | null = null;
  private fields: FieldReference[] = [];
  private headers: FieldReference[] = [];
  private replaceNullWithDefault = true;
  private dropFieldsHeader: string | null = null;
  private dropFieldsFromKey = false;
  private dropFieldsKeepCompatible = true;
  private readonly schemas = new Map<Schema, Map<string, Schema>>();

  configure(props: Record<string, unknown>): void {
    const c = CONFIG_DEF.parse(props);
    const mode = c['delete.tombstone.handling.mode'];
    const legacyDeletes = c['delete.handling.mode'];
    const legacyTombstones = c['drop.tombstones'];
    if (mode !== null) {
      if (legacyDeletes !== null || legacyTombstones !== null) {
        throw ConfigException.invalid(
          'delete.tombstone.handling.mode',
          mode,
          'set together with Debezium 2’s delete.handling.mode / drop.tombstones; keep only delete.tombstone.handling.mode',
        );
      }
      this.mode = mode.toLowerCase() as DeleteTombstoneMode;
      this.dropTombstones = this.mode !== 'rewrite-with-tombstone';
    } else if (legacyDeletes !== null || legacyTombstones !== null) {
      const legacy = legacyMode((legacyDeletes ?? 'drop').toLowerCase(), legacyTombstones ?? true);
      this.mode = legacy.mode;
      this.dropTombstones = legacyTombstones ?? true;
    } else {
      this.mode = 'tombstone';
      this.dropTombstones = true;
    }
    this.routeByField = c['route.by.field'] === '' ? null : c['route.by.field'];
    this.fields = c['add.fields'].map((f) => FieldReference.parse(c['add.fields.prefix'], f));
    this.headers = c['add.headers'].map((f) => FieldReference.parse(c['add.headers.prefix'], f));
    this.replaceNullWithDefault = c['replace.null.with.default'];
    this.dropFieldsHeader = c['drop.fields.header.name'] || null;
    this.dropFieldsFromKey = c['drop.fields.from.key'];
    this.dropFieldsKeepCompatible = c['drop.fields.keep.schema.compatible'];
    this.schemas.clear();
  }

  apply(record: R): R | null {
    const value = record.value;
    const tombstone = value === null;
    const envelope = !tombstone && isEnvelope(record);
    if ((envelope || tombstone) && this.headers.length > 0) {
      this.addHeaders(record, tombstone ? null : (value as Struct));
    }
    if (tombstone) return this.dropTombstones ? null : record;
    if (!envelope) return record;
    const struct = value as Struct;
    const after = struct.get('after') as Struct | null;
    const before = struct.get('before') as Struct | null;
    const afterSchema = (record.valueSchema as Schema).field('after')?.schema ?? null;
    if (after === null && before === null && struct.get('op') === 't') return null;
    let out: R | null;
    if (after === null) {
      out = this.deleteRecord(record, before);
      if (out === null) return null;
      if (this.routeByField !== null && before !== null) out = this.route(out, before);
      if (this.dropFieldsHeader !== null) out = this.dropFields(out);
      if (out.value !== null) out = this.addFields(out, struct);
      return out;
    }
    out = record.newRecord({ valueSchema: afterSchema, value: after });
    if (this.mode === 'rewrite' || this.mode === 'rewrite-with-tombstone')
      out = this.withDeleted(out, 'false');
    if (this.routeByField !== null) out = this.route(out, out.value as Struct);
    out = this.addFields(out, struct);
    if (this.dropFieldsHeader !== null) out = this.dropFields(out);
    return out;
  }

  private deleteRecord(record: R, before: Struct | null): R | null {
    const afterSchema = (record.valueSchema as Schema).field('after')?.schema ?? null;
    switch (this.mode) {
      case 'drop':
        return null;
      case 'tombstone':
        // As Debezium: the value is null but its schema stays (sinks read that as a delete).
        return record.newRecord({ valueSchema: afterSchema, value: null });
      case 'delete-to-tombstone':
        return record.newRecord({ valueSchema: null, value: null });
      default: {
        const beforeSchema = (record.valueSchema as Schema).field('before')?.schema ?? null;
        const old = record.newRecord({ valueSchema: beforeSchema, value: before });
        return before === null ? old : this.withDeleted(old, 'true');
      }
    }
  }

  /** Kafka's InsertField$Value with `static.field=__deleted`, as Debezium applies it. */
  private withDeleted(record: R, deleted: 'true' | 'false'): R {
    const value = record.value as Struct;
    const schema = this.extended(value.schema, DELETED_FIELD, () =>
      copyBasics(value.schema).field(DELETED_FIELD, DELETED_SCHEMA),
    );
    const out = new Struct(schema);
    for (const field of value.schema.fields) {
      out.put(
        field.name,
        this.replaceNullWithDefault ? value.get(field) : value.getWithoutDefault(field),
      );
    }
    out.put(DELETED_FIELD, deleted);
    return record.newRecord({ valueSchema: schema, value: out });
  }

  private route(record: R, row: Struct): R {
    const topic = row.get(this.routeByField as string);
    return typeof topic === 'string' && topic.trim() !== '' ? record.newRecord({ topic }) : record;
  }

  private addFields(record: R, envelope: Struct): R {
    if (this.fields.length === 0) return record;
    const value = record.value as Struct;
    const present = this.fields.filter((f) => f.schemaIn(envelope.schema) !== null);
    const key = `fields:${envelope.get('op')}`;
    const schema = this.extended(value.schema, key, () => {
      const builder = copyBasics(value.schema);
      for (const f of present) builder.field(f.newField, f.schemaIn(envelope.schema) as Schema);
      return builder;
    });
    const out = new Struct(schema);
    for (const field of value.schema.fields) out.put(field.name, value.getWithoutDefault(field));
    for (const f of present) out.put(f.newField, f.valueIn(envelope));
    return record.newRecord({ valueSchema: schema, value: out });
  }

  private addHeaders(record: R, envelope: Struct | null): void {
    for (const f of this.headers) {
      if (envelope === null) {
        // Tombstones get the `op` header (`d`), as in Debezium.
        if (f.field === 'op') record.headers.addString(f.newField, 'd');
        continue;
      }
      const schema = f.schemaIn(envelope.schema);
      if (schema !== null) record.headers.add(f.newField, f.valueIn(envelope), schema);
    }
  }

  private dropFields(record: R): R {
    const header = [...record.headers].find((h) => h.key === this.dropFieldsHeader);
    const names = Array.isArray(header?.value) ? (header.value as unknown[]).map(String) : [];
    if (names.length === 0) return record;
    const drop = (schema: Schema | null) =>
      (schema?.fields ?? [])
        .filter(
          (f) => names.includes(f.name) && (!this.dropFieldsKeepCompatible || f.schema.optional),
        )
        .map((f) => f.name);
    let out = record;
    if (this.dropFieldsFromKey && out.key instanceof Struct) {
      const gone = drop(out.keySchema);
      if (gone.length > 0)
        out = out.newRecord(without(out.keySchema as Schema, out.key, gone, 'key'));
    }
    if (out.value instanceof Struct) {
      const gone = drop(out.valueSchema);
      if (gone.length > 0)
        out = out.newRecord(without(out.valueSchema as Schema, out.value, gone, 'value'));
    }
    return out;
  }

  /** A derived schema, built once per base schema and purpose. */
  private extended(base: Schema, purpose: string, build: () => SchemaBuilder): Schema {
    let byPurpose = this.schemas.get(base);
    if (byPurpose === undefined) {
      byPurpose = new Map();
      this.schemas.set(base, byPurpose);
    }
    let schema = byPurpose.get(purpose);
    if (schema === undefined) {
      schema = build().build();
      byPurpose.set(purpose, schema);
    }
    return schema;
  }

  config(): ConfigDef<object> {
    return CONFIG_DEF as ConfigDef<object>;
  }

  version(): string {
    return PLUGIN_VERSION;
  }

  close(): void {
    this.schemas.clear();
  }
}

/** Debezium's envelope check: a Struct whose schema is named `*.Envelope`. */
function isEnvelope(record: ConnectRecord): boolean {
  return (
    record.value instanceof Struct &&
    record.valueSchema !== null &&
    record.valueSchema.name?.endsWith('.Envelope') === true
  );
}

/**
 * A struct builder with the fields, name, version, doc and parameters of `schema`, as Kafka's
 * `SchemaUtil.copySchemaBasics` makes them (optionality is not copied: the result is required).
 */
function copyBasics(schema: Schema): SchemaBuilder {
  const builder = copySchemaBasics(schema);
  for (const field of schema.fields) builder.field(field.name, field.schema);
  return builder;
}

function without(
  schema: Schema,
  value: Struct,
  gone: readonly string[],
  part: 'key' | 'value',
): { keySchema: Schema; key: Struct } | { valueSchema: Schema; value: Struct } {
  const builder = copySchemaBasics(schema);
  if (schema.optional) builder.optional();
  const kept: Field[] = schema.fields.filter((f) => !gone.includes(f.name));
  for (const f of kept) builder.field(f.name, f.schema);
  const updated = builder.build();
  const struct = new Struct(updated);
  for (const f of kept) struct.put(f.name, value.getWithoutDefault(f));
  return part === 'key'
    ? { keySchema: updated, key: struct }
    : { valueSchema: updated, value: struct };
}
