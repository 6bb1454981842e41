import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A standalone worker in a process of its own (worker-process-main.ts). */
export interface WorkerProcess {
  readonly child: ChildProcess;
  /** What it printed so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Resolves once its connectors are created; rejects if it exits first. */
  readonly started: Promise<void>;
  /** SIGKILL: no flush, no commit, no acknowledgement. Resolves once it is gone. */
  kill(): Promise<void>;
}

const MAIN = fileURLToPath(new URL('./worker-process-main.js', import.meta.url));

/**
 * Starts a standalone worker process running `connectors` (name → config) with the worker
 * properties `worker`; `env` adds variables (SLUICE_LOG_LEVEL=info to see its log in `output`).
 */
export function startWorkerProcess(
  worker: Record<string, string>,
  connectors: Record<string, Record<string, string>>,
  env: Record<string, string> = {},
): WorkerProcess {
  const child = spawn(process.execPath, [MAIN], {
    env: { ...process.env, ...env, SLUICE_TEST_WORKER: JSON.stringify({ worker, connectors }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const started = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
      if (out.includes('started\n')) resolve();
    });
    child.stderr?.on('data', (chunk) => {
      out += String(chunk);
    });
    child.on('exit', (code, signal) =>
      reject(new Error(`worker exited (${code ?? signal}) before it started: ${out}`)),
    );
  });
  // Nobody may wait for `started` (a test that reads the log instead): no unhandled rejection.
  started.catch(() => {});
  return {
    child,
    output: () => out,
    started,
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Starts a worker process and waits until its connectors are created. */
export async function spawnWorkerProcess(
  worker: Record<string, string>,
  connectors: Record<string, Record<string, string>>,
  env: Record<string, string> = {},
): Promise<WorkerProcess> {
  const started = startWorkerProcess(worker, connectors, env);
  await started.started;
  return started;
}
