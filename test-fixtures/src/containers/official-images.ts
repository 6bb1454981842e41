import { GenericContainer, Wait } from 'testcontainers';
import { minioEnv } from '../services/s3.js';
import type { ContainerService } from './container-service.js';

const KAFKA_PORT = 9092;
const POSTGRES_PORT = 5432;
const REDIS_PORT = 6379;
const MONGODB_PORT = 27017;
const MINIO_PORT = 9000;
const CASSANDRA_PORT = 9042;
const REGISTRY_PORT = 8080;
const CCOMPAT_PATH = '/apis/ccompat/v7';
const CLUSTER_NODES = 3;

/** Kafka in KRaft mode, one node, configured as the local launcher configures it. */
const kafka: ContainerService = {
  name: 'kafka',
  image: 'apache/kafka:4.1.1',
  async container(hostPort) {
    // Clients reach the broker at the address it advertises: bind a known host port for it.
    const port = await hostPort();
    return new GenericContainer(this.image)
      .withExposedPorts({ container: KAFKA_PORT, host: port })
      .withEnvironment({
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: `PLAINTEXT://:${KAFKA_PORT},CONTROLLER://:9093`,
        KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://127.0.0.1:${port}`,
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
        KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
      })
      .withWaitStrategy(Wait.forLogMessage(/Kafka Server started/))
      .withStartupTimeout(120_000);
  },
  // The advertised address (a local Docker engine), so that metadata answers lead back here.
  variables: (a) => ({ connection: `127.0.0.1:${a.bound[0]}` }),
};

/** PostgreSQL with logical decoding, trust auth, durability off, as the local cluster. */
const postgres: ContainerService = {
  name: 'postgres',
  image: 'postgres:17',
  async container() {
    return (
      new GenericContainer(this.image)
        .withExposedPorts(POSTGRES_PORT)
        .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
        .withCommand([
          'postgres',
          ...['wal_level=logical', 'max_replication_slots=20', 'max_wal_senders=20']
            .concat(['max_connections=200', 'fsync=off', 'synchronous_commit=off'])
            .flatMap((setting) => ['-c', setting]),
        ])
        // The image's entry point starts the server twice (initdb, then for real).
        .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/, 2))
    );
  },
  variables: (a) => ({
    connection: `postgres://postgres@${a.host}:${a.port(POSTGRES_PORT)}/postgres`,
  }),
};

/** Redis without persistence. */
const redis: ContainerService = {
  name: 'redis',
  image: 'redis:7.4',
  async container() {
    return new GenericContainer(this.image)
      .withExposedPorts(REDIS_PORT)
      .withCommand(['redis-server', '--save', '', '--appendonly', 'no'])
      .withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/));
  },
  variables: (a) => ({ connection: `redis://${a.host}:${a.port(REDIS_PORT)}` }),
};

/**
 * A Redis Cluster of three masters in one container. Cluster clients connect to the addresses
 * the nodes announce, so each node listens on a free port of this machine bound at the same
 * number, and announces 127.0.0.1 (a local Docker engine).
 */
const redisCluster: ContainerService = {
  name: 'redis-cluster',
  image: 'redis:7.4',
  async container(hostPort) {
    const ports: number[] = [];
    for (let i = 0; i < CLUSTER_NODES; i++) ports.push(await hostPort());
    const node = (port: number) =>
      `redis-server --port ${port} --cluster-enabled yes --cluster-config-file nodes-${port}.conf --cluster-node-timeout 15000 --cluster-announce-ip 127.0.0.1 --save '' --appendonly no --daemonize yes`;
    const script = [
      ...ports.map(node),
      ...ports.map((p) => `until redis-cli -p ${p} ping; do sleep 0.1; done`),
      `redis-cli --cluster create ${ports.map((p) => `127.0.0.1:${p}`).join(' ')} --cluster-replicas 0 --cluster-yes`,
      'echo "sluice cluster ready"',
      'sleep infinity',
    ].join(' && ');
    return new GenericContainer(this.image)
      .withExposedPorts(...ports.map((p) => ({ container: p, host: p })))
      .withCommand(['sh', '-c', script])
      .withWaitStrategy(Wait.forLogMessage(/sluice cluster ready/));
  },
  // The first master; a cluster client discovers the others from it.
  variables: (a) => ({ connection: `redis://127.0.0.1:${a.bound[0]}` }),
};

/**
 * MongoDB as a single-node replica set: change streams and transactions work, unlike FerretDB.
 * Clients connect directly (the member's name, localhost, is the container's own).
 */
const mongodb: ContainerService = {
  name: 'mongodb',
  image: 'mongo:7.0',
  async container() {
    return new GenericContainer(this.image)
      .withExposedPorts(MONGODB_PORT)
      .withCommand(['mongod', '--replSet', 'rs0', '--bind_ip_all'])
      .withWaitStrategy(Wait.forLogMessage(/Waiting for connections/));
  },
  async afterStart(container) {
    const script = `try { rs.status() } catch (e) { rs.initiate({ _id: 'rs0', members: [{ _id: 0, host: 'localhost:${MONGODB_PORT}' }] }) }; while (!db.hello().isWritablePrimary) { sleep(100) }`;
    const result = await container.exec(['mongosh', '--quiet', '--eval', script]);
    if (result.exitCode !== 0) {
      throw new Error(
        `initiating the replica set failed (exit ${result.exitCode}): ${result.output}`,
      );
    }
  },
  variables: (a) => ({
    connection: `mongodb://${a.host}:${a.port(MONGODB_PORT)}/?directConnection=true`,
  }),
};

/** MinIO with the local launcher's fixed credentials and region. */
const s3: ContainerService = {
  name: 's3',
  image: 'minio/minio:RELEASE.2025-04-22T22-12-26Z',
  async container() {
    return new GenericContainer(this.image)
      .withExposedPorts(MINIO_PORT)
      .withEnvironment(minioEnv().server)
      .withCommand(['server', '/data', '--address', `:${MINIO_PORT}`])
      .withWaitStrategy(Wait.forHttp('/minio/health/ready', MINIO_PORT));
  },
  variables: (a) => ({
    connection: `http://${a.host}:${a.port(MINIO_PORT)}`,
    env: minioEnv().variables,
  }),
};

/** Apache Cassandra, one node in datacenter1 (the image's default snitch). */
const cassandra: ContainerService = {
  name: 'cassandra',
  image: 'cassandra:5.0',
  async container() {
    return new GenericContainer(this.image)
      .withExposedPorts(CASSANDRA_PORT)
      .withEnvironment({ MAX_HEAP_SIZE: '1G', HEAP_NEWSIZE: '256M', CASSANDRA_DC: 'datacenter1' })
      .withWaitStrategy(Wait.forLogMessage(/Starting listening for CQL clients/))
      .withStartupTimeout(240_000);
  },
  variables: (a) => ({ connection: `${a.host}:${a.port(CASSANDRA_PORT)}` }),
};

/** Apicurio Registry (in-memory), the same version and Confluent-compatible API as the local one. */
const schemaRegistry: ContainerService = {
  name: 'schema-registry',
  image: 'apicurio/apicurio-registry-mem:2.4.2.Final',
  async container() {
    return new GenericContainer(this.image)
      .withExposedPorts(REGISTRY_PORT)
      .withWaitStrategy(Wait.forHttp(`${CCOMPAT_PATH}/subjects`, REGISTRY_PORT))
      .withStartupTimeout(120_000);
  },
  variables: (a) => ({ connection: `http://${a.host}:${a.port(REGISTRY_PORT)}${CCOMPAT_PATH}` }),
};

/** Every service the testcontainers backend can start, by name. */
export const OFFICIAL_IMAGES: ReadonlyMap<string, ContainerService> = new Map(
  [kafka, postgres, redis, redisCluster, mongodb, s3, cassandra, schemaRegistry].map((s) => [
    s.name,
    s,
  ]),
);
