import { DataException, schemaEquals, valuesEqual } from '@sluice/api';
import { schemaWithValue } from '@sluice/test-fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonConverter } from '../src/index.js';

// Bounded so the whole file runs in a few seconds on CI; a failure prints its seed to replay.
const RUNS = { numRuns: 300 };
const position = { partition: 3, offset: 4711 };

function converter(configs: Record<string, unknown> = {}): JsonConverter {
  const c = new JsonConverter();
  c.configure(configs, false);
  return c;
}

/** Converts `bytes`; any failure must be a DataException naming the record's offset. */
function readOrDataException(c: JsonConverter, bytes: Uint8Array): void {
  try {
    c.toConnectData('t', null, bytes, position);
  } catch (error) {
    expect(error).toBeInstanceOf(DataException);
    expect((error as Error).message).toContain('partition 3, offset 4711');
  }
}

describe('JsonConverter properties', () => {
  it('never crashes on random bytes: it reads them or fails with a DataException naming the offset', () => {
    for (const schemasEnable of [true, false]) {
      const c = converter({ 'schemas.enable': schemasEnable });
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => readOrDataException(c, bytes)),
        RUNS,
      );
    }
  });

  it('never crashes on random JSON, envelopes with random schemas included', () => {
    const c = converter();
    const envelope = fc.record({ schema: fc.jsonValue(), payload: fc.jsonValue() });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), envelope), (json) =>
        readOrDataException(c, Buffer.from(JSON.stringify(json))),
      ),
      RUNS,
    );
  });

  it('round-trips random schemas and values exactly, in both decimal formats', () => {
    for (const format of ['BASE64', 'NUMERIC']) {
      const c = converter({ 'decimal.format': format });
      fc.assert(
        fc.property(schemaWithValue(), ({ schema, value }) => {
          const bytes = c.fromConnectData('t', null, schema, value);
          const back = c.toConnectData('t', null, bytes, position);
          expect(schemaEquals(back.schema, schema)).toBe(true);
          expect(valuesEqual(back.value, value)).toBe(true);
        }),
        RUNS,
      );
    }
  });
});
