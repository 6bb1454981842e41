import { hostname } from 'node:os';
import { ConfigException, type ConfigProblem } from '@sluice/api';
import {
  type ConfigProviderLike,
  ConfigTransformer,
  createConfigProviders,
} from '../config/config-providers.js';
import {
  commonClientProps,
  parseWorkerConfig,
  type WorkerConfig,
} from '../config/worker-config.js';
import type { KafkaClientFactory } from '../kafka/kafka-port.js';
import { KafkajsClientFactory } from '../kafka/kafkajs-client.js';
import type { Logger } from '../logging/logger.js';
import { loadPlugins } from '../plugins/plugin-loader.js';
import type { PluginDescriptor } from '../plugins/plugin-registry.js';
import { FileOffsetStore } from '../storage/file-offset-store.js';
import type { OffsetBackingStore } from '../storage/offset-store.js';
import { Worker } from '../worker/worker.js';
import { StandaloneHerder } from './standalone-herder.js';

export interface StandaloneOptions {
  /** Packages whose dependencies hold plugins (the bundled worker passes its own folder). */
  dependencyRoots?: readonly string[];
  log: Logger;
  /** Replaces the kafkajs client (tests, another client). */
  clients?: KafkaClientFactory;
  /** Replaces the file offset store (tests). */
  offsetStore?: OffsetBackingStore;
  workerId?: string;
  /** Plugins registered in code, besides those found on disk (embedding, tests). */
  extraPlugins?: readonly PluginDescriptor[];
}

/** A standalone herder with its worker config, ready to `start()`. */
export interface Standalone {
  herder: StandaloneHerder;
  config: WorkerConfig;
  /** The worker under the herder (offset store and Kafka admin for KIP-875 offset changes). */
  worker: Worker;
}

/**
 * Builds a standalone worker from worker properties: validates them (one ConfigException listing
 * every problem by key), finds plugins, sets up config providers, the Kafka client and the file
 * offset store. Nothing connects to Kafka until `herder.start()`.
 */
export async function createStandalone(
  workerProps: Record<string, string>,
  options: StandaloneOptions,
): Promise<Standalone> {
  const mode = options.offsetStore ? 'embedded' : 'standalone';
  // Parsed once to find plugins (plugin.path) and config providers, then again with the
  // provider references resolved, as Kafka resolves `${...}` in worker configs too.
  const raw = parseWorkerConfig(workerProps, mode);
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
  const config = parseWorkerConfig(resolvedProps, mode);
  const converterProblems: ConfigProblem[] = [];
  for (const [key, role, name] of [
    ['key.converter', 'converter', config.keyConverter],
    ['value.converter', 'converter', config.valueConverter],
    ['header.converter', 'header-converter', config.headerConverter],
  ] as const) {
    try {
      registry.resolve(role, name, key);
    } catch (error) {
      if (error instanceof ConfigException) converterProblems.push(...error.problems);
      else throw error;
    }
  }
  if (converterProblems.length > 0) throw ConfigException.fromProblems(converterProblems);
  const clients =
    options.clients ?? new KafkajsClientFactory(commonClientProps(resolvedProps), options.log);
  const worker = new Worker({
    config,
    plugins: registry,
    clients,
    offsetStore: options.offsetStore ?? new FileOffsetStore(config.offsetStorageFile),
    configTransformer: transformer,
    log: options.log,
  });
  return {
    herder: new StandaloneHerder({
      worker,
      log: options.log,
      workerId: options.workerId ?? `${hostname()}:${process.pid}`,
    }),
    config,
    worker,
  };
}

/**
 * Validates connector configs before anything starts: one ConfigException listing every problem
 * of every connector, each message prefixed with the connector name.
 */
export async function validateConnectorConfigs(
  herder: StandaloneHerder,
  configs: ReadonlyArray<{ source: string; props: Record<string, string> }>,
): Promise<void> {
  const problems: ConfigProblem[] = [];
  const names = new Map<string, string>();
  for (const { source, props } of configs) {
    const name = props.name ?? '';
    if (name && names.has(name)) {
      problems.push({
        key: 'name',
        value: name,
        message: `${source}: connector name ${name} is also used by ${names.get(name)}`,
      });
    }
    names.set(name, source);
    for (const p of await herder.validateConnectorConfig(props)) {
      problems.push({ ...p, message: `${source} (${name || 'no name'}): ${p.key}: ${p.message}` });
    }
  }
  if (problems.length > 0) throw ConfigException.fromProblems(problems);
}
