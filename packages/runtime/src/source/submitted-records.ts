import { PartitionKeys } from '../storage/offset-json.js';
import type { OffsetMap } from '../storage/offset-store.js';

/** One record handed to the producer, awaiting its acknowledgement. */
export interface SubmittedRecord {
  readonly partition: OffsetMap | null;
  readonly offset: OffsetMap | null;
  acked: boolean;
}

/**
 * Tracks the records a source task sent, in send order, so that a source offset becomes
 * committable only once Kafka acknowledged that record and every record the task sent
 * before it (in any source partition: a stricter rule than Kafka's per-partition one,
 * which keeps the committed offsets a consistent prefix of the task's output).
 */
export class SubmittedRecords {
  private queue: SubmittedRecord[] = [];
  private head = 0;
  private committable = new Map<string, { partition: OffsetMap; offset: OffsetMap | null }>();
  private unacked = 0;
  private readonly partitionKeys = new PartitionKeys();

  /** Registers a record about to be sent; ack it when Kafka acknowledged it (or it was dropped). */
  submit(partition: OffsetMap | null, offset: OffsetMap | null): SubmittedRecord {
    const entry: SubmittedRecord = { partition, offset, acked: false };
    this.queue.push(entry);
    this.unacked++;
    return entry;
  }

  /** Marks a record acknowledged by Kafka (or deliberately dropped: filtered, tolerated error). */
  ack(entry: SubmittedRecord): void {
    if (entry.acked) return;
    entry.acked = true;
    this.unacked--;
  }

  /** Number of records sent and not yet acknowledged. */
  get inFlight(): number {
    return this.unacked;
  }

  /** Records acknowledged out of order wait here until all earlier ones are acknowledged too. */
  private advance(): void {
    while (this.head < this.queue.length) {
      const entry = this.queue[this.head] as SubmittedRecord;
      if (!entry.acked) break;
      if (entry.partition !== null && entry.offset !== null) {
        this.committable.set(this.partitionKeys.keyOf(entry.partition), {
          partition: entry.partition,
          offset: entry.offset,
        });
      }
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * Takes the offsets that became committable since the last call (latest per source
   * partition). Give them back with `restore` if writing them fails.
   */
  takeCommittable(): Map<string, { partition: OffsetMap; offset: OffsetMap | null }> {
    this.advance();
    const out = this.committable;
    this.committable = new Map();
    return out;
  }

  /** Puts back offsets whose write failed; newer committable offsets win. */
  restore(offsets: Map<string, { partition: OffsetMap; offset: OffsetMap | null }>): void {
    for (const [k, v] of offsets) if (!this.committable.has(k)) this.committable.set(k, v);
  }

  /** True when every submitted record was acknowledged. */
  allAcked(): boolean {
    this.advance();
    return this.unacked === 0;
  }
}
