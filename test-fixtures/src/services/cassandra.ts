import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import cassandraDriver from 'cassandra-driver';
import { javaCommand } from '../java-toolchain.js';
import { copyMavenDependencies } from '../maven-dependencies.js';
import type { ServiceDefinition } from '../service-definition.js';

const CASSANDRA_VERSION = '5.0.9';

/** Apache Cassandra, one node, from the cassandra-all jar and its runtime deps on Maven Central. */
export const cassandra: ServiceDefinition = {
  name: 'cassandra',
  version: CASSANDRA_VERSION,
  envVar: 'SLUICE_CASSANDRA_CONTACT_POINTS',
  envExample: '127.0.0.1:9042',
  source: `org.apache.cassandra:cassandra-all:${CASSANDRA_VERSION} and its runtime deps from Maven Central (mvn)`,
  // A JVM booting Cassandra on two busy cores: usually ~15 s, slower under load.
  readyTimeoutMs: 120_000,

  async install(ctx) {
    const libs = join(ctx.installDir, 'libs');
    const complete = join(libs, '.complete');
    if (existsSync(complete)) return;
    ctx.progress(`resolving cassandra-all:${CASSANDRA_VERSION} jars with mvn`);
    await copyMavenDependencies({
      name: 'cassandra-server',
      artifacts: [`org.apache.cassandra:cassandra-all:${CASSANDRA_VERSION}`],
      dir: ctx.installDir,
      outputDir: libs,
      logFile: ctx.installLogFile,
      localRepository: join(ctx.cacheDir, 'maven-repository'),
    });
    await mkdir(join(ctx.installDir, 'config'), { recursive: true });
    await writeFile(join(ctx.installDir, 'config', 'logback.xml'), LOGBACK_XML);
    // The marker goes last so an interrupted install is redone rather than half-used.
    await writeFile(complete, `${new Date().toISOString()}\n`);
  },

  async start(ctx) {
    const port = await ctx.port('main');
    const storagePort = await ctx.port('storage');
    const dataDir = join(ctx.stateDir, 'data');
    await mkdir(dataDir, { recursive: true });
    const yaml = join(ctx.stateDir, 'cassandra.yaml');
    await writeFile(yaml, cassandraYaml({ port, storagePort, dataDir }));
    const pid = ctx.spawnDaemon(
      javaCommand(),
      await cassandraServerArgs({
        installDir: ctx.installDir,
        yaml,
        dataDir,
        logDir: ctx.stateDir,
      }),
    );
    return { connection: `127.0.0.1:${port}`, pid };
  },

  checkReady: checkCassandraReady,
};

/** Where a Cassandra node keeps its config, data and logs. */
export interface CassandraServerPaths {
  /** The install folder (`<cache>/cassandra-<version>`, with `libs/` and `config/`). */
  readonly installDir: string;
  readonly yaml: string;
  readonly dataDir: string;
  readonly logDir: string;
  /**
   * Keep every acknowledged write and the system tables through a kill -9 (fsyncs on). Off for
   * the shared node, whose test data is thrown away.
   */
  readonly durable?: boolean;
}

/** The JVM arguments that run one Cassandra node from the installed jars. */
export async function cassandraServerArgs(paths: CassandraServerPaths): Promise<string[]> {
  const libs = join(paths.installDir, 'libs');
  const jamm = (await readdir(libs)).find((file) => /^jamm-.*\.jar$/.test(file));
  return [
    '-Xms512m',
    '-Xmx1g',
    '-Xss256k',
    '-XX:+ExitOnOutOfMemoryError',
    ...JVM17_SERVER_OPTIONS,
    // cassandra-env.sh loads jamm as an agent: it measures memtable sizes with it.
    ...(jamm === undefined ? [] : [`-javaagent:${join(libs, jamm)}`]),
    '-Djava.net.preferIPv4Stack=true',
    '-Dcassandra-foreground=yes',
    `-Dcassandra.config=file://${paths.yaml}`,
    `-Dcassandra.storagedir=${paths.dataDir}`,
    `-Dcassandra.logdir=${paths.logDir}`,
    `-Dlogback.configurationFile=${join(paths.installDir, 'config', 'logback.xml')}`,
    // Fast start for a single throwaway node: nothing to gossip with, nobody to wait for.
    '-Dcassandra.skip_wait_for_gossip_to_settle=0',
    '-Dcassandra.ring_delay_ms=100',
    '-Dcassandra.superuser_setup_delay_ms=0',
    '-Dcassandra.auto_bootstrap=false',
    '-Dcassandra.initial_token=0',
    // A durable node (commitlog_sync: batch) syncs each write before acknowledging it, so a
    // kill -9 can only tear the commit log's last, unacknowledged section; Cassandra refuses to
    // start on a torn section ("bad header") unless told to skip it. A throwaway node skips
    // fsyncs and system-table flushes instead.
    ...(paths.durable
      ? ['-Dcassandra.commitlog.ignorereplayerrors=true']
      : ['-Dcassandra.skip_sync=true', '-Dcassandra.unsafesystem=true']),
    '-cp',
    `${libs}/*`,
    'org.apache.cassandra.service.CassandraDaemon',
  ];
}

/** One real request to a node: connect and read its release version. */
export async function checkCassandraReady(connection: string): Promise<void> {
  const client = new cassandraDriver.Client({
    contactPoints: connection.split(','),
    localDataCenter: 'datacenter1',
    socketOptions: { connectTimeout: 2_000, readTimeout: 5_000 },
    // One attempt per check: the framework does the retrying.
    policies: {
      reconnection: new cassandraDriver.policies.reconnection.ConstantReconnectionPolicy(60_000),
    },
  });
  try {
    await client.connect();
    await client.execute('SELECT release_version FROM system.local');
  } finally {
    await client.shutdown();
  }
}

// conf/jvm17-server.options of Cassandra 5.0: its G1 settings, the JPMS exports/opens
// it needs on Java 17, and its Netty properties.
const JVM17_SERVER_OPTIONS = [
  '-XX:+UseG1GC',
  '-XX:+ParallelRefProcEnabled',
  '-XX:MaxTenuringThreshold=1',
  '-XX:G1HeapRegionSize=16m',
  '-XX:G1RSetUpdatingPauseTimePercent=5',
  '-XX:MaxGCPauseMillis=300',
  '-XX:InitiatingHeapOccupancyPercent=70',
  '-Djdk.attach.allowAttachSelf=true',
  '--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED',
  '--add-exports=java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED',
  '--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED',
  '--add-exports=java.rmi/sun.rmi.server=ALL-UNNAMED',
  '--add-exports=java.sql/java.sql=ALL-UNNAMED',
  '--add-exports=java.base/java.lang.ref=ALL-UNNAMED',
  '--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED',
  '--add-exports=jdk.attach/sun.tools.attach=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.module=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.loader=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.reflect=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.math=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.module=ALL-UNNAMED',
  '--add-opens=java.base/jdk.internal.util.jar=ALL-UNNAMED',
  '--add-opens=jdk.management/com.sun.management.internal=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.reflect=ALL-UNNAMED',
  '--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=java.base/java.util=ALL-UNNAMED',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '-Dio.netty.allocator.useCacheForAllThreads=true',
  '-Dio.netty.allocator.maxOrder=11',
];

interface CassandraYamlInput {
  readonly port: number;
  readonly storagePort: number;
  readonly dataDir: string;
  /** Sync the commit log before acknowledging each write, not every 10 s (see `durable` above). */
  readonly durable?: boolean;
}

/** A single loopback node: one token, no auth, small memtables and caches, no snapshots. */
export function cassandraYaml({ port, storagePort, dataDir, durable }: CassandraYamlInput): string {
  return `# Written by @sluice/test-fixtures for a single throwaway test node.
cluster_name: sluice-test
num_tokens: 1
partitioner: org.apache.cassandra.dht.Murmur3Partitioner
endpoint_snitch: SimpleSnitch
seed_provider:
  - class_name: org.apache.cassandra.locator.SimpleSeedProvider
    parameters:
      - seeds: "127.0.0.1:${storagePort}"
listen_address: 127.0.0.1
rpc_address: 127.0.0.1
storage_port: ${storagePort}
native_transport_port: ${port}
start_native_transport: true
authenticator: AllowAllAuthenticator
authorizer: AllowAllAuthorizer
role_manager: CassandraRoleManager
data_file_directories:
  - ${join(dataDir, 'data')}
commitlog_directory: ${join(dataDir, 'commitlog')}
saved_caches_directory: ${join(dataDir, 'saved_caches')}
hints_directory: ${join(dataDir, 'hints')}
cdc_raw_directory: ${join(dataDir, 'cdc_raw')}
${durable ? 'commitlog_sync: batch' : 'commitlog_sync: periodic\ncommitlog_sync_period: 10000ms'}
commitlog_segment_size: 8MiB
memtable_heap_space: 64MiB
memtable_offheap_space: 64MiB
key_cache_size: 8MiB
counter_cache_size: 0MiB
concurrent_reads: 8
concurrent_writes: 8
concurrent_counter_writes: 8
concurrent_compactors: 1
auto_snapshot: false
snapshot_on_duplicate_row_detection: false
incremental_backups: false
dynamic_snitch: false
hinted_handoff_enabled: false
materialized_views_enabled: true
sasi_indexes_enabled: true
user_defined_functions_enabled: true
`;
}

const LOGBACK_XML = `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by @sluice/test-fixtures: INFO and above to stdout, which is the service log file. -->
<configuration>
  <appender name="STDOUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder>
      <pattern>%-5level [%thread] %date{ISO8601} %F:%L - %msg%n</pattern>
    </encoder>
  </appender>
  <root level="INFO">
    <appender-ref ref="STDOUT" />
  </root>
</configuration>
`;
