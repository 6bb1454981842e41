import {
  ConnectException,
  type ConnectorProps,
  DataException,
  type SinkRecord,
  SinkTask,
  schemaEquals,
  type TopicPartition,
} from '@sluice/api';
import type pg from 'pg';
import {
  type ColumnPlan,
  copyLineEncoder,
  type PlannedColumn,
  paramsOf,
  planFor,
  recordError,
} from './column-plan.js';
import { parseSinkConfig, type SinkConfig } from './config.js';
import { OffsetsTable, type PartitionSpan, spansOf } from './offsets-table.js';
import {
  closeConnection,
  isTransientPgError,
  openConnection,
  parseTableId,
  quoteTable,
  type TableId,
} from './pg-connection.js';
import {
  addColumnsSql,
  CopyWriter,
  createTableSql,
  deleteRows,
  loadTableColumns,
  type TableColumns,
  writeRows,
} from './table-writer.js';
import { VERSION } from './version.js';

/** Records of one table written by one statement kind with one column plan, in order. */
interface Run {
  readonly table: TableId;
  readonly tableKey: string;
  readonly isDelete: boolean;
  readonly plan: ColumnPlan;
  /** The columns each row holds: key columns, then value columns unless it deletes. */
  readonly columns: readonly PlannedColumn[];
  readonly records: SinkRecord[];
  /**
   * Writes: each record's COPY text line, made (and checked) when the batch is planned.
   * Deletes: each record's key parameters.
   */
  readonly lines: string[];
  readonly encode: ((record: SinkRecord) => string) | null;
  /** Writes: the records' parameters, made only when the rows are written with statements. */
  rows: unknown[][] | null;
}

/** A batch split into runs, and the records that cannot be written at all (for the reporter). */
interface Planned {
  readonly runs: Run[];
  readonly refused: readonly { record: SinkRecord; error: DataException }[];
}

/** The parameters of a run's records, for statements (made once, after deduplication). */
function rowsOf(run: Run): unknown[][] {
  run.rows ??= run.records.map((r) => paramsOf(r, run.columns, run.plan.keyColumns.length));
  return run.rows;
}

/** The first `keyCount` fields of a COPY text line: the row's key, escaped. */
function lineKey(line: string, keyCount: number): string {
  let end = -1;
  for (let k = 0; k < keyCount; k++) {
    end = line.indexOf('\t', end + 1);
    if (end < 0) return line;
  }
  return line.slice(0, end);
}

/** SQLSTATE classes caused by the data of one record (bad value, constraint), not the database. */
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return (
    typeof code === 'string' && (code.startsWith('22') || code.startsWith('23') || code === '42804')
  );
}

function describeSqlError(error: unknown): string {
  const e = error as { message?: string; code?: string; detail?: string };
  return `${e.message ?? String(error)}${e.code ? ` (SQLSTATE ${e.code})` : ''}${e.detail ? `: ${e.detail}` : ''}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A string identifying a row by its key parameters, to keep only the last write per key. */
function keyOf(params: readonly unknown[], keyCount: number): string {
  return JSON.stringify(
    params.slice(0, keyCount).map((p) => (Buffer.isBuffer(p) ? p.toString('hex') : p)),
  );
}

/**
 * Writes records to PostgreSQL tables. Each group of at most `batch.size` records is written in
 * one transaction: inserts with COPY, upserts and updates with COPY into a temporary staging
 * table merged by one INSERT ... ON CONFLICT / UPDATE ... FROM, deletes with DELETE ... USING
 * (VALUES ...); `put` returns once that transaction committed, so every offset the runtime
 * commits afterwards is durable. When PostgreSQL refuses the data of a batch and an error
 * reporter is configured, the batch is written again record by record (one statement each) so
 * that only the refused records go to the reporter.
 *
 * With `exactly.once.enabled`, each transaction also moves the batch's partitions in the offsets
 * table, and `open` starts each partition from the offset stored there.
 */
export class PostgresSinkTask extends SinkTask {
  private config: SinkConfig | null = null;
  private client: pg.Client | null = null;
  private copyWriter: CopyWriter | null = null;
  private readonly tables = new Map<string, TableColumns>();
  private readonly topicTables = new Map<string, { table: TableId; tableKey: string }>();
  private offsets: OffsetsTable | null = null;

  version(): string {
    return VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    this.config = parseSinkConfig(props);
    this.client = await openConnection(this.config.connection, this.log);
    const eos = this.config.exactlyOnce;
    if (eos !== null) {
      this.offsets = new OffsetsTable(parseTableId(eos.offsetsTable), eos.connector);
      await this.ddl(this.client, this.offsets.createSql());
    }
  }

  /** In exactly-once mode, has the runtime consume each partition from its stored offset. */
  override async open(partitions: TopicPartition[]): Promise<void> {
    const config = this.config;
    const offsets = this.offsets;
    if (config === null || offsets === null) return;
    for (let attempt = 0; ; attempt++) {
      try {
        const stored = await offsets.read(await this.connection(config), partitions);
        for (const [tp, offset] of stored) {
          this.log.info(
            { topic: tp.topic, partition: tp.partition, offset },
            `Resuming ${tp.topic}-${tp.partition} at offset ${offset} stored in ${offsets.name}`,
          );
        }
        this.context.offset(stored);
        return;
      } catch (error) {
        if (!isTransientPgError(error) || attempt >= config.maxRetries) {
          throw new ConnectException(
            `Reading the stored offsets from ${offsets.name} failed: ${describeSqlError(error)}`,
            { cause: error },
          );
        }
        await closeConnection(this.client);
        this.client = null;
        await sleep(config.retryBackoffMs);
      }
    }
  }

  /**
   * Writes the records batch by batch. Each batch after the first is planned (records turned
   * into COPY text) while the server works on the previous one: as soon as that batch's COPY
   * data is sent.
   */
  async put(records: SinkRecord[]): Promise<void> {
    const config = this.config;
    if (config === null) throw new ConnectException('PostgresSinkTask.put called before start');
    const batches: SinkRecord[][] = [];
    for (let i = 0; i < records.length; i += config.batchSize) {
      batches.push(records.slice(i, i + config.batchSize));
    }
    let planned: Planned | null = null;
    for (const [b, batch] of batches.entries()) {
      const current: Planned = planned ?? this.plan(config, batch);
      planned = null;
      const following = batches[b + 1];
      let writing = true;
      let written: boolean;
      const planNext = () => {
        if (!writing || planned !== null || following === undefined) return;
        try {
          planned = this.plan(config, following);
        } catch {
          // A record nobody can take: planned again, and thrown, once this batch is written.
        }
      };
      try {
        written = await this.writeBatch(config, batch, current, planNext);
      } finally {
        writing = false;
      }
      // Records another task already wrote: the rest is consumed again from the stored offsets.
      if (!written) return;
    }
  }

  private tableFor(config: SinkConfig, topic: string): { table: TableId; tableKey: string } {
    let entry = this.topicTables.get(topic);
    if (entry === undefined) {
      const table = parseTableId(config.tableNameFormat.replaceAll('${topic}', topic));
      entry = { table, tableKey: quoteTable(table) };
      this.topicTables.set(topic, entry);
    }
    return entry;
  }

  /**
   * Splits records into runs, setting aside (or throwing for, without an error reporter) the
   * records that cannot be written at all; they are reported when the batch is written.
   */
  private plan(config: SinkConfig, records: readonly SinkRecord[]): Planned {
    const runs: Run[] = [];
    const current = new Map<string, Run>();
    const refused: { record: SinkRecord; error: DataException }[] = [];
    for (const record of records) {
      try {
        const isDelete = record.value === null;
        if (isDelete && !config.deleteEnabled) {
          throw recordError(
            record,
            `The record has a null value (a tombstone) but delete.enabled=false; with pk.mode=${config.pkMode} this sink needs a Struct value`,
          );
        }
        const { table, tableKey } = this.tableFor(config, record.topic);
        let run = current.get(tableKey);
        const sameShape =
          run !== undefined &&
          run.isDelete === isDelete &&
          schemaEquals(run.plan.keySchema, record.keySchema) &&
          (isDelete || schemaEquals(run.plan.valueSchema, record.valueSchema));
        if (run === undefined || !sameShape) {
          const plan = planFor(config, record, isDelete);
          const columns = isDelete ? plan.keyColumns : [...plan.keyColumns, ...plan.valueColumns];
          run = {
            table,
            tableKey,
            isDelete,
            plan,
            columns,
            records: [],
            lines: [],
            encode: isDelete
              ? null
              : copyLineEncoder(columns, plan.keyColumns.length, plan.valueSchema),
            rows: isDelete ? [] : null,
          };
          current.set(tableKey, run);
          runs.push(run);
        }
        if (run.encode === null) {
          (run.rows as unknown[][]).push(paramsOf(record, run.columns, run.plan.keyColumns.length));
        } else {
          run.lines.push(run.encode(record));
        }
        run.records.push(record);
      } catch (error) {
        const reporter = this.context.errantRecordReporter();
        if (reporter === null || !(error instanceof DataException)) throw error;
        refused.push({ record, error });
      }
    }
    // Upserts, updates and deletes by key: within a run only the last record of a key matters.
    for (const run of runs) {
      const dedupe =
        run.plan.keyColumns.length > 0 && (run.isDelete || config.insertMode !== 'insert');
      if (!dedupe) continue;
      const keyCount = run.plan.keyColumns.length;
      const last = new Map<string, number>();
      if (run.isDelete) {
        (run.rows as unknown[][]).forEach((row, i) => {
          last.set(keyOf(row, keyCount), i);
        });
      } else {
        run.lines.forEach((line, i) => {
          last.set(lineKey(line, keyCount), i);
        });
      }
      if (last.size === run.records.length) continue;
      const keep = [...last.values()].sort((a, b) => a - b);
      const kept = keep.map((i) => run.records[i] as SinkRecord);
      if (run.isDelete) {
        const rows = run.rows as unknown[][];
        rows.splice(0, rows.length, ...keep.map((i) => rows[i] as unknown[]));
      } else {
        run.lines.splice(0, run.lines.length, ...keep.map((i) => run.lines[i] as string));
      }
      run.records.splice(0, run.records.length, ...kept);
    }
    return { runs: runs.filter((run) => run.records.length > 0), refused };
  }

  private async connection(config: SinkConfig): Promise<pg.Client> {
    if (this.client === null) this.client = await openConnection(config.connection, this.log);
    return this.client;
  }

  /** Creates or evolves the table of a run (outside the data transaction) and returns its columns; null for a delete from a missing table. */
  private async ensureTable(
    config: SinkConfig,
    client: pg.Client,
    run: Run,
  ): Promise<TableColumns | null> {
    let columns = this.tables.get(run.tableKey) ?? (await loadTableColumns(client, run.table));
    if (columns === null && run.isDelete) return null;
    if (columns === null) {
      if (!config.autoCreate) {
        throw new ConnectException(
          `Table ${run.tableKey} is missing and auto.create is disabled (topic '${run.records[0]?.topic ?? ''}')`,
        );
      }
      await this.ddl(client, createTableSql(run.table, run.plan));
      columns = await loadTableColumns(client, run.table);
      if (columns === null) throw new ConnectException(`Table ${run.tableKey} was not created`);
      this.log.info(
        { table: run.tableKey },
        `Created table ${run.tableKey} from the schema of topic '${run.records[0]?.topic ?? ''}' (auto.create)`,
      );
    }
    const wanted = [...run.plan.keyColumns, ...(run.isDelete ? [] : run.plan.valueColumns)];
    let missing = wanted.filter((c) => !columns?.has(c.name));
    if (missing.length > 0) {
      // Someone else may have altered the table since it was cached.
      columns = (await loadTableColumns(client, run.table)) ?? columns;
      missing = wanted.filter((c) => !columns?.has(c.name));
    }
    if (missing.length > 0) {
      if (!config.autoEvolve) {
        throw new ConnectException(
          `Table ${run.tableKey} is missing columns ${missing.map((c) => `"${c.name}"`).join(', ')} for the record fields, and auto.evolve is disabled`,
        );
      }
      await this.ddl(client, addColumnsSql(run.table, missing));
      columns = (await loadTableColumns(client, run.table)) ?? columns;
      this.log.info(
        { table: run.tableKey, columns: missing.map((c) => c.name) },
        `Added columns ${missing.map((c) => `"${c.name}"`).join(', ')} to table ${run.tableKey} (auto.evolve)`,
      );
    }
    this.tables.set(run.tableKey, columns);
    return columns;
  }

  /** DDL that another task may run at the same moment: a duplicate-object error means it is done. */
  private async ddl(client: pg.Client, sql: string): Promise<void> {
    try {
      await client.query(sql);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code !== '23505' && code !== '42P07' && code !== '42701') throw error;
    }
  }

  /** The COPY writer of `client`, new when the connection is. */
  private writerFor(client: pg.Client): CopyWriter {
    if (this.copyWriter?.client !== client) this.copyWriter = new CopyWriter(client);
    return this.copyWriter;
  }

  /** Writes a whole run: through COPY when the table takes it, else with statements. */
  private async execute(
    client: pg.Client,
    config: SinkConfig,
    run: Run,
    columns: TableColumns,
    dataSent: () => void,
  ) {
    if (run.isDelete) await deleteRows(client, run.table, columns, run.plan, rowsOf(run));
    else if (columns.acceptsCopy) {
      await this.writerFor(client).write(
        run.table,
        columns,
        run.plan,
        config.insertMode,
        run.lines,
        dataSent,
      );
    } else await writeRows(client, run.table, columns, run.plan, config.insertMode, rowsOf(run));
  }

  /** Writes one row of a run with one statement (record by record, after a refused batch). */
  private async executeOne(
    client: pg.Client,
    config: SinkConfig,
    run: Run,
    columns: TableColumns,
    row: unknown[],
  ) {
    if (run.isDelete) await deleteRows(client, run.table, columns, run.plan, [row]);
    else await writeRows(client, run.table, columns, run.plan, config.insertMode, [row]);
  }

  /**
   * In exactly-once mode, moves the batch's partitions in the offsets table within the open
   * transaction. When another task already wrote some of the records (a zombie that kept a
   * partition past a rebalance), rolls back, rewinds the consumer to the stored offsets and
   * returns false.
   */
  private async claimOffsets(client: pg.Client, spans: readonly PartitionSpan[]): Promise<boolean> {
    const offsets = this.offsets;
    if (offsets === null || spans.length === 0) return true;
    const taken = await offsets.claim(client, spans);
    if (taken.length === 0) return true;
    await client.query('ROLLBACK');
    this.copyWriter?.rolledBack();
    const stored = await offsets.read(client, taken);
    this.log.warn(
      { partitions: stored.toJSON() },
      `Offsets stored in ${offsets.name} are past the batch: another task wrote these records; not writing them again, consuming from ${stored
        .entries()
        .map(([tp, o]) => `${tp.topic}-${tp.partition}@${o}`)
        .join(', ')}`,
    );
    this.context.offset(stored);
    return false;
  }

  /**
   * Writes one planned batch in one transaction; `dataSent` is called once COPY data is on its
   * way. False when the batch was not written because another task had (exactly-once mode).
   */
  private async writeBatch(
    config: SinkConfig,
    records: readonly SinkRecord[],
    planned: Planned,
    dataSent: () => void,
  ): Promise<boolean> {
    const { runs, refused } = planned;
    const reporter = this.context.errantRecordReporter();
    if (reporter !== null && refused.length > 0) {
      await Promise.all(refused.map(({ record, error }) => reporter.report(record, error)));
    }
    // Exactly once, even a batch of refused records moves the offsets: they are reported once.
    const spans = this.offsets === null ? [] : spansOf(records);
    if (runs.length === 0 && spans.length === 0) {
      dataSent();
      return true;
    }
    for (let attempt = 0; ; attempt++) {
      let client: pg.Client | null = null;
      try {
        client = await this.connection(config);
        const columns = [];
        for (const run of runs) columns.push(await this.ensureTable(config, client, run));
        await client.query('BEGIN');
        this.writerFor(client).beginTransaction();
        if (!(await this.claimOffsets(client, spans))) return false;
        for (const [i, run] of runs.entries()) {
          // A delete from a table that does not exist has nothing to delete.
          const cols = columns[i];
          if (cols) await this.execute(client, config, run, cols, dataSent);
        }
        await client.query('COMMIT');
        return true;
      } catch (error) {
        if (client !== null) await client.query('ROLLBACK').catch(() => {});
        this.copyWriter?.rolledBack();
        this.tables.clear();
        if (isTransientPgError(error) && attempt < config.maxRetries) {
          this.log.warn(
            { err: error, attempt: attempt + 1, records: records.length },
            `Writing ${records.length} records failed (attempt ${attempt + 1} of ${config.maxRetries + 1}): ${describeSqlError(error)}; reconnecting and retrying in ${config.retryBackoffMs} ms`,
          );
          await closeConnection(this.client);
          this.client = null;
          await sleep(config.retryBackoffMs);
          continue;
        }
        const reporter = this.context.errantRecordReporter();
        if (reporter !== null && isDataError(error) && client !== null) {
          this.log.warn(
            { records: records.length },
            `PostgreSQL refused the batch of ${records.length} records (${describeSqlError(error)}): writing them one by one, to send the refused ones to the error reporter`,
          );
          return await this.writeOneByOne(config, client, runs, spans);
        }
        if (error instanceof ConnectException) throw error;
        throw new ConnectException(
          `Writing ${records.length} records to ${[...new Set(runs.map((r) => r.tableKey))].join(', ')} failed: ${describeSqlError(error)}`,
          { cause: error },
        );
      }
    }
  }

  /**
   * After a data error in a batch: writes record by record in one transaction, each under a
   * savepoint, sending the records PostgreSQL refuses to the error reporter (DLQ) with the SQL
   * error, and committing the rest (with the batch's offsets in exactly-once mode).
   */
  private async writeOneByOne(
    config: SinkConfig,
    client: pg.Client,
    runs: readonly Run[],
    spans: readonly PartitionSpan[],
  ): Promise<boolean> {
    const reporter = this.context.errantRecordReporter();
    if (reporter === null) return true;
    const reports: Promise<void>[] = [];
    const columns = [];
    for (const run of runs) columns.push(await this.ensureTable(config, client, run));
    await client.query('BEGIN');
    try {
      if (!(await this.claimOffsets(client, spans))) return false;
      for (const [i, run] of runs.entries()) {
        for (const [j, row] of rowsOf(run).entries()) {
          const cols = columns[i];
          if (!cols) continue;
          await client.query('SAVEPOINT sluice_record');
          try {
            await this.executeOne(client, config, run, cols, row);
            await client.query('RELEASE SAVEPOINT sluice_record');
          } catch (error) {
            if (!isDataError(error)) throw error;
            await client.query('ROLLBACK TO SAVEPOINT sluice_record');
            const record = run.records[j] as SinkRecord;
            reports.push(
              reporter.report(
                record,
                recordError(
                  record,
                  `PostgreSQL refused the record: ${describeSqlError(error)}`,
                  error,
                ),
              ),
            );
          }
        }
      }
      // Exactly once, the offsets commit with the rows: the reports must be durable before.
      if (this.offsets !== null) await Promise.all(reports);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    }
    await Promise.all(reports);
    return true;
  }

  async stop(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.copyWriter = null;
    this.tables.clear();
    await closeConnection(client);
  }
}
