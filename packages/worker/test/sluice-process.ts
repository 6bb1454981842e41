import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runSluice as runFixtureSluice, type SluiceProcess } from '@sluice/test-fixtures';

export { type SluiceProcess, waitFor, writeProperties } from '@sluice/test-fixtures';

const here = dirname(fileURLToPath(import.meta.url));
/** The real `sluice` bin (run from dist: turbo builds before testing). */
export const SLUICE_BIN = resolve(here, '..', 'bin', 'sluice.js');

/** Runs `sluice <args>` in `cwd` (this build's bin). */
export function runSluice(
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
): SluiceProcess {
  return runFixtureSluice(SLUICE_BIN, args, cwd, env);
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
