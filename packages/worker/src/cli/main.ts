import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  checkConnectorConfigs,
  createLogger,
  prepareStandalone,
  RestServer,
  RUNTIME_VERSION,
} from '@sluice/runtime';
import {
  type FileProblem,
  fileProblems,
  formatConfigReport,
  readConfigFiles,
} from './config-report.js';
import { runWorker } from './worker-run.js';

/** The worker package's folder: its dependencies are the bundled plugins. */
const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

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
(default http://0.0.0.0:8083).

Plugins: the worker's bundled packages, packages with a "sluice" manifest among the
dependencies of the current folder's package.json, and the worker's plugin.path folders.
Logs go to stderr: lines for people on a terminal, JSON lines otherwise; log.format=text|json
in the worker config (or SLUICE_LOG_FORMAT) forces one. SLUICE_LOG_LEVEL=debug shows more.
Stop with Ctrl-C (SIGINT) or SIGTERM: tasks drain, flush and commit their offsets.`;

interface StandaloneArgs {
  workerFile: string;
  connectorFiles: string[];
  progressSeconds: number;
}

class UsageError extends Error {}

function parseArgs(args: string[]): StandaloneArgs {
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
  return runWorker({
    log,
    herder: standalone.herder,
    rest: new RestServer({
      herder: standalone.herder,
      worker: standalone.worker,
      listeners: standalone.config.listeners,
      log,
    }),
    listenersSet: workerFile.props.listeners !== undefined,
    connectors: connectorFiles.map((f) => f.props),
    progressSeconds: args.progressSeconds,
    banner: 'Sluice standalone worker starting',
    versions: { version: VERSION, runtime: RUNTIME_VERSION },
  });
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
  if (command !== 'standalone') {
    console.error(command ? `Unknown command ${command}\n` : '');
    console.error(USAGE);
    return 2;
  }
  if (rest.includes('-h') || rest.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  let args: StandaloneArgs;
  try {
    args = parseArgs(rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${error.message}\n\n${USAGE}`);
    return 2;
  }
  return standalone(args);
}
