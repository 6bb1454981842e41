import { DataException, type Schema, SchemaBuilder, type SchemaType } from '@sluice/api';
import { ExactNumber, type JsonValue } from './json-parser.js';
import { compileReader, type ReadOptions } from './json-reader.js';
import { quoteJsonString } from './json-string.js';
import { compileWriter, type WriteOptions } from './json-writer.js';

/** Connect schema type → the `type` word in Kafka's JSON schema. */
const JSON_TYPE_NAMES: Record<SchemaType, string> = {
  INT8: 'int8',
  INT16: 'int16',
  INT32: 'int32',
  INT64: 'int64',
  FLOAT32: 'float',
  FLOAT64: 'double',
  BOOLEAN: 'boolean',
  STRING: 'string',
  BYTES: 'bytes',
  ARRAY: 'array',
  MAP: 'map',
  STRUCT: 'struct',
};

const BUILDERS: Record<string, () => SchemaBuilder> = {
  int8: SchemaBuilder.int8,
  int16: SchemaBuilder.int16,
  int32: SchemaBuilder.int32,
  int64: SchemaBuilder.int64,
  float: SchemaBuilder.float32,
  double: SchemaBuilder.float64,
  boolean: SchemaBuilder.bool,
  string: SchemaBuilder.string,
  bytes: SchemaBuilder.bytes,
};

/**
 * The JSON text of a Connect schema exactly as Kafka writes it in an envelope: keys in
 * Kafka's order (type, items|keys+values|fields, optional, name, version, doc,
 * parameters, default), struct fields with their name last as `"field"`.
 */
export function schemaToJson(schema: Schema, options: WriteOptions): string {
  let out = `{"type":"${JSON_TYPE_NAMES[schema.type]}"`;
  switch (schema.type) {
    case 'ARRAY':
      out += `,"items":${schemaToJson(required(schema.valueSchema, 'Array', 'element'), options)}`;
      break;
    case 'MAP':
      out += `,"keys":${schemaToJson(required(schema.keySchema, 'Map', 'key'), options)}`;
      out += `,"values":${schemaToJson(required(schema.valueSchema, 'Map', 'value'), options)}`;
      break;
    case 'STRUCT': {
      const fields = schema.fields.map((field) => {
        const text = schemaToJson(field.schema, options);
        return `${text.slice(0, -1)},"field":${quoteJsonString(field.name)}}`;
      });
      out += `,"fields":[${fields.join(',')}]`;
      break;
    }
    default:
      break;
  }
  out += `,"optional":${schema.optional ? 'true' : 'false'}`;
  if (schema.name !== null) out += `,"name":${quoteJsonString(schema.name)}`;
  if (schema.version !== null) out += `,"version":${schema.version}`;
  if (schema.doc !== null) out += `,"doc":${quoteJsonString(schema.doc)}`;
  if (schema.parameters !== null) {
    const params = Object.entries(schema.parameters).map(
      ([key, value]) => `${quoteJsonString(key)}:${quoteJsonString(value)}`,
    );
    out += `,"parameters":{${params.join(',')}}`;
  }
  if (schema.defaultValue !== null) {
    out += `,"default":${compileWriter(schema, options)(schema.defaultValue)}`;
  }
  return `${out}}`;
}

function required(schema: Schema | null, kind: string, part: string): Schema {
  if (schema === null) throw new DataException(`${kind} schema without ${part} schema`);
  return schema;
}

function isObject(json: JsonValue | undefined): json is { [key: string]: JsonValue } {
  return (
    typeof json === 'object' &&
    json !== null &&
    !Array.isArray(json) &&
    !(json instanceof ExactNumber)
  );
}

/** Builds the Connect schema of a parsed JSON schema, as Kafka's `asConnectSchema`. */
export function schemaFromJson(json: JsonValue, options: ReadOptions): Schema | null {
  if (json === null) return null;
  if (!isObject(json)) throw new DataException('Schema must be a JSON object');
  const type = json.type;
  if (typeof type !== 'string') throw new DataException("Schema must contain 'type' field");
  let builder: SchemaBuilder;
  const simple = BUILDERS[type];
  if (simple !== undefined) {
    builder = simple();
  } else if (type === 'array') {
    const items = json.items;
    if (items === undefined || items === null) {
      throw new DataException('Array schema did not specify the element type');
    }
    builder = SchemaBuilder.array(schemaFromJson(items, options) as Schema);
  } else if (type === 'map') {
    if (json.keys === undefined) throw new DataException('Map schema did not specify the key type');
    if (json.values === undefined) {
      throw new DataException('Map schema did not specify the value type');
    }
    builder = SchemaBuilder.map(
      schemaFromJson(json.keys, options) as Schema,
      schemaFromJson(json.values, options) as Schema,
    );
  } else if (type === 'struct') {
    builder = SchemaBuilder.struct();
    const fields = json.fields;
    if (!Array.isArray(fields)) {
      throw new DataException('Struct schema\'s "fields" argument is not an array.');
    }
    for (const field of fields) {
      if (!isObject(field) || typeof field.field !== 'string') {
        throw new DataException("Struct schema's field name not specified properly");
      }
      builder.field(field.field, schemaFromJson(field, options) as Schema);
    }
  } else {
    throw new DataException(`Unknown schema type: ${type}`);
  }
  if (json.optional === true) builder.optional();
  else builder.required();
  if (typeof json.name === 'string') builder.name(json.name);
  const version = json.version;
  if (typeof version === 'number' && Number.isInteger(version)) builder.version(version);
  if (typeof json.doc === 'string') builder.doc(json.doc);
  if (isObject(json.parameters)) {
    for (const [key, value] of Object.entries(json.parameters)) {
      if (typeof value !== 'string')
        throw new DataException('Schema parameters must have string values.');
      builder.parameter(key, value);
    }
  }
  if (Object.hasOwn(json, 'default')) {
    const defaultValue = compileReader(builder.build(), options)(json.default);
    if (defaultValue !== null) builder.defaultValue(defaultValue);
  }
  return builder.build();
}
