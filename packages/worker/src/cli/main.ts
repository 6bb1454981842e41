import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigException } from '@sluice/api';
import {
  advertisedUrl,
  checkConnectorConfigs,
  createDistributed,
  createLogger,
  type Logger,
  prepareStandalone,
  RestServer,
  RUNTIME_VERSION,
  type WorkerConfig,
} from '@sluice/runtime';
import {
  type FileProblem,
  fileProblems,
  formatConfigReport,
  readConfigFiles,
} from './config-report.js';
import { runWorker, startRest } from './worker-run.js';

/** The worker package's folder: its dependencies are the bundled plugins. */
const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The web console served at /ui, built with the package (scripts/build-console.mjs). */
const CONSOLE_DIR = resolve(PACKAGE_DIR, 'dist', 'console');

const VERSION = (
  JSON.parse(readFileSync(resolve(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }
).version;

export const USAGE = `Usage: sluice standalone [options] <worker.properties> [<connector.properties> ...]

Runs connectors in one process, as Kafka's connect-standalone: the worker config holds
bootstrap.servers, key.converter, value.converter and offset.storage.file.filename;
each connector config holds name, connector.class and the connector's own keys. Without
connector configs the worker starts empty: create connectors through the REST API.
Config files are Java .properties files, or JSON (flat, or {"name": ..., "config": {...}}).
Every problem of every file is reported at once, before anything starts.

Options:
  --progress-interval <seconds>  how often to log records moved per task (default 10, 0 = never)
  -h, --help                     show this help
  -v, --version                  show the versions of the worker and the runtime

The REST API (Kafka Connect's paths and bodies) listens on the worker's listeners
(default http://127.0.0.1:8083: this machine only; listeners=http://0.0.0.0:8083 serves others).

Plugins: the worker's bundled packages, packages with a "sluice" manifest among the
dependencies of the current folder's package.json or installed beside the worker (a global
install), and the worker's plugin.path folders; of a package found twice, the highest version.
Logs go to stderr: lines for people on a terminal, JSON lines otherwise; log.format=text|json
in the worker config (or SLUICE_LOG_FORMAT) forces one. SLUICE_LOG_LEVEL=debug shows more.
Stop with Ctrl-C (SIGINT) or SIGTERM: tasks drain, flush and commit their offsets.`;

export const DISTRIBUTED_USAGE = `Usage: sluice distributed [options] <worker.properties>

Runs a worker of a Connect cluster, as Kafka's connect-distributed: workers started with the
same group.id share the connectors and tasks, and keep connector configs, source offsets and
statuses in the topics config.storage.topic, offset.storage.topic and status.storage.topic
(created compacted when missing). Create connectors through the REST API of any worker.

Options:
  --progress-interval <seconds>  how often to log records moved per task (default 10, 0 = never)
  -h, --help                     show this help

Stop with Ctrl-C (SIGINT) or SIGTERM: the worker's tasks flush their offsets and move to the
other workers at once.`;

interface StandaloneArgs {
  workerFile: string;
  connectorFiles: string[];
  progressSeconds: number;
}

class UsageError extends Error {}

function parseArgs(args: string[], command: 'standalone' | 'distributed'): StandaloneArgs {
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
  if (command === 'distributed' && connectorFiles.length > 0)
    throw new UsageError(
      'sluice distributed takes one worker config file; create connectors through the REST API',
    );
  return { workerFile, connectorFiles, progressSeconds };
}

/** Prints the report of every config problem; returns the exit code for invalid configs. */
function reportProblems(problems: readonly FileProblem[]): number {
  console.error(formatConfigReport(problems));
  return 1;
}

async function standalone(args: StandaloneArgs): Promise<number> {
  const read = await readConfigFiles([args.workerFile, ...args.connectorFiles]);
  const [workerFile, ...connectorFiles] = read.files;
  // Without every file, the others cannot be checked against the worker config.
  if (read.problems.length > 0 || !workerFile) {
    return reportProblems([...read.problems, ...read.files.flatMap((f) => fileProblems(f, []))]);
  }
  const log = createLogger({ format: workerFile.props['log.format'] ?? null });
  const { standalone, problems } = await prepareStandalone(workerFile.props, {
    dependencyRoots: [PACKAGE_DIR, process.cwd()],
    log,
  });
  const connectorProblems = await checkConnectorConfigs(
    standalone.herder,
    connectorFiles.map((f) => ({ source: f.path, props: f.props })),
  );
  const report = [
    ...fileProblems(workerFile, problems),
    ...connectorFiles.flatMap((f) =>
      fileProblems(
        f,
        connectorProblems.filter((p) => p.source === f.path),
        f.props.name,
      ),
    ),
  ];
  if (report.length > 0) return reportProblems(report);
  const { herder } = standalone;
  const rest = new RestServer({
    herder,
    worker: standalone.worker,
    listeners: standalone.config.listeners,
    log,
    uiDir: CONSOLE_DIR,
  });
  return runWorker({
    log,
    herder,
    async start() {
      await herder.start();
      const urls = await startRest(rest, workerFile.props.listeners !== undefined, log);
      // Statuses name the worker by its advertised REST host:port, as Kafka's do.
      if (urls.length === 0) return;
      const url = advertisedUrl(workerFile.props, urls);
      herder.workerId = new URL(url).host;
      logConsole(log, standalone.config, url);
    },
    async stop() {
      // No new REST requests while the connectors stop.
      await rest.stop().catch((e: unknown) => log.warn({ err: e }, 'stopping the REST API failed'));
      await herder.stop();
    },
    connectors: connectorFiles.map((f) => f.props),
    progressSeconds: args.progressSeconds,
    banner: 'Sluice standalone worker starting',
    versions: { version: VERSION, runtime: RUNTIME_VERSION },
  });
}

async function distributed(args: StandaloneArgs): Promise<number> {
  const read = await readConfigFiles([args.workerFile]);
  const [workerFile] = read.files;
  if (read.problems.length > 0 || !workerFile) {
    return reportProblems([...read.problems, ...read.files.flatMap((f) => fileProblems(f, []))]);
  }
  const log = createLogger({ format: workerFile.props['log.format'] ?? null });
  let fail: (error: Error) => void = () => {};
  const failed = new Promise<Error>((resolve) => {
    fail = resolve;
  });
  let worker: Awaited<ReturnType<typeof createDistributed>>;
  try {
    worker = await createDistributed(workerFile.props, {
      dependencyRoots: [PACKAGE_DIR, process.cwd()],
      log,
      uiDir: CONSOLE_DIR,
      onFatal: (error) => fail(error),
    });
  } catch (error) {
    if (!(error instanceof ConfigException)) throw error;
    return reportProblems(fileProblems(workerFile, [...error.problems]));
  }
  return runWorker({
    log,
    herder: worker.herder,
    async start() {
      const url = await worker.start();
      log.info(
        { url, groupId: worker.config.groupId },
        `worker ${url} started; it joins the Connect cluster ${worker.config.groupId}`,
      );
      logConsole(log, worker.config, url);
    },
    stop: () => worker.stop(),
    failed,
    connectors: [],
    progressSeconds: args.progressSeconds,
    banner: 'Sluice distributed worker starting',
    versions: { version: VERSION, runtime: RUNTIME_VERSION },
  });
}

/** Says where the web console is, unless `rest.ui.enable=false`. */
function logConsole(log: Logger, config: WorkerConfig, url: string): void {
  if (config.restUiEnable) log.info({ console: `${url}/ui` }, `web console at ${url}/ui`);
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
