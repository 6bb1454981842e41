import { ConfigException, type Field, type Schema, type Struct } from '@sluice/api';
import { requireMapOrNull, requireStructOrNull } from './requirements.js';
import { mapGet, type SchemalessMap } from './schemaless-map.js';

/** How field paths are read (`field.syntax.version`, KIP-821). */
export type FieldSyntaxVersion = 'V1' | 'V2';

/** The `field.syntax.version` key. */
export const FIELD_SYNTAX_VERSION_CONFIG = 'field.syntax.version';

/** Its documentation, as Kafka's. */
export const FIELD_SYNTAX_VERSION_DOC =
  'Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. If set to `V2`, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots. E.g. to access the subfield `baz` from a field named "foo.bar" in a struct/map the following format can be used to access its elements: "`foo.bar`.baz".';

/** Reads the (case-insensitive) syntax version. */
export function parseFieldSyntaxVersion(value: string): FieldSyntaxVersion {
  const upper = value.toUpperCase();
  if (upper !== 'V1' && upper !== 'V2') {
    throw ConfigException.invalid(
      FIELD_SYNTAX_VERSION_CONFIG,
      value,
      'Unrecognized field syntax version',
    );
  }
  return upper;
}

/**
 * A path to one field, possibly nested (Kafka's `SingleFieldPath`): with V1 the whole text is one
 * top-level field name; with V2 dots separate steps and backticks quote names holding dots.
 */
export class SingleFieldPath {
  readonly steps: readonly string[];

  constructor(
    readonly text: string,
    readonly version: FieldSyntaxVersion,
  ) {
    this.steps = version === 'V1' ? [text] : parseV2(text);
  }

  private get parents(): readonly string[] {
    return this.steps.slice(0, -1);
  }

  private get last(): string {
    return this.steps[this.steps.length - 1] as string;
  }

  /** The field at this path in a STRUCT schema, or `undefined`. */
  fieldFrom(schema: Schema | null): Field | undefined {
    if (schema === null) return undefined;
    let current = schema;
    for (const step of this.parents) {
      const field = current.field(step);
      if (field === undefined) return undefined;
      current = field.schema;
    }
    return current.field(this.last);
  }

  /** The value at this path in a struct, or `null` when a step is missing or null. */
  valueFromStruct(struct: Struct | null, withDefault = true): unknown {
    let current = struct;
    if (current === null) return null;
    for (const step of this.parents) {
      if (current.schema.field(step) === undefined) return null;
      current = requireStructOrNull(current.get(step), 'nested field access');
      if (current === null) return null;
    }
    if (current.schema.field(this.last) === undefined) return null;
    return withDefault ? current.get(this.last) : current.getWithoutDefault(this.last);
  }

  /** The value at this path in a schemaless map, or `null`. */
  valueFromMap(map: SchemalessMap | null): unknown {
    let current = map;
    if (current === null) return null;
    for (const step of this.parents) {
      current = requireMapOrNull(mapGet(current, step), 'nested field access');
      if (current === null) return null;
    }
    return mapGet(current, this.last);
  }

  toString(): string {
    return `SingleFieldPath{version=${this.version}, path=${this.steps.join('.')}}`;
  }
}

function incompleteBacktick(path: string, at: number): never {
  throw new ConfigException(
    `Incomplete backtick pair in path: [${path}], consider adding a backslash before backtick at position ${at} to escape it`,
  );
}

function parseV2(path: string): string[] {
  const steps: string[] = [];
  let idx = 0;
  while (idx < path.length && idx >= 0) {
    if (path[idx] !== '`') {
      const start = idx;
      idx = path.indexOf('.', idx);
      if (idx >= 0) {
        steps.push(path.slice(start, idx));
        idx++;
      } else steps.push(path.slice(start));
      continue;
    }
    const backtickAt = idx;
    idx++;
    let field = '';
    let start = idx;
    for (;;) {
      idx = path.indexOf('`', idx);
      if (idx === -1) incompleteBacktick(path, backtickAt);
      const escaped = path[idx - 1] === '\\';
      if (idx >= path.length - 1) {
        if (escaped) incompleteBacktick(path, backtickAt);
        field += path.slice(start, idx);
        steps.push(field);
        idx++;
        break;
      }
      if (path[idx + 1] !== '.') {
        idx++;
        continue;
      }
      if (escaped) {
        field += `${path.slice(start, idx - 1)}\``;
        idx++;
        start = idx;
        continue;
      }
      field += path.slice(start, idx);
      steps.push(field);
      idx += 2;
      break;
    }
  }
  if (path.length > 0 && path.endsWith('.')) steps.push('');
  return steps;
}
