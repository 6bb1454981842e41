import {
  ConnectException,
  type ConnectorProps,
  type RecordMetadata,
  type SourcePartition,
  type SourceRecord,
  SourceTask,
} from '@sluice/api';
import type pg from 'pg';
import { parseTableId } from '../pg-connection.js';
import { VERSION } from '../version.js';
import { ChangeEventDispatcher } from './change-event-dispatcher.js';
import { type CdcConfig, parseCdcConfig } from './config/cdc-config.js';
import { Heartbeat } from './heartbeat.js';
import { IncrementalSnapshot } from './incremental-snapshot.js';
import { formatLsn, type Lsn, lsnFromOffset } from './lsn.js';
import { OffsetContext, serverPartition } from './offset-context.js';
import { checkServerForCdc, closeQuietly, connectPostgres } from './postgres-connection.js';
import { PostgresSchema } from './postgres-schema.js';
import { PostgresValueConverter } from './postgres-value-converter.js';
import {
  checkSlot,
  createSlot,
  dropSlot,
  initPublication,
  readSlotState,
  type SlotCreation,
  type SlotState,
  startStreaming,
} from './replication-connection.js';
import type { ReplicationStream } from './replication-stream.js';
import { PostgresSnapshotChangeEventSource } from './snapshot-change-event-source.js';
import {
  PostgresStreamingChangeEventSource,
  type ResumeFilter,
} from './streaming-change-event-source.js';
import { TableFilters } from './table-filters.js';
import { TransactionMonitor } from './transaction-monitor.js';
import { TypeRegistry } from './type-registry.js';

/** One record handed out and whether Kafka has acknowledged it yet. */
interface InFlight {
  /**
   * The slot position confirmable once this record and all before it are in Kafka: its offset's
   * `lsn_commit`, as stored (read as an LSN only when confirming).
   */
  readonly flush: unknown;
  acked: boolean;
}

/**
 * The CDC task (Debezium's PostgresConnectorTask with its change event source coordinator):
 * snapshot when the mode asks for one, then stream the slot; hand out records in batches; confirm
 * the slot position of records Kafka acknowledged (all records before them included) when the
 * runtime commits, so a crash never loses a change.
 */
export class PostgresCdcSourceTask extends SourceTask {
  private config!: CdcConfig;
  private partition!: SourcePartition;
  private sql: pg.Client | null = null;
  private replication: pg.Client | null = null;
  private snapshotClient: pg.Client | null = null;
  private offset!: OffsetContext;
  private schema!: PostgresSchema;
  private filters!: TableFilters;
  private dispatcher!: ChangeEventDispatcher;
  private transactions: TransactionMonitor | null = null;
  private heartbeat!: Heartbeat;
  private snapshot: PostgresSnapshotChangeEventSource | null = null;
  private streaming: PostgresStreamingChangeEventSource | null = null;
  private stream: ReplicationStream | null = null;
  private incremental: IncrementalSnapshot | null = null;
  private streamFrom: { lsn: Lsn; resume: ResumeFilter | null } | null = null;
  /** Records handed out, in order; `inFlightHead` is the first not yet confirmed. */
  private inFlight: InFlight[] = [];
  private inFlightHead = 0;
  private readonly entries = new WeakMap<SourceRecord, InFlight>();
  private stopping = false;

  version(): string {
    return VERSION;
  }

  async start(props: ConnectorProps): Promise<void> {
    this.stopping = false;
    const config = parseCdcConfig(props);
    this.config = config;
    this.partition = serverPartition(config.topicPrefix);
    try {
      await this.open(config);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  private async open(config: CdcConfig): Promise<void> {
    const app = `sluice-cdc-${config.topicPrefix}`.slice(0, 63);
    const sql = await connectPostgres(config.connection, {
      replication: false,
      applicationName: app,
      log: this.log,
    });
    this.sql = sql;
    await checkServerForCdc(sql, config.connection);
    const types = new TypeRegistry();
    await types.load(sql);
    this.filters = new TableFilters(config.filters);
    this.schema = new PostgresSchema(
      config,
      this.filters,
      new PostgresValueConverter(config, types),
      types,
      this.log,
    );
    const signal =
      config.signalDataCollection === null ? null : parseTableId(config.signalDataCollection);
    const tables = await this.schema.refreshAll(sql, signal === null ? [] : [signal]);
    const captured = tables.filter((t) => this.filters.isIncluded(t));
    await initPublication(sql, config, tables, this.log);

    const stored = await this.context.offsetStorageReader().offset(this.partition);
    this.offset = stored === null ? new OffsetContext() : OffsetContext.load(stored);
    const slot = await this.freeSlot(sql, config);
    const snapshot = this.snapshotWanted(stored !== null, slot === null);
    this.transactions = config.provideTransactionMetadata
      ? new TransactionMonitor(config.topicPrefix, this.partition, this.offset)
      : null;
    this.dispatcher = new ChangeEventDispatcher(
      config,
      this.partition,
      this.offset,
      this.transactions,
    );
    this.heartbeat = new Heartbeat(
      config.heartbeatIntervalMs,
      config.heartbeatTopicsPrefix,
      config.topicPrefix,
      this.partition,
    );
    this.incremental =
      signal === null
        ? null
        : new IncrementalSnapshot(
            signal,
            config.incrementalSnapshotChunkSize,
            this.schema,
            this.filters,
            types,
            this.offset,
            this.dispatcher,
            this.log,
          );

    this.replication = await connectPostgres(config.connection, {
      replication: true,
      applicationName: app,
      log: this.log,
    });
    let creation: SlotCreation | null = null;
    if (slot === null) {
      creation = await createSlot(this.replication, config.slotName);
      this.log.info(
        { slot: config.slotName, lsn: formatLsn(creation.consistentPoint) },
        `Created replication slot "${config.slotName}" at ${formatLsn(creation.consistentPoint)}`,
      );
      if (stored !== null && !snapshot) {
        this.log.warn(
          { slot: config.slotName },
          `Replication slot "${config.slotName}" did not exist although an offset is stored: changes between the stored position and ${formatLsn(creation.consistentPoint)} cannot be streamed (snapshot.mode=when_needed would take a new snapshot)`,
        );
      }
    }
    if (snapshot) {
      this.snapshotClient = await connectPostgres(config.connection, {
        replication: false,
        applicationName: `${app}-snapshot`,
        log: this.log,
      });
      this.snapshot = new PostgresSnapshotChangeEventSource(
        this.snapshotClient,
        this.schema,
        captured,
        this.offset,
        this.dispatcher,
        config.snapshotFetchSize,
        this.log,
      );
      const lsn = await this.snapshot.begin(
        creation?.snapshotName ?? null,
        creation?.consistentPoint ?? null,
      );
      this.streamFrom = { lsn, resume: null };
      return;
    }
    this.streamFrom = this.resumePoint(creation, slot?.confirmedFlushLsn ?? null);
    if (config.snapshotMode !== 'initial_only') await this.startStreaming();
  }

  /**
   * The slot's state once no other connection holds it: a connector killed a moment ago keeps its
   * server process (and the slot) until the server notices, so this waits `slot.retry.delay.ms`
   * up to `slot.max.retries` times, as Debezium does.
   */
  private async freeSlot(sql: pg.Client, config: CdcConfig): Promise<SlotState | null> {
    for (let attempt = 1; ; attempt++) {
      const slot = await readSlotState(sql, config.slotName);
      if (slot === null) return null;
      checkSlot(slot, config);
      if (!slot.active) return slot;
      const message = `Replication slot "${config.slotName}" is in use by server process ${slot.activePid}`;
      if (attempt >= config.slotMaxRetries) {
        throw new ConnectException(
          `${message}: another connector (or a previous task still stopping) streams it. Stop it, or give this connector its own slot.name`,
        );
      }
      this.log.warn(
        { slot: config.slotName, pid: slot.activePid, attempt },
        `${message} (attempt ${attempt} of ${config.slotMaxRetries}); waiting ${config.slotRetryDelayMs} ms`,
      );
      await new Promise((resolve) => setTimeout(resolve, config.slotRetryDelayMs));
      if (this.stopping)
        throw new ConnectException('stopped while waiting for the replication slot');
    }
  }

  /** Whether to take a snapshot now, by `snapshot.mode` (Debezium's snapshotters). */
  private snapshotWanted(hasOffset: boolean, slotMissing: boolean): boolean {
    const running = this.offset.initialSnapshotRunning;
    switch (this.config.snapshotMode) {
      case 'no_data':
        return false;
      case 'always':
        return true;
      case 'when_needed':
        return !hasOffset || running || slotMissing;
      default:
        return !hasOffset || running;
    }
  }

  /** Where streaming starts without a snapshot, and what was already delivered. */
  private resumePoint(
    creation: SlotCreation | null,
    confirmed: Lsn | null,
  ): { lsn: Lsn; resume: ResumeFilter | null } {
    const o = this.offset;
    const stored = o.lastCommitLsn ?? o.lastCompletelyProcessedLsn ?? o.lsn;
    const lsn = stored ?? creation?.consistentPoint ?? 0n;
    if (confirmed !== null && stored !== null && confirmed > stored) {
      this.log.info(
        { stored: formatLsn(stored), confirmed: formatLsn(confirmed) },
        `The slot was confirmed up to ${formatLsn(confirmed)}, after the stored offset (${formatLsn(stored)}): changes before it are already in Kafka and are not streamed again`,
      );
    }
    const resume =
      o.messageType !== 'COMMIT' && o.txId !== null && o.lsn !== null
        ? { xid: o.txId, lsn: o.lsn }
        : null;
    return { lsn, resume };
  }

  private async startStreaming(): Promise<void> {
    const from = this.streamFrom;
    if (from === null || this.replication === null || this.sql === null) return;
    this.streamFrom = null;
    this.stream = await startStreaming(this.replication, this.config, from.lsn);
    this.log.info(
      { slot: this.config.slotName, lsn: formatLsn(from.lsn) },
      `Streaming changes from replication slot "${this.config.slotName}" at ${formatLsn(from.lsn)}`,
    );
    this.streaming = new PostgresStreamingChangeEventSource(
      this.sql,
      this.stream,
      this.schema,
      this.filters,
      this.offset,
      this.dispatcher,
      this.transactions,
      this.log,
      from.resume,
      this.config.signalDataCollection,
      this.incremental,
    );
    await this.incremental?.resume(this.sql);
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (this.stopping) return null;
    let records: SourceRecord[];
    try {
      records = await this.nextRecords();
    } catch (error) {
      // stop() closes the connections under a pending poll: that is no failure.
      if (this.stopping) return null;
      throw error;
    }
    if (this.stopping) return null;
    for (const record of records) {
      const entry: InFlight = { flush: record.sourceOffset?.lsn_commit, acked: false };
      this.inFlight.push(entry);
      this.entries.set(record, entry);
    }
    return records;
  }

  private async nextRecords(): Promise<SourceRecord[]> {
    const max = this.config.maxBatchSize;
    if (this.snapshot !== null) {
      const records = await this.snapshot.next(max);
      if (this.snapshot.finished) {
        this.snapshot = null;
        await closeQuietly(this.snapshotClient);
        this.snapshotClient = null;
        if (this.config.snapshotMode === 'initial_only') {
          this.log.info(
            'snapshot.mode=initial_only: the snapshot is complete and changes are not streamed',
          );
        } else {
          await this.startStreaming();
        }
      }
      return records;
    }
    const streaming = this.streaming;
    if (streaming === null) {
      await new Promise((resolve) => setTimeout(resolve, this.config.pollIntervalMs));
      return [];
    }
    const wait = Math.min(this.config.pollIntervalMs, this.heartbeat.untilNext());
    const records = await streaming.poll(max, wait);
    if (this.heartbeat.due()) {
      streaming.advanceWhileIdle();
      records.push(this.dispatcher.emitted(this.heartbeat.record(this.offset.toOffset())));
      await this.runHeartbeatQuery();
    }
    return records;
  }

  private async runHeartbeatQuery(): Promise<void> {
    const query = this.config.heartbeatActionQuery;
    if (query === null || this.sql === null) return;
    try {
      await this.sql.query(query);
    } catch (error) {
      this.log.warn({ err: error }, `heartbeat.action.query failed: ${(error as Error).message}`);
    }
  }

  override commitRecord(record: SourceRecord, _metadata: RecordMetadata | null): void {
    const entry = this.entries.get(record);
    if (entry !== undefined) entry.acked = true;
  }

  /**
   * Offsets were committed: confirm to the server the slot position of the last record Kafka has
   * acknowledged together with everything before it (its `lsn_commit`: the end of the last
   * transaction all of whose records are in Kafka).
   */
  override commit(): void {
    let last: unknown;
    let head = this.inFlightHead;
    while (this.inFlight[head]?.acked === true) {
      const entry = this.inFlight[head++] as InFlight;
      if (entry.flush !== undefined && entry.flush !== null) last = entry.flush;
    }
    const flush = lsnFromOffset(last);
    // Dropping the confirmed prefix now and then keeps this linear (Array.shift is not).
    if (head > 1024 && head * 2 > this.inFlight.length) {
      this.inFlight = this.inFlight.slice(head);
      head = 0;
    }
    this.inFlightHead = head;
    if (flush !== null && this.stream !== null && flush > this.stream.flushedLsn) {
      this.log.debug({ lsn: formatLsn(flush) }, `Confirming slot position ${formatLsn(flush)}`);
      this.stream.flush(flush);
    }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stream?.end();
    await closeQuietly(this.snapshotClient);
    await closeQuietly(this.replication);
    this.snapshotClient = null;
    this.replication = null;
    this.stream = null;
    this.streaming = null;
    const sql = this.sql;
    this.sql = null;
    if (sql !== null && this.config?.dropSlotOnStop) {
      try {
        await dropSlot(sql, this.config.slotName);
        this.log.info(
          { slot: this.config.slotName },
          `Dropped replication slot "${this.config.slotName}" (slot.drop.on.stop)`,
        );
      } catch (error) {
        this.log.warn(
          { err: error },
          `Dropping replication slot "${this.config.slotName}" failed: ${(error as Error).message}`,
        );
      }
    }
    await closeQuietly(sql);
  }
}
