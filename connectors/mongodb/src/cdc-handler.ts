import { type ConnectorLogger, DataException } from '@sluice/api';
import { BSON, type Document, ObjectId } from 'mongodb';
import type { CdcHandlerName } from './config.js';
import { removeNullValues } from './post-processor.js';
import { isDocument, parseExtendedJson } from './schema-mapping.js';
import type { SinkDocument } from './sink-document.js';
import type { WriteModel } from './write-model.js';

const { EJSON } = BSON;

/** Turns one change event into the write that applies it, or null when there is nothing to do. */
export type CdcHandler = (doc: SinkDocument) => WriteModel | null;

function json(text: unknown, what: string): Document {
  if (typeof text !== 'string')
    throw new DataException(
      `${what} must be a JSON string, got ${text === null ? 'null' : typeof text}`,
    );
  try {
    return parseExtendedJson(text);
  } catch (error) {
    throw new DataException(
      `${what} is not an extended JSON document: ${(error as Error).message}`,
    );
  }
}

/** The operation of a Debezium envelope (`c`, `r`, `u`, `d`), or null for a schema change event. */
function debeziumOperation(value: Document): string | null {
  if (!('op' in value) && 'ddl' in value) return null;
  const op = value.op as unknown;
  if (typeof op !== 'string')
    throw new DataException('Value document is missing or CDC operation is not a string');
  if (!['c', 'r', 'u', 'd'].includes(op)) throw new DataException(`Unknown operation type ${op}`);
  return op;
}

/**
 * Debezium's relational connectors (PostgreSQL, MySQL, ...): the record key holds the primary key
 * columns, the value the envelope `{before, after, op, source, ...}`. A row becomes the document
 * `{_id: {<key columns>}, <other columns of after>}`; a table without a primary key gets an
 * ObjectId per insert and its updates and deletes are matched on the whole `before` row.
 */
function rdbmsHandler(doc: SinkDocument): WriteModel | null {
  const key = doc.keyDoc ?? {};
  const value = doc.valueDoc ?? {};
  if (Object.keys(value).length === 0) return null; // the tombstone after a delete
  const op = debeziumOperation(value);
  if (op === null) return null;
  const insert = op === 'c' || op === 'r';
  let filter: Document;
  if (Object.keys(key).length === 0) {
    if (insert) filter = { _id: new ObjectId() };
    else {
      const before = value.before as unknown;
      if (!isDocument(before) || Object.keys(before).length === 0)
        throw new DataException(
          "Value doc 'before' field is empty or has invalid type for update/delete operation.  -> defensive actions taken!",
        );
      filter = before;
    }
  } else filter = { _id: { ...key } };
  if (op === 'd') return { deleteOne: { filter } };
  const after = value.after as unknown;
  if (!isDocument(after) || Object.keys(after).length === 0)
    throw new DataException(
      "Value document must contain non-empty 'after' field of type document for insert/update operation",
    );
  const replacement: Document = {};
  if ('_id' in filter) replacement._id = filter._id;
  for (const [name, v] of Object.entries(after)) if (!(name in key)) replacement[name] = v;
  return { replaceOne: { filter, replacement, upsert: true } };
}

function keyIdFilter(doc: SinkDocument, what: string): Document {
  const key = doc.keyDoc;
  if (key === null)
    throw new DataException(`Key document must not be missing for ${what} operation`);
  if (!('id' in key))
    throw new DataException(
      `${what === 'delete' ? 'Delete' : 'Update'} document missing \`id\` field.`,
    );
  return json(`{"_id": ${String(key.id)}}`, 'The key id');
}

/** Debezium's MongoDB connector: `after`/`patch` hold the document or the update as JSON text. */
function debeziumMongoHandler(changeStreamUpdates: boolean): CdcHandler {
  return (doc) => {
    const key = doc.keyDoc ?? {};
    if (Object.keys(key).length === 0)
      throw new DataException('Key document must not be missing for CDC mode');
    const value = doc.valueDoc ?? {};
    if ('id' in key && Object.keys(value).length === 0) return null; // the tombstone after a delete
    const op = debeziumOperation(value);
    if (op === null) return null;
    if (op === 'd') return { deleteOne: { filter: keyIdFilter(doc, 'delete') } };
    if (op === 'c' || op === 'r') {
      if (!('after' in value)) throw new DataException('Insert document missing `after` field.');
      const inserted = json(value.after, 'after');
      return { replaceOne: { filter: { _id: inserted._id }, replacement: inserted, upsert: true } };
    }
    if (changeStreamUpdates) {
      if (!('after' in value)) throw new DataException('Update document missing `after` field.');
      return {
        replaceOne: {
          filter: keyIdFilter(doc, 'update'),
          replacement: json(value.after, 'after'),
          upsert: true,
        },
      };
    }
    if (!('patch' in value)) throw new DataException('Update document missing `patch` field.');
    const patch = json(value.patch, 'patch');
    delete patch.$v;
    if ('_id' in patch)
      return { replaceOne: { filter: { _id: patch._id }, replacement: patch, upsert: true } };
    return { updateOne: { filter: keyIdFilter(doc, 'update'), update: patch } };
  };
}

const UPDATE_DESCRIPTION_FIELDS = [
  'updatedFields',
  'removedFields',
  'truncatedArrays',
  'disambiguatedPaths',
];

function field(event: Document, name: string): Document {
  const v = event[name] as unknown;
  if (v === undefined) throw new DataException(`Missing ${name} field: ${EJSON.stringify(event)}`);
  if (!isDocument(v))
    throw new DataException(
      `Unexpected ${name} field type, expecting a document: ${EJSON.stringify(event)}`,
    );
  return v;
}

/** The update of an update event's `updateDescription`. */
function updateOf(event: Document): Document {
  const description = field(event, 'updateDescription');
  const unexpected = Object.keys(description).filter((k) => !UPDATE_DESCRIPTION_FIELDS.includes(k));
  if (unexpected.length > 0)
    throw new DataException(
      `Warning unexpected field(s) in updateDescription [${unexpected.join(', ')}]. ${EJSON.stringify(description)}. Cannot process due to risk of data loss.`,
    );
  const updated = description.updatedFields as unknown;
  const removed = description.removedFields as unknown;
  if (!isDocument(updated))
    throw new DataException(
      `Missing updateDescription.updatedFields field: ${EJSON.stringify(description)}`,
    );
  if (!Array.isArray(removed))
    throw new DataException(
      `Missing updateDescription.removedFields field: ${EJSON.stringify(description)}`,
    );
  const update: Document = { $set: updated };
  if (removed.length > 0) {
    const unset: Document = {};
    for (const name of removed) {
      if (typeof name !== 'string')
        throw new DataException(
          `Unexpected value type in removedFields, expected a string: ${EJSON.stringify(description)}`,
        );
      unset[name] = '';
    }
    update.$unset = unset;
  }
  // Arrays shortened from the end (MongoDB 5.0+): keep their first newSize items.
  const truncated = description.truncatedArrays as unknown;
  if (Array.isArray(truncated) && truncated.length > 0) {
    const push: Document = {};
    for (const t of truncated as { field?: unknown; newSize?: unknown }[])
      push[String(t.field)] = { $each: [], $slice: Number(t.newSize) };
    update.$push = push;
  }
  return update;
}

/** MongoDB change stream events (mongo-kafka's, and this connector's source): replayed on another collection. */
function changeStreamHandler(log: ConnectorLogger): CdcHandler {
  return (doc) => {
    const event = doc.valueDoc ?? {};
    const type = event.operationType as unknown;
    if (type === undefined)
      throw new DataException(
        `Error: \`operationType\` field is doc is missing. ${EJSON.stringify(event)}`,
      );
    if (typeof type !== 'string')
      throw new DataException('Error: Unexpected CDC operation type, should be a string');
    switch (type) {
      case 'insert':
      case 'replace':
        return {
          replaceOne: {
            filter: field(event, 'documentKey'),
            replacement: field(event, 'fullDocument'),
            upsert: true,
          },
        };
      case 'update':
        return 'fullDocument' in event && event.fullDocument !== null
          ? {
              replaceOne: {
                filter: field(event, 'documentKey'),
                replacement: field(event, 'fullDocument'),
              },
            }
          : { updateOne: { filter: field(event, 'documentKey'), update: updateOf(event) } };
      case 'delete':
        return { deleteOne: { filter: field(event, 'documentKey') } };
      default:
        log.warn({ operationType: type }, `Unsupported change stream operation: ${type}`);
        return null;
    }
  };
}

/** Leaves null fields out of a CDC write (`change.data.capture.handler.remove.null.values`). */
function withoutNulls(model: WriteModel | null): WriteModel | null {
  if (model === null) return null;
  if ('replaceOne' in model) {
    removeNullValues(model.replaceOne.replacement);
    return Object.keys(model.replaceOne.replacement).length === 0 ? null : model;
  }
  if ('updateOne' in model) {
    const update = model.updateOne.update as Document;
    if (isDocument(update.$set)) {
      removeNullValues(update.$set);
      if (Object.keys(update.$set).length === 0) delete update.$set;
    }
    return Object.keys(update).length === 0 ? null : model;
  }
  return model;
}

/** The `change.data.capture.handler` of a topic. */
export function cdcHandlerOf(
  name: CdcHandlerName,
  removeNulls: boolean,
  log: ConnectorLogger,
): CdcHandler {
  const handler: CdcHandler =
    name === 'mongodb.ChangeStreamHandler'
      ? changeStreamHandler(log)
      : name === 'debezium.mongodb.MongoDbHandler'
        ? debeziumMongoHandler(false)
        : name === 'debezium.mongodb.ChangeStreamHandler'
          ? debeziumMongoHandler(true)
          : rdbmsHandler;
  return removeNulls ? (doc) => withoutNulls(handler(doc)) : handler;
}
