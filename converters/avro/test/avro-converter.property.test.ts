import {
  ConnectHeaders,
  DataException,
  type Schema,
  SchemaBuilder,
  Struct,
  schemaEquals,
  valuesEqual,
} from '@sluice/api';
import { schemaWithValue } from '@sluice/test-fixtures';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AvroConverter } from '../src/index.js';
import { MemoryRegistry } from './memory-registry.js';

// Bounded so the whole file runs in a few seconds on CI; a failure prints its seed to replay.
const RUNS = { numRuns: 200 };
const headers = new ConnectHeaders();
const position = { partition: 3, offset: 4711 };

function converter(registry = new MemoryRegistry()): AvroConverter {
  const c = new AvroConverter();
  c.configure({ 'schema.registry.url': 'http://registry.invalid:8081' }, false, registry);
  return c;
}

/** Converts `bytes`; any failure must be a DataException naming the record's offset. */
async function readOrDataException(c: AvroConverter, bytes: Uint8Array): Promise<void> {
  try {
    await c.toConnectData('t', headers, bytes, position);
  } catch (error) {
    expect(error).toBeInstanceOf(DataException);
    expect((error as Error).message).toContain('offset 4711');
  }
}

/**
 * The Avro bytes of a value. Two maps with non-string keys and different types both want the
 * record name MapEntry, which Avro refuses (as Confluent's converter does): such schemas are
 * skipped.
 */
async function written(c: AvroConverter, schema: Schema, value: unknown) {
  try {
    return await c.fromConnectData('t', headers, schema, value);
  } catch (error) {
    if (error instanceof DataException && /duplicate type name/.test(error.message)) {
      fc.pre(false);
    }
    throw error;
  }
}

/** A top-level struct again under `schema` (the same but for its version). */
function withSchema(value: unknown, schema: Schema): unknown {
  if (!(value instanceof Struct)) return value;
  const struct = new Struct(schema);
  for (const field of schema.fields) struct.put(field.name, value.get(field.name));
  return struct;
}

describe('AvroConverter properties', () => {
  it('never crashes on random bytes: it reads them or fails with a DataException naming the offset', async () => {
    const c = converter();
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 64 }), (bytes) => readOrDataException(c, bytes)),
      RUNS,
    );
  });

  it('never crashes on random or damaged payloads of a registered schema', async () => {
    const registry = new MemoryRegistry();
    const c = converter(registry);
    await fc.assert(
      fc.asyncProperty(
        schemaWithValue(),
        fc.uint8Array({ maxLength: 32 }),
        fc.nat(),
        async ({ schema, value }, noise, cut) => {
          const valid = await written(c, schema, value);
          if (valid === null) return; // a null value is a tombstone, not an Avro payload
          const head = valid.subarray(0, 5);
          // Random bytes after the schema id, a truncated payload, and one with a flipped byte.
          const flipped = Uint8Array.from(valid);
          if (flipped.length > 5) {
            const at = 5 + (cut % (flipped.length - 5));
            flipped[at] = (flipped[at] as number) ^ 0xff;
          }
          for (const bytes of [
            Buffer.concat([head, noise]),
            valid.subarray(0, 5 + (cut % Math.max(1, valid.length - 5))),
            flipped,
          ]) {
            await readOrDataException(c, bytes);
          }
        },
      ),
      RUNS,
    );
  });

  it('round-trips random schemas and values exactly', async () => {
    const c = converter();
    await fc.assert(
      fc.asyncProperty(schemaWithValue(), async ({ schema, value }) => {
        const bytes = await written(c, schema, value);
        if (bytes === null) return; // a null value is a tombstone: no schema travels
        const back = await c.toConnectData('t', headers, bytes, position);
        // As Confluent's converter, the schema read back carries the registry's version.
        const expected =
          schema.version === null && back.schema?.version !== null
            ? SchemaBuilder.from(schema)
                .version(back.schema?.version as number)
                .build()
            : schema;
        expect(schemaEquals(back.schema, expected)).toBe(true);
        expect(valuesEqual(back.value, withSchema(value, expected))).toBe(true);
      }),
      RUNS,
    );
  });
});
