import {
  ConnectDate,
  ConnectTime,
  ConnectTimestamp,
  Decimal,
  type Schema,
  SchemaBuilder,
  Struct,
} from '@sluice/api';
import fc from 'fast-check';

/** A Connect schema with a value of it, for property tests of converters and transforms. */
export interface SchemaWithValue {
  schema: Schema;
  value: unknown;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DAY_MS = 86_400_000;
/** Names Avro and JSON both accept as field and record names. */
const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/);

const leafSchema: fc.Arbitrary<SchemaBuilder> = fc.oneof(
  fc
    .constantFrom(
      () => SchemaBuilder.int8(),
      () => SchemaBuilder.int16(),
      () => SchemaBuilder.int32(),
      () => SchemaBuilder.int64(),
      () => SchemaBuilder.float32(),
      () => SchemaBuilder.float64(),
      () => SchemaBuilder.bool(),
      () => SchemaBuilder.string(),
      () => SchemaBuilder.bytes(),
      () => ConnectDate.builder(),
      () => ConnectTime.builder(),
      () => ConnectTimestamp.builder(),
    )
    .map((make) => make()),
  fc.integer({ min: 0, max: 10 }).map((scale) => Decimal.builder(scale)),
);

function optionally(builder: fc.Arbitrary<SchemaBuilder>): fc.Arbitrary<Schema> {
  return fc
    .tuple(builder, fc.boolean())
    .map(([b, optional]) => (optional ? b.optional() : b).build());
}

/**
 * Random schemas: primitives, Decimal/Date/Time/Timestamp, arrays, maps with string or int32
 * keys and structs, optional or not, nested up to `depth` levels.
 */
export function connectSchema(depth = 3): fc.Arbitrary<Schema> {
  const { schema } = fc.letrec<{ schema: Schema }>((tie) => ({
    schema: fc.oneof(
      { depthSize: 'small', maxDepth: depth },
      optionally(leafSchema),
      optionally(tie('schema').map((items) => SchemaBuilder.array(items))),
      optionally(
        fc
          .tuple(fc.constantFrom(SchemaBuilder.string(), SchemaBuilder.int32()), tie('schema'))
          .map(([keys, values]) => SchemaBuilder.map(keys.build(), values)),
      ),
      optionally(
        fc
          .tuple(
            name,
            fc.uniqueArray(fc.tuple(name, tie('schema')), {
              minLength: 1,
              maxLength: 4,
              selector: ([field]) => field,
            }),
          )
          .map(([structName, fields]) => {
            const builder = SchemaBuilder.struct().name(`r.${structName}`);
            for (const [field, fieldSchema] of fields) builder.field(field, fieldSchema);
            return builder;
          }),
      ),
    ),
  }));
  return schema;
}

/** Random values of `schema` (null now and then for an optional one). */
export function connectValue(schema: Schema): fc.Arbitrary<unknown> {
  const value = requiredValue(schema);
  return schema.optional ? fc.option(value, { freq: 5 }) : value;
}

function requiredValue(schema: Schema): fc.Arbitrary<unknown> {
  switch (schema.name) {
    case Decimal.LOGICAL_NAME: {
      const scale = Number(schema.parameters?.[Decimal.SCALE_FIELD] ?? '0');
      return fc
        .bigInt({ min: -(10n ** 30n), max: 10n ** 30n })
        .map((unscaled) => new Decimal(unscaled, scale));
    }
    case ConnectDate.LOGICAL_NAME:
      return fc.integer({ min: -100_000, max: 100_000 }).map((d) => new Date(d * DAY_MS));
    case ConnectTime.LOGICAL_NAME:
      return fc.integer({ min: 0, max: DAY_MS - 1 }).map((ms) => new Date(ms));
    case ConnectTimestamp.LOGICAL_NAME:
      return fc
        .integer({ min: -8_640_000_000_000, max: 8_640_000_000_000 })
        .map((ms) => new Date(ms));
  }
  switch (schema.type) {
    case 'INT8':
      return fc.integer({ min: -128, max: 127 });
    case 'INT16':
      return fc.integer({ min: -32768, max: 32767 });
    case 'INT32':
      return fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
    case 'INT64':
      return fc.bigInt({ min: INT64_MIN, max: INT64_MAX });
    case 'FLOAT32':
      return fc.float({ noNaN: true, noDefaultInfinity: true });
    case 'FLOAT64':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'BOOLEAN':
      return fc.boolean();
    case 'STRING':
      return fc.string({ unit: 'grapheme', maxLength: 20 });
    case 'BYTES':
      return fc.uint8Array({ maxLength: 20 });
    case 'ARRAY':
      return fc.array(connectValue(schema.valueSchema as Schema), { maxLength: 4 });
    case 'MAP':
      return fc
        .uniqueArray(
          fc.tuple(
            connectValue(schema.keySchema as Schema),
            connectValue(schema.valueSchema as Schema),
          ),
          {
            maxLength: 4,
            selector: ([key]) => key,
          },
        )
        .map((entries) => new Map(entries));
    case 'STRUCT': {
      const fields = schema.fields;
      return fc.tuple(...fields.map((f) => connectValue(f.schema))).map((values) => {
        const struct = new Struct(schema);
        for (const [i, f] of fields.entries()) struct.put(f.name, values[i]);
        return struct;
      });
    }
    default:
      throw new Error(`no values for ${schema.type}`);
  }
}

/** A random schema with a value of it. */
export function schemaWithValue(depth = 3): fc.Arbitrary<SchemaWithValue> {
  return connectSchema(depth).chain((schema) =>
    connectValue(schema).map((value) => ({ schema, value })),
  );
}
