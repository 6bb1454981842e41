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
import { bsonToJson, type JsonMode } from './json-writer.js';
import { deserialize, inferDocumentSchema, toConnect } from './schema-mapping.js';

const STRING = SchemaBuilder.string().build();
const BYTES = SchemaBuilder.bytes().build();

type Encoded = { schema: Schema | null; value: unknown };

/** A part of an event (the whole event, its key, its document) as BSON bytes or JSON text. */
interface EventPart {
  bytes(): Buffer;
  json(mode: JsonMode): string;
}

const bytesPart = (bytes: Buffer): EventPart => ({
  bytes: () => bytes,
  json: (mode) => bsonToJson(bytes, mode),
});

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

  private encode(part: EventPart, format: OutputFormat, schema: Schema, infer: boolean): Encoded {
    switch (format) {
      case 'json':
        return { schema: STRING, value: part.json(this.config.jsonMode) };
      case 'bson':
        return { schema: BYTES, value: part.bytes() };
      case 'schema': {
        const doc = deserialize(part.bytes());
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
    // An event is a part itself: its bytes, or its JSON.
    // null: a tombstone (no full document to publish).
    let valuePart: EventPart | null = event;
    if (c.publishFullDocumentOnly) {
      const full = event.fullDocument();
      if (full === null && !c.tombstoneOnDelete) return null;
      valuePart = full === null ? null : bytesPart(full);
    }
    const documentKey = c.keyFormat !== 'schema' && c.documentKeyAsKey ? event.documentKey() : null;
    const keyPart: EventPart =
      c.keyFormat === 'schema'
        ? event
        : documentKey !== null
          ? bytesPart(documentKey)
          : { bytes: () => event.idKey(), json: (mode) => event.idKeyJson(mode) };
    try {
      const key = this.encode(keyPart, c.keyFormat, c.keySchema, false);
      const value: Encoded =
        valuePart === null
          ? { schema: null, value: null }
          : this.encode(valuePart, c.valueFormat, c.valueSchema, c.inferValueSchema);
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
      const message = `${(error as Error).message} : Exception creating Source record for: Key=${keyPart.json('canonical')} Value=${valuePart === null ? '' : valuePart.json('canonical')}`;
      const failure = new DataException(message, { cause: error });
      if (!c.tolerateErrors) throw failure;
      this.onSkipped(event, failure);
      if (c.deadLetterTopic === '') return null;
      return new SourceRecord({
        sourcePartition: partition,
        sourceOffset: offset,
        topic: c.deadLetterTopic,
        keySchema: STRING,
        key: keyPart.json('canonical'),
        valueSchema: STRING,
        value: valuePart === null ? '' : valuePart.json('canonical'),
      });
    }
  }
}
