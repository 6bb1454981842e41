import { type ConfigDef, ConfigException } from '@sluice/api';
import {
  DISTRIBUTED_CONFIG_DEF,
  type DistributedConfig,
  parseDistributedConfig,
} from '../config/distributed-config.js';
import { advertisedUrl } from '../rest/advertised-url.js';
import { RestServer } from '../rest/rest-server.js';
import { Worker } from '../worker/worker.js';
import { setUpWorker, type WorkerSetupOptions } from '../worker/worker-setup.js';
import { DistributedHerder } from './distributed-herder.js';
import { KafkaOffsetStore } from './kafka-offset-store.js';

export interface DistributedOptions extends WorkerSetupOptions {
  /** Called when the worker cannot stay in the cluster (e.g. a Java Connect group). */
  onFatal?: (error: Error) => void;
}

/** A distributed worker: its herder and REST API, ready to `start()`. */
export interface Distributed {
  herder: DistributedHerder;
  rest: RestServer;
  config: DistributedConfig;
  worker: Worker;
  /** Starts the REST API, then joins the cluster; resolves with the advertised URL. */
  start(): Promise<string>;
  /** Graceful stop: work handed to the other workers, group left, REST closed. */
  stop(): Promise<void>;
}

/**
 * Builds a distributed worker from worker properties: validates them (one ConfigException
 * listing every problem by key), finds plugins, sets up config providers, the Kafka client, the
 * offsets-topic store, the herder and the REST API with the requests between workers. Nothing
 * connects to Kafka until `start()`.
 */
export async function createDistributed(
  workerProps: Record<string, string>,
  options: DistributedOptions,
): Promise<Distributed> {
  const { registry, transformer, resolvedProps, clients, problems } = await setUpWorker(
    workerProps,
    'embedded',
    DISTRIBUTED_CONFIG_DEF as unknown as ConfigDef<object>,
    options,
  );
  let config: DistributedConfig;
  try {
    config = parseDistributedConfig(resolvedProps);
  } catch (error) {
    if (!(error instanceof ConfigException)) throw error;
    throw ConfigException.fromProblems([...problems, ...error.problems]);
  }
  const admin = clients.admin({ clientId: `${config.clientId}-internal-admin`, overrides: {} });
  const offsetStore = new KafkaOffsetStore(
    {
      topic: config.offsetTopic,
      configKey: 'offset.storage.topic',
      holds: 'source connector offsets',
      partitions: config.offsetPartitions,
      replicationFactor: config.offsetReplicationFactor,
    },
    clients,
    admin,
    config.clientId,
    options.log,
  );
  const worker = new Worker({
    config,
    plugins: registry,
    clients,
    offsetStore,
    configTransformer: transformer,
    log: options.log,
  });
  problems.push(...(await worker.validateWorkerConverters()));
  if (problems.length > 0) throw ConfigException.fromProblems(problems);
  let rest: RestServer | null = null;
  const herder = new DistributedHerder({
    worker,
    config,
    clients,
    admin,
    log: options.log,
    ...(options.onFatal ? { onFatal: options.onFatal } : {}),
    applyLoggerLevel: (namespace, level) => rest?.loggerLevels.set(namespace, level),
  });
  rest = new RestServer({ herder, worker, listeners: config.listeners, log: options.log });
  return {
    herder,
    rest,
    config,
    worker,
    async start() {
      await admin.connect();
      const url = advertisedUrl(config.props, await rest.start());
      await herder.start(url);
      return url;
    },
    async stop() {
      await herder.stop();
      await rest.stop();
      await admin.disconnect().catch(() => {});
    },
  };
}
