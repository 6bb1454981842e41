import { ConfigException, type ConfigValidator } from '@sluice/api';
import { compileJavaRegex } from './java-regex.js';

/** A LIST key that must hold at least one entry (Kafka's `NonEmptyListValidator`). */
export const NON_EMPTY_LIST: ConfigValidator = Object.freeze({
  ensureValid(name: string, value: unknown): void {
    if (value === null || (Array.isArray(value) && value.length === 0)) {
      throw ConfigException.invalid(name, [], 'Empty list');
    }
  },
  toString: () => 'non-empty list',
});

/** A STRING key holding a regular expression (Kafka's `RegexValidator`). */
export const VALID_REGEX: ConfigValidator = Object.freeze({
  ensureValid(name: string, value: unknown): void {
    try {
      compileJavaRegex(String(value));
    } catch (error) {
      throw ConfigException.invalid(name, value, `Invalid regex: ${(error as Error).message}`);
    }
  },
  toString: () => 'valid regex',
});
