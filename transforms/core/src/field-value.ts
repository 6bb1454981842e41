import type { Field, Struct } from '@sluice/api';

/** The documentation of the `replace.null.with.default` key most transforms share. */
export const REPLACE_NULL_WITH_DEFAULT_DOC =
  'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.';

/** A struct field's value, falling back to its default only when `replaceNullWithDefault`. */
export function fieldValue(struct: Struct, field: Field, replaceNullWithDefault: boolean): unknown {
  return replaceNullWithDefault ? struct.get(field) : struct.getWithoutDefault(field.name);
}
