import { describe, expect, it } from 'vitest';
import {
  CaseInsensitiveValidString,
  CompositeValidator,
  ConfigException,
  type ConfigValidator,
  LambdaValidator,
  ListSize,
  MatchesPattern,
  NonEmptyString,
  NonEmptyStringWithoutControlChars,
  Range,
  ValidList,
  ValidString,
} from '../src/index.js';

function failure(validator: ConfigValidator, value: unknown): string {
  try {
    validator.ensureValid('k', value);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigException);
    expect((error as ConfigException).key).toBe('k');
    return (error as Error).message;
  }
  throw new Error(`expected ${String(validator)} to refuse ${String(value)}`);
}

describe('Range', () => {
  it('checks bounds inclusively with Kafka messages', () => {
    const range = Range.between(1, 10);
    expect(() => range.ensureValid('k', 1)).not.toThrow();
    expect(() => range.ensureValid('k', 10)).not.toThrow();
    expect(failure(range, 0)).toBe('Invalid value 0 for configuration k: Value must be at least 1');
    expect(failure(range, 11)).toBe(
      'Invalid value 11 for configuration k: Value must be no more than 10',
    );
    expect(failure(Range.atMost(5), 6)).toMatch(/no more than 5$/);
    expect(() => Range.atLeast(0).ensureValid('k', 10n)).not.toThrow();
    expect(failure(Range.atLeast(0), 'x')).toMatch(/Value must be a number$/);
  });

  it('describes itself as Kafka does', () => {
    expect(String(Range.between(1, 10))).toBe('[1,...,10]');
    expect(String(Range.atLeast(0))).toBe('[0,...]');
    expect(String(Range.atMost(5))).toBe('[...,5]');
  });
});

describe('ValidString and CaseInsensitiveValidString', () => {
  it('accepts only the listed strings, exactly', () => {
    const v = ValidString.in('none', 'all');
    expect(() => v.ensureValid('k', 'all')).not.toThrow();
    expect(failure(v, 'ALL')).toBe(
      'Invalid value ALL for configuration k: String must be one of: none, all',
    );
    expect(String(v)).toBe('[none, all]');
    expect(v.accepts(5)).toBe(false);
  });

  it('ignores case when asked to', () => {
    const v = CaseInsensitiveValidString.in('none', 'all');
    expect(() => v.ensureValid('k', 'ALL')).not.toThrow();
    expect(failure(v, 'some')).toBe(
      'Invalid value some for configuration k: String must be one of (case insensitive): none, all',
    );
    expect(String(v)).toBe('(case insensitive) [none, all]');
  });
});

describe('ValidList and ListSize', () => {
  it('checks every item of a list', () => {
    const v = ValidList.in('a', 'b');
    expect(() => v.ensureValid('k', ['a', 'b', 'a'])).not.toThrow();
    expect(() => v.ensureValid('k', [])).not.toThrow();
    expect(failure(v, ['a', 'c'])).toBe(
      'Invalid value c for configuration k: String must be one of: a, b',
    );
    expect(failure(v, 'a')).toMatch(/Expected a list$/);
    expect(String(v)).toBe('[a, b]');
  });

  it('refuses an empty list when asked to', () => {
    expect(failure(ValidList.nonEmptyIn('a'), [])).toBe(
      'Invalid value  for configuration k: The list must not be empty',
    );
  });

  it('limits the list size with Kafka message', () => {
    const v = ListSize.atMostOfSize(2);
    expect(() => v.ensureValid('k', ['a', 'b'])).not.toThrow();
    expect(failure(v, ['a', 'b', 'c'])).toBe(
      'Invalid value [a, b, c] for configuration k: exceeds maximum list size of [2].',
    );
    expect(String(v)).toBe('List containing maximum of 2 elements');
  });
});

describe('NonEmptyString and NonEmptyStringWithoutControlChars', () => {
  it('refuses the empty string', () => {
    expect(failure(new NonEmptyString(), '')).toBe(
      'Invalid value  for configuration k: String must be non-empty',
    );
    expect(() => new NonEmptyString().ensureValid('k', ' ')).not.toThrow();
    expect(String(new NonEmptyString())).toBe('non-empty string');
  });

  it('refuses control characters, listing their codes', () => {
    const v = new NonEmptyStringWithoutControlChars();
    expect(() => v.ensureValid('k', 'my-connector')).not.toThrow();
    expect(failure(v, '')).toMatch(/String may not be empty$/);
    expect(failure(v, 'a\nb\tc')).toMatch(
      /String may not contain control sequences but had the following ASCII chars: 10, 9$/,
    );
    expect(failure(v, 'x\u0085')).toMatch(/chars: 133$/);
  });
});

describe('MatchesPattern', () => {
  it('checks a string, or every item of a list, against a pattern', () => {
    const v = MatchesPattern.of(/^[a-z]+$/);
    expect(() => v.ensureValid('k', 'abc')).not.toThrow();
    expect(() => v.ensureValid('k', ['a', 'b'])).not.toThrow();
    expect(failure(v, ['a', 'B'])).toBe(
      'Invalid value B for configuration k: String must match the pattern /^[a-z]+$/',
    );
    expect(String(v)).toBe('matching /^[a-z]+$/');
  });

  it('uses a description in place of the pattern', () => {
    const v = MatchesPattern.of(/^[\w.-]+$/, 'a topic name');
    expect(failure(v, 'bad topic')).toBe(
      'Invalid value bad topic for configuration k: String must be a topic name',
    );
    expect(String(v)).toBe('a topic name');
  });

  it('gives the same answer every time with a global pattern', () => {
    const v = MatchesPattern.of(/^a$/g);
    for (let i = 0; i < 3; i++) expect(() => v.ensureValid('k', 'a')).not.toThrow();
  });
});

describe('LambdaValidator and CompositeValidator', () => {
  it('turns a function returning a message into a validator', () => {
    const v = LambdaValidator.with(
      (value) =>
        typeof value === 'string' && value.startsWith('/') ? undefined : 'must be absolute',
      'an absolute path',
    );
    expect(() => v.ensureValid('k', '/tmp')).not.toThrow();
    expect(failure(v, 'tmp')).toBe('Invalid value tmp for configuration k: must be absolute');
    expect(String(v)).toBe('an absolute path');
    expect(
      String(
        LambdaValidator.with(
          () => undefined,
          () => 'lazy',
        ),
      ),
    ).toBe('lazy');
  });

  it('runs validators in order and reports the first failure', () => {
    const v = CompositeValidator.of(new NonEmptyString(), MatchesPattern.of(/^\d+$/, 'digits'));
    expect(failure(v, '')).toMatch(/String must be non-empty$/);
    expect(failure(v, 'x')).toMatch(/String must be digits$/);
    expect(String(v)).toBe('non-empty string, digits');
  });
});
