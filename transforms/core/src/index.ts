export { Cast, CastKey, CastValue } from './cast.js';
export { DropHeaders } from './drop-headers.js';
export { ExtractField, ExtractFieldKey, ExtractFieldValue } from './extract-field.js';
export type { FieldSyntaxVersion } from './field-path.js';
export { SingleFieldPath } from './field-path.js';
export { Filter } from './filter.js';
export { Flatten, FlattenKey, FlattenValue } from './flatten.js';
export { HasHeaderKey } from './has-header-key.js';
export { HeaderFrom, HeaderFromKey, HeaderFromValue } from './header-from.js';
export { HoistField, HoistFieldKey, HoistFieldValue } from './hoist-field.js';
export { InsertField, InsertFieldKey, InsertFieldValue } from './insert-field.js';
export { InsertHeader } from './insert-header.js';
export { parseLiteral } from './literal-value.js';
export { MaskField, MaskFieldKey, MaskFieldValue } from './mask-field.js';
export { PLUGIN_VERSION } from './plugin-version.js';
export { RecordIsTombstone } from './record-is-tombstone.js';
export { RegexRouter } from './regex-router.js';
export { ReplaceField, ReplaceFieldKey, ReplaceFieldValue } from './replace-field.js';
export {
  SetSchemaMetadata,
  SetSchemaMetadataKey,
  SetSchemaMetadataValue,
} from './set-schema-metadata.js';
export { SimpleDateFormat } from './simple-date-format.js';
export type { TimestampType } from './timestamp-converter.js';
export {
  TimestampConverter,
  TimestampConverterKey,
  TimestampConverterValue,
} from './timestamp-converter.js';
export { TimestampRouter } from './timestamp-router.js';
export { TopicNameMatches } from './topic-name-matches.js';
export { ValueToKey } from './value-to-key.js';
