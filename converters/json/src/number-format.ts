/**
 * Number text exactly as Kafka's JsonConverter (Jackson on the JVM) writes it:
 * doubles and floats like Java's `Double.toString` / `Float.toString`, decimals like
 * `BigDecimal.toString`. JSON.stringify differs (`1` vs `1.0`, `1e+21` vs `1.0E21`).
 */

/** Java's `Double.toString` for a finite double. */
export function formatJavaDouble(value: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    // Here JavaScript, too, prints the shortest digits in plain notation, and Java's two-digit
    // rule never applies (one digit that reads back is also the closest two-digit decimal):
    // only a whole number needs Java's `.0`.
    const text = String(value);
    return text.indexOf('.') === -1 ? `${text}.0` : text;
  }
  return formatJavaFloating(
    value,
    javaDigits(magnitude, magnitude.toExponential(), (x) => x),
  );
}

/**
 * Java (since JDK 19, and in most cases before) prints the shortest digits that read
 * back as the same value, but never fewer than two: when one digit would do, it prints
 * the two-digit decimal closest to the exact value (`4.9E-324`, not `5.0E-324`).
 */
function javaDigits(magnitude: number, shortest: string, round: (x: number) => number): string {
  if (shortest.indexOf('.') !== -1) return shortest;
  const two = Number(magnitude.toPrecision(2));
  if (round(two) !== magnitude) return shortest;
  const digits = two.toExponential(1);
  return digits[2] === '0' ? shortest : digits; // Java drops a trailing zero digit
}

/** Java's `Float.toString` for a finite value already rounded to float32. */
export function formatJavaFloat(value: number): string {
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  // Shortest decimal that reads back as the same float32 (Java prints floats that way).
  for (let precision = 1; precision < 10; precision++) {
    const candidate = Number(magnitude.toPrecision(precision));
    if (Math.fround(candidate) === magnitude) {
      return formatJavaFloating(
        value,
        javaDigits(magnitude, candidate.toExponential(), Math.fround),
      );
    }
  }
  return formatJavaFloating(value, magnitude.toExponential());
}

/** Lays out shortest digits (from `toExponential()`) the way Java does. */
function formatJavaFloating(value: number, exponential: string): string {
  const sign = value < 0 ? '-' : '';
  const ePos = exponential.indexOf('e');
  const mantissa = exponential.slice(0, ePos);
  const exponent = Number(exponential.slice(ePos + 1));
  const digits = mantissa.length > 1 ? mantissa[0] + mantissa.slice(2) : mantissa;
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
      const fracPart = digits.slice(exponent + 1);
      return `${sign}${intPart}.${fracPart === '' ? '0' : fracPart}`;
    }
    return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  }
  const rest = digits.slice(1);
  return `${sign}${digits[0]}.${rest === '' ? '0' : rest}E${exponent}`;
}

/** Java's `BigDecimal.toString` for `unscaled × 10^-scale`. */
export function formatBigDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const coefficient = (negative ? -unscaled : unscaled).toString();
  const sign = negative ? '-' : '';
  const adjusted = -scale + (coefficient.length - 1);
  if (scale >= 0 && adjusted >= -6) {
    if (scale === 0) return sign + coefficient;
    if (coefficient.length > scale) {
      const point = coefficient.length - scale;
      return `${sign}${coefficient.slice(0, point)}.${coefficient.slice(point)}`;
    }
    return `${sign}0.${'0'.repeat(scale - coefficient.length)}${coefficient}`;
  }
  const head = coefficient.length > 1 ? `${coefficient[0]}.${coefficient.slice(1)}` : coefficient;
  return `${sign}${head}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
}

/** An exact decimal read from JSON number text: `unscaled × 10^-scale`. */
export interface DecimalParts {
  readonly unscaled: bigint;
  readonly scale: number;
}

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Parses JSON number text into an exact decimal keeping the text's scale, as Java's
 * `new BigDecimal(text)` does (`1.50` has scale 2, `1E+3` scale -3).
 */
export function parseDecimalText(text: string): DecimalParts {
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) throw new SyntaxError(`not a decimal number: ${text}`);
  const [, sign = '', intPart = '', fracPart = '', exp] = match;
  const magnitude = BigInt(intPart + fracPart);
  const scale = fracPart.length - (exp === undefined ? 0 : Number(exp));
  return { unscaled: sign === '-' ? -magnitude : magnitude, scale };
}

/**
 * Rescales `parts` to `scale` when that loses nothing; otherwise returns `parts`
 * unchanged (the caller keeps the exact value rather than rounding it).
 */
export function rescaleExact(parts: DecimalParts, scale: number): DecimalParts {
  if (parts.scale === scale) return parts;
  if (parts.scale < scale) {
    return { unscaled: parts.unscaled * 10n ** BigInt(scale - parts.scale), scale };
  }
  const divisor = 10n ** BigInt(parts.scale - scale);
  if (parts.unscaled % divisor !== 0n) return parts;
  return { unscaled: parts.unscaled / divisor, scale };
}
