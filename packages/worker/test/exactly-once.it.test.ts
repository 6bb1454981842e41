/**
 * Exactly-once source delivery (KIP-618) in a cluster of `sluice distributed` workers with
 * `exactly.once.source.support=enabled`, checked with read_committed consumers of real Kafka.
 */

import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { kafkaBrokers, postgresUrl } from '@sluice/test-fixtures';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterWorker, LineFeed, rest, restWrite, TestCluster } from './cluster.js';
import { lastValues } from './connect-records.js';
import { waitFor } from './sluice-process.js';

/** The PostgreSQL connector package (a source that does not declare exactly-once support). */
const POSTGRES_PLUGIN = dirname(
  createRequire(import.meta.url).resolve('@sluice/connector-postgres/package.json'),
);

let cluster: TestCluster;

/** Every value of a topic as a read_committed consumer sees it, once `expected` distinct arrived. */
async function readCommitted(topic: string, expected: number): Promise<string[]> {
  const kafka = new Kafka({ brokers: kafkaBrokers(), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `eos-check-${cluster.id}-${topic}-${Date.now()}` });
  const values: string[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      values.push(message.value?.toString('utf8') ?? '');
    },
  });
  try {
    await waitFor(
      `${expected} distinct values in ${topic}`,
      async () => new Set(values).size >= expected,
      120_000,
    ).catch(() => {});
    // Anything committed twice would arrive right behind: give it time to show.
    await new Promise((r) => setTimeout(r, 3_000));
  } finally {
    await consumer.disconnect();
  }
  return [...values];
}

/** Lines `line-0`..`line-<n-1>`: which are missing, which came more than once. */
function tally(values: string[], n: number) {
  const seen = new Map<string, number>();
  for (const v of values) seen.set(v, (seen.get(v) ?? 0) + 1);
  const missing: number[] = [];
  for (let i = 0; i < n; i++) if (!seen.has(`line-${i}`)) missing.push(i);
  const duplicated = [...seen].filter(([, c]) => c > 1).map(([v]) => v);
  return { missing, duplicated, total: values.length };
}

async function createLineSource(
  name: string,
  feed: LineFeed,
  topic: string,
  extra: Record<string, string>,
) {
  const created = await restWrite(cluster.live()[0]?.url as string, 'POST', '/connectors', {
    name,
    config: {
      'connector.class': 'FileStreamSource',
      file: feed.file,
      topic,
      'exactly.once.support': 'required',
      'topic.creation.default.replication.factor': '1',
      'topic.creation.default.partitions': '1',
      ...extra,
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  await cluster.running(name, 1);
}

/** The worker running the connector's only task. */
async function taskOwner(name: string): Promise<ClusterWorker> {
  const status = await cluster.status(name);
  return cluster.worker(status.tasks[0]?.worker_id as string);
}

beforeAll(async () => {
  cluster = await TestCluster.create(kafkaBrokers(), {
    'exactly.once.source.support': 'enabled',
    'scheduled.rebalance.max.delay.ms': '2000',
    'offset.flush.interval.ms': '1000',
    'plugin.path': POSTGRES_PLUGIN,
  });
  await cluster.add(2);
  await cluster.settled();
});

afterAll(async () => {
  await cluster?.stopAll();
});

describe('exactly-once source delivery in a sluice distributed cluster', () => {
  it('refuses exactly.once.support=required for a connector that does not declare support, with Kafka’s message', async () => {
    const url = cluster.live()[0]?.url as string;
    const config = {
      name: 'jdbc-eos',
      'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
      'connection.url': 'jdbc:postgresql://127.0.0.1:1/none',
      'table.whitelist': 'orders',
      mode: 'bulk',
      'topic.prefix': 'jdbc-',
      'exactly.once.support': 'required',
    };
    const message =
      'The connector does not implement the API required for preflight validation of exactly-once source support. Please consult the documentation for the connector to determine whether it supports exactly-once semantics, and then consider reconfiguring the connector to use the value "requested" for this property (which will disable this preflight check and allow the connector to be created).';
    const validated = await rest(
      url,
      'PUT',
      '/connector-plugins/io.confluent.connect.jdbc.JdbcSourceConnector/config/validate',
      config,
    );
    expect(validated.status).toBe(200);
    const entry = (
      validated.body as { configs: Array<{ value: { name: string; errors: string[] } }> }
    ).configs.find((c) => c.value.name === 'exactly.once.support');
    expect(entry?.value.errors).toEqual([message]);
    const created = await rest(url, 'POST', '/connectors', { name: 'jdbc-eos', config });
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.body)).toContain(
      'The connector does not implement the API required for preflight validation of exactly-once source support.',
    );
    // The file source says it supports it: no error on the key.
    const file = await rest(url, 'PUT', '/connector-plugins/FileStreamSource/config/validate', {
      'connector.class': 'FileStreamSource',
      file: join(cluster.dir, 'x.txt'),
      topic: 'x',
      'exactly.once.support': 'required',
    });
    const fileEntry = (
      file.body as { configs: Array<{ value: { name: string; errors: string[] } }> }
    ).configs.find((c) => c.value.name === 'exactly.once.support');
    expect(fileEntry?.value.errors).toEqual([]);
  });

  it('delivers every line exactly once to a read_committed consumer when the worker running the task is killed -9 mid-stream', async () => {
    const feed = new LineFeed(join(cluster.dir, 'poll-input.txt'), 20);
    await writeFile(feed.file, '');
    const topic = `eos-${cluster.id}-poll`;
    await createLineSource('eos-poll', feed, topic, { 'transaction.boundary': 'poll' });
    feed.start();
    await waitFor('lines flowing', async () => feed.written > 600, 60_000);
    const victim = await taskOwner('eos-poll');
    await victim.kill();
    await waitFor('the task to run on the other worker', async () => {
      const status = await cluster.status('eos-poll').catch(() => null);
      const task = status?.tasks[0];
      return task?.state === 'RUNNING' && task.worker_id !== victim.id;
    });
    await new Promise((r) => setTimeout(r, 2_000));
    await feed.stop();
    const counts = tally(await readCommitted(topic, feed.written), feed.written);
    expect(counts.missing).toEqual([]);
    expect(counts.duplicated).toEqual([]);
    expect(counts.total).toBe(feed.written);
    // Outside callers cannot trigger a fencing round: the endpoint is for signed requests
    // between workers, as Kafka's.
    const fence = await rest(cluster.live()[0]?.url as string, 'PUT', '/connectors/eos-poll/fence');
    expect(fence.status).toBe(400);
    expect(JSON.stringify(fence.body)).toContain('Internal request missing required signature');
    await victim.start();
    await cluster.settled();
  });

  it('fences a zombie: a task whose worker was cut off (SIGSTOP) mid-transaction cannot commit once it wakes', async () => {
    const feed = new LineFeed(join(cluster.dir, 'interval-input.txt'), 20);
    await writeFile(feed.file, '');
    const topic = `eos-${cluster.id}-interval`;
    // Long transactions, so the zombie surely has one open when it is cut off.
    await createLineSource('eos-interval', feed, topic, {
      'transaction.boundary': 'interval',
      'transaction.boundary.interval.ms': '4000',
    });
    feed.start();
    await waitFor('lines flowing', async () => feed.written > 400, 60_000);
    const zombie = await taskOwner('eos-interval');
    zombie.process?.child.kill('SIGSTOP');
    try {
      await waitFor(
        'the task to run on another worker',
        async () => {
          const via = cluster.live().find((w) => w !== zombie) as ClusterWorker;
          const status = await cluster.status('eos-interval', via).catch(() => null);
          const task = status?.tasks[0];
          return task?.state === 'RUNNING' && task.worker_id !== zombie.id;
        },
        90_000,
      );
      await new Promise((r) => setTimeout(r, 3_000));
    } finally {
      zombie.process?.child.kill('SIGCONT');
    }
    // Long enough for the zombie's interval to end and its commit to be tried.
    await new Promise((r) => setTimeout(r, 8_000));
    await feed.stop();
    const counts = tally(await readCommitted(topic, feed.written), feed.written);
    expect(counts.missing).toEqual([]);
    expect(counts.duplicated).toEqual([]);
    // The zombie did try: its commit was refused for its fenced (old) producer epoch.
    expect(zombie.process?.output()).toContain(
      'InvalidProducerEpochException: Producer attempted an operation with an old epoch',
    );
  });

  it('fences the previous task generation’s producers when the task count changes, and records the new count', async () => {
    const db = new pg.Client({ connectionString: postgresUrl() });
    await db.connect();
    const schema = `eos_fence_${process.pid}_${Date.now().toString(36)}`;
    try {
      await db.query(`CREATE SCHEMA "${schema}"`);
      for (const t of ['a', 'b']) {
        await db.query(`CREATE TABLE "${schema}".${t} (id integer PRIMARY KEY, v text)`);
        await db.query(`INSERT INTO "${schema}".${t} VALUES (1, 'one'), (2, 'two')`);
      }
      const url = new URL(postgresUrl());
      const config = {
        'connector.class': 'io.confluent.connect.jdbc.JdbcSourceConnector',
        'tasks.max': '2',
        'connection.url': `jdbc:postgresql://${url.host}${url.pathname}`,
        'connection.user': decodeURIComponent(url.username),
        ...(url.password ? { 'connection.password': decodeURIComponent(url.password) } : {}),
        mode: 'incrementing',
        'incrementing.column.name': 'id',
        'table.whitelist': `${schema}.a,${schema}.b`,
        'topic.prefix': `eos-${cluster.id}-`,
        'poll.interval.ms': '500',
      };
      const name = 'jdbc-fence';
      const via = cluster.live()[0]?.url as string;
      const created = await restWrite(via, 'PUT', `/connectors/${name}/config`, config);
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      await cluster.running(name, 2);
      const configTopic = cluster.props['config.storage.topic'] as string;
      const taskCount = async () =>
        (await lastValues(kafkaBrokers(), configTopic)).get(`tasks-fencing-${name}`);
      // First generation: nothing to fence yet, its task count is recorded.
      await waitFor('the first task count record', async () => {
        return (await taskCount()) === '{"task-count":2}';
      });
      const changed = await restWrite(via, 'PUT', `/connectors/${name}/config`, {
        ...config,
        'tasks.max': '1',
      });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      await cluster.running(name, 1);
      await waitFor('the second task count record', async () => {
        return (await taskCount()) === '{"task-count":1}';
      });
      // The leader fenced the two transactional ids of the first generation.
      const logs = cluster.live().map((w) => w.process?.output() ?? '');
      expect(logs.join('\n')).toContain(
        `fencing out the producers of the previous 2 task(s) of ${name}`,
      );
      await restWrite(via, 'DELETE', `/connectors/${name}`);
    } finally {
      await db.query(`DROP SCHEMA "${schema}" CASCADE`).catch(() => {});
      await db.end();
    }
  });
});
