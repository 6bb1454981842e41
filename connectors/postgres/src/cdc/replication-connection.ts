import { ConnectException, type ConnectorLogger } from '@sluice/api';
import type pg from 'pg';
import { quoteIdent, quoteTable, type TableId } from '../pg-connection.js';
import type { CdcConfig } from './config/cdc-config.js';
import { formatLsn, type Lsn, parseLsn } from './lsn.js';
import { ReplicationStream } from './replication-stream.js';

/** What the server knows about the connector's slot. */
export interface SlotState {
  readonly plugin: string;
  readonly database: string;
  readonly active: boolean;
  readonly activePid: number | null;
  readonly confirmedFlushLsn: Lsn | null;
  readonly restartLsn: Lsn | null;
}

/** A slot just created: where its stream starts and the snapshot of the data at that point. */
export interface SlotCreation {
  readonly consistentPoint: Lsn;
  /** The exported snapshot, valid while the creating connection stays idle. */
  readonly snapshotName: string;
}

/** The slot's state, or null when it does not exist. */
export async function readSlotState(client: pg.Client, slot: string): Promise<SlotState | null> {
  const { rows } = await client.query<{
    plugin: string | null;
    database: string | null;
    active: string;
    active_pid: string | null;
    confirmed_flush_lsn: string | null;
    restart_lsn: string | null;
  }>(
    'SELECT plugin, database, active, active_pid, confirmed_flush_lsn, restart_lsn FROM pg_replication_slots WHERE slot_name = $1',
    [slot],
  );
  const row = rows[0];
  if (row === undefined) return null;
  return {
    plugin: row.plugin ?? '',
    database: row.database ?? '',
    active: row.active === 't',
    activePid: row.active_pid === null ? null : Number(row.active_pid),
    confirmedFlushLsn: row.confirmed_flush_lsn === null ? null : parseLsn(row.confirmed_flush_lsn),
    restartLsn: row.restart_lsn === null ? null : parseLsn(row.restart_lsn),
  };
}

/** Refuses a slot that belongs to another plugin or database, naming what to do. */
export function checkSlot(state: SlotState, config: CdcConfig): void {
  if (state.plugin !== 'pgoutput') {
    throw new ConnectException(
      `Replication slot "${config.slotName}" uses the plugin ${state.plugin || '(physical slot)'}, not pgoutput: choose another slot.name or drop the slot (SELECT pg_drop_replication_slot('${config.slotName}'))`,
    );
  }
  if (state.database !== config.connection.database) {
    throw new ConnectException(
      `Replication slot "${config.slotName}" belongs to database "${state.database}", not "${config.connection.database}": choose another slot.name`,
    );
  }
}

/**
 * Creates the logical slot on a replication connection and exports a snapshot of the data at its
 * consistent point (`EXPORT_SNAPSHOT`): a snapshot read in a transaction that imports it sees
 * exactly what the slot's stream does not contain.
 */
export async function createSlot(replication: pg.Client, slot: string): Promise<SlotCreation> {
  const { rows } = await replication.query<{ consistent_point: string; snapshot_name: string }>(
    `CREATE_REPLICATION_SLOT ${quoteIdent(slot)} LOGICAL pgoutput EXPORT_SNAPSHOT`,
  );
  const row = rows[0];
  if (row === undefined)
    throw new ConnectException(`Creating replication slot "${slot}" returned nothing`);
  return { consistentPoint: parseLsn(row.consistent_point), snapshotName: row.snapshot_name };
}

/**
 * Drops the slot. The walsender of a stream that just ended may hold it a moment longer, so this
 * waits (up to `timeoutMs`) for the slot to be released.
 */
export async function dropSlot(client: pg.Client, slot: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await readSlotState(client, slot);
    if (state === null) return;
    if (!state.active || Date.now() > deadline) {
      await client.query('SELECT pg_drop_replication_slot($1)', [slot]);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Makes sure the publication exists and, in `filtered` mode, lists exactly `tables`, as
 * Debezium's `publication.autocreate.mode` does. Errors name the privilege missing.
 */
export async function initPublication(
  client: pg.Client,
  config: CdcConfig,
  tables: readonly TableId[],
  log: ConnectorLogger,
): Promise<void> {
  const name = config.publicationName;
  const quoted = quoteIdent(name);
  const { rows } = await client.query<{ puballtables: string }>(
    'SELECT puballtables FROM pg_publication WHERE pubname = $1',
    [name],
  );
  const exists = rows[0] !== undefined;
  const tableList = tables.map(quoteTable).join(', ');
  const run = async (sql: string, what: string) => {
    log.info({ publication: name }, `${what}: ${sql}`);
    try {
      await client.query(sql);
    } catch (error) {
      const code = (error as { code?: string }).code;
      const hint =
        code === '42501'
          ? ` The connector's user needs to own the captured tables (and CREATE on the database) to create a publication for them, or be a superuser for FOR ALL TABLES; or create publication "${name}" yourself and set publication.autocreate.mode=disabled.`
          : '';
      throw new ConnectException(`${what} failed: ${(error as Error).message}.${hint}`, {
        cause: error,
      });
    }
  };
  if (!exists) {
    switch (config.publicationAutocreateMode) {
      case 'disabled':
        throw new ConnectException(
          `Publication "${name}" does not exist and publication.autocreate.mode=disabled: create it (CREATE PUBLICATION ${quoted} FOR TABLE ...) or change the mode`,
        );
      case 'all_tables':
        await run(`CREATE PUBLICATION ${quoted} FOR ALL TABLES`, `Creating publication "${name}"`);
        return;
      case 'no_tables':
        await run(`CREATE PUBLICATION ${quoted}`, `Creating publication "${name}"`);
        return;
      case 'filtered':
        await run(
          tables.length === 0
            ? `CREATE PUBLICATION ${quoted}`
            : `CREATE PUBLICATION ${quoted} FOR TABLE ${tableList}`,
          `Creating publication "${name}"`,
        );
        return;
    }
  }
  if (config.publicationAutocreateMode !== 'filtered') return;
  if (rows[0]?.puballtables === 't') {
    throw new ConnectException(
      `Publication "${name}" is FOR ALL TABLES but publication.autocreate.mode=filtered wants it to list the captured tables: drop it, or set publication.autocreate.mode=all_tables`,
    );
  }
  const current = await client.query<{ schemaname: string; tablename: string }>(
    'SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = $1',
    [name],
  );
  const have = new Set(current.rows.map((r) => `${r.schemaname}.${r.tablename}`));
  const want = new Set(tables.map((t) => `${t.schema}.${t.table}`));
  if (have.size === want.size && [...want].every((t) => have.has(t))) return;
  const dropAll = current.rows
    .map((r) => quoteTable({ schema: r.schemaname, table: r.tablename }))
    .join(', ');
  await run(
    tables.length === 0
      ? `ALTER PUBLICATION ${quoted} DROP TABLE ${dropAll}`
      : `ALTER PUBLICATION ${quoted} SET TABLE ${tableList}`,
    `Updating the tables of publication "${name}"`,
  );
}

/**
 * Starts streaming the slot from `startLsn` (the server starts from the slot's confirmed
 * position when that is later) on a replication connection, which then belongs to the stream.
 */
export async function startStreaming(
  replication: pg.Client,
  config: CdcConfig,
  startLsn: Lsn,
): Promise<ReplicationStream> {
  const publication = config.publicationName.replaceAll("'", "''");
  const command = `START_REPLICATION SLOT ${quoteIdent(config.slotName)} LOGICAL ${formatLsn(startLsn)} (proto_version '1', publication_names '${quoteIdent(publication)}')`;
  const stream = new ReplicationStream(
    command,
    startLsn,
    config.maxQueueSize,
    config.statusUpdateIntervalMs,
  );
  replication.query(stream as unknown as pg.QueryConfig);
  try {
    await stream.whenStarted();
  } catch (error) {
    throw new ConnectException(
      `Cannot stream replication slot "${config.slotName}" with publication "${config.publicationName}": ${(error as Error).message}`,
      { cause: error },
    );
  }
  return stream;
}
