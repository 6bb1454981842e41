import { BSON, type Document, Long, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { documentEvent } from '../src/change-event.js';
import { bsonToJson, type JsonMode } from '../src/json-writer.js';
import { BSON_VECTORS } from './bson-vectors.js';

const MODES: JsonMode[] = ['strict', 'canonical', 'simplified'];
const serialize = (doc: Document) => BSON.serialize(doc) as Buffer;

/** Documents with and without `_id`, with `_id`s of several types, and every BSON type. */
const DOCUMENTS: Array<[string, Buffer]> = [
  ['ObjectId _id', serialize({ _id: new ObjectId('65f0a1b2c3d4e5f601234567'), n: 1 })],
  ['Long _id', serialize({ _id: Long.fromString('9007199254740993'), s: 'x' })],
  ['document _id', serialize({ _id: { a: 1, b: 'two' }, s: 'é"\\\n' })],
  ['string _id', serialize({ _id: 'k"ey', nested: { list: [1, 2.5, null] } })],
  ['no _id', serialize({ v: true })],
  ...Object.entries(BSON_VECTORS),
];

describe('documentEvent', () => {
  it('writes its JSON, and its key JSON, as the JSON writer writes its BSON', () => {
    for (const [name, doc] of DOCUMENTS) {
      for (const copying of [false, true]) {
        for (const operation of ['insert', 'replace'] as const) {
          const event = documentEvent(doc, 'd"b', 'coll\u00e9', operation, copying);
          for (const mode of MODES) {
            const context = `${name}, ${operation}, copying ${copying}, ${mode}`;
            expect(event.json(mode), context).toBe(bsonToJson(event.bytes(), mode));
            expect(event.idKeyJson(mode), context).toBe(bsonToJson(event.idKey(), mode));
          }
        }
      }
    }
  });
});
