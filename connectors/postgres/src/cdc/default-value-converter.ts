import { Struct } from '@sluice/api';
import type { PostgresType } from './type-registry.js';

/** `nextval('seq'::regclass)`, `now()`, `gen_random_uuid()`...: a default computed by a function. */
const FUNCTION_DEFAULT = /^[(]?[A-Za-z0-9_.]+\((?:.+(?:, ?.+)*)?\)/;
const CURRENT_DATE_TIMES = new Set([
  'current_timestamp',
  'current_time',
  'current_date',
  'localtime',
  'localtimestamp',
]);

/**
 * The text each type's default stands for when a function computes it: Debezium puts "zero" of
 * the type in the schema then. Types not listed here get no default in the schema.
 */
const GENERATED_PLACEHOLDER: Readonly<Record<string, string>> = {
  bit: '00',
  varbit: '0',
  bool: 'false',
  bpchar: '',
  varchar: '',
  text: '',
  numeric: '0.0',
  float4: '0.0',
  float8: '0.0',
  int2: '0',
  int4: '0',
  int8: '0',
  json: '{}',
  jsonb: '{}',
  xml: '',
  uuid: '00000000-0000-0000-0000-000000000000',
  date: '1970-01-01',
  time: '00:00:00',
  timestamp: '1970-01-01 00:00:00',
  timestamptz: '1970-01-01 00:00:00+00',
  interval: '00:00:00',
};

/** Types whose default text Debezium trims before reading it. */
const TRIMMED = new Set([
  'bit',
  'varbit',
  'bool',
  'numeric',
  'float4',
  'float8',
  'int2',
  'int4',
  'int8',
  'uuid',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'interval',
]);

/** The literal of `'text'::type` (up to the first quote, as Debezium reads it), or a raw value. */
function literal(expression: string): string | null {
  if (!expression.includes("'")) return expression.startsWith('NULL::') ? null : expression;
  return /'(.*?)'/.exec(expression)?.[1] ?? null;
}

/** Time text as the decoder wants it (`00:00` has no seconds). */
function normalizeTemporal(type: string, text: string): string {
  if (type === 'time' && /^\d{2}:\d{2}$/.test(text)) return `${text}:00`;
  if ((type === 'timestamp' || type === 'timestamptz') && /^\d{4,}-\d{2}-\d{2}$/.test(text)) {
    return type === 'timestamp' ? `${text} 00:00:00` : `${text} 00:00:00+00`;
  }
  return text;
}

/**
 * The schema default of a column from its default expression (`pg_get_expr` of `pg_attrdef`), as
 * Debezium's PostgresDefaultValueConverter derives it: literals are read, function defaults
 * become the type's zero, anything else (and domain-typed columns) gets no default. Returns
 * `undefined` for no default.
 */
export function defaultValueOf(
  expression: string | null,
  declared: PostgresType,
  decode: (text: string) => unknown,
): unknown {
  if (expression === null) return undefined;
  // Debezium looks the parser up by the column's type name: domains and arrays have none.
  const type = declared.name;
  if (declared.kind === 'd' || declared.category === 'A') return undefined;
  let expr = TRIMMED.has(type) ? expression.trim() : expression;
  let text: string | null;
  if (declared.kind === 'e') {
    const cast = expr.lastIndexOf('::');
    const value = cast < 0 ? '' : expr.slice(0, cast);
    if (!value.startsWith("'") || !value.endsWith("'")) return undefined;
    text = value.slice(1, -1);
  } else {
    const placeholder = GENERATED_PLACEHOLDER[type];
    if (placeholder === undefined) return undefined;
    if (FUNCTION_DEFAULT.test(expr) || CURRENT_DATE_TIMES.has(expr.toLowerCase())) {
      text = placeholder;
    } else {
      if (expr.startsWith('NULL::') && type !== 'bpchar' && type !== 'varchar' && type !== 'text')
        return undefined;
      text = literal(expr);
    }
  }
  if (text === null) return undefined;
  if (type === 'bool') text = text.toLowerCase() === 'true' ? 't' : 'f';
  expr = normalizeTemporal(type, text);
  try {
    const value = decode(expr);
    // A Struct cannot be a schema default in Kafka Connect (KAFKA-12694): Debezium leaves it out.
    return value instanceof Struct ? undefined : value;
  } catch {
    // Debezium logs "Cannot parse column default value" and leaves the default out.
    return undefined;
  }
}
