import { ConnectException } from '@sluice/api';
import type { Lsn } from './lsn.js';

/** Microseconds between the Unix epoch and PostgreSQL's epoch (2000-01-01 00:00:00 UTC). */
const PG_EPOCH_OFFSET_MICROS = 946_684_800_000_000n;

/** One XLogData message of the stream: where its WAL starts and the plugin's payload. */
export interface WalMessage {
  /** The WAL position of the message (the XLogData `dataStart`). */
  readonly lsn: Lsn;
  readonly payload: Buffer;
}

/** The part of pg's connection the stream writes to and pauses. */
interface PgConnection {
  query(text: string): void;
  once(event: 'replicationStart', listener: () => void): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
  readonly stream: { pause(): void; resume(): void };
}

/**
 * `START_REPLICATION ... LOGICAL` on a replication connection, as a pg "submittable" (an object
 * with `submit`, handed to `client.query`): pg frames the protocol, this class reads the COPY
 * BOTH stream (XLogData `w` and keepalive `k` messages) and writes standby status updates (`r`)
 * telling the server how far it may recycle WAL.
 *
 * Received messages are buffered until `take()` drains them; above `highWaterMark` buffered
 * messages the socket is paused (the server then waits), and `take()` resumes it. Keepalives the
 * server asks a reply for are answered at once, and a status update is sent every
 * `statusIntervalMs` whatever the buffer holds, so a slow consumer never trips the server's
 * `wal_sender_timeout`.
 */
export class ReplicationStream {
  private connection: PgConnection | null = null;
  private readonly buffered: WalMessage[] = [];
  private paused = false;
  private ended = false;
  private failure: Error | null = null;
  private flushed: Lsn;
  /** The server's WAL end from the last keepalive: everything before it was sent. */
  private serverWalEnd: Lsn = 0n;
  private timer: NodeJS.Timeout | null = null;
  private readonly waiters: (() => void)[] = [];
  private readonly started: Promise<void>;
  private resolveStarted!: () => void;
  private rejectStarted!: (error: Error) => void;

  constructor(
    private readonly command: string,
    startLsn: Lsn,
    private readonly highWaterMark: number,
    private readonly statusIntervalMs: number,
  ) {
    this.flushed = startLsn;
    this.started = new Promise((resolve, reject) => {
      this.resolveStarted = resolve;
      this.rejectStarted = reject;
    });
    // Settled only by the first message or error; an unobserved rejection is not an error here.
    this.started.catch(() => {});
  }

  /** Resolves once the server accepted START_REPLICATION (CopyBothResponse); rejects if refused. */
  whenStarted(): Promise<void> {
    return this.started;
  }

  /** Called by pg when the stream is its active query. */
  submit(connection: PgConnection): void {
    this.connection = connection;
    // pg parses CopyBothResponse as `replicationStart` but hands it to no query.
    connection.once('replicationStart', () => this.resolveStarted());
    connection.query(this.command);
    this.timer = setInterval(() => this.sendStatus(false), this.statusIntervalMs);
    this.timer.unref();
  }

  /** pg: a CopyData message. */
  handleCopyData(message: { chunk: Buffer }): void {
    const chunk = message.chunk;
    this.resolveStarted();
    const kind = chunk[0];
    if (kind === 0x77) {
      // w: XLogData — dataStart, walEnd, sendTime, then the plugin's message. Copied: pg's parser
      // reuses its buffer for the bytes that follow, and messages are decoded later.
      this.buffered.push({
        lsn: chunk.readBigUInt64BE(1),
        payload: Buffer.from(chunk.subarray(25)),
      });
      if (!this.paused && this.buffered.length >= this.highWaterMark) {
        this.paused = true;
        this.connection?.stream.pause();
      }
      this.wake();
    } else if (kind === 0x6b) {
      // k: keepalive — walEnd, sendTime, replyRequested.
      const walEnd = chunk.readBigUInt64BE(1);
      if (walEnd > this.serverWalEnd) this.serverWalEnd = walEnd;
      if (chunk[17] === 1) this.sendStatus(false);
      this.wake();
    }
  }

  /** pg: the server ended the COPY (or refused START_REPLICATION). */
  handleError(error: Error): void {
    this.fail(error);
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    this.ended = true;
    this.stopTimer();
    this.rejectStarted(new ConnectException('The replication stream ended'));
    this.wake();
  }

  handleRowDescription(): void {}

  handleDataRow(): void {}

  handleEmptyQuery(): void {}

  handlePortalSuspended(): void {}

  /** Every buffered message, oldest first; resumes a paused socket. Throws a stream failure. */
  take(): WalMessage[] {
    if (this.failure !== null && this.buffered.length === 0) throw this.failure;
    const out = this.buffered.splice(0);
    if (this.paused) {
      this.paused = false;
      this.connection?.stream.resume();
    }
    return out;
  }

  /** Waits until a message is buffered, the stream fails or ends, or `timeoutMs` passes. */
  async waitForData(timeoutMs: number): Promise<void> {
    if (this.buffered.length > 0 || this.failure !== null || this.ended) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const waiters = this.waiters;
      function done() {
        clearTimeout(timer);
        const i = waiters.indexOf(done);
        if (i >= 0) waiters.splice(i, 1);
        resolve();
      }
      waiters.push(done);
    });
  }

  /** Whether the server ended the stream or it failed. */
  get closed(): boolean {
    return this.ended || this.failure !== null;
  }

  /** The failure that closed the stream, if any. */
  get error(): Error | null {
    return this.failure;
  }

  /** The server's WAL end reported by its last keepalive (0 before the first). */
  get lastServerWalEnd(): Lsn {
    return this.serverWalEnd;
  }

  /** The position last confirmed to the server. */
  get flushedLsn(): Lsn {
    return this.flushed;
  }

  /**
   * Confirms to the server that everything before `lsn` is durable on our side: the slot's
   * `confirmed_flush_lsn` moves there and older WAL may be recycled. Never moves backwards.
   */
  flush(lsn: Lsn): void {
    if (lsn <= this.flushed) return;
    this.flushed = lsn;
    this.sendStatus(false);
  }

  /**
   * Asks the server for a keepalive now (a status update with the reply flag): its WAL end tells
   * how far the server has read, even when nothing it read concerned the publication.
   */
  requestKeepalive(): void {
    this.sendStatus(true);
  }

  /** How many received messages wait for `take()`. */
  get bufferedCount(): number {
    return this.buffered.length;
  }

  /** Ends the COPY cleanly (CopyDone); the server answers and pg's query completes. */
  end(): void {
    this.stopTimer();
    if (this.closed || this.connection === null) return;
    if (this.paused) this.connection.stream.resume();
    this.connection.endCopyFrom();
  }

  private sendStatus(replyRequested: boolean): void {
    if (this.connection === null || this.closed) return;
    const message = Buffer.alloc(34);
    message[0] = 0x72; // r: standby status update
    message.writeBigUInt64BE(this.flushed, 1); // written
    message.writeBigUInt64BE(this.flushed, 9); // flushed
    message.writeBigUInt64BE(this.flushed, 17); // applied
    message.writeBigInt64BE(BigInt(Date.now()) * 1000n - PG_EPOCH_OFFSET_MICROS, 25);
    message[33] = replyRequested ? 1 : 0;
    this.connection.sendCopyFromChunk(message);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.stopTimer();
    this.rejectStarted(error);
    this.wake();
  }

  private stopTimer(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
