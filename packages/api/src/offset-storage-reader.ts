import type { SourceOffset, SourcePartition } from './source-record.js';

/** Reads the committed offsets of a source connector's partitions. */
export interface OffsetStorageReader {
  /** The last committed offset of one source partition, or `null` if there is none. */
  offset(partition: SourcePartition): Promise<SourceOffset | null>;
  /**
   * The last committed offsets of several partitions, keyed by the very partition objects passed
   * in (value `null` when there is none). Partitions are matched by content, not identity.
   */
  offsets(
    partitions: readonly SourcePartition[],
  ): Promise<Map<SourcePartition, SourceOffset | null>>;
}
