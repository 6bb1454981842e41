import { DataException, type Schema, type SinkRecord, Struct } from '@sluice/api';
import type { Document } from 'mongodb';
import {
  deserialize,
  isDocument,
  parseExtendedJson,
  structToDocument,
  toBson,
} from './schema-mapping.js';

/** A record's key or value as a document: structs, maps, extended JSON text or BSON bytes. */
export function recordDocument(
  schema: Schema | null,
  value: unknown,
  what: 'key' | 'value',
): Document | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Struct) return structToDocument(value);
  if (typeof value === 'string') return parseExtendedJson(value);
  if (value instanceof Uint8Array) return deserialize(value);
  if (value instanceof Map || isDocument(value)) return toBson(schema, value, '') as Document;
  throw new DataException(
    `No converter present due to unexpected object type: the record ${what} is a ${Array.isArray(value) ? 'array' : typeof value}; it must be a struct, a map, JSON text or BSON bytes`,
  );
}

/** A deep copy of a document (BSON values are shared: they are never changed in place). */
export function cloneDocument(doc: Document): Document {
  const out: Document = {};
  for (const [k, v] of Object.entries(doc)) out[k] = cloneValue(v);
  return out;
}

function cloneValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneValue);
  return isDocument(value) ? cloneDocument(value) : value;
}

/**
 * The key and value documents of one record, converted when first read (as mongo-kafka's lazy
 * documents: a key that is never read, say with the BsonOid id strategy, is never converted).
 */
export class SinkDocument {
  private key: Document | null | undefined;
  private value: Document | null | undefined;

  constructor(readonly record: SinkRecord) {}

  /** A document with these key and value documents already made (CDC handlers, partial ids). */
  static of(record: SinkRecord, key: Document | null, value: Document | null): SinkDocument {
    const doc = new SinkDocument(record);
    doc.key = key;
    doc.value = value;
    return doc;
  }

  get keyDoc(): Document | null {
    if (this.key === undefined)
      this.key = recordDocument(this.record.keySchema, this.record.key, 'key');
    return this.key;
  }

  get valueDoc(): Document | null {
    if (this.value === undefined)
      this.value = recordDocument(this.record.valueSchema, this.record.value, 'value');
    return this.value;
  }

  /** A copy whose documents can be changed without changing these. */
  clone(): SinkDocument {
    const key = this.keyDoc;
    const value = this.valueDoc;
    return SinkDocument.of(
      this.record,
      key === null ? null : cloneDocument(key),
      value === null ? null : cloneDocument(value),
    );
  }
}
