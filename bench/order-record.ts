/** The realistic order record the converter benchmarks serialize: nested structs, decimals, int64. */
import { ConnectTimestamp, Decimal, Schema, SchemaBuilder, Struct } from '@sluice/api';

const lineSchema = SchemaBuilder.struct()
  .name('shop.Line')
  .field('sku', Schema.STRING_SCHEMA)
  .field('quantity', Schema.INT32_SCHEMA)
  .field('price', Decimal.schema(2))
  .build();

/** The order's schema. */
export const orderSchema = SchemaBuilder.struct()
  .name('shop.Order')
  .field('id', Schema.INT64_SCHEMA)
  .field('customer', Schema.STRING_SCHEMA)
  .field('email', Schema.OPTIONAL_STRING_SCHEMA)
  .field('created', ConnectTimestamp.SCHEMA)
  .field('paid', Schema.BOOLEAN_SCHEMA)
  .field('total', Schema.FLOAT64_SCHEMA)
  .field('note', Schema.OPTIONAL_STRING_SCHEMA)
  .field('tags', SchemaBuilder.array(Schema.STRING_SCHEMA).build())
  .field('lines', SchemaBuilder.array(lineSchema).build())
  .build();

/** An order with `lines` order lines (their count sets the encoded size). */
export function order(lines: number): Struct {
  return new Struct(orderSchema)
    .put('id', 1_234_567_890_123n)
    .put('customer', 'Ada Lovelace')
    .put('email', 'ada@example.com')
    .put('created', new Date(1_732_000_000_000))
    .put('paid', true)
    .put('total', 1234.56)
    .put('note', 'Leave the parcel with the neighbour at number 12 if nobody answers the door.')
    .put('tags', ['priority', 'gift', 'eu'])
    .put(
      'lines',
      Array.from({ length: lines }, (_, i) =>
        new Struct(lineSchema)
          .put('sku', `SKU-${1000 + i}-BLUE-XL`)
          .put('quantity', i + 1)
          .put('price', Decimal.fromString(`${19 + i}.99`)),
      ),
    );
}
