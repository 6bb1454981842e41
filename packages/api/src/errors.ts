import type { ConnectRecord } from './connect-record.js';

/** Where an error happened: the record, topic, partition and offset at fault, when known. */
export interface ConnectErrorContext {
  /** The underlying error. */
  cause?: unknown;
  /** The record being processed when the error happened. */
  record?: ConnectRecord;
  topic?: string;
  partition?: number;
  offset?: number;
}

// Plugins loaded from `plugin.path` may bring their own copy of @sluice/api. A plain `instanceof`
// would then fail across copies, so every built-in error carries the names of the classes it is an
// instance of under a process-wide symbol, and `instanceof` also accepts that brand.
const BRANDS = Symbol.for('@sluice/api:error-brands');

function brandsOf(target: unknown): readonly string[] | undefined {
  if (typeof target !== 'object' || target === null) return undefined;
  const brands = (target as { [BRANDS]?: unknown })[BRANDS];
  return Array.isArray(brands) ? (brands as string[]) : undefined;
}

function isInstanceOrBranded(ctor: unknown, value: unknown): boolean {
  if (Function.prototype[Symbol.hasInstance].call(ctor, value)) return true;
  if (typeof ctor !== 'function' || !Object.hasOwn(ctor, 'brand')) return false;
  return brandsOf(value)?.includes((ctor as unknown as { brand: string }).brand) ?? false;
}

/** The base of every Kafka Connect error: fatal unless it is a {@link RetriableException}. */
export class ConnectException extends Error {
  /** The class name recorded in the cross-copy brand; subclasses outside this package may omit it. */
  static readonly brand: string = 'ConnectException';
  override name = 'ConnectException';
  readonly record: ConnectRecord | undefined;
  readonly topic: string | undefined;
  readonly partition: number | undefined;
  readonly offset: number | undefined;

  constructor(message: string, context: ConnectErrorContext = {}) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.record = context.record;
    this.topic = context.topic ?? context.record?.topic;
    this.partition = context.partition ?? context.record?.kafkaPartition ?? undefined;
    this.offset =
      context.offset ??
      (context.record && 'kafkaOffset' in context.record
        ? (context.record.kafkaOffset as number)
        : undefined);
    const brands: string[] = [];
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; ) {
      if (Object.hasOwn(c, 'brand')) brands.push((c as unknown as { brand: string }).brand);
      c = Object.getPrototypeOf(c);
    }
    Object.defineProperty(this, BRANDS, { value: brands, enumerable: false });
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the subclass `instanceof` tests against.
    return isInstanceOrBranded(this, value);
  }
}

/** An error that may succeed if the same operation is tried again (a timeout, a lost connection). */
export class RetriableException extends ConnectException {
  static override readonly brand: string = 'RetriableException';
  override name = 'RetriableException';
}

/** Data does not match its schema, or cannot be converted. */
export class DataException extends ConnectException {
  static override readonly brand: string = 'DataException';
  override name = 'DataException';
}

/** A schema was built incorrectly (a property set twice, an invalid default, a duplicate field). */
export class SchemaBuilderException extends DataException {
  static override readonly brand: string = 'SchemaBuilderException';
  override name = 'SchemaBuilderException';
}

/** A value cannot be projected from its schema onto a target schema. */
export class SchemaProjectorException extends DataException {
  static override readonly brand: string = 'SchemaProjectorException';
  override name = 'SchemaProjectorException';
}

/** A named thing (connector, task, plugin, offset) does not exist. */
export class NotFoundException extends ConnectException {
  static override readonly brand: string = 'NotFoundException';
  override name = 'NotFoundException';
}

/** A named thing (usually a connector) already exists. */
export class AlreadyExistsException extends ConnectException {
  static override readonly brand: string = 'AlreadyExistsException';
  override name = 'AlreadyExistsException';
}

/** The worker is in a state where the request cannot be served (e.g. stopping, not the leader). */
export class IllegalWorkerStateException extends ConnectException {
  static override readonly brand: string = 'IllegalWorkerStateException';
  override name = 'IllegalWorkerStateException';
}

/** One problem with one configuration key. */
export interface ConfigProblem {
  /** The configuration key at fault. */
  key: string;
  /** The value given (already redacted for PASSWORD keys); `undefined` when the key was missing. */
  value?: unknown;
  /** The full message, e.g. `Invalid value x for configuration tasks.max: Not a number of type INT`. */
  message: string;
}

/** Options of {@link ConfigException}. */
export interface ConfigExceptionOptions {
  cause?: unknown;
  key?: string;
  value?: unknown;
  problems?: readonly ConfigProblem[];
}

/**
 * A configuration is invalid. `problems` lists every problem found (one per key and reason), so a
 * user fixes them all at once; `key` and `value` are those of the first problem.
 */
export class ConfigException extends ConnectException {
  static override readonly brand: string = 'ConfigException';
  override name = 'ConfigException';
  readonly key: string | undefined;
  readonly value: unknown;
  readonly problems: readonly ConfigProblem[];

  constructor(message: string, options: ConfigExceptionOptions = {}) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    const problems =
      options.problems ??
      (options.key === undefined
        ? []
        : [{ key: options.key, value: options.value, message } satisfies ConfigProblem]);
    this.problems = problems;
    this.key = options.key ?? problems[0]?.key;
    this.value = options.key !== undefined ? options.value : problems[0]?.value;
  }

  /** Kafka's message for a bad value: `Invalid value <value> for configuration <key>: <reason>`. */
  static invalid(key: string, value: unknown, reason?: string): ConfigException {
    // Lists print as Java prints them (`[a, b]`), so messages read the same as Kafka's.
    const shown = Array.isArray(value) ? `[${value.map(String).join(', ')}]` : String(value);
    const message = `Invalid value ${shown} for configuration ${key}${reason === undefined ? '' : `: ${reason}`}`;
    return new ConfigException(message, { key, value });
  }

  /** Kafka's message for a missing required key. */
  static missing(key: string): ConfigException {
    return new ConfigException(
      `Missing required configuration "${key}" which has no default value.`,
      { key },
    );
  }

  /** One exception reporting every problem; its message lists each on its own line. */
  static fromProblems(problems: readonly ConfigProblem[]): ConfigException {
    const first = problems[0];
    if (problems.length === 1 && first !== undefined) {
      return new ConfigException(first.message, { problems });
    }
    const lines = problems.map((p) => `  - ${p.message}`).join('\n');
    return new ConfigException(`The configuration has ${problems.length} problems:\n${lines}`, {
      problems,
    });
  }
}

/** True when retrying the failed operation may succeed (the error is a {@link RetriableException}). */
export function isRetriable(error: unknown): boolean {
  return error instanceof RetriableException;
}
