/** The Connect cluster harness of @sluice/test-fixtures, bound to this package's `sluice` bin. */
import { ephemeralPort, TestCluster as FixtureCluster } from '@sluice/test-fixtures';
import { SLUICE_BIN } from './sluice-process.js';

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
  type StatusEntry,
} from '@sluice/test-fixtures';

/** A free TCP port on loopback (the worker binds it right after). */
export const freePort = (): Promise<number> => ephemeralPort();

export type TestCluster = FixtureCluster;

/** `TestCluster.create` of test-fixtures with this build's `sluice` bin. */
export const TestCluster = {
  create: (brokers: string[], overrides: Record<string, string> = {}): Promise<TestCluster> =>
    FixtureCluster.create(SLUICE_BIN, brokers, overrides),
};
