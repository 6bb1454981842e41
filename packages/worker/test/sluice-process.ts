import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export { writeProperties } from '@sluice/test-fixtures';

const here = dirname(fileURLToPath(import.meta.url));
/** The real `sluice` bin (run from dist: turbo builds before testing). */
export const SLUICE_BIN = resolve(here, '..', 'bin', 'sluice.js');

/** A running `sluice` child process with its output collected. */
export interface SluiceProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
}

/** Runs `sluice <args>` in `cwd`. */
export function runSluice(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): SluiceProcess {
  const child = spawn(process.execPath, [SLUICE_BIN, ...args], {
    cwd,
    env: { ...process.env, SLUICE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (c) => {
    out += String(c);
  });
  child.stderr?.on('data', (c) => {
    out += String(c);
  });
  const exited = new Promise<number | string>((r) =>
    child.on('exit', (code, signal) => r(code ?? signal ?? -1)),
  );
  return { child, output: () => out, exited };
}

export function workerProps(dir: string, brokers: string[]): Record<string, string> {
  return {
    'bootstrap.servers': brokers.join(','),
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'offset.storage.file.filename': join(dir, 'connect.offsets'),
    'offset.flush.interval.ms': '1000',
    // A killed worker's consumer leaves the group after this, so a restart rebalances soon.
    'consumer.session.timeout.ms': '10000',
    'consumer.heartbeat.interval.ms': '1000',
  };
}

/** Polls `check` until true, failing with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 240_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
