import { DataException } from '@sluice/api';
import { Binary, ObjectId, UUID } from 'mongodb';
import type { TopicSinkConfig } from './config.js';
import { projector } from './field-projection.js';
import type { SinkDocument } from './sink-document.js';

/** Makes the `_id` of one record's document. */
export type IdStrategy = (doc: SinkDocument) => unknown;

const UUID_36 = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const UUID_32 = /^[0-9a-fA-F]{32}$/;

function provided(doc: SinkDocument, where: 'key' | 'value'): unknown {
  const source = where === 'key' ? doc.keyDoc : doc.valueDoc;
  const id = source?._id;
  if (id === undefined)
    throw new DataException(
      'Provided id strategy is used but the document structure either contained no _id field or it was null',
    );
  if (id === null)
    throw new DataException(
      'Provided id strategy used but the document structure contained an _id of type BsonNull',
    );
  return id;
}

function providedUuid(doc: SinkDocument, where: 'key' | 'value'): unknown {
  const id = provided(doc, where);
  if (id instanceof Binary && (id.sub_type === 3 || id.sub_type === 4)) return id;
  if (typeof id === 'string' && (UUID_36.test(id) || UUID_32.test(id)))
    return new UUID(id.replaceAll('-', '')).toBinary();
  throw new DataException(
    `UUID cannot be constructed from provided value: \`${typeof id === 'string' ? id : String(id)}\``,
  );
}

/** The `document.id.strategy` of a topic, as mongo-kafka's IdStrategy classes make ids. */
export function idStrategyOf(config: TopicSinkConfig): IdStrategy {
  switch (config.idStrategy) {
    case 'BsonOidStrategy':
      return () => new ObjectId();
    case 'KafkaMetaDataStrategy':
      return (doc) => `${doc.record.topic}#${doc.record.kafkaPartition}#${doc.record.kafkaOffset}`;
    case 'FullKeyStrategy':
      return (doc) => doc.keyDoc ?? {};
    case 'PartialKeyStrategy': {
      const project = projector(config.partialKeyProjection);
      return (doc) => {
        const key = doc.clone().keyDoc ?? {};
        project(key);
        return key;
      };
    }
    case 'PartialValueStrategy': {
      const project = projector(config.partialValueProjection);
      return (doc) => {
        const value = doc.clone().valueDoc ?? {};
        project(value);
        return value;
      };
    }
    case 'ProvidedInKeyStrategy':
      return (doc) => provided(doc, 'key');
    case 'ProvidedInValueStrategy':
      return (doc) => provided(doc, 'value');
    case 'UuidStrategy':
      return config.uuidBinary ? () => new UUID().toBinary() : () => new UUID().toHexString(true);
    case 'UuidProvidedInKeyStrategy':
      return (doc) => providedUuid(doc, 'key');
    case 'UuidProvidedInValueStrategy':
      return (doc) => providedUuid(doc, 'value');
  }
}
