/**
 * A private single-node Kafka for one test that must stop and restart its broker (the shared
 * test-fixtures Kafka serves every other test running at the same time, so it is never touched).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheDir, installDir, runDir } from './cache-dir.js';
import { withFileLock } from './file-lock.js';
import { ephemeralPort } from './free-port.js';
import { javaCommand } from './java-toolchain.js';
import { runPaths } from './run-state.js';
import { formatKafkaStorage, kafka, kafkaServerArgs, serverProperties } from './services/kafka.js';
import { waitUntilReady } from './wait-until-ready.js';

/** Options of {@link startKafkaBroker}. */
export interface KafkaBrokerOptions {
  /** The broker's folder (config, data, `kafka.log`); a new temp folder by default. */
  readonly dir?: string;
  /** JVM heap options (default `-Xms256m -Xmx512m`: a test broker holds little). */
  readonly heap?: readonly string[];
  /** The client port (default: a free one). */
  readonly port?: number;
  /**
   * The port clients are told to connect to (default: the client port): a {@link FaultProxy}'s,
   * so that every connection, not only the bootstrap one, goes through the proxy.
   */
  readonly advertisedPort?: number;
}

/** A broker process of its own: stop it (gracefully or kill -9) and start it again on the same port and log dir. */
export interface KafkaBroker {
  /** Bootstrap servers (one loopback address; it stays the same across restarts). */
  readonly brokers: string[];
  readonly dir: string;
  /** The broker's stdout/stderr. */
  readonly logFile: string;
  /** True while the broker process runs. */
  readonly running: boolean;
  /** Starts the broker again (same port, same data) and resolves once it answers. */
  start(): Promise<void>;
  /** SIGTERM (controlled shutdown) or SIGKILL; resolves once the process is gone. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;

class BrokerProcess implements KafkaBroker {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private exitReason: string | undefined;
  private readonly killOnExit = () => this.child?.kill('SIGKILL');

  constructor(
    readonly dir: string,
    readonly brokers: string[],
    private readonly args: string[],
  ) {}

  get logFile(): string {
    return join(this.dir, 'kafka.log');
  }

  get running(): boolean {
    return this.child !== null && this.exitReason === undefined;
  }

  async start(): Promise<void> {
    if (this.running) throw new Error(`the broker ${this.brokers[0]} is already running`);
    const out = openSync(this.logFile, 'a');
    const child = spawn(javaCommand(), this.args, { stdio: ['ignore', out, out] });
    this.child = child;
    this.exitReason = undefined;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exitReason = `exited with ${code ?? signal}`;
        resolve();
      });
      child.once('error', (error) => {
        this.exitReason = `could not start: ${error.message}`;
        resolve();
      });
    });
    // A test that ends without stopping its broker must not leave a JVM behind.
    process.once('exit', this.killOnExit);
    await waitUntilReady(() => kafka.checkReady(this.brokers.join(','), {}), {
      timeoutMs: READY_TIMEOUT_MS,
      abortReason: () => this.exitReason && `the broker ${this.exitReason}; see ${this.logFile}`,
    });
  }

  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    if (!this.running) return;
    this.child?.kill(signal);
    await this.exited;
    process.off('exit', this.killOnExit);
  }
}

/**
 * Installs Kafka as the shared service does (a no-op once cached), writes a single-node KRaft
 * config with free ports into its own folder, formats it and starts the broker; resolves once it
 * answers. Stop it with `stop()` when the test ends.
 */
export async function startKafkaBroker(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const root = cacheDir();
  const install = installDir(kafka.name, kafka.version, root);
  const run = runDir(root);
  const paths = runPaths(kafka.name, run);
  await mkdir(install, { recursive: true });
  await mkdir(run, { recursive: true });
  // The service's lock: an install racing the shared service's would run mvn twice.
  await withFileLock(paths.lockFile, () =>
    kafka.install({
      installDir: install,
      cacheDir: root,
      installLogFile: paths.installLogFile,
      progress: () => {},
    }),
  );
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'sluice-kafka-')));
  await mkdir(dir, { recursive: true });
  const port = options.port ?? (await ephemeralPort());
  let controllerPort = await ephemeralPort();
  while (controllerPort === port) controllerPort = await ephemeralPort();
  const properties = join(dir, 'server.properties');
  await writeFile(
    properties,
    serverProperties({
      port,
      controllerPort,
      dataDir: join(dir, 'data'),
      advertisedPort: options.advertisedPort ?? port,
    }),
  );
  const broker = new BrokerProcess(
    dir,
    [`127.0.0.1:${options.advertisedPort ?? port}`],
    kafkaServerArgs({
      installDir: install,
      logDir: dir,
      properties,
      heap: options.heap ?? ['-Xms256m', '-Xmx512m'],
    }),
  );
  await formatKafkaStorage(install, properties, broker.logFile);
  await broker.start();
  return broker;
}
