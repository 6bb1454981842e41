import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { javaCommand } from '../java-toolchain.js';
import { copyMavenDependencies } from '../maven-dependencies.js';
import { runCommand } from '../run-command.js';
import type { ServiceDefinition } from '../service-definition.js';

const KAFKA_VERSION = '4.1.1';
// Kafka 4.x's own distribution puts log4j2 with the SLF4J 1.x bridge on the classpath
// (its poms pin slf4j-api 1.7.36); the version matches the log4j-core that kafka_2.13 pulls in.
const LOG4J_VERSION = '2.24.3';

/** Apache Kafka in KRaft mode (one combined broker+controller node) from Maven Central jars. */
export const kafka: ServiceDefinition = {
  name: 'kafka',
  version: KAFKA_VERSION,
  envVar: 'SLUICE_KAFKA_BROKERS',
  envExample: '127.0.0.1:9092',
  source: `org.apache.kafka:kafka_2.13:${KAFKA_VERSION} + log4j-slf4j-impl from Maven Central (mvn)`,
  readyTimeoutMs: 90_000,

  async install(ctx) {
    const libs = join(ctx.installDir, 'libs');
    const complete = join(libs, '.complete');
    if (existsSync(complete)) return;
    ctx.progress(`resolving kafka_2.13:${KAFKA_VERSION} jars with mvn`);
    await copyMavenDependencies({
      name: 'kafka-server',
      artifacts: [
        `org.apache.kafka:kafka_2.13:${KAFKA_VERSION}`,
        `org.apache.logging.log4j:log4j-slf4j-impl:${LOG4J_VERSION}`,
      ],
      dir: ctx.installDir,
      outputDir: libs,
      logFile: ctx.installLogFile,
      localRepository: join(ctx.cacheDir, 'maven-repository'),
    });
    await mkdir(join(ctx.installDir, 'config'), { recursive: true });
    await writeFile(join(ctx.installDir, 'config', 'log4j2.properties'), LOG4J2_PROPERTIES);
    // The marker goes last so an interrupted install is redone rather than half-used.
    await writeFile(complete, `${new Date().toISOString()}\n`);
  },

  async start(ctx) {
    const port = await ctx.port('main');
    const controllerPort = await ctx.port('controller');
    const properties = join(ctx.stateDir, 'server.properties');
    await writeFile(
      properties,
      serverProperties({ port, controllerPort, dataDir: join(ctx.stateDir, 'data') }),
    );
    await formatKafkaStorage(ctx.installDir, properties, ctx.logFile);
    const pid = ctx.spawnDaemon(
      javaCommand(),
      kafkaServerArgs({ installDir: ctx.installDir, logDir: ctx.stateDir, properties }),
    );
    return { connection: `127.0.0.1:${port}`, pid };
  },

  async checkReady(connection) {
    const admin = new Kafka({
      clientId: 'sluice-test-fixtures-ready',
      brokers: connection.split(','),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 2_000,
      requestTimeout: 5_000,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      // A metadata request answered by the broker: the controller quorum is up and it serves.
      await admin.listTopics();
    } finally {
      await admin.disconnect();
    }
  },
};

/**
 * A Kafka cluster id: 16 random bytes, base64url without padding (what `random-uuid` prints),
 * never starting with '-': `kafka-storage format -t -Abc…` would read it as an option.
 */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function log4jOption(installDir: string): string {
  return `-Dlog4j2.configurationFile=${join(installDir, 'config', 'log4j2.properties')}`;
}

/** Formats a fresh KRaft log dir (`kafka-storage.sh format`) with a new cluster id. */
export async function formatKafkaStorage(
  installDir: string,
  properties: string,
  logFile: string,
): Promise<void> {
  await runCommand(
    javaCommand(),
    [
      log4jOption(installDir),
      '-cp',
      `${join(installDir, 'libs')}/*`,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId(),
      '-c',
      properties,
    ],
    { logFile },
  );
}

/** How to run a Kafka server. */
export interface KafkaServerArgsInput {
  readonly installDir: string;
  /** Where Kafka writes its own log files (`kafka.logs.dir`). */
  readonly logDir: string;
  readonly properties: string;
  /** JVM heap options (default `-Xms512m -Xmx1g`). */
  readonly heap?: readonly string[];
}

/** The java arguments of `kafka-server-start.sh <properties>`. */
export function kafkaServerArgs(input: KafkaServerArgsInput): string[] {
  return [
    ...(input.heap ?? ['-Xms512m', '-Xmx1g']),
    // The JVM flags kafka-run-class.sh uses, minus GC logging.
    '-server',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:InitiatingHeapOccupancyPercent=35',
    '-XX:+ExplicitGCInvokesConcurrent',
    '-Djava.awt.headless=true',
    log4jOption(input.installDir),
    `-Dkafka.logs.dir=${input.logDir}`,
    '-cp',
    `${join(input.installDir, 'libs')}/*`,
    'kafka.Kafka',
    input.properties,
  ];
}

interface ServerPropertiesInput {
  readonly port: number;
  readonly controllerPort: number;
  readonly dataDir: string;
  /** The port in `advertised.listeners` (default: `port`). */
  readonly advertisedPort?: number;
}

/** Single-node KRaft settings: loopback only, replication 1, no rebalance delay. */
export function serverProperties({
  port,
  controllerPort,
  dataDir,
  advertisedPort = port,
}: ServerPropertiesInput): string {
  return `${[
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${advertisedPort}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Tests join groups constantly; the 3 s default delay would slow every one of them.
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=true',
    'delete.topic.enable=true',
    // Two cores on CI: keep the thread count modest.
    'num.network.threads=2',
    'num.io.threads=4',
  ].join('\n')}\n`;
}

const LOG4J2_PROPERTIES = `# Written by @sluice/test-fixtures: everything to stdout, which is the service log file.
status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.statechange.name = state.change.logger
logger.statechange.level = WARN
`;
