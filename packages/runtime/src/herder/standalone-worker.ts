import { hostname } from 'node:os';
import { ConfigException, type ConfigProblem } from '@sluice/api';
import {
  type ConfigProviderLike,
  ConfigTransformer,
  createConfigProviders,
} from '../config/config-providers.js';
import {
  checkWorkerConfig,
  commonClientProps,
  unusedWorkerKeys,
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
  const { standalone, problems } = await prepareStandalone(workerProps, options);
  if (problems.length > 0) throw ConfigException.fromProblems(problems);
  return standalone;
}

/**
 * {@link createStandalone} without throwing for the worker config's problems: it returns them all
 * with a worker built from what is valid (a key at fault takes its default), so connector configs
 * can be checked against it too and every problem reported at once. Keys without effect are
 * logged as warnings. Start the herder only when `problems` is empty.
 */
export async function prepareStandalone(
  workerProps: Record<string, string>,
  options: StandaloneOptions,
): Promise<{ standalone: Standalone; problems: ConfigProblem[] }> {
  const mode = options.offsetStore ? 'embedded' : 'standalone';
  for (const warning of unusedWorkerKeys(workerProps)) {
    options.log.warn({ key: warning.key }, warning.message);
  }
  // Checked once to find plugins (plugin.path) and config providers, then again with the
  // provider references resolved, as Kafka resolves `${...}` in worker configs too.
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
    problems.push(...problemsOf(error, 'config.providers'));
  }
  const checked = checkWorkerConfig(resolvedProps, mode);
  problems.push(...checked.problems);
  const { config } = checked;
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
  // A converter already reported missing or invalid is not reported again.
  const reported = new Set(problems.map((p) => p.key));
  for (const p of await worker.validateWorkerConverters()) {
    if (!reported.has(p.key)) problems.push(p);
  }
  return {
    standalone: {
      herder: new StandaloneHerder({
        worker,
        log: options.log,
        workerId: options.workerId ?? `${hostname()}:${process.pid}`,
      }),
      config,
      worker,
    },
    problems,
  };
}

function problemsOf(error: ConfigException, key: string): ConfigProblem[] {
  return error.problems.length > 0 ? [...error.problems] : [{ key, message: error.message }];
}

/** A problem of one connector config, with the file (or other source) it came from. */
export interface ConnectorConfigProblem extends ConfigProblem {
  /** Where the config came from (a file name). */
  source: string;
  /** The connector's name, empty when the config has none. */
  connector: string;
}

/**
 * Every problem of every connector config, each with its source: duplicate names, and what
 * {@link StandaloneHerder.validateConnectorConfig} finds. Converters a config does not set are the
 * worker's: their problems belong to the worker config and are not repeated for each connector.
 */
export async function checkConnectorConfigs(
  herder: StandaloneHerder,
  configs: ReadonlyArray<{ source: string; props: Record<string, string> }>,
): Promise<ConnectorConfigProblem[]> {
  const problems: ConnectorConfigProblem[] = [];
  const names = new Map<string, string>();
  for (const { source, props } of configs) {
    const connector = props.name ?? '';
    if (connector && names.has(connector)) {
      problems.push({
        source,
        connector,
        key: 'name',
        value: connector,
        message: `connector name ${connector} is also used by ${names.get(connector)}`,
      });
    }
    names.set(connector, source);
    for (const p of await herder.validateConnectorConfig(props)) {
      const converter = /^(key|value|header)\.converter(?=$|\.)/.exec(p.key)?.[0];
      if (converter && !(converter in props)) continue;
      problems.push({ ...p, source, connector });
    }
  }
  return problems;
}

/**
 * Validates connector configs before anything starts: one ConfigException listing every problem
 * of every connector, each message prefixed with its source and connector name.
 */
export async function validateConnectorConfigs(
  herder: StandaloneHerder,
  configs: ReadonlyArray<{ source: string; props: Record<string, string> }>,
): Promise<void> {
  const problems = (await checkConnectorConfigs(herder, configs)).map(
    ({ source, connector, ...p }) => ({
      ...p,
      message: `${source} (${connector || 'no name'}): ${p.key}: ${p.message}`,
    }),
  );
  if (problems.length > 0) throw ConfigException.fromProblems(problems);
}
