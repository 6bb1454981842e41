import { type Schema, SchemaBuilder, type Struct } from '@sluice/api';

/** Kafka's `SchemaUtil.copySchemaBasics`: type, name, version, doc and parameters (not optionality, not the default). */
export function copySchemaBasics(schema: Schema): SchemaBuilder {
  const builder = SchemaBuilder.type(schema.type);
  if (schema.name !== null) builder.name(schema.name);
  if (schema.version !== null) builder.version(schema.version);
  if (schema.doc !== null) builder.doc(schema.doc);
  if (schema.parameters !== null) builder.parameters(schema.parameters);
  return builder;
}

/** Envelope fields that are not in the `source` block. */
function structOf(field: string): string | null {
  switch (field) {
    case 'id':
    case 'total_order':
    case 'data_collection_order':
      return 'transaction';
    case 'op':
    case 'ts_ms':
    case 'ts_us':
    case 'ts_ns':
      return null;
    default:
      return 'source';
  }
}

/**
 * A field of a Debezium envelope named in `add.fields` / `add.headers`: `op`, `source.ts_ms`,
 * `table` (a bare name is looked up where Debezium looks: the transaction block for its fields,
 * the envelope for `op` and `ts_*`, the source block for the rest), optionally renamed with
 * `field:name`.
 */
export class FieldReference {
  private constructor(
    readonly struct: string | null,
    readonly field: string,
    readonly newField: string,
  ) {}

  static parse(prefix: string, spec: string): FieldReference {
    const parts = spec.split(':');
    if (parts.length > 2) throw new Error(`Unexpected field name: ${spec}`);
    const path = (parts[0] as string).split('.');
    const field = (path.length === 1 ? path[0] : path[1]) as string;
    const struct = path.length === 1 ? structOf(field) : (path[0] as string);
    const name = parts[1] ?? (path.length === 1 ? field : `${struct}_${field}`);
    return new FieldReference(struct, field, `${prefix}${name}`);
  }

  private parentSchema(envelope: Schema): Schema | null {
    return this.struct === null ? envelope : (envelope.field(this.struct)?.schema ?? null);
  }

  /** The schema of the added field (optional, without default), or null when the envelope has no such field. */
  schemaIn(envelope: Schema): Schema | null {
    const field = this.parentSchema(envelope)?.field(this.field) ?? envelope.field(this.field);
    return field === undefined ? null : copySchemaBasics(field.schema).optional().build();
  }

  /** The field's value in an envelope (null when its block is absent, such as `transaction`). */
  valueIn(envelope: Struct): unknown {
    const parent =
      this.struct === null ? envelope : (envelope.getWithoutDefault(this.struct) as Struct | null);
    if (parent === null) return null;
    return parent.schema.field(this.field) !== undefined
      ? parent.getWithoutDefault(this.field)
      : envelope.getWithoutDefault(this.field);
  }
}
