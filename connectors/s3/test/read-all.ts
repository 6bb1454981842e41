import type { SchemaAndValue } from '@sluice/api';
import type { RecordFormat } from '../src/record-format.js';
import { bytesObject } from '../src/stored-object.js';

/** Every record of an object held in memory, as the source reads it. */
export async function readAll(format: RecordFormat, bytes: Uint8Array): Promise<SchemaAndValue[]> {
  const out: SchemaAndValue[] = [];
  for await (const batch of format.read(bytesObject('test-object', bytes), 0)) out.push(...batch);
  return out;
}
