import { hostname } from 'node:os';
import { type ConfigDef, ConfigException, type ConfigProblem } from '@sluice/api';
import {
  checkWorkerConfig,
  WORKER_CONFIG_DEF,
  type WorkerConfig,
} from '../config/worker-config.js';
import { FileOffsetStore } from '../storage/file-offset-store.js';
import type { OffsetBackingStore } from '../storage/offset-store.js';
import { Worker } from '../worker/worker.js';
import { setUpWorker, type WorkerSetupOptions } from '../worker/worker-setup.js';
import { StandaloneHerder } from './standalone-herder.js';

export interface StandaloneOptions extends WorkerSetupOptions {
  /** Replaces the file offset store (tests). */
  offsetStore?: OffsetBackingStore;
  workerId?: string;
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
  const { registry, transformer, resolvedProps, clients, problems } = await setUpWorker(
    workerProps,
    mode,
    WORKER_CONFIG_DEF as unknown as ConfigDef<object>,
    options,
  );
  const checked = checkWorkerConfig(resolvedProps, mode);
  problems.push(...checked.problems);
  const { config } = checked;
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
