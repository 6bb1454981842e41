import { DataException, SchemaBuilderException } from './errors.js';
import { ConnectSchema, Field, type Schema, type SchemaType } from './schema.js';
import { validateValue } from './validate-value.js';

/** A schema, or a builder that `SchemaBuilder` will build in its place. */
export type SchemaLike = Schema | SchemaBuilder;

function toSchema(schema: SchemaLike): Schema {
  return schema instanceof SchemaBuilder ? schema.build() : schema;
}

/**
 * Builds an immutable {@link Schema} fluently, as Kafka's SchemaBuilder:
 *
 * ```ts
 * const person = SchemaBuilder.struct().name('com.example.Person')
 *   .field('name', Schema.STRING_SCHEMA)
 *   .field('age', SchemaBuilder.int32().optional())
 *   .build();
 * ```
 *
 * Each property can be set once (setting it again to the same value is allowed); a default value
 * is checked against the schema as built so far, so set `name`/`parameter`s before it.
 */
export class SchemaBuilder {
  readonly type: SchemaType;
  private optionalValue: boolean | null = null;
  private defaultValueSet = false;
  private defaultVal: unknown = null;
  private nameValue: string | null = null;
  private versionValue: number | null = null;
  private docValue: string | null = null;
  private params: Record<string, string> | null = null;
  private readonly fieldList: Field[] | null;
  private keySchemaValue: Schema | null = null;
  private valueSchemaValue: Schema | null = null;
  /** Properties copied by `from`: each may be set once more, replacing the copied value. */
  private readonly inherited = new Set<string>();

  constructor(type: SchemaType) {
    if (!type) throw new SchemaBuilderException('type cannot be null');
    this.type = type;
    this.fieldList = type === 'STRUCT' ? [] : null;
  }

  private checkCanSet(property: string, current: unknown, next: unknown): void {
    if (this.inherited.delete(property)) return;
    if (current !== null && current !== next) {
      throw new SchemaBuilderException(
        `Invalid SchemaBuilder call: ${property} has already been set.`,
      );
    }
  }

  /** A builder of the given type. */
  static type(type: SchemaType): SchemaBuilder {
    return new SchemaBuilder(type);
  }
  static int8(): SchemaBuilder {
    return new SchemaBuilder('INT8');
  }
  static int16(): SchemaBuilder {
    return new SchemaBuilder('INT16');
  }
  static int32(): SchemaBuilder {
    return new SchemaBuilder('INT32');
  }
  static int64(): SchemaBuilder {
    return new SchemaBuilder('INT64');
  }
  static float32(): SchemaBuilder {
    return new SchemaBuilder('FLOAT32');
  }
  static float64(): SchemaBuilder {
    return new SchemaBuilder('FLOAT64');
  }
  static bool(): SchemaBuilder {
    return new SchemaBuilder('BOOLEAN');
  }
  static string(): SchemaBuilder {
    return new SchemaBuilder('STRING');
  }
  static bytes(): SchemaBuilder {
    return new SchemaBuilder('BYTES');
  }
  static struct(): SchemaBuilder {
    return new SchemaBuilder('STRUCT');
  }

  /** An ARRAY whose items have `valueSchema`. */
  static array(valueSchema: SchemaLike): SchemaBuilder {
    if (!valueSchema) throw new SchemaBuilderException('valueSchema cannot be null.');
    const builder = new SchemaBuilder('ARRAY');
    builder.valueSchemaValue = toSchema(valueSchema);
    return builder;
  }

  /** A MAP from `keySchema` to `valueSchema`. */
  static map(keySchema: SchemaLike, valueSchema: SchemaLike): SchemaBuilder {
    if (!keySchema) throw new SchemaBuilderException('keySchema cannot be null.');
    if (!valueSchema) throw new SchemaBuilderException('valueSchema cannot be null.');
    const builder = new SchemaBuilder('MAP');
    builder.keySchemaValue = toSchema(keySchema);
    builder.valueSchemaValue = toSchema(valueSchema);
    return builder;
  }

  /** A builder holding everything `schema` has (type, metadata, fields, default), to change and rebuild. */
  static from(schema: Schema): SchemaBuilder {
    const builder = new SchemaBuilder(schema.type);
    builder.optionalValue = schema.optional;
    builder.nameValue = schema.name;
    builder.versionValue = schema.version;
    builder.docValue = schema.doc;
    builder.params = schema.parameters ? { ...schema.parameters } : null;
    builder.fieldList?.push(...schema.fields);
    builder.keySchemaValue = schema.keySchema;
    builder.valueSchemaValue = schema.valueSchema;
    if (schema.defaultValue !== null) {
      builder.defaultValueSet = true;
      builder.defaultVal = schema.defaultValue;
    }
    for (const property of ['optional', 'name', 'version', 'doc', 'default'])
      builder.inherited.add(property);
    return builder;
  }

  /** Whether the schema being built is optional so far. */
  get isOptional(): boolean {
    return this.optionalValue === true;
  }

  /** Makes the schema optional: `null` becomes a valid value. */
  optional(): this {
    this.checkCanSet('optional', this.optionalValue, true);
    this.optionalValue = true;
    return this;
  }

  /** Makes the schema required (the default). */
  required(): this {
    this.checkCanSet('optional', this.optionalValue, false);
    this.optionalValue = false;
    return this;
  }

  /** Sets the default value, after checking it against the schema built so far. */
  defaultValue(value: unknown): this {
    if (!this.inherited.delete('default') && this.defaultValueSet && this.defaultVal !== value) {
      throw new SchemaBuilderException('Invalid SchemaBuilder call: default has already been set.');
    }
    try {
      validateValue(this.build(), value);
    } catch (error) {
      if (error instanceof DataException) {
        throw new SchemaBuilderException(`Invalid default value: ${error.message}`, {
          cause: error,
        });
      }
      throw error;
    }
    this.defaultValueSet = true;
    this.defaultVal = value ?? null;
    return this;
  }

  name(name: string): this {
    this.checkCanSet('name', this.nameValue, name);
    this.nameValue = name;
    return this;
  }

  version(version: number): this {
    this.checkCanSet('version', this.versionValue, version);
    if (!Number.isInteger(version)) {
      throw new SchemaBuilderException(`Schema version must be an integer, got ${version}`);
    }
    this.versionValue = version;
    return this;
  }

  doc(doc: string): this {
    this.checkCanSet('doc', this.docValue, doc);
    this.docValue = doc;
    return this;
  }

  /** Sets one schema parameter (parameters keep their insertion order). */
  parameter(name: string, value: string): this {
    this.params ??= {};
    this.params[name] = value;
    return this;
  }

  /** Sets several schema parameters. */
  parameters(parameters: Readonly<Record<string, string>>): this {
    const entries = Object.entries(parameters);
    if (entries.length === 0) return this;
    this.params ??= {};
    for (const [k, v] of entries) this.params[k] = v;
    return this;
  }

  /** Adds a field to a STRUCT schema; names must be unique and non-empty. */
  field(name: string, schema: SchemaLike): this {
    if (this.fieldList === null) {
      throw new SchemaBuilderException(`Cannot create fields on type ${this.type}`);
    }
    if (!name) throw new SchemaBuilderException('fieldName cannot be null.');
    if (!schema) {
      throw new SchemaBuilderException(`fieldSchema for field ${name} cannot be null.`);
    }
    if (this.fieldList.some((f) => f.name === name)) {
      throw new SchemaBuilderException(
        `Cannot create field because of field name duplication ${name}`,
      );
    }
    this.fieldList.push(new Field(name, this.fieldList.length, toSchema(schema)));
    return this;
  }

  /** The fields added so far (STRUCT only). */
  fields(): readonly Field[] {
    if (this.fieldList === null) {
      throw new DataException('Cannot list fields on non-struct type');
    }
    return [...this.fieldList];
  }

  /** The immutable schema. The builder may be built again (e.g. after adding more fields). */
  build(): Schema {
    return new ConnectSchema({
      type: this.type,
      optional: this.optionalValue === true,
      defaultValue: this.defaultVal,
      name: this.nameValue,
      version: this.versionValue,
      doc: this.docValue,
      parameters: this.params,
      fields: this.fieldList ?? undefined,
      keySchema: this.keySchemaValue,
      valueSchema: this.valueSchemaValue,
    });
  }
}
