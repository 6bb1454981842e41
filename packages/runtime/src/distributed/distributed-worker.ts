import { ConfigException, type ConfigProblem } from '@sluice/api';
import {
  type ConfigProviderLike,
  ConfigTransformer,
  createConfigProviders,
} from '../config/config-providers.js';
import {
  DISTRIBUTED_CONFIG_DEF,
  type DistributedConfig,
  parseDistributedConfig,
} from '../config/distributed-config.js';
import { commonClientProps, unusedWorkerKeys } from '../config/worker-config.js';
import type { KafkaClientFactory } from '../kafka/kafka-port.js';
import { KafkajsClientFactory } from '../kafka/kafkajs-client.js';
import type { Logger } from '../logging/logger.js';
import { loadPlugins } from '../plugins/plugin-loader.js';
import type { PluginDescriptor } from '../plugins/plugin-registry.js';
import { advertisedUrl } from '../rest/advertised-url.js';
import { RestServer } from '../rest/rest-server.js';
import { Worker } from '../worker/worker.js';
import { DistributedHerder } from './distributed-herder.js';
import { KafkaOffsetStore } from './kafka-offset-store.js';

export interface DistributedOptions {
  /** Packages whose dependencies hold plugins (the bundled worker passes its own folder). */
  dependencyRoots?: readonly string[];
  log: Logger;
  /** Replaces the kafkajs client (another client). */
  clients?: KafkaClientFactory;
  /** Plugins registered in code, besides those found on disk (embedding, tests). */
  extraPlugins?: readonly PluginDescriptor[];
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
  const raw = parseDistributedConfig(workerProps);
  for (const warning of unusedWorkerKeys(
    workerProps,
    DISTRIBUTED_CONFIG_DEF as unknown as Parameters<typeof unusedWorkerKeys>[1],
  ))
    options.log.warn({ key: warning.key }, warning.message);
  const { registry } = await loadPlugins({
    dependencyRoots: options.dependencyRoots ?? [],
    pluginPath: raw.pluginPath,
    log: options.log,
  });
  for (const plugin of options.extraPlugins ?? []) registry.add(plugin);
  const providers = await createConfigProviders(workerProps, async (className) => {
    const { instance } = await registry.instantiate(
      'config-provider',
      className,
      'config.providers',
    );
    return instance as ConfigProviderLike;
  });
  const transformer = new ConfigTransformer(providers);
  const resolvedProps = await transformer.transform(workerProps);
  const config = parseDistributedConfig(resolvedProps);
  const problems: ConfigProblem[] = [];
  for (const [key, role, name] of [
    ['key.converter', 'converter', config.keyConverter],
    ['value.converter', 'converter', config.valueConverter],
    ['header.converter', 'header-converter', config.headerConverter],
  ] as const) {
    try {
      registry.resolve(role, name, key);
    } catch (error) {
      if (error instanceof ConfigException) problems.push(...error.problems);
      else throw error;
    }
  }
  if (problems.length > 0) throw ConfigException.fromProblems(problems);
  const clients =
    options.clients ?? new KafkajsClientFactory(commonClientProps(resolvedProps), options.log);
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
