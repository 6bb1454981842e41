import type { SourceOffset, SourcePartition } from '@sluice/api';
import { BSON, type Document, ObjectId } from 'mongodb';
import type { SourceConfig } from './config.js';
import { bsonToJson } from './json-writer.js';

const { EJSON } = BSON;

/** The offset key holding the resume token (mongo-kafka's `_id`, JSON text). */
export const RESUME_TOKEN_KEY = '_id';
/** Present (`"true"`) while existing data is being copied. */
export const COPY_KEY = 'copy';
/** Present (`"true"`) on a heartbeat's offset. */
export const HEARTBEAT_KEY = 'HEARTBEAT';

/** The hosts part of a connection string, as mongo-kafka names partitions (`mongodb://h1,h2`). */
function hostsOf(uri: string): string {
  const srv = uri.startsWith('mongodb+srv://');
  const rest = uri.slice(srv ? 'mongodb+srv://'.length : 'mongodb://'.length);
  const authority = rest.split(/[/?]/)[0] ?? '';
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  return `${srv ? 'mongodb+srv://' : 'mongodb://'}${hosts}`;
}

/** mongo-kafka's source partition: `{ns: <offset.partition.name, or mongodb://hosts/db[.coll]>}`. */
export function changeStreamPartition(config: SourceConfig): SourcePartition {
  if (config.partitionName !== '') return { ns: config.partitionName };
  const coll = config.collection === '' ? '' : `.${config.collection}`;
  return { ns: `${hostsOf(config.connection.uri)}/${config.database}${coll}` };
}

/** The partition of one collection read by the polling mode. */
export function pollingPartition(config: SourceConfig, collection: string): SourcePartition {
  return { ns: changeStreamPartition({ ...config, collection: '' }).ns, collection };
}

/** A resume token as offset text (canonical extended JSON, as the Java driver writes it). */
export function tokenText(token: Document): string {
  return bsonToJson(BSON.serialize(token), 'canonical');
}

/** The resume token of a stored offset, or null (none, or a copy still under way). */
export function storedToken(offset: SourceOffset | null): Document | null {
  const text = offset?.[RESUME_TOKEN_KEY];
  if (typeof text !== 'string' || offset?.[COPY_KEY] !== undefined) return null;
  return EJSON.parse(text, { relaxed: false }) as Document;
}

/** Where the polling mode is in one collection: the field value and `_id` read last. */
export interface PollingPosition {
  readonly value: unknown;
  readonly id: unknown;
}

/** The stored form of a polling position: each value as canonical extended JSON. */
export function pollingOffset(position: PollingPosition): SourceOffset {
  const value = positionText(position.value);
  // Polling by `_id`, the value is the id: written once.
  const id = position.id === position.value ? value : positionText(position.id);
  return { value, id };
}

/**
 * `EJSON.stringify({v: value}, {relaxed: false})`, written directly for the usual ObjectId and
 * date values (this runs for every record read).
 */
function positionText(value: unknown): string {
  if (value instanceof ObjectId) return `{"v":{"$oid":"${value.toHexString()}"}}`;
  if (value instanceof Date && !Number.isNaN(value.getTime()))
    return `{"v":{"$date":{"$numberLong":"${value.getTime()}"}}}`;
  return EJSON.stringify({ v: value }, { relaxed: false });
}

/** A stored polling position, or null. */
export function storedPollingPosition(offset: SourceOffset | null): PollingPosition | null {
  if (typeof offset?.value !== 'string' || typeof offset.id !== 'string') return null;
  const parse = (text: string) => (EJSON.parse(text, { relaxed: false }) as { v: unknown }).v;
  return { value: parse(offset.value), id: parse(offset.id) };
}
