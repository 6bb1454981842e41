import {
  ConnectDate,
  ConnectSchema,
  ConnectTime,
  ConnectTimestamp,
  DATE_LOGICAL_NAME,
  DataException,
  DECIMAL_LOGICAL_NAME,
  Decimal,
  Schema,
  SchemaBuilder,
  Struct,
  schemaEquals,
  TIME_LOGICAL_NAME,
  TIMESTAMP_LOGICAL_NAME,
} from '@sluice/api';
import type { AvroDataOptions } from './config.js';

// The names and properties of Confluent's AvroData (io.confluent.connect.avro.AvroData).
export const NAMESPACE = 'io.confluent.connect.avro';
export const DEFAULT_SCHEMA_NAME = 'ConnectDefault';
export const DEFAULT_SCHEMA_FULL_NAME = `${NAMESPACE}.${DEFAULT_SCHEMA_NAME}`;
export const MAP_ENTRY_TYPE_NAME = 'MapEntry';
export const KEY_FIELD = 'key';
export const VALUE_FIELD = 'value';
export const CONNECT_NAME_PROP = 'connect.name';
export const CONNECT_DOC_PROP = 'connect.doc';
export const CONNECT_VERSION_PROP = 'connect.version';
export const CONNECT_DEFAULT_VALUE_PROP = 'connect.default';
export const CONNECT_PARAMETERS_PROP = 'connect.parameters';
export const CONNECT_INTERNAL_TYPE_NAME = 'connect.internal.type';
export const CONNECT_TYPE_PROP = 'connect.type';
export const AVRO_RECORD_DOC_PROP = `${NAMESPACE}.record.doc`;
export const AVRO_ENUM_DOC_PREFIX_PROP = `${NAMESPACE}.enum.doc.`;
export const AVRO_FIELD_DOC_PREFIX_PROP = `${NAMESPACE}.field.doc.`;
export const AVRO_FIELD_DEFAULT_FLAG_PROP = `${NAMESPACE}.field.default`;
export const AVRO_ENUM_DEFAULT_PREFIX_PROP = `${NAMESPACE}.enum.default.`;
export const AVRO_TYPE_UNION = `${NAMESPACE}.Union`;
export const AVRO_TYPE_ENUM = `${NAMESPACE}.Enum`;
export const CONNECT_AVRO_FIXED_SIZE_PROP = 'connect.fixed.size';
export const CONNECT_AVRO_DECIMAL_PRECISION_PROP = 'connect.decimal.precision';
export const CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT = 64;

const PRIMITIVES = new Set([
  'null',
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'bytes',
  'string',
]);

/** An Avro schema as parsed JSON: a type name, a union (array) or a schema object. */
export type AvroSchemaJson = string | AvroSchemaJson[] | { [key: string]: unknown };

type AvroObject = { [key: string]: unknown };

// ---------------------------------------------------------------------------------------------
// Connect → Avro
// ---------------------------------------------------------------------------------------------

interface FromConnectContext {
  /** Named Avro types already written, with the (non-optional) Connect schema they came from. */
  /**
   * Required Connect schemas already converted, with their Avro form: an equal schema met again
   * is written as a reference to the named types in it (Avro forbids defining a name twice), as
   * Confluent's schemaMap does.
   */
  readonly converted: { schema: Schema; json: AvroSchemaJson }[];
  /** The full name of each named type (record, enum, fixed) object written. */
  readonly fullNames: WeakMap<object, string>;
  readonly seenNamedTypes: Set<string>;
  nameIndex: number;
  /** The namespace names are relative to (Avro's enclosing namespace), or null. */
  namespace: string | null;
}

/**
 * The Avro schema (as JSON) of a Connect schema, as Confluent's `AvroData.fromConnectSchema`
 * writes it: int8/int16 as `int` with `connect.type`, optional schemas as unions with null
 * (null first, or last when there is a default), structs as records named after the Connect
 * schema (or `io.confluent.connect.avro.ConnectDefault`), maps with non-string keys as arrays of
 * `MapEntry` records, logical types with Avro's logical types, and the Connect metadata in
 * `connect.*` properties.
 */
export function fromConnectSchema(schema: Schema, options: AvroDataOptions): AvroSchemaJson {
  const context: FromConnectContext = {
    converted: [],
    fullNames: new WeakMap(),
    seenNamedTypes: new Set(),
    nameIndex: 0,
    namespace: null,
  };
  return fromConnect(schema, options, context, false);
}

function nonOptional(schema: Schema): Schema {
  if (!schema.optional) return schema;
  return new ConnectSchema({
    type: schema.type,
    optional: false,
    defaultValue: schema.defaultValue,
    name: schema.name,
    version: schema.version,
    doc: schema.doc,
    parameters: schema.parameters,
    fields: schema.fields,
    keySchema: schema.keySchema,
    valueSchema: schema.valueSchema,
  });
}

function isUnionSchema(schema: Schema): boolean {
  return schema.name === AVRO_TYPE_UNION;
}

function isFixedSchema(schema: Schema): boolean {
  return (
    schema.type === 'BYTES' &&
    schema.name !== null &&
    schema.parameters?.[CONNECT_AVRO_FIXED_SIZE_PROP] !== undefined
  );
}

function isEnumSchema(schema: Schema): boolean {
  return schema.type === 'STRING' && schema.parameters?.[AVRO_TYPE_ENUM] !== undefined;
}

/** Whether a Connect map is written as an Avro map (string keys) rather than MapEntry records. */
export function isAvroMap(schema: Schema, options: AvroDataOptions): boolean {
  const keys = schema.keySchema;
  return (
    keys !== null && keys.type === 'STRING' && (!keys.optional || options.allowOptionalMapKeys)
  );
}

/** `[namespace, name]` of a dotted full name. */
export function splitName(fullName: string): [string | null, string] {
  const dot = fullName.lastIndexOf('.');
  return dot < 0 ? [null, fullName] : [fullName.slice(0, dot), fullName.slice(dot + 1)];
}

function nameOrDefault(context: FromConnectContext, name: string | null): [string | null, string] {
  if (name !== null) return splitName(name);
  context.nameIndex += 1;
  return [
    NAMESPACE,
    `${DEFAULT_SCHEMA_NAME}${context.nameIndex > 1 ? String(context.nameIndex) : ''}`,
  ];
}

/** `name` and, when it differs from the enclosing one, `namespace` ("" to leave a namespace). */
function namedHeader(
  type: string,
  namespace: string | null,
  name: string,
  context: FromConnectContext,
): AvroObject {
  const header: AvroObject = { type, name };
  if ((namespace ?? '') !== (context.namespace ?? '')) header.namespace = namespace ?? '';
  context.fullNames.set(header, fullNameOf(namespace, name));
  return header;
}

/** An Avro schema already written, again: its named types become references to them. */
function asReference(json: AvroSchemaJson, context: FromConnectContext): AvroSchemaJson {
  if (typeof json === 'string') return json;
  if (Array.isArray(json)) return json.map((member) => asReference(member, context));
  const fullName = context.fullNames.get(json);
  if (fullName !== undefined) return nameReference(fullName, context);
  if (json.type === 'array')
    return { ...json, items: asReference(json.items as AvroSchemaJson, context) };
  if (json.type === 'map')
    return { ...json, values: asReference(json.values as AvroSchemaJson, context) };
  return json;
}

/** A reference to an already written named type, relative to the enclosing namespace. */
function nameReference(fullName: string, context: FromConnectContext): string {
  const [namespace, name] = splitName(fullName);
  return (namespace ?? '') === (context.namespace ?? '') ? name : fullName;
}

function fullNameOf(namespace: string | null, name: string): string {
  return namespace === null || namespace === '' ? name : `${namespace}.${name}`;
}

function fromConnect(
  schema: Schema,
  options: AvroDataOptions,
  context: FromConnectContext,
  ignoreOptional: boolean,
): AvroSchemaJson {
  if (!isUnionSchema(schema) && !schema.optional) {
    const known = context.converted.find((d) => schemaEquals(d.schema, schema));
    if (known !== undefined) return asReference(known.json, context);
  }
  let connectType: string | null = null;
  let base: AvroObject;
  switch (schema.type) {
    case 'INT8':
      connectType = 'int8';
      base = { type: 'int' };
      break;
    case 'INT16':
      connectType = 'int16';
      base = { type: 'int' };
      break;
    case 'INT32':
      base = { type: 'int' };
      break;
    case 'INT64':
      base = { type: 'long' };
      break;
    case 'FLOAT32':
      base = { type: 'float' };
      break;
    case 'FLOAT64':
      base = { type: 'double' };
      break;
    case 'BOOLEAN':
      base = { type: 'boolean' };
      break;
    case 'STRING':
      if (options.enhancedAvroSchemaSupport && isEnumSchema(schema)) {
        const params = schema.parameters ?? {};
        const prefix = `${AVRO_TYPE_ENUM}.`;
        const symbols = Object.keys(params)
          .filter((k) => k.startsWith(prefix))
          .map((k) => k.slice(prefix.length));
        const [, simpleName] = nameOrDefault(context, schema.name);
        const enumFullName = params[AVRO_TYPE_ENUM] ?? simpleName;
        const [namespace, name] = splitName(enumFullName);
        base = namedHeader('enum', namespace, name, context);
        const doc = params[`${AVRO_ENUM_DOC_PREFIX_PROP}${simpleName}`];
        if (doc !== undefined) base.doc = doc;
        base.symbols = symbols;
        const enumDefault = params[`${AVRO_ENUM_DEFAULT_PREFIX_PROP}${simpleName}`];
        if (enumDefault !== undefined) base.default = enumDefault;
      } else {
        base = { type: 'string' };
      }
      break;
    case 'BYTES': {
      if (isFixedSchema(schema)) {
        const [namespace, name] = nameOrDefault(context, schema.name);
        base = namedHeader('fixed', namespace, name, context);
        base.size = Number(schema.parameters?.[CONNECT_AVRO_FIXED_SIZE_PROP]);
      } else {
        base = { type: 'bytes' };
      }
      if (schema.name === DECIMAL_LOGICAL_NAME) {
        base.scale = Decimal.scaleOf(schema);
        const precision = schema.parameters?.[CONNECT_AVRO_DECIMAL_PRECISION_PROP];
        base.precision =
          precision === undefined ? CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT : Number(precision);
      }
      break;
    }
    case 'ARRAY':
      base = {
        type: 'array',
        items: fromConnect(requireSchema(schema.valueSchema), options, context, false),
      };
      break;
    case 'MAP': {
      const keySchema = requireSchema(schema.keySchema);
      const valueSchema = requireSchema(schema.valueSchema);
      if (isAvroMap(schema, options)) {
        base = { type: 'map', values: fromConnect(valueSchema, options, context, false) };
      } else {
        const [namespace, name] =
          schema.name === null
            ? [NAMESPACE, MAP_ENTRY_TYPE_NAME]
            : nameOrDefault(context, schema.name);
        const entry = namedHeader('record', namespace, name, context);
        const enclosing = context.namespace;
        context.namespace = namespace;
        entry.fields = [
          recordField(KEY_FIELD, keySchema, null, options, context),
          recordField(VALUE_FIELD, valueSchema, null, options, context),
        ];
        context.namespace = enclosing;
        if (schema.name !== null) entry[CONNECT_INTERNAL_TYPE_NAME] = MAP_ENTRY_TYPE_NAME;
        base = { type: 'array', items: entry };
      }
      break;
    }
    case 'STRUCT': {
      if (isUnionSchema(schema)) {
        const members: AvroSchemaJson[] = [];
        if (schema.optional) members.push('null');
        for (const field of schema.fields) {
          members.push(fromConnect(nonOptional(field.schema), options, context, true));
        }
        return members;
      }
      if (schema.optional) {
        const union = [
          'null' as AvroSchemaJson,
          fromConnect(nonOptional(schema), options, context, false),
        ];
        return schema.defaultValue !== null ? [union[1] as AvroSchemaJson, 'null'] : union;
      }
      const [namespace, name] = nameOrDefault(context, schema.name);
      base = namedHeader('record', namespace, name, context);
      const doc = schema.parameters?.[AVRO_RECORD_DOC_PROP];
      if (doc !== undefined) base.doc = doc;
      const enclosing = context.namespace;
      context.namespace = namespace;
      base.fields = schema.fields.map((field) =>
        recordField(
          field.name,
          field.schema,
          schema.parameters?.[`${AVRO_FIELD_DOC_PREFIX_PROP}${field.name}`] ?? null,
          options,
          context,
        ),
      );
      context.namespace = enclosing;
      break;
    }
    default:
      throw new DataException(`Unknown schema type: ${String(schema.type)}`);
  }

  if (options.connectMetaData) {
    if (schema.doc !== null) base[CONNECT_DOC_PROP] = schema.doc;
    if (schema.version !== null) base[CONNECT_VERSION_PROP] = schema.version;
    if (schema.parameters !== null) {
      const params: Record<string, string> = {};
      let any = false;
      for (const [k, v] of Object.entries(schema.parameters)) {
        if (k === AVRO_FIELD_DEFAULT_FLAG_PROP) continue;
        params[k] = v;
        any = true;
      }
      if (any) base[CONNECT_PARAMETERS_PROP] = params;
    }
    if (
      schema.defaultValue !== null &&
      schema.parameters?.[AVRO_FIELD_DEFAULT_FLAG_PROP] === undefined
    ) {
      base[CONNECT_DEFAULT_VALUE_PROP] = defaultValueFromConnect(
        schema,
        schema.defaultValue,
        options,
      );
    }
    if (schema.name !== null) base[CONNECT_NAME_PROP] = schema.name;
    if (connectType !== null) base[CONNECT_TYPE_PROP] = connectType;
  }

  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME:
      // Written in every case: as Avro's logical type, or (scale < 0 or > precision, which Avro's
      // decimal refuses) as Confluent's legacy property of the same name and value.
      if (schema.type === 'BYTES') base.logicalType = 'decimal';
      break;
    case TIME_LOGICAL_NAME:
      base.logicalType = 'time-millis';
      break;
    case TIMESTAMP_LOGICAL_NAME:
      base.logicalType = 'timestamp-millis';
      break;
    case DATE_LOGICAL_NAME:
      base.logicalType = 'date';
      break;
  }

  if (schema.parameters !== null) {
    for (const [k, v] of Object.entries(schema.parameters)) {
      if (k.startsWith('avro')) base[k] = v;
    }
  }

  let result: AvroSchemaJson = simplify(base);
  if (!schema.optional) context.converted.push({ schema, json: result });
  if (!ignoreOptional && schema.optional) {
    result = schema.defaultValue !== null ? [result, 'null'] : ['null', result];
  }
  return result;
}

/** A primitive without properties is written as its bare name, as Avro does. */
function simplify(base: AvroObject): AvroSchemaJson {
  const type = base.type;
  if (typeof type === 'string' && PRIMITIVES.has(type) && Object.keys(base).length === 1) {
    return type;
  }
  return base;
}

function requireSchema(schema: Schema | null): Schema {
  if (schema === null) throw new DataException('Map or array schema without its item schema');
  return schema;
}

function recordField(
  name: string,
  fieldSchema: Schema,
  doc: string | null,
  options: AvroDataOptions,
  context: FromConnectContext,
): AvroObject {
  const alreadySeen = fieldSchema.name !== null && context.seenNamedTypes.has(fieldSchema.name);
  if (fieldSchema.name !== null) context.seenNamedTypes.add(fieldSchema.name);
  const type = fromConnect(fieldSchema, options, context, false);
  const field: AvroObject = { name, type };
  if (doc !== null) field.doc = doc;
  // Non-string maps have no valid Avro default in their Connect form (Confluent drops it too);
  // the type's `connect.default` still carries it.
  const avroDefaultInvalid = fieldSchema.type === 'MAP' && !isAvroMap(fieldSchema, options);
  if (fieldSchema.defaultValue !== null && !avroDefaultInvalid) {
    field.default = defaultValueFromConnect(fieldSchema, fieldSchema.defaultValue, options);
  } else if (fieldSchema.optional) {
    field.default = null;
  }
  if (
    options.connectMetaData &&
    alreadySeen &&
    fieldSchema.parameters !== null &&
    Object.keys(fieldSchema.parameters).length > 0 &&
    isNamedAvroType(type)
  ) {
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(fieldSchema.parameters)) {
      if (k !== AVRO_FIELD_DEFAULT_FLAG_PROP) params[k] = v;
    }
    if (Object.keys(params).length > 0) field[CONNECT_PARAMETERS_PROP] = params;
  }
  return field;
}

function isNamedAvroType(type: AvroSchemaJson): boolean {
  if (Array.isArray(type)) return type.some(isNamedAvroType);
  if (typeof type === 'string') return !PRIMITIVES.has(type);
  return type.type === 'record' || type.type === 'enum' || type.type === 'fixed';
}

/** Bytes as ISO-8859-1 text (one code point per byte), Avro's JSON form of bytes. */
function bytesToLatin1(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return text;
}

/** A Connect default value as the JSON Avro uses for defaults (bytes as ISO-8859-1 text). */
export function defaultValueFromConnect(
  schema: Schema,
  value: unknown,
  options: AvroDataOptions,
): unknown {
  if (value === null || value === undefined) return null;
  let v = value;
  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME:
      if (schema.type === 'BYTES') v = Decimal.fromLogical(schema, value as Decimal);
      break;
    case DATE_LOGICAL_NAME:
      if (schema.type === 'INT32') v = ConnectDate.fromLogical(schema, value as Date);
      break;
    case TIME_LOGICAL_NAME:
      if (schema.type === 'INT32') v = ConnectTime.fromLogical(schema, value as Date);
      break;
    case TIMESTAMP_LOGICAL_NAME:
      if (schema.type === 'INT64') v = ConnectTimestamp.fromLogical(schema, value as Date);
      break;
  }
  switch (schema.type) {
    case 'INT8':
    case 'INT16':
    case 'INT32':
    case 'INT64':
    case 'BOOLEAN':
    case 'STRING':
      return v;
    case 'FLOAT32':
    case 'FLOAT64':
      if (!Number.isFinite(v)) {
        throw new DataException(`Default value ${String(v)} has no JSON form in an Avro schema`);
      }
      return v;
    case 'BYTES':
      return bytesToLatin1(v as Uint8Array);
    case 'ARRAY': {
      const items = requireSchema(schema.valueSchema);
      return (v as unknown[]).map((item) => defaultValueFromConnect(items, item, options));
    }
    case 'MAP': {
      const keys = requireSchema(schema.keySchema);
      const values = requireSchema(schema.valueSchema);
      const map = v as Map<unknown, unknown>;
      if (isAvroMap(schema, options)) {
        const out: Record<string, unknown> = {};
        for (const [k, item] of map)
          out[k as string] = defaultValueFromConnect(values, item, options);
        return out;
      }
      return [...map].map(([k, item]) => [
        defaultValueFromConnect(keys, k, options),
        defaultValueFromConnect(values, item, options),
      ]);
    }
    case 'STRUCT': {
      const struct = v as Struct;
      const out: Record<string, unknown> = {};
      for (const field of schema.fields) {
        const fieldDefault = defaultValueFromConnect(field.schema, struct.get(field), options);
        if (isUnionSchema(schema)) return fieldDefault;
        out[field.name] = fieldDefault;
      }
      return out;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Avro → Connect
// ---------------------------------------------------------------------------------------------

interface NamedDefinition {
  readonly json: AvroObject;
  readonly namespace: string | null;
}

interface ToConnectContext {
  readonly named: Map<string, NamedDefinition>;
  /** Records being converted (a reference to one of them is a recursive schema). */
  readonly inProgress: Set<string>;
}

/**
 * The Connect schema of an Avro schema (parsed JSON), as Confluent's `AvroData.toConnectSchema`
 * reads it back: `connect.*` properties restore what Avro cannot say, Avro logical types become
 * Connect's, a union with null becomes an optional schema, other unions a struct named
 * `io.confluent.connect.avro.Union`. `version` is the registry version, used when the schema has
 * no `connect.version`.
 */
export function toConnectSchema(
  avroSchema: AvroSchemaJson,
  options: AvroDataOptions,
  version: number | null = null,
): Schema {
  const context: ToConnectContext = { named: new Map(), inProgress: new Set() };
  return toConnect(avroSchema, null, options, context, false, undefined, null, version);
}

function qualify(name: string, namespace: string | null): string {
  if (name.includes('.') || namespace === null || namespace === '') return name;
  return `${namespace}.${name}`;
}

/** Resolves a type reference or inline definition to its object form and namespace. */
function resolve(
  schema: AvroSchemaJson,
  namespace: string | null,
  context: ToConnectContext,
): { json: AvroObject | AvroSchemaJson[]; namespace: string | null } {
  if (Array.isArray(schema)) return { json: schema, namespace };
  if (typeof schema === 'string') {
    if (PRIMITIVES.has(schema)) return { json: { type: schema }, namespace };
    const fullName = qualify(schema, namespace);
    const definition = context.named.get(fullName) ?? context.named.get(schema);
    if (definition === undefined) {
      throw new DataException(`Undefined Avro type name: ${schema}`);
    }
    if (context.inProgress.has(qualify(String(definition.json.name), definition.namespace))) {
      throw new DataException(
        `Recursive Avro schemas are not supported: ${fullName} refers to itself`,
      );
    }
    return { json: definition.json, namespace: definition.namespace };
  }
  const type = schema.type;
  if (typeof type === 'object' && type !== null) {
    return resolve(type as AvroSchemaJson, namespace, context);
  }
  if (typeof type === 'string' && !PRIMITIVES.has(type) && !COMPLEX.has(type)) {
    return resolve(type, namespace, context);
  }
  if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
    const name = String(schema.name ?? '');
    const ownNamespace =
      typeof schema.namespace === 'string'
        ? schema.namespace
        : name.includes('.')
          ? null
          : namespace;
    const fullName = qualify(name, ownNamespace);
    const [definedNamespace] = splitName(fullName);
    if (!context.named.has(fullName)) {
      context.named.set(fullName, { json: schema, namespace: definedNamespace });
    }
    return { json: schema, namespace: definedNamespace };
  }
  return { json: schema, namespace };
}

const COMPLEX = new Set(['record', 'error', 'enum', 'fixed', 'array', 'map']);

function fullNameOfJson(json: AvroObject, namespace: string | null): string {
  return qualify(String(json.name ?? ''), namespace);
}

function isMapEntry(json: AvroSchemaJson, namespace: string | null, context: ToConnectContext) {
  const { json: entry, namespace: ns } = resolve(json, namespace, context);
  if (Array.isArray(entry) || entry.type !== 'record') return false;
  return (
    fullNameOfJson(entry, ns) === `${NAMESPACE}.${MAP_ENTRY_TYPE_NAME}` ||
    entry[CONNECT_INTERNAL_TYPE_NAME] === MAP_ENTRY_TYPE_NAME
  );
}

function isNullType(json: AvroSchemaJson): boolean {
  return (
    json === 'null' || (typeof json === 'object' && !Array.isArray(json) && json.type === 'null')
  );
}

function toConnect(
  avroSchema: AvroSchemaJson,
  enclosingNamespace: string | null,
  options: AvroDataOptions,
  context: ToConnectContext,
  forceOptional: boolean,
  fieldDefault: unknown,
  docDefault: string | null,
  version: number | null,
): Schema {
  const { json, namespace } = resolve(avroSchema, enclosingNamespace, context);
  if (Array.isArray(json)) {
    return unionToConnect(json, namespace, options, context, docDefault, version);
  }
  const avroType = String(json.type);
  const connectTypeProp = json[CONNECT_TYPE_PROP];
  const logicalType = typeof json.logicalType === 'string' ? json.logicalType.toLowerCase() : null;
  let builder: SchemaBuilder;
  switch (avroType) {
    case 'boolean':
      builder = SchemaBuilder.bool();
      break;
    case 'bytes':
    case 'fixed':
      if (logicalType === 'decimal') {
        const scale = typeof json.scale === 'number' ? json.scale : 0;
        builder = Decimal.builder(scale);
        if (json.precision !== undefined) {
          if (typeof json.precision !== 'number' || !Number.isInteger(json.precision)) {
            throw new DataException(
              'precision property must be a JSON Integer. https://avro.apache.org/docs/1.9.1/spec.html#Decimal',
            );
          }
          if (json.precision !== CONNECT_AVRO_DECIMAL_PRECISION_DEFAULT) {
            builder.parameter(CONNECT_AVRO_DECIMAL_PRECISION_PROP, String(json.precision));
          }
        }
      } else {
        builder = SchemaBuilder.bytes();
      }
      if (avroType === 'fixed') builder.parameter(CONNECT_AVRO_FIXED_SIZE_PROP, String(json.size));
      break;
    case 'double':
      builder = SchemaBuilder.float64();
      break;
    case 'float':
      builder = SchemaBuilder.float32();
      break;
    case 'int':
      if (connectTypeProp === undefined && logicalType === null) {
        builder = SchemaBuilder.int32();
      } else if (logicalType !== null) {
        builder =
          logicalType === 'date'
            ? ConnectDate.builder()
            : logicalType === 'time-millis'
              ? ConnectTime.builder()
              : SchemaBuilder.int32();
      } else if (connectTypeProp === 'int8') {
        builder = SchemaBuilder.int8();
      } else if (connectTypeProp === 'int16') {
        builder = SchemaBuilder.int16();
      } else {
        throw new DataException('Connect type annotation for Avro int field is null');
      }
      break;
    case 'long':
      builder =
        logicalType === 'timestamp-millis' ? ConnectTimestamp.builder() : SchemaBuilder.int64();
      break;
    case 'string':
      builder = SchemaBuilder.string();
      break;
    case 'array': {
      const items = json.items as AvroSchemaJson;
      if (isMapEntry(items, namespace, context)) {
        const { json: entry, namespace: entryNamespace } = resolve(items, namespace, context);
        const fields = (entry as AvroObject).fields as AvroObject[];
        const keyField = fields.find((f) => f.name === KEY_FIELD);
        const valueField = fields.find((f) => f.name === VALUE_FIELD);
        if (fields.length !== 2 || keyField === undefined || valueField === undefined) {
          throw new DataException(
            'Found map encoded as array of key-value pairs, but array elements do not match the expected format.',
          );
        }
        builder = SchemaBuilder.map(
          toConnectSchemaIn(keyField.type as AvroSchemaJson, entryNamespace, options, context),
          toConnectSchemaIn(valueField.type as AvroSchemaJson, entryNamespace, options, context),
        );
      } else {
        builder = SchemaBuilder.array(
          toConnect(items, namespace, options, context, false, undefined, null, null),
        );
      }
      break;
    }
    case 'map':
      builder = SchemaBuilder.map(
        Schema.STRING_SCHEMA,
        toConnect(
          json.values as AvroSchemaJson,
          namespace,
          options,
          context,
          false,
          undefined,
          null,
          null,
        ),
      );
      break;
    case 'record':
    case 'error': {
      builder = SchemaBuilder.struct();
      const fullName = fullNameOfJson(json, namespace);
      if (options.connectMetaData && typeof json.doc === 'string') {
        builder.parameter(AVRO_RECORD_DOC_PROP, json.doc);
      }
      const fields = (json.fields ?? []) as AvroObject[];
      const struct = builder;
      // A reference to this record from inside it would be a recursive schema.
      context.inProgress.add(fullName);
      try {
        for (const field of fields) {
          const fieldName = String(field.name);
          const fieldDoc = typeof field.doc === 'string' ? field.doc : null;
          if (options.connectMetaData && fieldDoc !== null) {
            struct.parameter(`${AVRO_FIELD_DOC_PREFIX_PROP}${fieldName}`, fieldDoc);
          }
          let fieldSchema = toConnect(
            field.type as AvroSchemaJson,
            namespace,
            options,
            context,
            false,
            field.default,
            fieldDoc,
            null,
          );
          const fieldParams = field[CONNECT_PARAMETERS_PROP];
          if (options.connectMetaData && isPlainObject(fieldParams)) {
            fieldSchema = applyFieldLevelParams(fieldSchema, fieldParams);
          }
          struct.field(fieldName, fieldSchema);
        }
      } finally {
        context.inProgress.delete(fullName);
      }
      break;
    }
    case 'enum': {
      builder = SchemaBuilder.string();
      const name = String(json.name);
      const simpleName = splitName(name)[1];
      if (options.connectMetaData) {
        if (typeof json.doc === 'string') {
          builder.parameter(`${AVRO_ENUM_DOC_PREFIX_PROP}${simpleName}`, json.doc);
        }
        if (typeof json.default === 'string') {
          builder.parameter(`${AVRO_ENUM_DEFAULT_PREFIX_PROP}${simpleName}`, json.default);
        }
      }
      builder.parameter(AVRO_TYPE_ENUM, fullNameOfJson(json, namespace));
      for (const symbol of (json.symbols ?? []) as string[]) {
        builder.parameter(`${AVRO_TYPE_ENUM}.${symbol}`, symbol);
      }
      break;
    }
    case 'null':
      throw new DataException('Standalone null schemas are not supported by this converter');
    default:
      throw new DataException(`Couldn't translate unsupported schema type ${avroType}.`);
  }

  if (options.connectMetaData && typeof json[CONNECT_DOC_PROP] === 'string') {
    builder.doc(json[CONNECT_DOC_PROP] as string);
  }

  const versionNode = json[CONNECT_VERSION_PROP];
  let versionInt = -1;
  if (versionNode !== undefined) {
    if (typeof versionNode !== 'number') {
      throw new DataException(`Invalid Connect version found: ${JSON.stringify(versionNode)}`);
    }
    versionInt = Math.trunc(versionNode);
  } else if (version !== null) {
    versionInt = version;
  }
  if (versionInt >= 0) {
    const current = builder.build().version;
    if (current !== null && current !== versionInt) {
      throw new DataException(
        `Mismatched versions: version already added to SchemaBuilder (${current}) differs from version in source schema (${versionInt})`,
      );
    }
    if (current === null) builder.version(versionInt);
  }

  const parameters = json[CONNECT_PARAMETERS_PROP];
  if (options.connectMetaData && parameters !== undefined) {
    if (!isPlainObject(parameters)) {
      throw new DataException(
        `Expected JSON object for schema parameters but found: ${JSON.stringify(parameters)}`,
      );
    }
    for (const [k, v] of Object.entries(parameters)) {
      if (typeof v !== 'string') {
        throw new DataException(
          `Expected schema parameter values to be strings but found: ${JSON.stringify(v)}`,
        );
      }
      builder.parameter(k, v);
    }
  }
  for (const [k, v] of Object.entries(json)) {
    if (k.startsWith('avro')) builder.parameter(k, typeof v === 'string' ? v : JSON.stringify(v));
  }

  const connectDefault = json[CONNECT_DEFAULT_VALUE_PROP];
  let defaultJson = fieldDefault;
  if (defaultJson === undefined) {
    defaultJson = connectDefault;
  } else if (options.connectMetaData && connectDefault === undefined) {
    builder.parameter(AVRO_FIELD_DEFAULT_FLAG_PROP, 'true');
  }

  const connectName = json[CONNECT_NAME_PROP];
  let name: string | null = null;
  if (connectName !== undefined) {
    if (typeof connectName !== 'string') {
      throw new DataException(`Invalid schema name: ${JSON.stringify(connectName)}`);
    }
    name = connectName;
  } else if (avroType === 'record' || avroType === 'error' || avroType === 'enum') {
    name = fullNameOfJson(json, namespace);
  } else if (avroType === 'fixed' && logicalType !== 'decimal') {
    name = fullNameOfJson(json, namespace);
  }
  if (name !== null && !name.startsWith(DEFAULT_SCHEMA_FULL_NAME)) {
    const current = builder.build().name;
    if (current !== null && current !== name) {
      throw new DataException(
        `Mismatched names: name already added to SchemaBuilder (${current}) differs from name in source schema (${name})`,
      );
    }
    if (current === null) builder.name(name);
  }
  if (forceOptional) builder.optional();

  if (defaultJson !== undefined && defaultJson !== null) {
    // Confluent ignores a default it cannot read; so do we.
    try {
      const value = defaultValueFromAvro(
        builder.build(),
        json,
        namespace,
        defaultJson,
        options,
        context,
      );
      if (value !== null) builder.defaultValue(value);
    } catch (error) {
      if (!(error instanceof DataException)) throw error;
    }
  }
  return builder.build();
}

function toConnectSchemaIn(
  schema: AvroSchemaJson,
  namespace: string | null,
  options: AvroDataOptions,
  context: ToConnectContext,
): Schema {
  return toConnect(schema, namespace, options, context, false, undefined, null, null);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function applyFieldLevelParams(original: Schema, fieldParams: Record<string, unknown>): Schema {
  const originalParams = original.parameters ?? {};
  const same = Object.entries(fieldParams).every(([k, v]) => String(v) === originalParams[k]);
  if (same) return original;
  const builder = SchemaBuilder.from(original);
  for (const [k, v] of Object.entries(fieldParams)) builder.parameter(k, String(v));
  return builder.build();
}

/** The Connect union-member field name of an Avro member schema. */
function avroUnionMemberName(
  member: AvroSchemaJson,
  namespace: string | null,
  options: AvroDataOptions,
  context: ToConnectContext,
): string {
  const { json, namespace: ns } = resolve(member, namespace, context);
  if (Array.isArray(json)) return 'union';
  const type = String(json.type);
  if (type === 'record' || type === 'error' || type === 'enum' || type === 'fixed') {
    const fullName = fullNameOfJson(json, ns);
    return options.enhancedAvroSchemaSupport ? fullName : splitName(fullName)[1];
  }
  return type;
}

function unionToConnect(
  members: AvroSchemaJson[],
  namespace: string | null,
  options: AvroDataOptions,
  context: ToConnectContext,
  docDefault: string | null,
  version: number | null,
): Schema {
  if (members.length === 1 && options.flattenSingletonUnions) {
    return toConnect(
      members[0] as AvroSchemaJson,
      namespace,
      options,
      context,
      false,
      undefined,
      docDefault,
      null,
    );
  }
  if (members.length === 2 && members.some(isNullType)) {
    const member = members.find((m) => !isNullType(m)) as AvroSchemaJson;
    return toConnect(member, namespace, options, context, true, undefined, docDefault, null);
  }
  const builder = SchemaBuilder.struct().name(AVRO_TYPE_UNION);
  const names = new Set<string>();
  for (const member of members) {
    if (isNullType(member)) {
      builder.optional();
      continue;
    }
    const fieldName = avroUnionMemberName(member, namespace, options, context);
    if (names.has(fieldName)) {
      throw new DataException('Multiple union schemas map to the Connect union field name');
    }
    names.add(fieldName);
    builder.field(
      fieldName,
      toConnect(member, namespace, options, context, true, undefined, null, null),
    );
  }
  // A union carries no connect.version: the registry version is the Union struct's, as in
  // Confluent's AvroData (the null and singleton unions above take their member's instead).
  if (version !== null && version >= 0) builder.version(version);
  return builder.build();
}

function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i) & 0xff;
  return bytes;
}

/** A default value written in an Avro schema (JSON), as the Connect value of `schema`. */
function defaultValueFromAvro(
  schema: Schema,
  avroSchema: AvroSchemaJson,
  namespace: string | null,
  value: unknown,
  options: AvroDataOptions,
  context: ToConnectContext,
): unknown {
  if (value === null || value === undefined) return null;
  const { json, namespace: ns } = resolve(avroSchema, namespace, context);
  let result: unknown;
  if (Array.isArray(json)) {
    // A union's default belongs to its first member.
    const first = json[0] as AvroSchemaJson;
    if (isNullType(first)) return null;
    if (schema.type === 'STRUCT' && schema.name === AVRO_TYPE_UNION) {
      const member = schema.field(avroUnionMemberName(first, ns, options, context));
      if (member === undefined) return null;
      const inner = defaultValueFromAvro(member.schema, first, ns, value, options, context);
      return new Struct(schema).put(member.name, inner);
    }
    return defaultValueFromAvro(schema, first, ns, value, options, context);
  }
  switch (String(json.type)) {
    case 'int':
    case 'float':
    case 'double':
      if (typeof value !== 'number') throw new DataException(`Invalid default ${String(value)}`);
      result = value;
      break;
    case 'long':
      if (typeof value !== 'number' && typeof value !== 'bigint') {
        throw new DataException(`Invalid default ${String(value)}`);
      }
      result = BigInt(value);
      break;
    case 'boolean':
      result = Boolean(value);
      break;
    case 'string':
    case 'enum':
      result = String(value);
      break;
    case 'bytes':
    case 'fixed':
      if (typeof value !== 'string')
        throw new DataException('Invalid binary data in default value');
      result = latin1Bytes(value);
      break;
    case 'array': {
      if (!Array.isArray(value)) throw new DataException('Invalid JSON for array default value');
      if (schema.type === 'MAP') {
        // A non-string-key map's Connect default: [[key, value], ...].
        const keyJson = ((json.items as AvroObject).fields as AvroObject[] | undefined)?.[0]?.type;
        const valueJson = ((json.items as AvroObject).fields as AvroObject[] | undefined)?.[1]
          ?.type;
        const map = new Map<unknown, unknown>();
        for (const pair of value) {
          if (!Array.isArray(pair) || pair.length !== 2) {
            throw new DataException('Invalid JSON for map default value');
          }
          map.set(
            defaultValueFromAvro(
              requireSchema(schema.keySchema),
              keyJson as AvroSchemaJson,
              ns,
              pair[0],
              options,
              context,
            ),
            defaultValueFromAvro(
              requireSchema(schema.valueSchema),
              valueJson as AvroSchemaJson,
              ns,
              pair[1],
              options,
              context,
            ),
          );
        }
        return map;
      }
      const items = requireSchema(schema.valueSchema);
      return value.map((item) =>
        defaultValueFromAvro(items, json.items as AvroSchemaJson, ns, item, options, context),
      );
    }
    case 'map': {
      if (!isPlainObject(value)) throw new DataException('Invalid JSON for map default value');
      const values = requireSchema(schema.valueSchema);
      return new Map(
        Object.entries(value).map(([k, v]) => [
          k,
          defaultValueFromAvro(values, json.values as AvroSchemaJson, ns, v, options, context),
        ]),
      );
    }
    case 'record':
    case 'error': {
      if (!isPlainObject(value)) throw new DataException('Invalid JSON for record default value');
      const struct = new Struct(schema);
      for (const field of (json.fields ?? []) as AvroObject[]) {
        const connectField = schema.field(String(field.name));
        if (connectField === undefined) continue;
        const fieldValue = Object.hasOwn(value, connectField.name)
          ? value[connectField.name]
          : field.default;
        struct.put(
          connectField,
          defaultValueFromAvro(
            connectField.schema,
            field.type as AvroSchemaJson,
            ns,
            fieldValue,
            options,
            context,
          ),
        );
      }
      return struct;
    }
    default:
      return null;
  }
  return toConnectLogical(schema, result);
}

function toConnectLogical(schema: Schema, value: unknown): unknown {
  switch (schema.name) {
    case DECIMAL_LOGICAL_NAME:
      return schema.type === 'BYTES' ? Decimal.toLogical(schema, value as Uint8Array) : value;
    case DATE_LOGICAL_NAME:
      return schema.type === 'INT32' ? ConnectDate.toLogical(schema, value as number) : value;
    case TIME_LOGICAL_NAME:
      return schema.type === 'INT32' ? ConnectTime.toLogical(schema, value as number) : value;
    case TIMESTAMP_LOGICAL_NAME:
      return schema.type === 'INT64' ? ConnectTimestamp.toLogical(schema, value as bigint) : value;
    default:
      return value;
  }
}

/** The full name of the record an Avro schema is (the record strategies' subject), or null. */
export function recordFullName(avroSchema: AvroSchemaJson): string | null {
  if (typeof avroSchema !== 'object' || Array.isArray(avroSchema)) return null;
  if (avroSchema.type !== 'record') return null;
  const name = String(avroSchema.name ?? '');
  const namespace = typeof avroSchema.namespace === 'string' ? avroSchema.namespace : null;
  return qualify(name, namespace);
}
