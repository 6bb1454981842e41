import { ServiceError } from './service-error.js';
import {
  ensureServices,
  type ProgressEvent,
  serviceStatus,
  stopServices,
} from './service-manager.js';
import { serviceNames } from './service-registry.js';

const USAGE = `usage: sluice-services <command> [name...]

commands:
  up [name...]     install (once) and start services, or reuse running ones; all when no name
  down [name...]   stop services started by sluice-services or tests; all when no name
  status           show each service: running, stopped, or overridden by its env var

services: ${serviceNames().join(', ')}
env: SLUICE_CACHE_DIR (default ~/.cache/sluice), SLUICE_<NAME>_PORT pins a port,
     SLUICE_KAFKA_BROKERS, SLUICE_POSTGRES_URL, SLUICE_REDIS_URL ... use an existing server`;

/** Runs the `sluice-services` CLI; resolves to the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const names = rest.length > 0 ? rest : serviceNames();
  const write = (line: string) => process.stderr.write(`${line}\n`);
  const onProgress = ({ service, message }: ProgressEvent) => write(`[${service}] ${message}`);
  try {
    switch (command) {
      case 'up': {
        const started = Date.now();
        const resolved = await ensureServices(names, { onProgress });
        write(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
        // stdout carries only the variables, so `eval "$(sluice-services up kafka)"` works.
        for (const service of Object.values(resolved)) {
          for (const [key, value] of Object.entries(service.env)) {
            process.stdout.write(`${key}=${value}\n`);
          }
        }
        return 0;
      }
      case 'down':
        await stopServices(names, { onProgress });
        return 0;
      case 'status': {
        const rows = await serviceStatus(names);
        const table = rows.map((row) => [
          row.name,
          row.version,
          row.state === 'running'
            ? `running (pid ${row.pid})`
            : row.state === 'env'
              ? `from ${row.envVar}`
              : row.state,
          row.connection ?? '',
          row.logFile ?? '',
        ]);
        printTable([['service', 'version', 'state', 'connection', 'log'], ...table]);
        return 0;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        write(USAGE);
        return command === undefined ? 1 : 0;
      default:
        write(`unknown command "${command}"\n\n${USAGE}`);
        return 1;
    }
  } catch (error) {
    if (error instanceof AggregateError) {
      for (const inner of error.errors) write(describe(inner));
    } else {
      write(describe(error));
    }
    return 1;
  }
}

function describe(error: unknown): string {
  if (error instanceof ServiceError) return error.message;
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

function printTable(rows: readonly string[][]): void {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [i, cell] of row.entries()) widths[i] = Math.max(widths[i] ?? 0, cell.length);
  }
  for (const row of rows) {
    process.stdout.write(
      `${row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
}
