import {
  ConnectDate,
  ConnectTime,
  ConnectTimestamp,
  DataException,
  Decimal,
  type Schema,
  SchemaBuilder,
} from '@sluice/api';

type AvroType = string | AvroType[] | { [key: string]: unknown };

/**
 * A Connect schema from an Avro schema in JSON (mongo-kafka's `output.schema.key` and
 * `output.schema.value`): a record at the top; records, arrays, maps, the primitive types and
 * unions of one type with `null` (optional) inside; the decimal, date, time-millis and
 * timestamp-millis logical types. Enums, fixed and other unions are refused, as mongo-kafka does.
 */
export function schemaOfAvroJson(json: string): Schema {
  let parsed: AvroType;
  try {
    parsed = JSON.parse(json) as AvroType;
  } catch (error) {
    throw new DataException(`Invalid Avro schema. ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || Array.isArray(parsed) || parsed.type !== 'record')
    throw new DataException('Only Record schemas are supported at the top-level.');
  return build(parsed, false, '', new Map()).build();
}

function build(
  type: AvroType,
  optional: boolean,
  path: string,
  named: Map<string, SchemaBuilder>,
): SchemaBuilder {
  const at = (message: string) =>
    new DataException(path === '' ? message : `${message} Field: ${path}`);
  let builder: SchemaBuilder;
  if (Array.isArray(type)) {
    const others = type.filter((t) => t !== 'null');
    if (type.length !== 2 || others.length !== 1)
      throw at(
        'Union Schemas are not supported, unless one value is null to represent an optional value.',
      );
    return build(others[0] as AvroType, true, path, named);
  }
  const spec = typeof type === 'string' ? { type } : type;
  const kind = spec.type as AvroType;
  if (typeof kind !== 'string') return build(kind, optional, path, named);
  const logical = spec.logicalType;
  switch (kind) {
    case 'record': {
      const name = String(spec.namespace ? `${spec.namespace}.${spec.name}` : spec.name);
      builder = SchemaBuilder.struct().name(name);
      named.set(name, builder);
      for (const f of (spec.fields ?? []) as {
        name: string;
        type: AvroType;
        default?: unknown;
      }[]) {
        const fieldBuilder = build(
          f.type,
          false,
          path === '' ? f.name : `${path}.${f.name}`,
          named,
        );
        if (f.default !== undefined && f.default !== null) fieldBuilder.defaultValue(f.default);
        builder.field(f.name, fieldBuilder.build());
      }
      break;
    }
    case 'array':
      builder = SchemaBuilder.array(build(spec.items as AvroType, false, path, named).build());
      break;
    case 'map':
      builder = SchemaBuilder.map(
        SchemaBuilder.string().build(),
        build(spec.values as AvroType, false, path, named).build(),
      );
      break;
    case 'string':
      builder = SchemaBuilder.string();
      break;
    case 'bytes':
      builder =
        logical === 'decimal' ? Decimal.builder(Number(spec.scale ?? 0)) : SchemaBuilder.bytes();
      break;
    case 'int':
      builder =
        logical === 'date'
          ? SchemaBuilder.int32()
              .name(ConnectDate.SCHEMA.name as string)
              .version(1)
          : logical === 'time-millis'
            ? SchemaBuilder.int32()
                .name(ConnectTime.SCHEMA.name as string)
                .version(1)
            : SchemaBuilder.int32();
      break;
    case 'long':
      builder =
        logical === 'timestamp-millis'
          ? SchemaBuilder.int64()
              .name(ConnectTimestamp.SCHEMA.name as string)
              .version(1)
          : SchemaBuilder.int64();
      break;
    case 'float':
      builder = SchemaBuilder.float32();
      break;
    case 'double':
      builder = SchemaBuilder.float64();
      break;
    case 'boolean':
      builder = SchemaBuilder.bool();
      break;
    case 'enum':
      throw at(
        "Unsupported Avro schema type: 'ENUM'. The connector will not validate the values. Use string instead.",
      );
    case 'fixed':
      throw at(
        "Unsupported Avro schema type: 'FIXED'. The connector will not validate the length. Use bytes instead.",
      );
    default: {
      const known = named.get(kind);
      if (known === undefined) throw at(`Unsupported Avro schema type: '${kind}'.`);
      return known;
    }
  }
  return optional ? builder.optional() : builder;
}
