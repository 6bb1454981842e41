import type { GenericContainer, StartedTestContainer } from 'testcontainers';

/** Where a started container answers: the Docker host, and each container port's host port. */
export interface ContainerAddress {
  readonly host: string;
  port(containerPort: number): number;
  /** The host ports `hostPort()` handed out for this container, in order. */
  readonly bound: readonly number[];
}

/**
 * One service run from its official image with testcontainers: how to create the container,
 * what to do once it runs, and the same variables the local launcher sets.
 */
export interface ContainerService {
  /** The service's name in the registry (`kafka`, `mongodb`). */
  readonly name: string;
  /** The image, with a pinned tag. */
  readonly image: string;
  /**
   * The container, not started. `hostPort` is a free port of this machine, for servers that
   * must announce the address clients reach them at (Kafka's advertised listener, the nodes
   * of a Redis Cluster): they bind it on the host.
   */
  container(hostPort: () => Promise<number>): Promise<GenericContainer>;
  /** Work after the start (a replica set initiated, a cluster created). */
  afterStart?(container: StartedTestContainer): Promise<void>;
  /** The connection (the service's variable) and any extra variables, as the local launcher sets them. */
  variables(address: ContainerAddress): { connection: string; env?: Record<string, string> };
}
