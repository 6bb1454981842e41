import { type ConnectorLogger, DataException } from '@sluice/api';
import { type CdcHandler, cdcHandlerOf } from './cdc-handler.js';
import type { TopicSinkConfig } from './config.js';
import { type NamespaceMapper, namespaceMapperOf } from './namespace-mapper.js';
import { type PostProcessor, postProcessorsOf } from './post-processor.js';
import type { SinkDocument } from './sink-document.js';
import { type WriteModel, type WriteModelStrategy, writeModelStrategyOf } from './write-model.js';

/** How one topic's records become writes: no I/O, so every rule is testable without a server. */
export class TopicWriter {
  readonly namespace: NamespaceMapper;
  private readonly postProcessors: readonly PostProcessor[];
  private readonly writeModel: WriteModelStrategy;
  private readonly deleteModel: WriteModelStrategy | null;
  private readonly cdc: CdcHandler | null;
  /** Bulk writes since the last rate-limit wait. */
  writes = 0;

  constructor(
    readonly config: TopicSinkConfig,
    log: ConnectorLogger,
  ) {
    this.namespace = namespaceMapperOf(config);
    this.postProcessors = postProcessorsOf(config, log);
    this.writeModel = writeModelStrategyOf(config.writeModel, config);
    this.deleteModel = config.deleteOnNullValues
      ? writeModelStrategyOf(config.deleteWriteModel, config)
      : null;
    this.cdc =
      config.cdcHandler === null
        ? null
        : cdcHandlerOf(config.cdcHandler, config.cdcRemoveNullValues, log);
  }

  /**
   * The write of one record: its CDC handler's, or its post-processed document's write model (the
   * delete model for a tombstone); null when there is nothing to write (a CDC event without
   * changes). Throws a DataException naming what is wrong with the record.
   */
  modelOf(doc: SinkDocument): WriteModel | null {
    if (this.cdc !== null) return this.cdc(doc);
    for (const process of this.postProcessors) process(doc);
    if (doc.valueDoc !== null) return this.writeModel(doc);
    if (doc.keyDoc === null)
      throw new DataException('Invalid Sink Record neither key doc nor value doc were present');
    if (this.deleteModel === null)
      throw new DataException(
        'Could not create write model: the record has a null value (set delete.on.null.values=true to delete by key)',
      );
    return this.deleteModel(doc);
  }
}
