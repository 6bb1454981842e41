/** Resolves Debezium's PostgreSQL connector from Maven Central as a Kafka Connect plugin folder. */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from './cache-dir.js';
import { withFileLock } from './file-lock.js';
import { copyMavenDependencies } from './maven-dependencies.js';

/** The Debezium release the CDC source is compared with. */
export const DEBEZIUM_VERSION = '3.6.1.Final';

/**
 * Jars the Kafka Connect worker provides to its plugins (Debezium's distribution leaves them out
 * of its plugin archive too): loading a second copy in the plugin's class loader would clash.
 */
const PROVIDED = [
  /^connect-api-/,
  /^kafka-clients-/,
  /^slf4j-api-/,
  /^lz4-java-/,
  /^snappy-java-/,
  /^zstd-jni-/,
];

/** An installed Debezium connector: `pluginPath` is what the worker's `plugin.path` takes. */
export interface DebeziumInstall {
  readonly version: string;
  readonly pluginPath: string;
  readonly jarCount: number;
}

/**
 * Installs `io.debezium:debezium-connector-postgres:<version>` with its runtime dependencies into
 * `<cache>/debezium-postgres-<version>/plugins/debezium-connector-postgres`, once (a marker file
 * makes later calls instant; a lock file makes parallel callers wait for the first).
 */
export async function installDebeziumPostgres(
  progress: (line: string) => void = () => {},
): Promise<DebeziumInstall> {
  const root = cacheDir();
  const dir = join(root, `debezium-postgres-${DEBEZIUM_VERSION}`);
  const pluginPath = join(dir, 'plugins');
  const jars = join(pluginPath, 'debezium-connector-postgres');
  const complete = join(dir, '.complete');
  await mkdir(dir, { recursive: true });
  await withFileLock(join(root, `debezium-postgres-${DEBEZIUM_VERSION}.lock`), async () => {
    if (existsSync(complete)) return;
    progress(`resolving io.debezium:debezium-connector-postgres:${DEBEZIUM_VERSION} with mvn`);
    const started = Date.now();
    await mkdir(pluginPath, { recursive: true });
    await copyMavenDependencies({
      name: 'debezium-postgres',
      artifacts: [`io.debezium:debezium-connector-postgres:${DEBEZIUM_VERSION}`],
      dir,
      outputDir: jars,
      logFile: join(dir, 'install.log'),
      localRepository: join(root, 'maven-repository'),
    });
    for (const jar of await readdir(jars)) {
      if (PROVIDED.some((p) => p.test(jar))) await rm(join(jars, jar));
    }
    // The marker goes last so an interrupted install is redone rather than half-used.
    await writeFile(complete, `${new Date().toISOString()}\n`);
    progress(
      `Debezium ${DEBEZIUM_VERSION} resolved in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
  const jarCount = (await readdir(jars)).filter((f) => f.endsWith('.jar')).length;
  return { version: DEBEZIUM_VERSION, pluginPath, jarCount };
}
