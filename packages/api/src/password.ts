const BRAND = Symbol.for('@sluice/api:Password');

/**
 * A secret configuration value (ConfigDef type PASSWORD). It prints as `[hidden]` everywhere —
 * `String()`, template strings, `JSON.stringify`, `util.inspect`/`console.log` — so it cannot leak
 * into logs or REST responses by accident; `value()` returns the secret itself.
 */
export class Password {
  /** What a password prints as. */
  static readonly HIDDEN = '[hidden]';
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    Object.freeze(this);
  }

  /** The secret itself. */
  value(): string {
    return this.#value;
  }

  /** Same secret. */
  equals(other: unknown): boolean {
    return other instanceof Password && other.value() === this.#value;
  }

  toString(): string {
    return Password.HIDDEN;
  }

  toJSON(): string {
    return Password.HIDDEN;
  }

  [Symbol.toPrimitive](): string {
    return Password.HIDDEN;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return Password.HIDDEN;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as { [BRAND]?: unknown })[BRAND] === true
    );
  }
}

Object.defineProperty(Password.prototype, BRAND, { value: true });
