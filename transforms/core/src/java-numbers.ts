import { DataException, Decimal } from '@sluice/api';

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** A number-like Connect value: `floating` says it is a FLOAT32/FLOAT64 (Java Float/Double). */
export type JavaNumber = number | bigint | Decimal;

/** Java's `Number.longValue()`: floats truncate and saturate (NaN is 0), integers wrap. */
export function javaLongValue(value: JavaNumber, floating: boolean): bigint {
  if (value instanceof Decimal) {
    const whole =
      value.scale >= 0
        ? value.unscaled / 10n ** BigInt(value.scale)
        : value.unscaled * 10n ** BigInt(-value.scale);
    return BigInt.asIntN(64, whole);
  }
  if (typeof value === 'bigint') return BigInt.asIntN(64, value);
  if (floating || !Number.isInteger(value)) {
    if (Number.isNaN(value)) return 0n;
    if (value >= 9.223372036854776e18) return LONG_MAX;
    if (value <= -9.223372036854776e18) return LONG_MIN;
    return BigInt(Math.trunc(value));
  }
  return BigInt.asIntN(64, BigInt(value));
}

/** Java's `Number.intValue()`: floats truncate and saturate to 32 bits, integers wrap. */
export function javaIntValue(value: JavaNumber, floating: boolean): number {
  if (typeof value === 'number' && (floating || !Number.isInteger(value))) {
    if (Number.isNaN(value)) return 0;
    return Math.max(-2147483648, Math.min(2147483647, Math.trunc(value)));
  }
  return Number(BigInt.asIntN(32, javaLongValue(value, false)));
}

/** Java's `byteValue()` / `shortValue()`: the int value narrowed to 8 or 16 bits. */
export function javaNarrow(value: JavaNumber, bits: 8 | 16, floating: boolean): number {
  return Number(BigInt.asIntN(bits, BigInt(javaIntValue(value, floating))));
}

function scientific(digits: string, exponent: number, negative: boolean): string {
  const sign = negative ? '-' : '';
  if (exponent >= -3 && exponent < 7) {
    if (exponent >= 0) {
      const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
      const fraction = digits.slice(exponent + 1) || '0';
      return `${sign}${whole}.${fraction}`;
    }
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  const fraction = digits.slice(1) || '0';
  return `${sign}${digits[0]}.${fraction}E${exponent}`;
}

function shortestDigits(text: string): { digits: string; exponent: number } {
  const [mantissa, exp] = text.split('e') as [string, string];
  return { digits: mantissa.replace('-', '').replace('.', ''), exponent: Number(exp) };
}

/** Java's `Double.toString` (JDK 19+ shortest digits): `1.0`, `0.001`, `1.0E7`, `-0.0`. */
export function javaDoubleToString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  return scientific(
    ...javaDigits(Math.abs(value), Math.abs(value).toExponential(), false),
    value < 0,
  );
}

/**
 * Java prints at least two significant digits (`d.d`); when the shortest form has one digit, it
 * picks the two-digit decimal closest to the value if that one still reads back as the value
 * (so the smallest double prints `4.9E-324`, not `5.0E-324`).
 */
function javaDigits(abs: number, shortest: string, float32: boolean): [string, number] {
  const { digits, exponent } = shortestDigits(shortest);
  if (digits.length === 1) {
    const two = abs.toExponential(1);
    const back = float32 ? Math.fround(Number(two)) : Number(two);
    if (back === abs) {
      const closer = shortestDigits(two);
      return [closer.digits.replace(/0+$/, '') || '0', closer.exponent];
    }
  }
  return [digits, exponent];
}

/** Java's `Float.toString`: the shortest digits that identify the float32 value. */
export function javaFloatToString(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(value);
  for (let precision = 1; precision <= 9; precision++) {
    const text = abs.toExponential(precision - 1);
    if (Math.fround(Number(text)) === abs) {
      const [digits, exponent] = javaDigits(abs, text, true);
      return scientific(digits.replace(/0+$/, '') || '0', exponent, value < 0);
    }
  }
  return javaDoubleToString(value);
}

/** Java's `BigDecimal.toString`: plain unless the scale is negative or the number is tiny. */
export function javaBigDecimalToString(value: Decimal): string {
  const negative = value.unscaled < 0n;
  const digits = (negative ? -value.unscaled : value.unscaled).toString();
  const adjusted = -value.scale + (digits.length - 1);
  if (value.scale >= 0 && adjusted >= -6) return value.toString();
  const sign = negative ? '-' : '';
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

const JAVA_INTEGER = /^[+-]?\d+$/;

/** Java's `Long.parseLong` (and narrower parses with `bits`): throws a DataException when invalid. */
export function javaParseInteger(text: string, bits: 8 | 16 | 32 | 64): bigint {
  if (!JAVA_INTEGER.test(text)) {
    throw new DataException(`For input string: "${text}"`);
  }
  const value = BigInt(text);
  if (BigInt.asIntN(bits, value) !== value) {
    throw new DataException(`Value out of range. Value:"${text}" Radix:10`);
  }
  return value;
}

const JAVA_FLOAT = /^[+-]?(NaN|Infinity|((\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?)$/;

/** Java's `Double.parseDouble`: surrounding whitespace, `NaN`, `Infinity` and `f`/`d` suffixes. */
export function javaParseDouble(text: string): number {
  const trimmed = text.trim();
  if (!JAVA_FLOAT.test(trimmed)) throw new DataException(`For input string: "${text}"`);
  return Number(trimmed.replace(/[fFdD]$/, ''));
}
