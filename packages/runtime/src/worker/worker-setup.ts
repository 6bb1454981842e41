import { type ConfigDef, ConfigException, type ConfigProblem } from '@sluice/api';
import {
  type ConfigProviderLike,
  ConfigTransformer,
  createConfigProviders,
} from '../config/config-providers.js';
import { checkWorkerConfig, commonClientProps, unusedWorkerKeys } from '../config/worker-config.js';
import type { KafkaClientFactory } from '../kafka/kafka-port.js';
import { KafkajsClientFactory } from '../kafka/kafkajs-client.js';
import type { Logger } from '../logging/logger.js';
import { loadPlugins } from '../plugins/plugin-loader.js';
import type { PluginDescriptor, PluginRegistry } from '../plugins/plugin-registry.js';

/** What a worker of either mode is built from. */
export interface WorkerSetupOptions {
  /** Packages whose dependencies hold plugins (the bundled worker passes its own folder). */
  dependencyRoots?: readonly string[];
  log: Logger;
  /** Replaces the kafkajs client (tests, another client). */
  clients?: KafkaClientFactory;
  /** Plugins registered in code, besides those found on disk (embedding, tests). */
  extraPlugins?: readonly PluginDescriptor[];
}

/** The parts both modes share, and the problems found on the way. */
export interface WorkerSetup {
  registry: PluginRegistry;
  transformer: ConfigTransformer;
  /** The worker properties with `${provider:...}` references resolved. */
  resolvedProps: Record<string, string>;
  clients: KafkaClientFactory;
  problems: ConfigProblem[];
}

/**
 * The first steps of building a worker, standalone or distributed: warns about keys without
 * effect (those of `def`, the mode's keys, are known), finds plugins (plugin.path), sets up the
 * config providers and resolves their references in the worker config (as Kafka does), and
 * makes the Kafka client. Problems are returned, not thrown, so the caller can report every
 * problem at once.
 */
export async function setUpWorker(
  workerProps: Record<string, string>,
  mode: 'standalone' | 'embedded',
  def: ConfigDef<object>,
  options: WorkerSetupOptions,
): Promise<WorkerSetup> {
  for (const warning of unusedWorkerKeys(workerProps, def))
    options.log.warn({ key: warning.key }, warning.message);
  // Checked once to find plugins and config providers; the caller checks again once resolved.
  const raw = checkWorkerConfig(workerProps, mode).config;
  const { registry } = await loadPlugins({
    dependencyRoots: options.dependencyRoots ?? [],
    pluginPath: raw.pluginPath,
    log: options.log,
  });
  for (const plugin of options.extraPlugins ?? []) registry.add(plugin);
  const problems: ConfigProblem[] = [];
  let resolvedProps = workerProps;
  let transformer = new ConfigTransformer(new Map());
  try {
    const providers = await createConfigProviders(workerProps, async (className) => {
      const { instance } = await registry.instantiate(
        'config-provider',
        className,
        'config.providers',
      );
      return instance as ConfigProviderLike;
    });
    transformer = new ConfigTransformer(providers);
    resolvedProps = await transformer.transform(workerProps);
  } catch (error) {
    if (!(error instanceof ConfigException)) throw error;
    problems.push(
      ...(error.problems.length > 0
        ? error.problems
        : [{ key: 'config.providers', message: error.message }]),
    );
  }
  const clients =
    options.clients ?? new KafkajsClientFactory(commonClientProps(resolvedProps), options.log);
  return { registry, transformer, resolvedProps, clients, problems };
}
