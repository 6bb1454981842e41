import {
  CompositeValidator,
  type ConfigValidator,
  type ConfigValidatorLike,
  toConfigValidator,
} from './config-validators.js';
import { ConfigException, type ConfigProblem } from './errors.js';
import { Password } from './password.js';

/** The configuration key types of Kafka's ConfigDef. */
export type ConfigType =
  | 'BOOLEAN'
  | 'STRING'
  | 'INT'
  | 'SHORT'
  | 'LONG'
  | 'DOUBLE'
  | 'LIST'
  | 'CLASS'
  | 'PASSWORD';

/**
 * The parsed value of each type. INT, SHORT and LONG are JS numbers: LONG keys (milliseconds,
 * bytes, counts) are range-checked to safe integers (±2^53-1) instead of being bigints. CLASS is the
 * class (plugin) name as a string; the runtime resolves it.
 */
export interface ConfigTypeValues {
  BOOLEAN: boolean;
  STRING: string;
  INT: number;
  SHORT: number;
  LONG: number;
  DOUBLE: number;
  LIST: string[];
  CLASS: string;
  PASSWORD: Password;
}

/** The parsed value of a config type. */
export type ConfigTypeValue<T extends ConfigType> = ConfigTypeValues[T];

export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';
export type Width = 'NONE' | 'SHORT' | 'MEDIUM' | 'LONG';

/** Suggests values and visibility from the other parsed values (Kafka's Recommender). */
export interface Recommender {
  validValues(name: string, parsed: Readonly<Record<string, unknown>>): unknown[];
  visible(name: string, parsed: Readonly<Record<string, unknown>>): boolean;
}

/** How to declare one key with {@link ConfigDef.define}. */
export interface ConfigKeyOptions<T extends ConfigType = ConfigType> {
  type: T;
  /**
   * The default, typed (`5000`, `['a']`) or as a string the type parses (`'5000'`, `'a,b'`).
   * `null` makes the key optional with no value. Leave it out to make the key required.
   */
  default?: ConfigTypeValue<T> | string | readonly string[] | null;
  importance: Importance;
  documentation: string;
  /** One validator or several (applied in order, first failure reported). */
  validator?: ConfigValidatorLike | readonly ConfigValidatorLike[];
  group?: string;
  orderInGroup?: number;
  width?: Width;
  /** Defaults to the key name. */
  displayName?: string;
  /** Keys whose validity depends on this one (shown by UIs). */
  dependents?: readonly string[];
  recommender?: Recommender;
  /** Internal keys are parsed but left out of docs. */
  internal?: boolean;
}

/** A defined configuration key, with its default already parsed. */
export interface ConfigKey {
  readonly name: string;
  readonly type: ConfigType;
  readonly hasDefault: boolean;
  /** The parsed default; `null` when the key has no default (see `hasDefault`) or defaults to null. */
  readonly defaultValue: unknown;
  readonly validator: ConfigValidator | null;
  readonly importance: Importance;
  readonly documentation: string;
  readonly group: string | null;
  readonly orderInGroup: number;
  readonly width: Width;
  readonly displayName: string;
  readonly dependents: readonly string[];
  readonly recommender: Recommender | null;
  readonly internal: boolean;
}

/** The validation result of one key, as Kafka's ConfigValue. */
export interface ConfigValue {
  readonly name: string;
  /** The parsed value (or default); `null` when missing or unparseable. Passwords stay `Password`. */
  value: unknown;
  recommendedValues: unknown[];
  /** Every problem with this key; empty when valid. */
  errorMessages: string[];
  visible: boolean;
}

/** What `Connector.validate` returns (Kafka's `Config`): one ConfigValue per key. */
export interface Config {
  readonly configValues: ConfigValue[];
}

/** A key definition in the shape of the REST API (`/connector-plugins/{plugin}/config/validate`). */
export interface ConfigKeyInfo {
  name: string;
  type: ConfigType;
  required: boolean;
  default_value: string | null;
  importance: Importance;
  documentation: string;
  group: string | null;
  order: number;
  width: Width;
  display_name: string;
  dependents: string[];
}

/** A validated value in the shape of the REST API. */
export interface ConfigValueInfo {
  name: string;
  value: string | null;
  recommended_values: string[];
  errors: string[];
  visible: boolean;
}

/** One entry of the REST validate response. */
export interface ConfigInfo {
  definition: ConfigKeyInfo | null;
  value: ConfigValueInfo | null;
}

/** The REST validate response body (Kafka's ConfigInfos). */
export interface ConfigInfos {
  name: string;
  error_count: number;
  groups: string[];
  configs: ConfigInfo[];
}

/** Configuration properties: strings as read from a .properties file or REST, or typed values. */
export type ConfigProps = Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown>;

/** The parsed type of a key declared with options `O`. */
export type ParsedValueOf<O> = O extends { type: infer T extends ConfigType }
  ? 'default' extends keyof O
    ? null extends O['default']
      ? ConfigTypeValue<T> | null
      : ConfigTypeValue<T>
    : ConfigTypeValue<T>
  : never;

/** The object `ConfigDef.parse` returns: each defined key with its parsed type. */
export type ParsedConfig<C> = { readonly [K in keyof C]: C[K] };

// biome-ignore lint/complexity/noBannedTypes: the empty starting shape of a ConfigDef's keys.
type Empty = {};

const INT_RANGE = { SHORT: [-32768, 32767], INT: [-2147483648, 2147483647] } as const;
const INTEGER_PATTERN = /^[+-]?\d+$/;
const DOUBLE_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?$|^[+-]?(NaN|Infinity)$/;
const COMMA_WITH_WHITESPACE = /\s*,\s*/;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object'
    ? ((value as { constructor?: { name?: string } }).constructor?.name ?? 'object')
    : typeof value;
}

/** What a value prints as in messages: passwords and PASSWORD keys print `[hidden]`. */
function shown(type: ConfigType, value: unknown): unknown {
  return type === 'PASSWORD' ? Password.HIDDEN : value;
}

function parseInteger(name: string, value: unknown, type: 'SHORT' | 'INT' | 'LONG'): number {
  const [min, max] =
    type === 'LONG' ? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER] : INT_RANGE[type];
  let n: number;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (!INTEGER_PATTERN.test(trimmed)) {
      throw ConfigException.invalid(name, value, `Not a number of type ${type}`);
    }
    n = Number(trimmed);
  } else if (typeof value === 'number' && Number.isInteger(value)) {
    n = value;
  } else if (typeof value === 'bigint') {
    n = Number(value);
    if (BigInt(n) !== value) n = Number.POSITIVE_INFINITY;
  } else {
    const what = {
      SHORT: 'a 16-bit integer (short)',
      INT: 'a 32-bit integer',
      LONG: 'a 64-bit integer (long)',
    }[type];
    throw ConfigException.invalid(
      name,
      value,
      `Expected value to be ${what}, but it was a ${typeName(value)}`,
    );
  }
  if (!(n >= min && n <= max)) {
    const reason =
      type === 'LONG'
        ? `Not a number of type LONG that Sluice can hold exactly (at most ${Number.MAX_SAFE_INTEGER} in magnitude)`
        : `Not a number of type ${type}`;
    throw ConfigException.invalid(name, value, reason);
  }
  return n;
}

/**
 * Parses one value to its config type, as Kafka's `ConfigDef.parseType`: strings are trimmed and
 * converted (`"true"`, `"5000"`, `"a, b"`); values already of the right type are accepted as is.
 * Throws a ConfigException with Kafka's message when the value does not fit the type.
 */
export function parseConfigValue<T extends ConfigType>(
  name: string,
  value: unknown,
  type: T,
): ConfigTypeValue<T> {
  return parseAny(name, value, type) as ConfigTypeValue<T>;
}

function parseAny(name: string, value: unknown, type: ConfigType): unknown {
  const trimmed = typeof value === 'string' ? value.trim() : undefined;
  switch (type) {
    case 'BOOLEAN':
      if (typeof value === 'boolean') return value;
      if (trimmed !== undefined && trimmed.toLowerCase() === 'true') return true;
      if (trimmed !== undefined && trimmed.toLowerCase() === 'false') return false;
      throw ConfigException.invalid(name, value, 'Expected value to be either true or false');
    case 'PASSWORD':
      if (value instanceof Password) return value;
      if (trimmed !== undefined) return new Password(trimmed);
      throw ConfigException.invalid(
        name,
        Password.HIDDEN,
        `Expected value to be a string, but it was a ${typeName(value)}`,
      );
    case 'STRING':
    case 'CLASS':
      if (trimmed !== undefined) return trimmed;
      if (type === 'CLASS' && typeof value === 'function' && value.name) return value.name;
      throw ConfigException.invalid(
        name,
        value,
        type === 'CLASS'
          ? 'Expected a class name.'
          : `Expected value to be a string, but it was a ${typeName(value)}`,
      );
    case 'SHORT':
    case 'INT':
    case 'LONG':
      return parseInteger(name, value, type);
    case 'DOUBLE':
      if (typeof value === 'number') return value;
      if (trimmed !== undefined && DOUBLE_PATTERN.test(trimmed)) {
        return Number(trimmed.replace(/[dDfF]$/, ''));
      }
      if (trimmed !== undefined) {
        throw ConfigException.invalid(name, value, 'Not a number of type DOUBLE');
      }
      throw ConfigException.invalid(
        name,
        value,
        `Expected value to be a double, but it was a ${typeName(value)}`,
      );
    case 'LIST':
      if (Array.isArray(value)) {
        if (value.every((item) => typeof item === 'string')) return [...value];
        throw ConfigException.invalid(name, value, 'Expected a list of strings.');
      }
      if (trimmed !== undefined) return trimmed === '' ? [] : trimmed.split(COMMA_WITH_WHITESPACE);
      throw ConfigException.invalid(name, value, 'Expected a comma separated list.');
  }
}

/**
 * A parsed value as a string, as Kafka's `ConfigDef.convertToString`: lists joined with `,`,
 * passwords as `[hidden]`, `null` as `null`.
 */
export function configValueToString(value: unknown, type?: ConfigType): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Password || type === 'PASSWORD') return Password.HIDDEN;
  if (Array.isArray(value)) return value.map(String).join(',');
  return String(value);
}

/** The subset of `props` whose keys start with `prefix`, with the prefix removed unless `strip` is false. */
export function propsWithPrefix(
  props: ConfigProps,
  prefix: string,
  strip = true,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entriesOf(props)) {
    if (key.startsWith(prefix)) out[strip ? key.slice(prefix.length) : key] = value;
  }
  return out;
}

function entriesOf(props: ConfigProps): Iterable<[string, unknown]> {
  return props instanceof Map
    ? (props as ReadonlyMap<string, unknown>).entries()
    : Object.entries(props);
}

function lookup(props: ConfigProps, name: string): unknown {
  if (props instanceof Map) return (props as ReadonlyMap<string, unknown>).get(name);
  return Object.hasOwn(props, name)
    ? (props as Readonly<Record<string, unknown>>)[name]
    : undefined;
}

function problemsOf(error: unknown, key: ConfigKey, value: unknown): ConfigProblem[] {
  if (error instanceof ConfigException) {
    // Attribute every problem to the key being checked: an embedded key's validator reports the
    // name without its prefix (as in Kafka), and a custom validator may pass the raw secret.
    return error.problems.length > 0
      ? error.problems.map((p) => ({
          key: key.name,
          value: shown(key.type, p.value),
          message: p.message,
        }))
      : [{ key: key.name, value: shown(key.type, value), message: error.message }];
  }
  const reason = error instanceof Error ? error.message : String(error);
  const e = ConfigException.invalid(key.name, shown(key.type, value), reason);
  return [...e.problems];
}

const IMPORTANCE_ORDER: Record<Importance, number> = { HIGH: 0, MEDIUM: 1, LOW: 2 };

function niceTimeUnits(ms: number): string {
  let value = ms;
  const divisors = [1000, 60, 60, 24];
  const units = ['second', 'minute', 'hour', 'day'];
  let i = 0;
  while (value !== 0 && i < 4 && value % (divisors[i] ?? 1) === 0) {
    value /= divisors[i] ?? 1;
    i++;
  }
  return i > 0 ? ` (${value} ${units[i - 1]}${value > 1 ? 's' : ''})` : '';
}

function markdownCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', '<br>');
}

/** Options of {@link ConfigDef.toMarkdown}. */
export interface MarkdownOptions {
  /** Start a new table under a `###` heading for each group (default: one table). */
  groupHeadings?: boolean;
}

/**
 * The definition of a plugin's configuration, as Kafka's ConfigDef: typed keys with defaults,
 * importance, documentation, groups and validators. Define once, then `parse` into a typed object
 * or `validate` into per-key results for the REST API.
 *
 * ```ts
 * const configDef = new ConfigDef()
 *   .define('topic', { type: 'STRING', importance: 'HIGH', documentation: 'Topic to write to.' })
 *   .define('batch.size', { type: 'INT', default: 100, validator: Range.atLeast(1),
 *     importance: 'MEDIUM', documentation: 'Records per poll.' });
 * const config = configDef.parse(props); // { topic: string; 'batch.size': number }
 * ```
 *
 * Keys not defined are ignored (connectors receive the whole connector config).
 */
export class ConfigDef<C extends object = Empty> {
  private readonly keys = new Map<string, ConfigKey>();
  private readonly groupList: string[] = [];
  private readonly unsupported = new Map<string, string>();

  /** A new definition, optionally starting with a copy of `base`'s keys. */
  constructor(base?: ConfigDef<C>) {
    if (base) {
      for (const [name, key] of base.keys) this.keys.set(name, key);
      this.groupList.push(...base.groupList);
      for (const [name, reason] of base.unsupported) this.unsupported.set(name, reason);
    }
  }

  /**
   * Defines a key; throws a ConfigException if it is defined twice or its default is invalid.
   * Returns this definition, typed with the new key, so definitions chain.
   */
  define<const K extends string, const T extends ConfigType, const O extends ConfigKeyOptions<T>>(
    name: K,
    options: O & { type: T },
  ): ConfigDef<C & { [P in K]: ParsedValueOf<O> }> {
    this.defineKey(name, options);
    return this as unknown as ConfigDef<C & { [P in K]: ParsedValueOf<O> }>;
  }

  private defineKey(name: string, options: ConfigKeyOptions): void {
    if (this.keys.has(name) || this.unsupported.has(name)) {
      throw new ConfigException(`Configuration ${name} is defined twice.`, { key: name });
    }
    const validators = Array.isArray(options.validator)
      ? (options.validator as readonly ConfigValidatorLike[])
      : options.validator === undefined
        ? []
        : [options.validator as ConfigValidatorLike];
    const validator =
      validators.length === 0
        ? null
        : validators.length === 1 && validators[0] !== undefined
          ? toConfigValidator(validators[0])
          : CompositeValidator.of(...validators);
    const hasDefault = 'default' in options && options.default !== undefined;
    let defaultValue: unknown = null;
    if (hasDefault && options.default !== null) {
      defaultValue = parseAny(name, options.default, options.type);
      validator?.ensureValid(name, defaultValue);
    }
    const group = options.group ?? null;
    if (group !== null && !this.groupList.includes(group)) this.groupList.push(group);
    this.keys.set(
      name,
      Object.freeze({
        name,
        type: options.type,
        hasDefault,
        defaultValue: Array.isArray(defaultValue) ? Object.freeze(defaultValue) : defaultValue,
        validator,
        importance: options.importance,
        documentation: options.documentation,
        group,
        orderInGroup: options.orderInGroup ?? -1,
        width: options.width ?? 'NONE',
        displayName: options.displayName ?? name,
        dependents: Object.freeze([...(options.dependents ?? [])]),
        recommender: options.recommender ?? null,
        internal: options.internal ?? false,
      }),
    );
  }

  /**
   * Declares a key Kafka Connect (or the connector being ported) knows but Sluice does not
   * support: `parse` and `validate` report it, with `reason`, when it is set.
   */
  defineUnsupported(name: string, reason: string): this {
    if (this.keys.has(name) || this.unsupported.has(name)) {
      throw new ConfigException(`Configuration ${name} is defined twice.`, { key: name });
    }
    this.unsupported.set(name, reason);
    return this;
  }

  /** Adds every key of `child` under `keyPrefix`, in group `groupPrefix[: child group]` (Kafka's embed). */
  embed(
    keyPrefix: string,
    groupPrefix: string,
    startingOrd: number,
    child: ConfigDef<object>,
  ): this {
    let order = startingOrd;
    for (const key of child.sortedKeys()) {
      const base = key.validator;
      this.defineKey(`${keyPrefix}${key.name}`, {
        type: key.type,
        ...(key.hasDefault ? { default: key.defaultValue as string | null } : {}),
        ...(base
          ? {
              validator: {
                ensureValid: (name: string, value: unknown) =>
                  base.ensureValid(name.slice(keyPrefix.length), value),
                toString: () => base.toString(),
              },
            }
          : {}),
        importance: key.importance,
        documentation: key.documentation,
        group: key.group === null ? groupPrefix : `${groupPrefix}: ${key.group}`,
        orderInGroup: order++,
        width: key.width,
        displayName: key.displayName,
        dependents: key.dependents.map((d) => `${keyPrefix}${d}`),
        ...(key.recommender
          ? { recommender: prefixedRecommender(keyPrefix, key.recommender) }
          : {}),
        internal: key.internal,
      });
    }
    for (const [name, reason] of child.unsupported) {
      this.unsupported.set(`${keyPrefix}${name}`, reason);
    }
    return this;
  }

  /** The defined key names, in definition order. */
  names(): string[] {
    return [...this.keys.keys()];
  }

  /** The defined keys by name, in definition order. */
  configKeys(): ReadonlyMap<string, ConfigKey> {
    return this.keys;
  }

  /** The groups, in the order they first appeared. */
  groups(): readonly string[] {
    return this.groupList;
  }

  /** The keys declared unsupported, with their reasons. */
  unsupportedKeys(): ReadonlyMap<string, string> {
    return this.unsupported;
  }

  /** The parsed default of every key that has one. */
  defaultValues(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of this.keys.values()) if (key.hasDefault) out[key.name] = key.defaultValue;
    return out;
  }

  private undefinedDependents(): string[] {
    const missing = new Set<string>();
    for (const key of this.keys.values()) {
      for (const d of key.dependents) if (!this.keys.has(d)) missing.add(d);
    }
    return [...missing];
  }

  private unsupportedProblem(name: string, value: unknown): ConfigProblem {
    return {
      key: name,
      value,
      message: `Configuration ${name} is not supported by Sluice: ${this.unsupported.get(name) ?? ''}`,
    };
  }

  /** Parses one key from `props`; throws a ConfigException (possibly with several problems). */
  private parseKey(key: ConfigKey, props: ConfigProps): unknown {
    const raw = lookup(props, key.name);
    let value: unknown;
    if (raw !== undefined && raw !== null) {
      value = parseAny(key.name, raw, key.type);
    } else if (!key.hasDefault) {
      throw ConfigException.missing(key.name);
    } else {
      value = Array.isArray(key.defaultValue) ? [...key.defaultValue] : key.defaultValue;
    }
    if (key.validator !== null && value !== null) key.validator.ensureValid(key.name, value);
    return value;
  }

  /**
   * Parses every defined key from `props` into a typed, frozen object: strings are converted,
   * defaults filled in, validators run. Throws one ConfigException listing every problem (missing
   * keys, bad values, unsupported keys), each with its key.
   */
  parse(props: ConfigProps): ParsedConfig<C> {
    const problems: ConfigProblem[] = [];
    const undefinedDependents = this.undefinedDependents();
    if (undefinedDependents.length > 0) {
      throw new ConfigException(
        `Some configurations in are referred in the dependents, but not defined: ${undefinedDependents.join(',')}`,
      );
    }
    const values: Record<string, unknown> = {};
    for (const key of this.keys.values()) {
      try {
        values[key.name] = this.parseKey(key, props);
      } catch (error) {
        problems.push(...problemsOf(error, key, lookup(props, key.name)));
      }
    }
    for (const name of this.unsupported.keys()) {
      const raw = lookup(props, name);
      if (raw !== undefined) problems.push(this.unsupportedProblem(name, raw));
    }
    if (problems.length > 0) throw ConfigException.fromProblems(problems);
    return Object.freeze(values) as ParsedConfig<C>;
  }

  /**
   * Validates `props` key by key, as Kafka's `ConfigDef.validate`: one ConfigValue per defined key
   * (in definition order) with its parsed value and every error message, recommended values and
   * visibility from recommenders; plus one for each unsupported key that is set. Never throws for
   * bad values.
   */
  validate(props: ConfigProps): ConfigValue[] {
    return [...this.validateAll(props).values()];
  }

  /** {@link validate}, keyed by name. */
  validateAll(props: ConfigProps): Map<string, ConfigValue> {
    const results = new Map<string, ConfigValue>();
    const parsed: Record<string, unknown> = {};
    for (const key of this.keys.values()) {
      const result: ConfigValue = {
        name: key.name,
        value: null,
        recommendedValues: [],
        errorMessages: [],
        visible: true,
      };
      const raw = lookup(props, key.name);
      let value: unknown = null;
      if (raw !== undefined && raw !== null) {
        try {
          value = parseAny(key.name, raw, key.type);
        } catch (error) {
          result.errorMessages.push(...problemsOf(error, key, raw).map((p) => p.message));
        }
      } else if (!key.hasDefault) {
        result.errorMessages.push(ConfigException.missing(key.name).message);
      } else {
        value = key.defaultValue;
      }
      if (key.validator !== null && value !== null) {
        try {
          key.validator.ensureValid(key.name, value);
        } catch (error) {
          result.errorMessages.push(...problemsOf(error, key, value).map((p) => p.message));
        }
      }
      result.value = value;
      parsed[key.name] = value;
      results.set(key.name, result);
    }
    for (const name of this.undefinedDependents()) {
      results.set(name, {
        name,
        value: null,
        recommendedValues: [],
        errorMessages: [`${name} is referred in the dependents, but not defined.`],
        visible: false,
      });
    }
    for (const key of this.keys.values()) {
      const result = results.get(key.name);
      if (key.recommender === null || result === undefined) continue;
      try {
        result.recommendedValues = key.recommender.validValues(key.name, parsed);
        result.visible = key.recommender.visible(key.name, parsed);
      } catch (error) {
        result.errorMessages.push(error instanceof Error ? error.message : String(error));
      }
    }
    for (const name of this.unsupported.keys()) {
      const raw = lookup(props, name);
      if (raw === undefined) continue;
      results.set(name, {
        name,
        value: raw,
        recommendedValues: [],
        errorMessages: [this.unsupportedProblem(name, raw).message],
        visible: true,
      });
    }
    return results;
  }

  /** The keys in Kafka's documentation order: by group, order in group, required first, importance, name. */
  sortedKeys(): ConfigKey[] {
    const groupOrder = new Map(this.groupList.map((g, i) => [g, i]));
    return [...this.keys.values()].sort((a, b) => {
      if (a.group !== b.group) {
        if (a.group === null) return -1;
        if (b.group === null) return 1;
        return (groupOrder.get(a.group) ?? 0) - (groupOrder.get(b.group) ?? 0);
      }
      if (a.orderInGroup !== b.orderInGroup) return a.orderInGroup - b.orderInGroup;
      if (a.hasDefault !== b.hasDefault) return a.hasDefault ? 1 : -1;
      if (a.importance !== b.importance) {
        return IMPORTANCE_ORDER[a.importance] - IMPORTANCE_ORDER[b.importance];
      }
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    });
  }

  /** One key in the REST API's definition shape. */
  static configKeyInfo(key: ConfigKey): ConfigKeyInfo {
    return {
      name: key.name,
      type: key.type,
      required: !key.hasDefault,
      default_value: key.hasDefault ? configValueToString(key.defaultValue, key.type) : null,
      importance: key.importance,
      documentation: key.documentation,
      group: key.group,
      order: key.orderInGroup,
      width: key.width,
      display_name: key.displayName,
      dependents: [...key.dependents],
    };
  }

  /** One validation result in the REST API's value shape (passwords print `[hidden]`). */
  static configValueInfo(value: ConfigValue, type?: ConfigType): ConfigValueInfo {
    const itemType = type === 'LIST' ? 'STRING' : type;
    return {
      name: value.name,
      value: configValueToString(value.value, type),
      recommended_values: value.recommendedValues.map(
        (v) => configValueToString(v, itemType) ?? 'null',
      ),
      errors: [...value.errorMessages],
      visible: value.visible,
    };
  }

  /** Every key in the REST API's definition shape, in definition order (internal keys included). */
  configKeyInfos(): ConfigKeyInfo[] {
    return [...this.keys.values()].map((key) => ConfigDef.configKeyInfo(key));
  }

  /**
   * The REST validate response for `pluginName` (Kafka's `AbstractHerder.generateResult`): values
   * for undefined keys first, then every defined key with its value (if validated), and the total
   * number of errors.
   */
  toConfigInfos(pluginName: string, values: readonly ConfigValue[]): ConfigInfos {
    const byName = new Map(values.map((v) => [v.name, v]));
    const configs: ConfigInfo[] = [];
    let errorCount = 0;
    for (const value of values) {
      if (this.keys.has(value.name)) continue;
      configs.push({ definition: null, value: ConfigDef.configValueInfo(value) });
      errorCount += value.errorMessages.length;
    }
    for (const key of this.keys.values()) {
      const value = byName.get(key.name);
      if (value !== undefined) errorCount += value.errorMessages.length;
      configs.push({
        definition: ConfigDef.configKeyInfo(key),
        value: value === undefined ? null : ConfigDef.configValueInfo(value, key.type),
      });
    }
    return { name: pluginName, error_count: errorCount, groups: [...this.groupList], configs };
  }

  /**
   * The configuration as markdown table(s) for a README: name, description, type, default, valid
   * values, importance, in Kafka's documentation order; internal keys are left out, unsupported
   * keys listed after the table.
   */
  toMarkdown(options: MarkdownOptions = {}): string {
    const header =
      '| Name | Description | Type | Default | Valid values | Importance |\n| --- | --- | --- | --- | --- | --- |';
    const row = (key: ConfigKey): string => {
      let defaultText = '_required_'; // the formatter's emphasis style, so READMEs stay as generated
      if (key.hasDefault) {
        const text = configValueToString(key.defaultValue, key.type);
        defaultText = text === null ? '`null`' : text === '' ? '`""`' : `\`${text}\``;
        if (key.name.endsWith('.ms') && typeof key.defaultValue === 'number') {
          defaultText += niceTimeUnits(key.defaultValue);
        }
      }
      const cells = [
        `\`${key.name}\``,
        markdownCell(key.documentation),
        key.type.toLowerCase(),
        defaultText,
        markdownCell(key.validator?.toString() ?? ''),
        key.importance.toLowerCase(),
      ];
      return `| ${cells.join(' | ')} |`;
    };
    const keys = this.sortedKeys().filter((k) => !k.internal);
    const parts: string[] = [];
    if (options.groupHeadings) {
      let current: string | null | undefined;
      let rows: string[] = [];
      const flush = (): void => {
        if (rows.length === 0) return;
        parts.push(`${current ? `### ${current}\n\n` : ''}${header}\n${rows.join('\n')}`);
        rows = [];
      };
      for (const key of keys) {
        if (key.group !== current) {
          flush();
          current = key.group;
        }
        rows.push(row(key));
      }
      flush();
    } else if (keys.length > 0) {
      parts.push(`${header}\n${keys.map(row).join('\n')}`);
    }
    if (this.unsupported.size > 0) {
      const items = [...this.unsupported].map(([name, reason]) => `- \`${name}\`: ${reason}`);
      parts.push(`Not supported:\n\n${items.join('\n')}`);
    }
    return `${parts.join('\n\n')}\n`;
  }
}

function prefixedRecommender(prefix: string, base: Recommender): Recommender {
  const unprefixed = (parsed: Readonly<Record<string, unknown>>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(parsed)) {
      if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
    }
    return out;
  };
  return {
    validValues: (name, parsed) => base.validValues(name.slice(prefix.length), unprefixed(parsed)),
    visible: (name, parsed) => base.visible(name.slice(prefix.length), unprefixed(parsed)),
  };
}
