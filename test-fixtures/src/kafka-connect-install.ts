/** Resolves Apache Kafka Connect (standalone worker + file/json/transforms plugins) from Maven Central. */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cacheDir } from './cache-dir.js';
import { withFileLock } from './file-lock.js';
import { copyMavenDependencies } from './maven-dependencies.js';
import { kafka } from './services/kafka.js';

/** What Kafka Connect's launcher scripts put on the classpath besides the connect jars. */
const LOG4J_VERSION = '2.24.3';
const ARTIFACTS = ['connect-runtime', 'connect-file', 'connect-json', 'connect-transforms'];

/** An installed Kafka Connect: its version, `-cp` value and log4j2 config. */
export interface KafkaConnectInstall {
  readonly version: string;
  readonly dir: string;
  readonly classpath: string;
  readonly log4jConfig: string;
  readonly jarCount: number;
}

/**
 * Installs Apache Kafka Connect at the version the test-fixtures Kafka runs, into
 * `<cache>/kafka-connect-<version>/libs`, once (a marker file makes later calls instant;
 * a lock file makes parallel callers wait for the first).
 */
export async function installKafkaConnect(
  progress: (line: string) => void = () => {},
): Promise<KafkaConnectInstall> {
  const version = kafka.version;
  const root = cacheDir();
  const dir = join(root, `kafka-connect-${version}`);
  const libs = join(dir, 'libs');
  const complete = join(libs, '.complete');
  const log4jConfig = join(dir, 'config', 'log4j2.properties');
  await mkdir(dir, { recursive: true });
  await withFileLock(join(root, `kafka-connect-${version}.lock`), async () => {
    if (existsSync(complete)) return;
    progress(`resolving connect-runtime/file/json/transforms ${version} jars with mvn`);
    const started = Date.now();
    await copyMavenDependencies({
      name: 'kafka-connect',
      artifacts: [
        ...ARTIFACTS.map((artifact) => `org.apache.kafka:${artifact}:${version}`),
        `org.apache.logging.log4j:log4j-slf4j-impl:${LOG4J_VERSION}`,
        `org.apache.logging.log4j:log4j-core:${LOG4J_VERSION}`,
      ],
      dir,
      outputDir: libs,
      logFile: join(dir, 'install.log'),
      localRepository: join(root, 'maven-repository'),
    });
    await mkdir(join(dir, 'config'), { recursive: true });
    await writeFile(log4jConfig, LOG4J2_PROPERTIES);
    // The marker goes last so an interrupted install is redone rather than half-used.
    await writeFile(complete, `${new Date().toISOString()}\n`);
    progress(
      `Kafka Connect ${version} resolved in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });
  const jarCount = (await readdir(libs)).filter((f) => f.endsWith('.jar')).length;
  return { version, dir, classpath: `${libs}/*`, log4jConfig, jarCount };
}

// Kafka's config/connect-log4j2.yaml in short: INFO to stdout (here the worker's log file),
// with the chatty reflections scanner turned down as the distribution does.
const LOG4J2_PROPERTIES = `# Written by @sluice/test-fixtures
status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %X{connector.context}%m (%c:%L)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.reflections.name = org.reflections
logger.reflections.level = ERROR
`;
