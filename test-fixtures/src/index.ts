export { cacheDir, installDir, runDir } from './cache-dir.js';
export { CHROMIUM_PATH, type ChromiumLaunch, ensureChromium } from './chromium.js';
export {
  connectSchema,
  connectValue,
  type SchemaWithValue,
  schemaWithValue,
} from './connect-arbitraries.js';
export {
  CONNECT_VALUES_JAVA_DIR,
  type ConnectTypedValues,
  connectTypedValues,
  f32,
  f64,
  type TypedValue,
  type TypedValueOptions,
  type VectorSchema,
} from './connect-typed-values.js';
export {
  rssOf,
  startConnectWorker,
  type WorkerLaunch,
  type WorkerMode,
  type WorkerProcess,
  type WorkerSystem,
  writeProperties,
} from './connect-worker-process.js';
export {
  cassandraContactPoints,
  type KnownService,
  kafkaBrokers,
  mongodbUrl,
  postgresUrl,
  redisClusterUrl,
  redisUrl,
  SERVICE_ENV_VARS,
  s3Credentials,
  s3Endpoint,
  schemaRegistryUrl,
  serviceConnection,
  serviceVariable,
} from './connection-info.js';
export type { ContainerService } from './containers/container-service.js';
export { isProcessAlive, sleep, stopProcessGroup } from './daemon-process.js';
export {
  DEBEZIUM_VERSION,
  type DebeziumInstall,
  installDebeziumPostgres,
} from './debezium-install.js';
export { FaultProxy, type FaultProxyOptions } from './fault-proxy.js';
export { type FileLockOptions, LockTimeoutError, withFileLock } from './file-lock.js';
export {
  type BackendChoice,
  backendVariable,
  FIXTURES_BACKEND_ENV,
  type FixturesBackend,
  fixturesBackend,
} from './fixtures-backend.js';
export { ephemeralPort, isPortFree, PortInUseError, pickPort, pinnedPort } from './free-port.js';
export {
  type GoInstallSpec,
  type GoModuleBuildSpec,
  goBuildModule,
  goCommand,
  goInstall,
} from './go-install.js';
export {
  buildJavaHarness,
  type JavaHarness,
  type JavaHarnessSpec,
  runJavaHarness,
} from './java-harness.js';
export { javaCommand, mavenCommand } from './java-toolchain.js';
export { type KafkaBroker, type KafkaBrokerOptions, startKafkaBroker } from './kafka-broker.js';
export { installKafkaConnect, type KafkaConnectInstall } from './kafka-connect-install.js';
export { createTopicsAndWait, type TopicSpec } from './kafka-topics.js';
export { copyMavenDependencies, type MavenDependenciesSpec } from './maven-dependencies.js';
export { PrivateCassandra } from './private-cassandra.js';
export { PrivateFerretDb } from './private-ferretdb.js';
export { PrivateMinio } from './private-minio.js';
export { PrivatePostgres } from './private-postgres.js';
export {
  type LogEntry,
  type LogLevel,
  RecordingLogger,
} from './recording-logger.js';
export { RestartableServer, type ServerLaunch } from './restartable-server.js';
export { CommandError, type RunCommandOptions, runCommand } from './run-command.js';
export { type RunState, readRunState, runPaths } from './run-state.js';
export { type ScratchPostgres, startScratchPostgres } from './scratch-postgres.js';
export type {
  DaemonOptions,
  InstallContext,
  ServiceDefinition,
  StartContext,
  StartedService,
} from './service-definition.js';
export {
  commandLine,
  formatServiceError,
  ServiceError,
  type ServiceErrorDetails,
} from './service-error.js';
export {
  ensureServices,
  type ProgressEvent,
  type ResolvedService,
  type ServiceManagerOptions,
  type ServiceStatus,
  type StopResult,
  serviceStatus,
  stopServices,
} from './service-manager.js';
export { registerService, serviceDefinition, serviceNames } from './service-registry.js';
export { sluiceNodeFlags } from './sluice-bin.js';
export {
  type Answer,
  appendLines,
  type ClusterView,
  ClusterWorker,
  type ConnectorStatus,
  clusterProps,
  countLines,
  LineFeed,
  rest,
  restWrite,
  runSluice,
  type SluiceProcess,
  type StatusEntry,
  TestCluster,
  waitFor,
} from './sluice-cluster.js';
export { type ServicesGlobalSetup, services } from './vitest-setup.js';
