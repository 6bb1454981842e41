import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ConnectorStateInfo,
  createLogger,
  createStandalone,
  type StandaloneHerder,
} from '@sluice/runtime';

/** What every suite needs to run a connector: where its plugins are, and the Kafka to use. */
export interface ConnectorUnderTest {
  /** `connector.class`: the plugin name, qualified name or alias. */
  readonly connectorClass: string;
  /** Folders for `plugin.path`: the connector's own package (and any plugin it needs). */
  readonly pluginPath: readonly string[];
  /** The Kafka bootstrap servers (`kafkaBrokers()` of @sluice/test-fixtures in this repo). */
  readonly brokers: () => readonly string[];
}

/** Unique names for one test: topics, connector names and markers never collide between runs. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Waits until `check` holds (tried every `intervalMs`), or fails naming `what`. */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The failed parts of a connector (its trace each), to put in an assertion message. */
export function failures(status: ConnectorStateInfo): string[] {
  return [status.connector, ...status.tasks]
    .filter((s) => s.state === 'FAILED')
    .map((s) => s.trace ?? 'FAILED');
}

/**
 * A standalone worker of the real runtime, as `sluice standalone` builds it: converters are
 * strings, so the suites can read and write plain values; the offsets file lives in `dir` and
 * survives `stop()`, so the next worker on the same `dir` resumes from it.
 */
export class KitWorker {
  private constructor(
    readonly herder: StandaloneHerder,
    readonly dir: string,
  ) {}

  /** Starts a worker; `dir` (a new temporary folder by default) holds its offsets. */
  static async start(connector: ConnectorUnderTest, dir?: string): Promise<KitWorker> {
    const folder = dir ?? (await mkdtemp(join(tmpdir(), 'sluice-testkit-')));
    const { herder } = await createStandalone(
      {
        'bootstrap.servers': connector.brokers().join(','),
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'offset.storage.file.filename': join(folder, 'connect.offsets'),
        'offset.flush.interval.ms': '500',
        'plugin.path': connector.pluginPath.join(','),
      },
      { log: createLogger({ level: process.env.SLUICE_LOG_LEVEL ?? 'error' }) },
    );
    await herder.start();
    return new KitWorker(herder, folder);
  }

  /**
   * Creates a connector (or replaces its config, as a REST `PUT` does: the herder stops it and
   * reads its task configs again) and waits until it and `tasks` tasks (any number by default)
   * run, or fails with their traces.
   */
  async run(
    name: string,
    connector: ConnectorUnderTest,
    config: Record<string, string>,
    options: { replace?: boolean; tasks?: number } = {},
  ) {
    await this.herder.putConnectorConfig(
      name,
      { ...config, name, 'connector.class': connector.connectorClass },
      options.replace ?? false,
    );
    const count = options.tasks === undefined ? 'its tasks' : `${options.tasks} tasks`;
    await waitFor(`${name} and ${count} RUNNING`, () => {
      const status = this.herder.connectorStatus(name);
      const failed = failures(status);
      if (failed.length > 0) throw new Error(`${name} failed:\n${failed.join('\n')}`);
      return (
        status.connector.state === 'RUNNING' &&
        status.tasks.length > 0 &&
        (options.tasks === undefined || status.tasks.length === options.tasks) &&
        status.tasks.every((t) => t.state === 'RUNNING')
      );
    });
  }

  private stopped: Promise<void> | null = null;

  /** Stops the worker gracefully (tasks flush and commit their offsets); once. */
  stop(): Promise<void> {
    this.stopped ??= this.herder.stop();
    return this.stopped;
  }

  /** Stops the worker; true when the stop ended within `ms` (30 s), false when still stopping. */
  async stopsWithin(ms = 30_000): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([this.stop().then(() => true as const), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Removes the worker's folder (after the last worker on it stopped). */
  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}
