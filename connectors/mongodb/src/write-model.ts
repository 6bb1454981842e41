import { DataException } from '@sluice/api';
import type { AnyBulkWriteOperation, Document } from 'mongodb';
import type { TopicSinkConfig, WriteModelName } from './config.js';
import { type IdStrategy, idStrategyOf } from './id-strategy.js';
import { isDocument } from './schema-mapping.js';
import type { SinkDocument } from './sink-document.js';

/** One write of a bulk write. */
export type WriteModel = AnyBulkWriteOperation<Document>;

/** Makes the write of one (post-processed) record. */
export type WriteModelStrategy = (doc: SinkDocument) => WriteModel;

/** Nested documents as dotted keys (`{a: {b: 1}}` → `{"a.b": 1}`), for a business key filter. */
export function flattenKeys(doc: Document, prefix = '', out: Document = {}): Document {
  for (const [name, value] of Object.entries(doc)) {
    const key = prefix === '' ? name : `${prefix}.${name}`;
    if (isDocument(value)) flattenKeys(value, key, out);
    else out[key] = value;
  }
  return out;
}

function valueDocOf(doc: SinkDocument): Document {
  const value = doc.valueDoc;
  if (value === null)
    throw new DataException(
      'Could not build the WriteModel,the value document was missing unexpectedly',
    );
  return value;
}

function idOf(value: Document): Document['_id'] {
  if (!('_id' in value))
    throw new DataException(
      'Could not build the WriteModel,the `_id` field was missing unexpectedly',
    );
  return value._id;
}

/** The business key of a value: its `_id` document (removed from the value). */
function businessKey(value: Document, partial: boolean): Document {
  const id = value._id as unknown;
  if (!isDocument(id))
    throw new DataException(
      'Could not build the WriteModel,the value document does not contain an _id field of type BsonDocument which holds the business key fields.\n\n If you are including an existing `_id` value in the business key then ensure `document.id.strategy.overwrite.existing=true`.',
    );
  delete value._id;
  return partial ? flattenKeys(id) : id;
}

/** Replacement documents may not start with an operator; updates are made of operators only. */
function checkReplacement(doc: Document): Document {
  const first = Object.keys(doc)[0];
  if (first?.startsWith('$'))
    throw new DataException(
      `Could not build the WriteModel: the replacement document has the field ${first}, and a document's top-level field names may not start with $`,
    );
  return doc;
}

function keyDeleteFilter(doc: SinkDocument, idStrategy: IdStrategy | null): Document {
  const key = doc.keyDoc;
  if (key === null)
    throw new DataException(
      'Could not build the WriteModel,the key document was missing unexpectedly',
    );
  if (idStrategy === null) return '_id' in key ? key : { _id: key };
  return { _id: idStrategy(doc) };
}

/** A write model strategy by its mongo-kafka class name. */
export function writeModelStrategyOf(
  name: WriteModelName,
  config: TopicSinkConfig,
): WriteModelStrategy {
  const partialId =
    config.idStrategy === 'PartialKeyStrategy' || config.idStrategy === 'PartialValueStrategy';
  switch (name) {
    case 'DefaultWriteModelStrategy':
      return writeModelStrategyOf(
        config.timeseries === null ? 'ReplaceOneDefaultStrategy' : 'InsertOneDefaultStrategy',
        config,
      );
    case 'ReplaceOneDefaultStrategy':
      return (doc) => {
        const value = valueDocOf(doc);
        return {
          replaceOne: {
            filter: { _id: idOf(value) },
            replacement: checkReplacement(value),
            upsert: true,
          },
        };
      };
    case 'ReplaceOneBusinessKeyStrategy':
      return (doc) => {
        const value = valueDocOf(doc);
        const filter = businessKey(value, partialId);
        return { replaceOne: { filter, replacement: checkReplacement(value), upsert: true } };
      };
    case 'UpdateOneDefaultStrategy':
      return (doc) => {
        const value = valueDocOf(doc);
        const id = idOf(value);
        delete value._id;
        return { updateOne: { filter: { _id: id }, update: { $set: value }, upsert: true } };
      };
    case 'UpdateOneTimestampsStrategy':
      return (doc) => {
        const value = valueDocOf(doc);
        const now = new Date();
        value._modifiedTS = now;
        return {
          updateOne: {
            filter: { _id: idOf(value) },
            update: { $set: value, $setOnInsert: { _insertedTS: now } },
            upsert: true,
          },
        };
      };
    case 'UpdateOneBusinessKeyTimestampStrategy':
      return (doc) => {
        const value = valueDocOf(doc);
        const filter = businessKey(value, partialId);
        const now = new Date();
        value._modifiedTS = now;
        return {
          updateOne: {
            filter,
            update: { $set: value, $setOnInsert: { _insertedTS: now } },
            upsert: true,
          },
        };
      };
    case 'InsertOneDefaultStrategy':
      return (doc) => ({ insertOne: { document: checkReplacement(valueDocOf(doc)) } });
    case 'DeleteOneDefaultStrategy': {
      // With delete.on.null.values the configured key-based id strategy makes the filter.
      const idStrategy = [
        'FullKeyStrategy',
        'PartialKeyStrategy',
        'ProvidedInKeyStrategy',
      ].includes(config.idStrategy)
        ? idStrategyOf(config)
        : null;
      return (doc) => ({ deleteOne: { filter: keyDeleteFilter(doc, idStrategy) } });
    }
    case 'DeleteOneBusinessKeyStrategy':
      return (doc) => ({ deleteOne: { filter: businessKey(valueDocOf(doc), partialId) } });
    case 'DeleteOneTombstoneBusinessKeyStrategy': {
      const idStrategy = idStrategyOf(config);
      return (doc) => {
        if (doc.keyDoc === null)
          throw new DataException(
            'Could not build the WriteModel,the key document was missing unexpectedly',
          );
        return { deleteOne: { filter: flattenKeys(idStrategy(doc) as Document) } };
      };
    }
  }
}
