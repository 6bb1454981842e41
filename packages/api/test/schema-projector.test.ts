import { describe, expect, it } from 'vitest';
import {
  ConnectTimestamp,
  Decimal,
  Schema,
  SchemaBuilder,
  SchemaProjector,
  SchemaProjectorException,
  Struct,
} from '../src/index.js';

const { project } = SchemaProjector;

describe('SchemaProjector: primitives', () => {
  it('promotes numbers along INT8 → INT16 → INT32 → INT64 → FLOAT32 → FLOAT64', () => {
    expect(project(Schema.INT8_SCHEMA, 12, Schema.INT16_SCHEMA)).toBe(12);
    expect(project(Schema.INT16_SCHEMA, 12, Schema.INT32_SCHEMA)).toBe(12);
    expect(project(Schema.INT32_SCHEMA, 12, Schema.INT64_SCHEMA)).toBe(12n);
    expect(project(Schema.INT8_SCHEMA, -3, Schema.INT64_SCHEMA)).toBe(-3n);
    expect(project(Schema.INT64_SCHEMA, 12n, Schema.FLOAT32_SCHEMA)).toBe(12);
    expect(project(Schema.INT64_SCHEMA, 12n, Schema.FLOAT64_SCHEMA)).toBe(12);
    expect(project(Schema.FLOAT32_SCHEMA, 1.5, Schema.FLOAT64_SCHEMA)).toBe(1.5);
  });

  it('refuses to demote, as Kafka', () => {
    expect(() => project(Schema.INT64_SCHEMA, 1n, Schema.INT32_SCHEMA)).toThrow(
      'Schema type mismatch. source type: INT64 and target type: INT32',
    );
    expect(() => project(Schema.FLOAT64_SCHEMA, 1, Schema.FLOAT32_SCHEMA)).toThrow(
      SchemaProjectorException,
    );
  });

  it('refuses a promotion that would lose precision instead of rounding (unlike Kafka)', () => {
    expect(() => project(Schema.INT64_SCHEMA, 2n ** 53n + 1n, Schema.FLOAT64_SCHEMA)).toThrow(
      'Cannot promote 9007199254740993 from INT64 to FLOAT64 without losing precision',
    );
    expect(() => project(Schema.INT32_SCHEMA, 16777217, Schema.FLOAT32_SCHEMA)).toThrow(
      SchemaProjectorException,
    );
    expect(project(Schema.INT64_SCHEMA, 2n ** 53n, Schema.FLOAT64_SCHEMA)).toBe(2 ** 53);
  });

  it('passes equal types through unchanged, including logical values', () => {
    const bytes = new Uint8Array([1]);
    expect(project(Schema.BYTES_SCHEMA, bytes, Schema.BYTES_SCHEMA)).toBe(bytes);
    const d = Decimal.fromString('1.23');
    expect(project(Decimal.schema(2), d, Decimal.schema(2))).toBe(d);
    const at = new Date(5);
    expect(project(ConnectTimestamp.SCHEMA, at, ConnectTimestamp.SCHEMA)).toBe(at);
  });

  it('refuses other type changes, name changes and parameter changes', () => {
    expect(() => project(Schema.STRING_SCHEMA, 'a', Schema.BYTES_SCHEMA)).toThrow(
      SchemaProjectorException,
    );
    expect(() =>
      project(
        SchemaBuilder.string().name('a').build(),
        'x',
        SchemaBuilder.string().name('b').build(),
      ),
    ).toThrow('Schema name mismatch. source name: a and target name: b');
    expect(() => project(Decimal.schema(2), Decimal.fromString('1.00'), Decimal.schema(3))).toThrow(
      /^Schema parameters not equal/,
    );
  });

  it('handles null per optionality, as Kafka', () => {
    expect(project(Schema.OPTIONAL_INT32_SCHEMA, null, Schema.OPTIONAL_INT64_SCHEMA)).toBeNull();
    const withDefault = SchemaBuilder.int64().defaultValue(7n).build();
    expect(project(Schema.OPTIONAL_INT32_SCHEMA, null, withDefault)).toBe(7n);
    expect(project(Schema.OPTIONAL_INT32_SCHEMA, 3, withDefault)).toBe(3n);
    expect(() => project(Schema.OPTIONAL_INT32_SCHEMA, 3, Schema.INT32_SCHEMA)).toThrow(
      'Writer schema is optional, however, target schema does not provide a default value.',
    );
  });
});

describe('SchemaProjector: structs, arrays and maps', () => {
  const v1 = SchemaBuilder.struct()
    .name('com.example.User')
    .field('id', Schema.INT32_SCHEMA)
    .field('name', Schema.STRING_SCHEMA)
    .field('legacy', Schema.OPTIONAL_STRING_SCHEMA)
    .build();

  it('evolves a struct: promotes fields, drops removed ones, fills added ones from defaults', () => {
    const v2 = SchemaBuilder.struct()
      .name('com.example.User')
      .field('id', Schema.INT64_SCHEMA)
      .field('name', Schema.STRING_SCHEMA)
      .field('email', Schema.OPTIONAL_STRING_SCHEMA)
      .field('country', SchemaBuilder.string().defaultValue('NL'))
      .field('tier', SchemaBuilder.string().optional().defaultValue('free'))
      .build();
    const record = new Struct(v1).put('id', 7).put('name', 'Ada').put('legacy', 'x');
    const projected = project(v1, record, v2) as Struct;
    expect(projected).toBeInstanceOf(Struct);
    expect(projected.schema).toBe(v2);
    expect(projected.get('id')).toBe(7n);
    expect(projected.get('name')).toBe('Ada');
    expect(projected.getWithoutDefault('email')).toBeNull();
    expect(projected.getWithoutDefault('country')).toBe('NL');
    // Kafka writes the default of a new optional field too.
    expect(projected.getWithoutDefault('tier')).toBe('free');
    expect(() => projected.validate()).not.toThrow();
  });

  it('refuses a new required field without a default, naming it', () => {
    const v2 = SchemaBuilder.struct()
      .name('com.example.User')
      .field('id', Schema.INT32_SCHEMA)
      .field('email', Schema.STRING_SCHEMA)
      .build();
    const record = new Struct(v1).put('id', 7).put('name', 'Ada');
    expect(() => project(v1, record, v2)).toThrow(
      'Required field `email` is missing from source schema: Schema{com.example.User:STRUCT}',
    );
  });

  it('names the field whose projection failed', () => {
    const v2 = SchemaBuilder.struct()
      .name('com.example.User')
      .field('id', Schema.INT8_SCHEMA)
      .build();
    const record = new Struct(v1).put('id', 7).put('name', 'Ada');
    expect(() => project(v1, record, v2)).toThrow(
      'Error projecting id: Schema type mismatch. source type: INT32 and target type: INT8',
    );
  });

  it('projects array items and map entries', () => {
    const ints = SchemaBuilder.array(Schema.INT32_SCHEMA).build();
    const longs = SchemaBuilder.array(Schema.INT64_SCHEMA).build();
    expect(project(ints, [1, 2], longs)).toEqual([1n, 2n]);
    const source = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT16_SCHEMA).build();
    const target = SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.FLOAT64_SCHEMA).build();
    expect(project(source, new Map([['a', 1]]), target)).toEqual(new Map([['a', 1]]));
    expect(() => project(ints, 'not an array', longs)).toThrow(SchemaProjectorException);
  });
});
