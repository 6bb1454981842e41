import { type Schema, SchemaBuilder } from '@sluice/api';

/**
 * A builder with `source`'s name, version, doc and parameters (Kafka's
 * `SchemaUtil.copySchemaBasics`); optionality and default are not copied.
 */
export function copySchemaBasics(
  source: Schema,
  builder: SchemaBuilder = source.type === 'ARRAY'
    ? SchemaBuilder.array(source.valueSchema as Schema)
    : source.type === 'MAP'
      ? SchemaBuilder.map(source.keySchema as Schema, source.valueSchema as Schema)
      : new SchemaBuilder(source.type),
): SchemaBuilder {
  if (source.name !== null) builder.name(source.name);
  if (source.version !== null) builder.version(source.version);
  if (source.doc !== null) builder.doc(source.doc);
  if (source.parameters !== null) builder.parameters(source.parameters);
  return builder;
}
