import type { ConnectorProps, SourceRecord } from '@sluice/api';
import { JsonConverter } from '@sluice/converter-json';
import { postgresUrl, RecordingLogger } from '@sluice/test-fixtures';
import type pg from 'pg';
import { dropSlot } from '../src/cdc/replication-connection.js';
import { PostgresCdcSourceTask } from '../src/index.js';
import { MemoryOffsets, startSource } from './harness.js';

let counter = 0;

/** A unique lower-case name (slots and publications must be unique on the shared server). */
export function uniqueName(label: string): string {
  counter++;
  return `${label}_${process.pid}_${Date.now().toString(36)}_${counter}`.toLowerCase();
}

const publications = new Set<string>();
const slots = new Set<string>();

/**
 * Drops the slots and publications `cdcProps` named: tasks create them, and a test that fails
 * before its task stops (dropping its slot) would otherwise leave a slot holding WAL on the
 * shared server.
 */
export async function dropReplicationObjects(admin: pg.Client): Promise<void> {
  for (const slot of slots) await dropSlot(admin, slot);
  slots.clear();
  for (const name of publications) await admin.query(`DROP PUBLICATION IF EXISTS "${name}"`);
  publications.clear();
}

/** Connector props for the test server, capturing the tables of `schema`, with its own slot. */
export function cdcProps(schema: string, extra: ConnectorProps = {}): ConnectorProps {
  const url = new URL(postgresUrl());
  const slot = uniqueName('slot');
  slots.add(slot);
  if (typeof extra['slot.name'] === 'string') slots.add(extra['slot.name']);
  publications.add(`pub_${slot}`);
  if (typeof extra['publication.name'] === 'string') publications.add(extra['publication.name']);
  return {
    'database.hostname': url.hostname,
    'database.port': url.port,
    'database.user': decodeURIComponent(url.username),
    'database.dbname': url.pathname.slice(1),
    'topic.prefix': 'cdc',
    'slot.name': slot,
    'publication.name': `pub_${slot}`,
    'publication.autocreate.mode': 'filtered',
    'schema.include.list': schema,
    'slot.drop.on.stop': 'true',
    'poll.interval.ms': '100',
    ...extra,
  };
}

const keys = new JsonConverter();
keys.configure({}, true);
const values = new JsonConverter();
values.configure({}, false);

/** A Connect schema as the JsonConverter writes it. */
export interface JsonSchema {
  type: string;
  name?: string;
  field?: string;
  fields?: JsonSchema[];
  [other: string]: unknown;
}

/** The schema of a field of a record's value (`after`, `source`...). */
export function fieldSchema(record: JsonRecord | undefined, field: string): JsonSchema {
  const found = record?.value?.schema.fields?.find((f) => f.field === field);
  if (found === undefined) throw new Error(`the record has no value field ${field}`);
  return found;
}

/** A record as JSON with schemas, as Debezium's events look with the JsonConverter. */
export interface JsonRecord {
  topic: string;
  key: { schema: unknown; payload: Record<string, unknown> } | null;
  // biome-ignore lint/suspicious/noExplicitAny: event payloads are JSON of many shapes; tests read into them.
  value: { schema: JsonSchema; payload: any } | null;
  offset: Record<string, unknown> | null;
  headers: Record<string, unknown>;
  /** The value's JSON text (exact for integers beyond 2^53, which `value` rounds). */
  valueText: string | null;
}

function parse(bytes: Uint8Array | null): unknown {
  return bytes === null ? null : JSON.parse(Buffer.from(bytes).toString('utf8'));
}

/** Renders a record through the JsonConverter (schemas on). */
export function toJson(record: SourceRecord): JsonRecord {
  const headers: Record<string, unknown> = {};
  for (const h of record.headers) headers[h.key] = h.value;
  const value = values.fromConnectData(
    record.topic,
    record.headers,
    record.valueSchema,
    record.value,
  ) as Uint8Array | null;
  return {
    topic: record.topic,
    key: parse(
      keys.fromConnectData(
        record.topic,
        record.headers,
        record.keySchema,
        record.key,
      ) as Uint8Array | null,
    ) as JsonRecord['key'],
    value: parse(value) as JsonRecord['value'],
    offset: record.sourceOffset as Record<string, unknown> | null,
    headers,
    valueText: value === null ? null : Buffer.from(value).toString('utf8'),
  };
}

/**
 * A CDC task run as the runtime runs it: records are acknowledged (commitRecord) and their offsets
 * committed (then commit()) as they are polled.
 */
export class CdcRun {
  readonly records: JsonRecord[] = [];

  private constructor(
    readonly task: PostgresCdcSourceTask,
    readonly offsets: MemoryOffsets,
    readonly log: RecordingLogger,
  ) {}

  static async start(props: ConnectorProps, offsets = new MemoryOffsets()): Promise<CdcRun> {
    const log = new RecordingLogger();
    const task = await startSource(new PostgresCdcSourceTask(), props, offsets, log);
    return new CdcRun(task, offsets, log);
  }

  /** One poll, acknowledged and committed; returns its records as JSON. */
  async pollOnce(acknowledge = true): Promise<JsonRecord[]> {
    const records = (await this.task.poll()) ?? [];
    if (acknowledge) {
      for (const r of records) this.task.commitRecord(r, null);
      this.offsets.commit(records);
      this.task.commit();
    }
    const json = records.map(toJson);
    this.records.push(...json);
    return json;
  }

  /** Polls until `count` more records (not counting heartbeats) came, or fails after a minute. */
  async take(count: number, timeoutMs = 60_000): Promise<JsonRecord[]> {
    const out: JsonRecord[] = [];
    const deadline = Date.now() + timeoutMs;
    while (out.length < count) {
      if (Date.now() > deadline) {
        throw new Error(
          `expected ${count} records, got ${out.length}: ${JSON.stringify(out.map(summary))}`,
        );
      }
      out.push(
        ...(await this.pollOnce()).filter((r) => !r.topic.startsWith('__debezium-heartbeat')),
      );
    }
    return out;
  }

  /** Polls for `ms` and returns what came (heartbeats included). */
  async drain(ms: number): Promise<JsonRecord[]> {
    const out: JsonRecord[] = [];
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) out.push(...(await this.pollOnce()));
    return out;
  }

  async stop(): Promise<void> {
    await this.task.stop();
  }
}

/** `op key` of an event, `tombstone key` of a tombstone: for compact assertions. */
export function summary(r: JsonRecord): string {
  const key = r.key === null ? 'null' : JSON.stringify(r.key.payload);
  if (r.value === null) return `tombstone ${key}`;
  return `${r.value.payload.op ?? r.value.payload.status} ${key}`;
}

/** The slot's positions as the server reports them, or null when it does not exist. */
export async function slotPositions(
  admin: pg.Client,
  slot: string,
): Promise<{ confirmed: bigint; restart: bigint; active: boolean } | null> {
  const { rows } = await admin.query<{ confirmed: string; restart: string; active: boolean }>(
    "SELECT (confirmed_flush_lsn - '0/0')::text AS confirmed, (restart_lsn - '0/0')::text AS restart, active FROM pg_replication_slots WHERE slot_name = $1",
    [slot],
  );
  const row = rows[0];
  return row === undefined
    ? null
    : { confirmed: BigInt(row.confirmed), restart: BigInt(row.restart), active: row.active };
}
