export { type ConfigFixture, testConnectorConfig } from './config-suite.js';
export {
  type ConnectorUnderTest,
  failures,
  KitWorker,
  uniqueId,
  waitFor,
} from './kit-worker.js';
export { type SinkFixture, type SinkRun, testSinkConnector } from './sink-suite.js';
export { type SourceFixture, type SourceRun, testSourceConnector } from './source-suite.js';
export {
  deliver,
  drain,
  MemoryOffsets,
  pollRecords,
  type Reported,
  type StartedSink,
  startSinkTask,
  startSourceTask,
} from './task-harness.js';
export {
  herderFailures,
  type TestKafka,
  type TestKafkaOptions,
  type TestRecord,
  testKafka,
} from './test-kafka.js';
export {
  committedOffset,
  countContaining,
  createTopic,
  markers,
  missing,
  occurrences,
  produceValues,
  type ReadMessage,
  readMessagesUntil,
  readValuesUntil,
} from './topic-io.js';
export {
  spawnWorkerProcess,
  startWorkerProcess,
  type WorkerProcess,
} from './worker-process.js';
