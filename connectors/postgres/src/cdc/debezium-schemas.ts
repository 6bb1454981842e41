import { Decimal, type Schema, SchemaBuilder } from '@sluice/api';

/** Debezium's semantic types: Connect schemas named `io.debezium.*`, version 1. */
function named(builder: SchemaBuilder, name: string): SchemaBuilder {
  return builder.name(name).version(1);
}

export const DebeziumSchemas = {
  date: () => named(SchemaBuilder.int32(), 'io.debezium.time.Date'),
  time: () => named(SchemaBuilder.int32(), 'io.debezium.time.Time'),
  microTime: () => named(SchemaBuilder.int64(), 'io.debezium.time.MicroTime'),
  nanoTime: () => named(SchemaBuilder.int64(), 'io.debezium.time.NanoTime'),
  timestamp: () => named(SchemaBuilder.int64(), 'io.debezium.time.Timestamp'),
  microTimestamp: () => named(SchemaBuilder.int64(), 'io.debezium.time.MicroTimestamp'),
  nanoTimestamp: () => named(SchemaBuilder.int64(), 'io.debezium.time.NanoTimestamp'),
  zonedTimestamp: () => named(SchemaBuilder.string(), 'io.debezium.time.ZonedTimestamp'),
  zonedTime: () => named(SchemaBuilder.string(), 'io.debezium.time.ZonedTime'),
  isoDate: () => named(SchemaBuilder.string(), 'io.debezium.time.IsoDate'),
  isoTime: () => named(SchemaBuilder.string(), 'io.debezium.time.IsoTime'),
  isoTimestamp: () => named(SchemaBuilder.string(), 'io.debezium.time.IsoTimestamp'),
  microDuration: () => named(SchemaBuilder.int64(), 'io.debezium.time.MicroDuration'),
  interval: () => named(SchemaBuilder.string(), 'io.debezium.time.Interval'),
  json: () => named(SchemaBuilder.string(), 'io.debezium.data.Json'),
  xml: () => named(SchemaBuilder.string(), 'io.debezium.data.Xml'),
  uuid: () => named(SchemaBuilder.string(), 'io.debezium.data.Uuid'),
  ltree: () => named(SchemaBuilder.string(), 'io.debezium.data.Ltree'),
  tsvector: () => named(SchemaBuilder.string(), 'io.debezium.data.Tsvector'),
  enum: (labels: readonly string[]) =>
    named(SchemaBuilder.string(), 'io.debezium.data.Enum').parameter('allowed', labels.join(',')),
  bits: (length: number) =>
    named(SchemaBuilder.bytes(), 'io.debezium.data.Bits').parameter('length', String(length)),
  /** A Connect Decimal, with the column precision as Debezium adds it when known. */
  decimal: (scale: number, precision: number | null) => {
    const builder = Decimal.builder(scale);
    if (precision !== null && precision > 0) {
      builder.parameter('connect.decimal.precision', String(precision));
    }
    return builder;
  },
  variableScaleDecimal: () =>
    named(SchemaBuilder.struct(), 'io.debezium.data.VariableScaleDecimal')
      .doc('Variable scaled decimal')
      .field('scale', SchemaBuilder.int32().build())
      .field('value', SchemaBuilder.bytes().build()),
  point: () =>
    named(SchemaBuilder.struct(), 'io.debezium.data.geometry.Point')
      .doc('Geometry (POINT)')
      .field('x', SchemaBuilder.float64().build())
      .field('y', SchemaBuilder.float64().build())
      .field('wkb', SchemaBuilder.bytes().optional().build())
      .field('srid', SchemaBuilder.int32().optional().build()),
} as const;

/** The schema a builder makes, optional. */
export function optional(builder: SchemaBuilder): Schema {
  return builder.optional().build();
}
