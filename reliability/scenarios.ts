/** Every chaos scenario, in the order `pnpm chaos` runs them. */
import type { Scenario } from './scenario.js';
import { brokerRestart } from './scenarios/broker-restart.js';
import {
  postgresSinkOutage,
  postgresSinkRestart,
  postgresSourceRestart,
} from './scenarios/database-restart.js';
import { databaseNetworkFaults, kafkaNetworkFaults } from './scenarios/network-faults.js';
import { s3Restart } from './scenarios/s3-restart.js';
import { distributedWorkerKill, standaloneWorkerKill } from './scenarios/worker-kill.js';

export const SCENARIOS: readonly Scenario[] = [
  standaloneWorkerKill,
  distributedWorkerKill,
  brokerRestart,
  postgresSinkRestart,
  postgresSourceRestart,
  s3Restart,
  kafkaNetworkFaults,
  databaseNetworkFaults,
  postgresSinkOutage,
];
