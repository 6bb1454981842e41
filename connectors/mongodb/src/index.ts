export * from './config.js';
export type { JsonMode } from './json-writer.js';
export { bsonToJson, javaDouble } from './json-writer.js';
export {
  BSON_SCHEMA_NAMES,
  inferDocumentSchema,
  structToDocument,
  toBson,
  toConnect,
} from './schema-mapping.js';
export { MongoSinkConnector } from './sink-connector.js';
export { MongoSinkTask } from './sink-task.js';
export { MongoSourceConnector } from './source-connector.js';
export { MongoSourceTask } from './source-task.js';
