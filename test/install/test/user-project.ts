import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  ephemeralPort,
  kafkaBrokers,
  postgresUrl,
  sleep,
  stopProcessGroup,
  writeProperties,
} from '@sluice/test-fixtures';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';

/** The last lines of a log, for an error message. */
function tail(logFile: string, lines = 40): string {
  return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
}

/**
 * The environment of a user's shell: this process's, without what pnpm and npm add for the
 * script running the tests (`npm_config_*`, `npm_package_*`, `PNPM_*`), which would change how
 * the user's npm and pnpm behave; plus `extra`.
 */
export function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^(npm_|pnpm_)/i.test(key)) env[key] = value;
  return { ...env, ...extra };
}

/** Runs a command as a user would type it; on failure the error carries the end of its output. */
export async function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env: Record<string, string>; logFile: string },
): Promise<void> {
  const log = openSync(options.logFile, 'a');
  writeSync(log, `\n$ (${options.cwd}) ${command} ${args.join(' ')}\n`);
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: userEnv(options.env),
    stdio: ['ignore', log, log],
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 5 * 60_000);
  const [code, signal] = (await once(child, 'close')) as [number | null, string | null];
  clearTimeout(timer);
  closeSync(log);
  if (code !== 0)
    throw new Error(
      `\`${command} ${args.join(' ')}\` exited with ${code ?? signal}:\n${tail(options.logFile)}`,
    );
}

/**
 * The connector config of the README's "Use it" section (its first `properties` block), as a
 * user copies it: only the connection and the names are changed to the test's own.
 */
export function readmeSourceConfig(readme: string): Record<string, string> {
  const text = readFileSync(readme, 'utf8');
  const section = text.slice(text.indexOf('## Use it'));
  const block = /```properties\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error(`${readme} has no properties example under "## Use it"`);
  const props: Record<string, string> = {};
  for (const line of (block[1] as string).split('\n')) {
    const m = /^([^#=\s][^=]*)=(.*)$/.exec(line.trim());
    if (m) props[(m[1] as string).trim()] = (m[2] as string).trim();
  }
  return props;
}

/** Tables of one run of the README example, in a schema of their own. */
export interface ExampleData {
  readonly schema: string;
  readonly topicPrefix: string;
  /** The names put in the orders table, in order. */
  readonly orders: readonly string[];
}

/** Creates the README example's two tables (orders, customers) with a few rows. */
export async function createExampleTables(): Promise<ExampleData> {
  const id = randomBytes(4).toString('hex');
  const schema = `install_${id}`;
  const orders = ['first order', 'second order', 'third order'];
  const client = new pg.Client({ connectionString: postgresUrl() });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    for (const table of ['orders', 'customers'])
      await client.query(
        `CREATE TABLE ${schema}.${table} (id serial PRIMARY KEY, name text NOT NULL, updated_at timestamp NOT NULL DEFAULT now())`,
      );
    for (const name of orders)
      await client.query(`INSERT INTO ${schema}.orders (name) VALUES ($1)`, [name]);
    await client.query(`INSERT INTO ${schema}.customers (name) VALUES ('a customer')`);
  } finally {
    await client.end();
  }
  return { schema, topicPrefix: `install-${id}-`, orders };
}

/** Reads `count` values of a topic from the start, as strings. */
async function readValues(topic: string, count: number, timeoutMs: number): Promise<string[]> {
  const kafka = new Kafka({ brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  // The worker creates the topic (topic.creation.*): wait for it rather than auto-create it.
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (!(await admin.listTopics()).includes(topic)) {
      if (Date.now() > deadline) throw new Error(`the topic ${topic} was not created`);
      await sleep(500);
    }
  } finally {
    await admin.disconnect();
  }
  const consumer = kafka.consumer({ groupId: `${topic}-reader` });
  const values: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`${values.length} of ${count} records on ${topic} after ${timeoutMs} ms`),
          ),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ message }) => {
            values.push(message.value?.toString() ?? '');
            if (values.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return values;
}

/** How the user starts the worker in their project (`npx sluice`, `pnpm exec sluice`, ...). */
export interface WorkerCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
}

/** One run of `sluice standalone`: what it moved to Kafka, how it ended, what it logged. */
export interface PipelineRun {
  readonly values: string[];
  readonly exit: number | string;
  readonly log: string;
}

/**
 * Runs `sluice standalone` with one connector config until `count` records arrived on `topic`,
 * then stops it as Ctrl-C would. The worker writes JSON values (with schemas).
 */
export async function runPipeline(
  worker: WorkerCommand,
  connector: Record<string, string>,
  topic: string,
  count: number,
  dir: string,
): Promise<PipelineRun> {
  mkdirSync(dir, { recursive: true });
  const workerFile = await writeProperties(join(dir, 'worker.properties'), {
    'bootstrap.servers': kafkaBrokers().join(','),
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'offset.storage.file.filename': join(dir, 'connect.offsets'),
    'offset.flush.interval.ms': '1000',
    listeners: `http://127.0.0.1:${await ephemeralPort()}`,
  });
  const connectorFile = await writeProperties(join(dir, 'connector.properties'), {
    ...connector,
    'topic.creation.default.replication.factor': '1',
    'topic.creation.default.partitions': '1',
  });
  const logFile = join(dir, 'worker.log');
  const log = openSync(logFile, 'a');
  const child: ChildProcess = spawn(
    worker.command,
    [...worker.args, 'standalone', '--progress-interval', '0', workerFile, connectorFile],
    {
      cwd: worker.cwd,
      env: userEnv({ ...worker.env, SLUICE_LOG_FORMAT: 'text' }),
      stdio: ['ignore', log, log],
      detached: true,
    },
  );
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  try {
    const values = await Promise.race([
      readValues(topic, count, 90_000),
      exited.then((code) => {
        throw new Error(
          `the worker exited (${code}) before the records arrived:\n${tail(logFile)}`,
        );
      }),
    ]);
    // Ctrl-C: SIGINT to the whole foreground group (npx or pnpm, and the worker under it).
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
    const exit = await exited;
    // pnpm exits on the signal without waiting for its child: give the worker time to drain.
    const deadline = Date.now() + 60_000;
    while (!/Sluice worker stopped|exiting without waiting/.test(readFileSync(logFile, 'utf8'))) {
      if (Date.now() > deadline) break;
      await sleep(200);
    }
    return { values, exit, log: readFileSync(logFile, 'utf8') };
  } catch (error) {
    if (child.pid !== undefined) await stopProcessGroup(child.pid, 'SIGKILL', 5_000);
    throw error instanceof Error && !error.message.includes(logFile)
      ? new Error(`${error.message}\nworker output (${logFile}):\n${tail(logFile)}`)
      : error;
  }
}

/**
 * Runs the README's source example over the example tables until the orders arrive in Kafka;
 * the run's values are the orders' payloads.
 */
export async function runReadmePipeline(
  worker: WorkerCommand,
  readme: string,
  data: ExampleData,
  dir: string,
): Promise<PipelineRun & { payloads: unknown[] }> {
  const {
    'connection.user': _user,
    'connection.password': _password,
    ...example
  } = readmeSourceConfig(readme);
  const run = await runPipeline(
    worker,
    {
      ...example,
      'connection.url': postgresUrl(),
      'table.whitelist': `${data.schema}.orders,${data.schema}.customers`,
      'topic.prefix': data.topicPrefix,
    },
    `${data.topicPrefix}orders`,
    data.orders.length,
    dir,
  );
  return {
    ...run,
    payloads: run.values.map((v) => (JSON.parse(v) as { payload: unknown }).payload),
  };
}

/** TypeScript as this repository builds with (the user's project has its own; same major). */
export function tscPath(): string {
  return join(
    dirname(createRequire(import.meta.url).resolve('typescript/package.json')),
    'bin',
    'tsc',
  );
}

/**
 * Writes a TypeScript program using the installed packages' types, compiled as strictly as a user may:
 * `strict`, `exactOptionalPropertyTypes`, `noUncheckedIndexedAccess` and `skipLibCheck: false`,
 * so every published declaration file is type-checked.
 */
export function writeStrictConsumer(dir: string): void {
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
      },
      files: ['consumer.ts'],
    }),
  );
  writeFileSync(
    join(dir, 'consumer.ts'),
    `// Only what the project installed: under pnpm, @sluice/api (a peer of the connector) and
// @sluice/runtime are not importable from here, but their declarations are checked through these.
import {
  PostgresSinkConnector,
  PostgresSourceConnector,
  parseConnectionUrl,
  type SourceConfig,
} from '@sluice/connector-postgres';
import { USAGE } from '@sluice/worker';

const source = new PostgresSourceConnector();
const sink = new PostgresSinkConnector();
const version: string = sink.version();
const mode: SourceConfig['mode'] | undefined = undefined;
export const seen = [source.config(), version, mode, parseConnectionUrl, USAGE.length];
`,
  );
}
