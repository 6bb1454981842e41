/**
 * Moving a cluster from Apache Kafka Connect 4.1.1 (real distributed workers, from Maven Central)
 * to Sluice. What a user does: stop every Java worker, then start Sluice workers with the same
 * worker.properties (same group.id, same config/offset/status topics). A Sluice worker started
 * while Java workers still hold the group must refuse to join, and leave the Java cluster alone.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  installKafkaConnect,
  kafkaBrokers,
  startConnectWorker,
  type WorkerProcess,
} from '@sluice/test-fixtures';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectorStatus,
  countLines,
  freePort,
  LineFeed,
  rest,
  restWrite,
  TestCluster,
} from './cluster.js';
import {
  commitRecord,
  connectorConfigRecord,
  lastValues,
  sourceOffsetRecord,
} from './connect-records.js';
import { waitFor } from './sluice-process.js';

const FILE_SOURCE = 'org.apache.kafka.connect.file.FileStreamSourceConnector';
const FILE_SINK = 'org.apache.kafka.connect.file.FileStreamSinkConnector';
const source = 'java-lines-source';
const sink = 'java-lines-sink';

let cluster: TestCluster;
let feed: LineFeed;
let output: string;
let java: WorkerProcess | null = null;
let javaUrl: string;
let javaId: string;
/** The connector configs as Java Connect answered them. */
const javaConfigs = new Map<string, unknown>();
const kafka = new Kafka({
  brokers: kafkaBrokers(),
  clientId: 'kafka-connect-migration-test',
  logLevel: logLevel.NOTHING,
});

async function configTopicEnd(): Promise<string> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [end] = await admin.fetchTopicOffsets(cluster.props['config.storage.topic'] as string);
    return end?.high ?? '';
  } finally {
    await admin.disconnect();
  }
}

async function javaStatus(name: string): Promise<ConnectorStatus> {
  return (await rest(javaUrl, 'GET', `/connectors/${name}/status`)).body as ConnectorStatus;
}

/** What the Java worker logged last, for failure messages. */
function javaLog(): string {
  return java ? `see ${java.logFile}` : '';
}

beforeAll(async () => {
  const install = await installKafkaConnect();
  cluster = await TestCluster.create(kafkaBrokers());
  feed = new LineFeed(join(cluster.dir, 'input.txt'));
  output = join(cluster.dir, 'output.txt');
  await writeFile(feed.file, '');
  const port = await freePort();
  javaUrl = `http://127.0.0.1:${port}`;
  javaId = `127.0.0.1:${port}`;
  const dir = join(cluster.dir, 'java');
  await mkdir(dir);
  // The very worker.properties the Sluice workers get, but for the listener.
  java = await startConnectWorker({
    system: 'kafka-connect',
    mode: 'distributed',
    dir,
    kafkaConnect: install,
    worker: { ...cluster.props, listeners: javaUrl },
    connectors: [],
  });
  await waitFor(
    'the Java worker to serve GET /connectors',
    async () => {
      if (java?.child.exitCode !== null) throw new Error(`the Java worker exited; ${javaLog()}`);
      return (
        (await rest(javaUrl, 'GET', '/connectors').catch(() => ({ status: 0 }))).status === 200
      );
    },
    180_000,
  );
}, 300_000);

afterAll(async () => {
  await feed?.stop();
  await java?.stop(10_000);
  await cluster?.stopAll();
});

describe('a cluster moved from Apache Kafka Connect 4.1.1 to Sluice', () => {
  it('runs a file source and sink on real Java Connect workers first', async () => {
    const topic = `cluster-${cluster.id}-lines`;
    const configs = {
      [source]: {
        'connector.class': FILE_SOURCE,
        file: feed.file,
        topic,
        'topic.creation.default.replication.factor': '1',
        'topic.creation.default.partitions': '1',
      },
      [sink]: { 'connector.class': FILE_SINK, file: output, topics: topic },
    };
    for (const [name, config] of Object.entries(configs)) {
      const created = await restWrite(javaUrl, 'POST', '/connectors', { name, config });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    feed.start();
    await waitFor('lines through the Java worker', async () => {
      return (await countLines(output, 0)).total > 200;
    });
    for (const name of [source, sink]) {
      const status = await javaStatus(name);
      expect(status.connector).toMatchObject({ state: 'RUNNING', worker_id: javaId });
      javaConfigs.set(name, (await rest(javaUrl, 'GET', `/connectors/${name}/config`)).body);
    }
  });

  it('refuses a Sluice worker in the group of running Java workers (exit 1), and the Java cluster keeps working', async () => {
    const groupId = cluster.props['group.id'] as string;
    const configEnd = await configTopicEnd();
    const refused = await (await cluster.newWorker()).runUntilExit();
    expect(refused.code, refused.output).toBe(1);
    expect(refused.output).toContain(
      `group.id ${groupId} is used by Apache Kafka Connect workers (protocol sessioned, 1 member(s)); Sluice workers cannot join a Java Connect cluster.`,
    );
    // The Java group is as it was: one Java member, and the Sluice worker wrote no config.
    const admin = kafka.admin();
    await admin.connect();
    const {
      groups: [group],
    } = await admin.describeGroups([groupId]);
    await admin.disconnect();
    expect(group).toMatchObject({ protocolType: 'connect', protocol: 'sessioned' });
    expect(group?.members).toHaveLength(1);
    expect(await configTopicEnd()).toBe(configEnd);
    // Lines written after the attempt still go through the Java worker.
    const before = feed.written;
    await waitFor('lines written after the refusal through the Java worker', async () => {
      const counts = await countLines(output, before + 100);
      return counts.missing.length === 0;
    });
    for (const name of [source, sink]) {
      const status = await javaStatus(name);
      expect(status.connector).toMatchObject({ state: 'RUNNING', worker_id: javaId });
      expect(status.tasks).toEqual([
        expect.objectContaining({ state: 'RUNNING', worker_id: javaId }),
      ]);
    }
  });

  it('lists the Java connectors with their configs on Sluice workers started with the same worker.properties, resumes them from the Java offsets (no line twice, none lost) and writes their statuses', async () => {
    // Lines keep coming while the Java worker stops, and while no worker runs at all.
    // SIGTERM: the JVM's shutdown hook stops the worker gracefully (exit 143, 128 + SIGTERM).
    expect(await java?.stop(60_000)).toBe(143);
    // What the Java worker left: the records Sluice must read (and connect-records.ts writes).
    const configs = await lastValues(
      kafkaBrokers(),
      cluster.props['config.storage.topic'] as string,
    );
    for (const name of [source, sink]) {
      const expected = connectorConfigRecord(name, javaConfigs.get(name) as Record<string, string>);
      expect(JSON.parse(configs.get(expected.key) ?? 'null')).toEqual(
        JSON.parse(expected.value as string),
      );
      const commit = commitRecord(name, 1);
      expect(configs.get(commit.key)).toBe(commit.value);
    }
    const offsets = await lastValues(
      kafkaBrokers(),
      cluster.props['offset.storage.topic'] as string,
    );
    const offsetKey = sourceOffsetRecord(source, { filename: feed.file }, {}).key;
    const javaOffset = JSON.parse(offsets.get(offsetKey) ?? 'null') as { position: number } | null;
    expect(javaOffset?.position, [...offsets.keys()].join('\n')).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1_000));

    const workers = await cluster.add(2);
    await cluster.settled();
    for (const w of workers) {
      const listed = await rest(w.url, 'GET', '/connectors');
      expect((listed.body as string[]).sort()).toEqual([sink, source]);
      for (const name of [source, sink]) {
        const config = await rest(w.url, 'GET', `/connectors/${name}/config`);
        expect(config.body).toEqual(javaConfigs.get(name));
      }
    }
    const sluiceIds = new Set(workers.map((w) => w.id));
    for (const name of [source, sink]) {
      const status = await cluster.running(name, 1);
      expect(sluiceIds.has(status.connector.worker_id)).toBe(true);
    }
    // Sluice's source goes on from the Java worker's position in the file.
    await waitFor('the source offset to move past the Java worker’s', async () => {
      const answer = await rest(workers[0]?.url as string, 'GET', `/connectors/${source}/offsets`);
      const [entry] = (answer.body as { offsets: Array<{ offset: { position: number } }> }).offsets;
      return (entry?.offset.position ?? 0) > (javaOffset?.position ?? 0);
    });

    await new Promise((r) => setTimeout(r, 2_000));
    await feed.stop();
    const counts = await feed.arrived(output);
    expect(counts.missing).toEqual([]);
    expect(counts.duplicates).toBe(0);

    // The status topic now says the Sluice workers run them (Kafka's status record format).
    const statuses = await lastValues(
      kafkaBrokers(),
      cluster.props['status.storage.topic'] as string,
    );
    for (const key of [
      `status-connector-${source}`,
      `status-task-${source}-0`,
      `status-connector-${sink}`,
      `status-task-${sink}-0`,
    ]) {
      const value = JSON.parse(statuses.get(key) ?? 'null') as {
        state: string;
        worker_id: string;
        generation: number;
      } | null;
      expect(value, key).toMatchObject({ state: 'RUNNING' });
      expect(sluiceIds.has(value?.worker_id ?? ''), `${key}: ${JSON.stringify(value)}`).toBe(true);
    }
  });
});
