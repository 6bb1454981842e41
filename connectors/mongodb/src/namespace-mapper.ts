import { DataException } from '@sluice/api';
import type { Document } from 'mongodb';
import type { TopicSinkConfig } from './config.js';
import { isDocument } from './schema-mapping.js';
import type { SinkDocument } from './sink-document.js';

/** Where one record is written. */
export interface Namespace {
  readonly database: string;
  readonly collection: string;
}

/** Picks the namespace of one record. */
export type NamespaceMapper = (doc: SinkDocument) => Namespace;

function fieldAt(doc: Document | null, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (!isDocument(current)) return undefined;
    current = current[part];
  }
  return current;
}

/** The `namespace.mapper` of a topic (mongo-kafka's Default and FieldPath namespace mappers). */
export function namespaceMapperOf(config: TopicSinkConfig): NamespaceMapper {
  const fixed: Namespace = { database: config.database, collection: config.collection };
  const mapper = config.namespaceMapper;
  if (mapper.kind === 'default') return () => fixed;
  const pick = (doc: SinkDocument, keyField: string, valueField: string, fallback: string) => {
    if (keyField === '' && valueField === '') return fallback;
    const fromKey = keyField !== '';
    const path = fromKey ? keyField : valueField;
    const value = fieldAt(fromKey ? doc.keyDoc : doc.valueDoc, path);
    if (typeof value === 'string' && value !== '') return value;
    if (mapper.errorIfInvalid)
      throw new DataException(
        `Missing document path '${path}' in the record ${fromKey ? 'key' : 'value'}, or it is not a non-empty string: ${String(value)}`,
      );
    return fallback;
  };
  return (doc) => ({
    database: pick(doc, mapper.keyDatabaseField, mapper.valueDatabaseField, config.database),
    collection: pick(
      doc,
      mapper.keyCollectionField,
      mapper.valueCollectionField,
      config.collection,
    ),
  });
}
