import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigException } from '@sluice/api';
import {
  advertisedUrl,
  connectorLogger,
  createDistributed,
  createLogger,
  createStandalone,
  type Logger,
  RestServer,
  RUNTIME_VERSION,
  readConfigFile,
  type StandaloneHerder,
  validateConnectorConfigs,
} from '@sluice/runtime';

export const DISTRIBUTED_USAGE = `Usage: sluice distributed [options] <worker.properties>

Runs a worker of a Connect cluster, as Kafka's connect-distributed: workers started with the same
group.id share the connectors and tasks and keep their configs, offsets and statuses in the
config.storage.topic, offset.storage.topic and status.storage.topic topics. Connectors are
created through the REST API of any worker.

Options:
  --progress-interval <seconds>  how often to log records moved per task (default 10, 0 = never)
  -h, --help                     show this help

Stop with Ctrl-C (SIGINT) or SIGTERM: the worker's tasks flush their offsets and move to the
other workers at once.`;

/** The worker package's folder: its dependencies are the bundled plugins. */
const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

const VERSION = (
  JSON.parse(readFileSync(resolve(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }
).version;

export const USAGE = `Usage: sluice standalone [options] <worker.properties> <connector.properties> [<connector.properties> ...]

Runs connectors in one process, as Kafka's connect-standalone: the worker config holds
bootstrap.servers, key.converter, value.converter and offset.storage.file.filename;
each connector config holds name, connector.class and the connector's own keys.
Config files are Java .properties files, or JSON (flat, or {"name": ..., "config": {...}}).

Options:
  --progress-interval <seconds>  how often to log records moved per task (default 10, 0 = never)
  -h, --help                     show this help
  -v, --version                  show the versions of the worker and the runtime

The REST API (Kafka Connect's paths and bodies) listens on the worker's listeners
(default http://0.0.0.0:8083).

Plugins: the worker's bundled packages, packages with a "sluice" manifest among the
dependencies of the current folder's package.json, and the worker's plugin.path folders.
Logs are JSON lines (pino) on stderr; set SLUICE_LOG_LEVEL=debug for more.
Stop with Ctrl-C (SIGINT) or SIGTERM: tasks drain, flush and commit their offsets.`;

interface StandaloneArgs {
  workerFile: string;
  connectorFiles: string[];
  progressSeconds: number;
}

class UsageError extends Error {}

function parseArgs(args: string[], mode: 'standalone' | 'distributed'): StandaloneArgs {
  const files: string[] = [];
  let progressSeconds = 10;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--progress-interval') {
      const value = Number(args[++i]);
      if (!Number.isFinite(value) || value < 0)
        throw new UsageError('--progress-interval needs a number of seconds');
      progressSeconds = value;
    } else if (arg.startsWith('-')) {
      throw new UsageError(`Unknown option ${arg}`);
    } else files.push(arg);
  }
  const [workerFile, ...connectorFiles] = files;
  if (!workerFile) throw new UsageError('Missing the worker config file');
  if (mode === 'distributed' && connectorFiles.length > 0)
    throw new UsageError(
      'sluice distributed takes one worker config file; create connectors through the REST API',
    );
  if (mode === 'standalone' && connectorFiles.length === 0)
    throw new UsageError('Missing connector config files');
  return { workerFile, connectorFiles, progressSeconds };
}

/** Prints a ConfigException with one line per problem. */
function printConfigError(what: string, error: ConfigException): void {
  console.error(`${what} is invalid:`);
  if (error.problems.length === 0) console.error(`  - ${error.message}`);
  for (const p of error.problems) console.error(`  - ${p.message}`);
}

function logProgress(
  herder: Pick<StandaloneHerder, 'connectorNames' | 'taskCounters'>,
  log: Logger,
): void {
  for (const name of herder.connectorNames()) {
    const failed = new Set(
      herder
        .connectorStatus(name)
        .tasks.filter((t) => t.state === 'FAILED')
        .map((t) => t.id),
    );
    for (const { id, counters } of herder.taskCounters(name)) {
      // A failed task moves nothing until it is restarted; its failure was logged with its trace.
      if (!counters || failed.has(id)) continue;
      connectorLogger(log, name, id).info(
        {
          recordsIn: counters.recordsIn,
          recordsOut: counters.recordsOut,
          recordsSkipped: counters.recordsSkipped,
          offsetCommits: counters.offsetCommits,
          lag: counters.lag,
        },
        `progress: ${counters.recordsOut} records moved${counters.lag === null ? '' : `, lag ${counters.lag}`}`,
      );
    }
  }
}

/**
 * Starts the REST API. A listener set in the worker config that cannot be bound stops the worker
 * (as Kafka Connect); when the default (port 8083) is taken the connectors still run, without REST,
 * and the error says how to choose another listener.
 */
async function startRest(rest: RestServer, explicit: boolean, log: Logger): Promise<string[]> {
  try {
    return await rest.start();
  } catch (error) {
    if (explicit) throw error;
    await rest.stop();
    log.error(
      { err: error },
      'the REST API could not listen on the default listener http://0.0.0.0:8083; running without it (set listeners=http://host:port in the worker config)',
    );
    return [];
  }
}

async function standalone(args: StandaloneArgs): Promise<number> {
  const log = createLogger();
  let workerProps: Record<string, string>;
  const connectorConfigs: Array<{ source: string; props: Record<string, string> }> = [];
  try {
    workerProps = await readConfigFile(args.workerFile);
    for (const file of args.connectorFiles) {
      connectorConfigs.push({ source: file, props: await readConfigFile(file) });
    }
  } catch (error) {
    console.error(`Cannot read a config file: ${(error as Error).message}`);
    return 1;
  }
  let herder: StandaloneHerder;
  let rest: RestServer;
  try {
    const standalone = await createStandalone(workerProps, {
      dependencyRoots: [PACKAGE_DIR, process.cwd()],
      log,
    });
    herder = standalone.herder;
    rest = new RestServer({
      herder,
      worker: standalone.worker,
      listeners: standalone.config.listeners,
      log,
    });
  } catch (error) {
    if (error instanceof ConfigException) {
      printConfigError(`The worker config ${args.workerFile}`, error);
      return 1;
    }
    throw error;
  }
  try {
    await validateConnectorConfigs(herder, connectorConfigs);
  } catch (error) {
    if (error instanceof ConfigException) {
      printConfigError('The connector configuration', error);
      return 1;
    }
    throw error;
  }

  let stopping: Promise<void> | null = null;
  const stop = (signal: string) => {
    if (stopping) {
      log.warn(`${signal} again: exiting without waiting for tasks`);
      process.exit(1);
    }
    log.info(`${signal} received: stopping (tasks drain, flush and commit their offsets)`);
    // No new REST requests while the connectors stop.
    stopping = rest
      .stop()
      .catch((e: unknown) => log.warn({ err: e }, 'stopping the REST API failed'))
      .then(() => herder.stop());
  };
  const stopped = new Promise<void>((resolveStopped) => {
    const onSignal = (signal: NodeJS.Signals) => {
      stop(signal);
      stopping?.then(resolveStopped, (e: unknown) => {
        log.error({ err: e }, 'shutdown failed');
        resolveStopped();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });

  log.info({ version: VERSION, runtime: RUNTIME_VERSION }, 'Sluice standalone worker starting');
  try {
    await herder.start();
    const urls = await startRest(rest, workerProps.listeners !== undefined, log);
    // Statuses name the worker by its advertised REST host:port, as Kafka's do.
    if (urls.length > 0) herder.workerId = new URL(advertisedUrl(workerProps, urls)).host;
    for (const { props } of connectorConfigs) {
      if (stopping) break;
      const name = props.name ?? '';
      await herder.putConnectorConfig(name, props, false);
      const status = herder.connectorStatus(name);
      connectorLogger(log, name).info(
        { state: status.connector.state, tasks: status.tasks.length },
        `connector ${name} created`,
      );
    }
  } catch (error) {
    if (!stopping) {
      log.error({ err: error }, 'the worker could not start');
      await rest.stop();
      await herder.stop();
      return 1;
    }
  }
  const progress =
    args.progressSeconds > 0
      ? setInterval(() => logProgress(herder, log), args.progressSeconds * 1000)
      : null;
  progress?.unref();
  await stopped;
  if (progress) clearInterval(progress);
  logProgress(herder, log);
  log.info('Sluice worker stopped');
  return 0;
}

/** Stops on SIGINT/SIGTERM (a second signal exits at once); resolves once `stop` finished. */
function stopOnSignal(log: Logger, stop: () => Promise<void>): Promise<void> {
  let stopping = false;
  return new Promise<void>((resolveStopped) => {
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) {
        log.warn(`${signal} again: exiting without waiting for tasks`);
        process.exit(1);
      }
      stopping = true;
      log.info(`${signal} received: stopping`);
      stop().then(resolveStopped, (e: unknown) => {
        log.error({ err: e }, 'shutdown failed');
        resolveStopped();
      });
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

async function distributed(args: StandaloneArgs): Promise<number> {
  const log = createLogger();
  let workerProps: Record<string, string>;
  try {
    workerProps = await readConfigFile(args.workerFile);
  } catch (error) {
    console.error(`Cannot read a config file: ${(error as Error).message}`);
    return 1;
  }
  let fatal: Error | null = null;
  let wake: () => void = () => {};
  const failed = new Promise<void>((resolve) => {
    wake = resolve;
  });
  let worker: Awaited<ReturnType<typeof createDistributed>>;
  try {
    worker = await createDistributed(workerProps, {
      dependencyRoots: [PACKAGE_DIR, process.cwd()],
      log,
      onFatal: (error) => {
        fatal = error;
        wake();
      },
    });
  } catch (error) {
    if (error instanceof ConfigException) {
      printConfigError(`The worker config ${args.workerFile}`, error);
      return 1;
    }
    throw error;
  }
  log.info({ version: VERSION, runtime: RUNTIME_VERSION }, 'Sluice distributed worker starting');
  const stopped = stopOnSignal(log, () => worker.stop());
  try {
    const url = await worker.start();
    log.info(
      { url, groupId: worker.config.groupId },
      `worker ${url} started; it joins the Connect cluster ${worker.config.groupId}`,
    );
  } catch (error) {
    log.error({ err: error }, 'the worker could not start');
    await worker.stop().catch(() => {});
    return 1;
  }
  const progress =
    args.progressSeconds > 0
      ? setInterval(() => logProgress(worker.herder, log), args.progressSeconds * 1000)
      : null;
  progress?.unref();
  await Promise.race([stopped, failed]);
  if (progress) clearInterval(progress);
  if (fatal) {
    console.error(`The worker stopped: ${(fatal as Error).message}`);
    await worker.stop().catch(() => {});
    return 1;
  }
  log.info('Sluice worker stopped');
  return 0;
}

/** Runs the `sluice` command; resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (command === '-v' || command === '--version') {
    console.log(`sluice ${VERSION} (@sluice/runtime ${RUNTIME_VERSION})`);
    return 0;
  }
  if (command !== 'standalone' && command !== 'distributed') {
    console.error(command ? `Unknown command ${command}\n` : '');
    console.error(`${USAGE}\n\n${DISTRIBUTED_USAGE}`);
    return 2;
  }
  const usage = command === 'standalone' ? USAGE : DISTRIBUTED_USAGE;
  if (rest.includes('-h') || rest.includes('--help')) {
    console.log(usage);
    return 0;
  }
  let args: StandaloneArgs;
  try {
    args = parseArgs(rest, command);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${usage}`);
    return 2;
  }
  return command === 'standalone' ? standalone(args) : distributed(args);
}
