import { ConfigException } from './errors.js';

/**
 * Checks one configuration value. `ensureValid` throws a ConfigException (use
 * `ConfigException.invalid(name, value, reason)`) when the value is bad; `toString` describes the
 * valid values for documentation (`[1,...,100]`).
 *
 * Validators are not called for a `null` value (a key whose default is `null` and that was not
 * set): `null` means "not configured", and only keys declared with a `null` default can be null.
 */
export interface ConfigValidator {
  ensureValid(name: string, value: unknown): void;
  toString(): string;
}

/**
 * A validator as a plain function: return an error message (or throw) when the value is bad,
 * nothing when it is fine.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: functions that only throw return void.
export type ConfigValidatorFunction = (value: unknown, name: string) => string | undefined | void;

/** A validator object or function. */
export type ConfigValidatorLike = ConfigValidator | ConfigValidatorFunction;

/** Turns a validator function into a validator with a description (Kafka's LambdaValidator). */
export const LambdaValidator = Object.freeze({
  with(check: ConfigValidatorFunction, describe: string | (() => string) = ''): ConfigValidator {
    return {
      ensureValid(name: string, value: unknown): void {
        const message = check(value, name);
        if (typeof message === 'string') throw ConfigException.invalid(name, value, message);
      },
      toString: () => (typeof describe === 'string' ? describe : describe()),
    };
  },
});

/** Normalizes a validator object or function into a validator object. */
export function toConfigValidator(validator: ConfigValidatorLike): ConfigValidator {
  return typeof validator === 'function' ? LambdaValidator.with(validator) : validator;
}

function asNumber(name: string, value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw ConfigException.invalid(name, value, 'Value must be a number');
}

/** A numeric range (for INT, SHORT, LONG and DOUBLE keys), as Kafka's `Range`. */
export class Range implements ConfigValidator {
  private constructor(
    readonly min: number | null,
    readonly max: number | null,
  ) {}

  /** At least `min`. */
  static atLeast(min: number): Range {
    return new Range(min, null);
  }

  /** Between `min` and `max`, both included. */
  static between(min: number, max: number): Range {
    return new Range(min, max);
  }

  /** At most `max`. */
  static atMost(max: number): Range {
    return new Range(null, max);
  }

  ensureValid(name: string, value: unknown): void {
    const n = asNumber(name, value);
    if (this.min !== null && n < this.min) {
      throw ConfigException.invalid(name, value, `Value must be at least ${this.min}`);
    }
    if (this.max !== null && n > this.max) {
      throw ConfigException.invalid(name, value, `Value must be no more than ${this.max}`);
    }
  }

  toString(): string {
    if (this.min === null && this.max === null) return '[...]';
    if (this.min === null) return `[...,${this.max}]`;
    if (this.max === null) return `[${this.min},...]`;
    return `[${this.min},...,${this.max}]`;
  }
}

/** A string from a fixed set (an enum), as Kafka's `ValidString`. */
export class ValidString implements ConfigValidator {
  private constructor(
    readonly validStrings: readonly string[],
    readonly caseInsensitive: boolean,
  ) {}

  /** Exactly one of these strings. */
  static in(...validStrings: string[]): ValidString {
    return new ValidString(validStrings, false);
  }

  /** One of these strings, ignoring case (Kafka's `CaseInsensitiveValidString`). */
  static caseInsensitive(...validStrings: string[]): ValidString {
    return new ValidString(validStrings, true);
  }

  /** Whether `value` is one of the valid strings. */
  accepts(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    if (!this.caseInsensitive) return this.validStrings.includes(value);
    const upper = value.toUpperCase();
    return this.validStrings.some((s) => s.toUpperCase() === upper);
  }

  ensureValid(name: string, value: unknown): void {
    if (this.accepts(value)) return;
    const list = this.validStrings.join(', ');
    throw ConfigException.invalid(
      name,
      value,
      this.caseInsensitive
        ? `String must be one of (case insensitive): ${list}`
        : `String must be one of: ${list}`,
    );
  }

  toString(): string {
    const list = `[${this.validStrings.join(', ')}]`;
    return this.caseInsensitive ? `(case insensitive) ${list}` : list;
  }
}

/** Kafka's name for a case-insensitive {@link ValidString}. */
export const CaseInsensitiveValidString = Object.freeze({
  in: (...validStrings: string[]): ValidString => ValidString.caseInsensitive(...validStrings),
});

/** Every item of a LIST key from a fixed set, as Kafka's `ValidList`. */
export class ValidList implements ConfigValidator {
  private constructor(
    private readonly item: ValidString,
    private readonly allowEmpty: boolean,
  ) {}

  /** Each item is one of these strings. */
  static in(...validStrings: string[]): ValidList {
    return new ValidList(ValidString.in(...validStrings), true);
  }

  /** Each item is one of these strings, and the list is not empty. */
  static nonEmptyIn(...validStrings: string[]): ValidList {
    return new ValidList(ValidString.in(...validStrings), false);
  }

  ensureValid(name: string, value: unknown): void {
    if (!Array.isArray(value)) throw ConfigException.invalid(name, value, 'Expected a list');
    if (!this.allowEmpty && value.length === 0) {
      throw ConfigException.invalid(name, '', 'The list must not be empty');
    }
    for (const item of value) this.item.ensureValid(name, item);
  }

  toString(): string {
    return this.item.toString();
  }
}

/** A LIST key with at most `maxSize` items, as Kafka's `ListSize`. */
export class ListSize implements ConfigValidator {
  private constructor(readonly maxSize: number) {}

  static atMostOfSize(maxSize: number): ListSize {
    return new ListSize(maxSize);
  }

  ensureValid(name: string, value: unknown): void {
    if (Array.isArray(value) && value.length > this.maxSize) {
      throw ConfigException.invalid(name, value, `exceeds maximum list size of [${this.maxSize}].`);
    }
  }

  toString(): string {
    return `List containing maximum of ${this.maxSize} elements`;
  }
}

/** A non-empty string, as Kafka's `NonEmptyString`. */
export class NonEmptyString implements ConfigValidator {
  ensureValid(name: string, value: unknown): void {
    if (value === '') throw ConfigException.invalid(name, value, 'String must be non-empty');
  }

  toString(): string {
    return 'non-empty string';
  }
}

/** A non-empty string without ISO control characters (Kafka uses it for connector names). */
export class NonEmptyStringWithoutControlChars implements ConfigValidator {
  ensureValid(name: string, value: unknown): void {
    if (typeof value !== 'string') return;
    if (value === '') throw ConfigException.invalid(name, value, 'String may not be empty');
    const bad: number[] = [];
    for (const ch of value) {
      const code = ch.codePointAt(0) ?? 0;
      if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) bad.push(code);
    }
    if (bad.length > 0) {
      throw ConfigException.invalid(
        name,
        value,
        `String may not contain control sequences but had the following ASCII chars: ${bad.join(', ')}`,
      );
    }
  }

  toString(): string {
    return 'non-empty string without ISO control characters';
  }
}

/** A string (or every item of a list) matching a regular expression. */
export class MatchesPattern implements ConfigValidator {
  private constructor(
    readonly pattern: RegExp,
    private readonly description: string | undefined,
  ) {}

  /**
   * Values must match `pattern` (anchor it with `^...$` to match the whole value). `description`
   * replaces the pattern in messages and docs ("a topic name").
   */
  static of(pattern: RegExp, description?: string): MatchesPattern {
    return new MatchesPattern(pattern, description);
  }

  ensureValid(name: string, value: unknown): void {
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      this.pattern.lastIndex = 0;
      if (typeof item !== 'string' || !this.pattern.test(item)) {
        throw ConfigException.invalid(
          name,
          item,
          this.description === undefined
            ? `String must match the pattern ${String(this.pattern)}`
            : `String must be ${this.description}`,
        );
      }
    }
  }

  toString(): string {
    return this.description ?? `matching ${String(this.pattern)}`;
  }
}

/** Several validators applied in order; the first failure is reported (Kafka's CompositeValidator). */
export class CompositeValidator implements ConfigValidator {
  private readonly validators: readonly ConfigValidator[];

  private constructor(validators: readonly ConfigValidatorLike[]) {
    this.validators = validators.map(toConfigValidator);
  }

  static of(...validators: ConfigValidatorLike[]): CompositeValidator {
    return new CompositeValidator(validators);
  }

  ensureValid(name: string, value: unknown): void {
    for (const validator of this.validators) validator.ensureValid(name, value);
  }

  toString(): string {
    return this.validators
      .map(String)
      .filter((s) => s !== '')
      .join(', ');
  }
}
