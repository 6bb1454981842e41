import { BSON, type Document } from 'mongodb';
import { bsonElementToJson, bsonToJson, type JsonMode, quote } from './json-writer.js';
import {
  booleanElement,
  documentElement,
  documentOf,
  findElement,
  renamed,
  stringElement,
} from './raw-bson.js';

/**
 * One change event, as BSON bytes (made lazily): from a change stream, or made from a document
 * read by `copy_existing` or the polling mode (`{_id, operationType, documentKey, fullDocument,
 * ns}`, mongo-kafka's copy event).
 */
export interface ChangeEvent {
  /** The database and collection the event is about. */
  readonly db: string;
  readonly coll: string | undefined;
  /** The whole event. */
  bytes(): Buffer;
  /** `fullDocument`, or null when the event has none. */
  fullDocument(): Buffer | null;
  /** `{_id: <event _id>}` (the key when `documentKey` is not used). */
  idKey(): Buffer;
  /** `documentKey`, or null. */
  documentKey(): Buffer | null;
  /** `bytes()` as JSON text: what `bsonToJson(bytes(), mode)` gives. */
  json(mode: JsonMode): string;
  /** `idKey()` as JSON text. */
  idKeyJson(mode: JsonMode): string;
}

const serialize = (doc: Document) => BSON.serialize(doc) as Buffer;

/** A change stream event (deserialized with exact types). */
export function streamEvent(event: Document): ChangeEvent {
  const ns = (event.ns ?? {}) as { db?: string; coll?: string };
  let bytes: Buffer | null = null;
  return {
    db: ns.db ?? '',
    coll: ns.coll,
    bytes: () => {
      bytes ??= serialize(event);
      return bytes;
    },
    fullDocument: () =>
      typeof event.fullDocument === 'object' && event.fullDocument !== null
        ? serialize(event.fullDocument as Document)
        : null,
    idKey: () => serialize({ _id: event._id }),
    json(mode) {
      return bsonToJson(this.bytes(), mode);
    },
    idKeyJson(mode) {
      return bsonToJson(this.idKey(), mode);
    },
    documentKey: () =>
      typeof event.documentKey === 'object' && event.documentKey !== null
        ? serialize(event.documentKey as Document)
        : null,
  };
}

/**
 * The insert event of a document read with `raw: true` (copy or polling): `_id` is
 * `{_id: <document _id>, copyingData: true}` for a copy, `{_id: <document _id>}` when polling.
 */
export function documentEvent(
  doc: Buffer,
  db: string,
  coll: string,
  operationType: 'insert' | 'replace',
  copying: boolean,
): ChangeEvent {
  const id = findElement(doc, '_id');
  let key: Buffer | null = null;
  let eventId: Buffer | null = null;
  let bytes: Buffer | null = null;
  const idElements = (): Buffer[] => (id === undefined ? [] : [renamed(doc, id, '_id')]);
  const keyBytes = () => {
    key ??= documentOf(idElements());
    return key;
  };
  const eventIdBytes = () => {
    eventId ??= documentOf(
      copying ? [...idElements(), booleanElement('copyingData', true)] : idElements(),
    );
    return eventId;
  };
  const idJson = (mode: JsonMode) => (id === undefined ? null : bsonElementToJson(doc, id, mode));
  /** `{"_id": <id>}` (and `"copyingData": true` for a copy), as the writer writes documents. */
  const eventIdJson = (idText: string | null) => {
    const fields = idText === null ? [] : [`"_id": ${idText}`];
    if (copying) fields.push('"copyingData": true');
    return `{${fields.join(', ')}}`;
  };
  return {
    db,
    coll,
    bytes: () => {
      bytes ??= documentOf([
        documentElement('_id', eventIdBytes()),
        stringElement('operationType', operationType),
        documentElement('documentKey', keyBytes()),
        documentElement('fullDocument', doc),
        documentElement('ns', documentOf([stringElement('db', db), stringElement('coll', coll)])),
      ]);
      return bytes;
    },
    fullDocument: () => doc,
    idKey: () => documentOf([documentElement('_id', eventIdBytes())]),
    documentKey: keyBytes,
    // Written from the document's own JSON, without building the event's BSON first.
    json: (mode) => {
      const idText = idJson(mode);
      const key = idText === null ? '{}' : `{"_id": ${idText}}`;
      return `{"_id": ${eventIdJson(idText)}, "operationType": "${operationType}", "documentKey": ${key}, "fullDocument": ${bsonToJson(doc, mode)}, "ns": {"db": ${quote(db)}, "coll": ${quote(coll)}}}`;
    },
    idKeyJson: (mode) => `{"_id": ${eventIdJson(idJson(mode))}}`,
  };
}
