import {
  DataException,
  type Schema,
  SchemaBuilder,
  type SourceOffset,
  type SourcePartition,
  SourceRecord,
} from '@sluice/api';
import type { ChangeEvent } from './change-event.js';
import type { OutputFormat, SourceConfig } from './config.js';
import { bsonToJson } from './json-writer.js';
import { deserialize, inferDocumentSchema, toConnect } from './schema-mapping.js';

const STRING = SchemaBuilder.string().build();
const BYTES = SchemaBuilder.bytes().build();

type Encoded = { schema: Schema | null; value: unknown };

/**
 * Turns change events into source records in the configured output formats (mongo-kafka's
 * SchemaAndValueProducers): `json` text per the JSON formatter, `bson` bytes, or `schema` structs
 * (the configured Avro schema, or one inferred from each document). Events that cannot be
 * converted go to the dead letter topic as extended JSON when errors are tolerated.
 */
export class EventEncoder {
  constructor(
    private readonly config: SourceConfig,
    private readonly onSkipped: (event: ChangeEvent, error: Error) => void,
  ) {}

  private encode(bytes: Buffer, format: OutputFormat, schema: Schema, infer: boolean): Encoded {
    switch (format) {
      case 'json':
        return { schema: STRING, value: bsonToJson(bytes, this.config.jsonMode) };
      case 'bson':
        return { schema: BYTES, value: bytes };
      case 'schema': {
        const doc = deserialize(bytes);
        const s = infer ? inferDocumentSchema(doc) : schema;
        return { schema: s, value: toConnect(s, doc, '', this.config.jsonMode) };
      }
    }
  }

  /** The record of `event` for `topic`, or null when it is left out (no full document, or skipped). */
  record(
    event: ChangeEvent,
    topic: string,
    partition: SourcePartition,
    offset: SourceOffset,
  ): SourceRecord | null {
    const c = this.config;
    let valueBytes: Buffer | null;
    let tombstone = false;
    if (c.publishFullDocumentOnly) {
      valueBytes = event.fullDocument();
      if (valueBytes === null) {
        if (!c.tombstoneOnDelete) return null;
        tombstone = true;
      }
    } else valueBytes = event.bytes();
    const keyBytes =
      c.keyFormat === 'schema'
        ? event.bytes()
        : ((c.documentKeyAsKey ? event.documentKey() : null) ?? event.idKey());
    try {
      const key = this.encode(keyBytes, c.keyFormat, c.keySchema, false);
      const value: Encoded =
        tombstone || valueBytes === null
          ? { schema: null, value: null }
          : this.encode(valueBytes, c.valueFormat, c.valueSchema, c.inferValueSchema);
      return new SourceRecord({
        sourcePartition: partition,
        sourceOffset: offset,
        topic,
        keySchema: key.schema,
        key: key.value,
        valueSchema: value.schema,
        value: value.value,
      });
    } catch (error) {
      const message = `${(error as Error).message} : Exception creating Source record for: Key=${bsonToJson(keyBytes, 'canonical')} Value=${valueBytes === null ? '' : bsonToJson(valueBytes, 'canonical')}`;
      const failure = new DataException(message, { cause: error });
      if (!c.tolerateErrors) throw failure;
      this.onSkipped(event, failure);
      if (c.deadLetterTopic === '') return null;
      return new SourceRecord({
        sourcePartition: partition,
        sourceOffset: offset,
        topic: c.deadLetterTopic,
        keySchema: STRING,
        key: bsonToJson(keyBytes, 'canonical'),
        valueSchema: STRING,
        value: valueBytes === null ? '' : bsonToJson(valueBytes, 'canonical'),
      });
    }
  }
}
