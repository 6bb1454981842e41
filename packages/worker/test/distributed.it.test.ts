import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kafkaBrokers } from '@sluice/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClusterWorker,
  countLines,
  LineFeed,
  rest,
  restWrite,
  TestCluster,
} from './cluster.js';
import { waitFor } from './sluice-process.js';

/** Held this long for a departed worker to come back: long enough to tell a hand-off from it. */
const DELAY_MS = 20_000;
const FLUSH_MS = 1_000;
/** Lines appended per tick (every 100 ms). */
const LINES_PER_TICK = 20;

let cluster: TestCluster;
let feed: LineFeed;
let output: string;
const source = 'lines-source';
const sink = 'lines-sink';

/** Which workers run what, by worker id. */
async function placement(): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const w of cluster.live()) {
    const view = await w.cluster_();
    out.set(w.id, [...view.connectors, ...view.tasks]);
  }
  return out;
}

beforeAll(async () => {
  cluster = await TestCluster.create(kafkaBrokers(), {
    'scheduled.rebalance.max.delay.ms': String(DELAY_MS),
    'offset.flush.interval.ms': String(FLUSH_MS),
  });
  feed = new LineFeed(join(cluster.dir, 'input.txt'), LINES_PER_TICK);
  output = join(cluster.dir, 'output.txt');
  await writeFile(feed.file, '');
});

afterAll(async () => {
  await feed.stop();
  await cluster.stopAll();
});

describe('a cluster of three sluice distributed workers', () => {
  it('takes connectors created through a follower, and every worker lists them', async () => {
    await cluster.add(3);
    const view = await cluster.settled();
    const follower = cluster.live().find((w) => w.url !== view.leader_url) as ClusterWorker;
    expect(view.workers).toHaveLength(3);
    const topic = `cluster-${cluster.id}-lines`;
    const created = await restWrite(follower.url, 'POST', '/connectors', {
      name: source,
      config: {
        'connector.class': 'FileStreamSource',
        file: feed.file,
        topic,
        'topic.creation.default.replication.factor': '1',
        'topic.creation.default.partitions': '1',
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const sinkCreated = await restWrite(follower.url, 'POST', '/connectors', {
      name: sink,
      config: { 'connector.class': 'FileStreamSink', file: output, topics: topic },
    });
    expect(sinkCreated.status, JSON.stringify(sinkCreated.body)).toBe(201);
    for (const w of cluster.live()) {
      const listed = await rest(w.url, 'GET', '/connectors');
      expect((listed.body as string[]).sort()).toEqual([sink, source]);
    }
    await cluster.running(source, 1);
    // The source creates the topic with its first record; the sink waits for it until then.
    feed.start();
    await cluster.running(sink, 1);
    // Any worker answers the same status.
    const statuses = await Promise.all(cluster.live().map((w) => cluster.status(source, w)));
    for (const s of statuses) expect(s).toEqual(statuses[0]);
    await waitFor(
      'lines flowing end to end',
      async () => (await countLines(output, 0)).total > 200,
    );
  });

  it('sets a logger level on every worker with scope=cluster, and shows rebalance metrics', async () => {
    const [first] = cluster.live();
    const namespace = `sluice.connector.${source}`;
    const set = await rest(
      (first as ClusterWorker).url,
      'PUT',
      `/admin/loggers/${namespace}?scope=cluster`,
      { level: 'DEBUG' },
    );
    expect(set.status).toBe(204);
    for (const w of cluster.live()) {
      await waitFor(`worker ${w.id} to apply the level`, async () => {
        const level = await rest(w.url, 'GET', `/admin/loggers/${namespace}`);
        return (level.body as { level?: string }).level === 'DEBUG';
      });
      expect(
        await w.metric('kafka_connect_worker_rebalance_completed_rebalances_total'),
      ).toBeGreaterThan(0);
      expect(await w.metric('kafka_connect_worker_rebalance_rebalancing')).toBe(0);
    }
  });

  it('moves the work of a worker killed mid-stream after the delay, and loses no line', async () => {
    // A follower running part of the pipeline, so that its work is held for the delay (the
    // leader's is not: a new leader knows no earlier assignment); the leader when it runs all.
    const owners = [
      (await cluster.status(source)).tasks[0]?.worker_id,
      (await cluster.status(sink)).tasks[0]?.worker_id,
    ];
    const leader = (await cluster.settled()).leader_url;
    const victim =
      cluster.live().find((w) => w.url !== leader && owners.includes(w.id)) ??
      cluster.worker(owners[0] as string);
    const wasLeader = victim.url === leader;
    const killedAt = Date.now();
    await victim.kill();
    await cluster.running(source, 1);
    await cluster.running(sink, 1);
    const movedAfter = Date.now() - killedAt;
    // A follower's work is held for the delay (a new leader knows no earlier assignment).
    if (!wasLeader) expect(movedAfter).toBeGreaterThanOrEqual(DELAY_MS);
    await new Promise((r) => setTimeout(r, 2_000));
    await feed.stop();
    const counts = await feed.arrived(output);
    expect(counts.missing).toEqual([]);
    // Replays are bounded by what one offset flush interval (source and sink each) covers.
    expect(counts.duplicates).toBeLessThanOrEqual(
      2 * feed.rate * (FLUSH_MS / 1000) + 2 * LINES_PER_TICK,
    );
    await victim.start();
    await cluster.settled();
    feed.start();
  });

  it('moves only what must move when a fourth worker joins: no running task restarts', async () => {
    // More work, so that the new worker has something to take from each.
    for (let i = 0; i < 4; i++) {
      const file = join(cluster.dir, `filler-${i}.txt`);
      await writeFile(file, 'a\nb\n');
      const created = await restWrite(cluster.live()[0]?.url as string, 'POST', '/connectors', {
        name: `filler-${i}`,
        config: {
          'connector.class': 'FileStreamSource',
          file,
          topic: `cluster-${cluster.id}-filler`,
          'topic.creation.default.replication.factor': '1',
          'topic.creation.default.partitions': '1',
        },
      });
      expect(created.status).toBe(201);
    }
    for (let i = 0; i < 4; i++) await cluster.running(`filler-${i}`, 1);
    await cluster.settled();
    const old = cluster.live();
    const startsBefore = await Promise.all(
      old.map((w) => w.metric('kafka_connect_worker_task_startup_attempts_total')),
    );
    const runningBefore = await placement();
    const [joined] = await cluster.add(1);
    await cluster.settled();
    await waitFor('the new worker to run some work', async () => {
      const view = await (joined as ClusterWorker).cluster_();
      return view.tasks.length > 0 && !view.rebalancing;
    });
    const startsAfter = await Promise.all(
      old.map((w) => w.metric('kafka_connect_worker_task_startup_attempts_total')),
    );
    expect(startsAfter).toEqual(startsBefore);
    const runningAfter = await placement();
    // What the old workers run now is a subset of what they ran: nothing came to them.
    for (const w of old) {
      for (const item of runningAfter.get(w.id) ?? [])
        expect(runningBefore.get(w.id)).toContain(item);
    }
    const loads = [...runningAfter.values()].map((items) => items.length);
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(2);
    const newStarts = await (joined as ClusterWorker).metric(
      'kafka_connect_worker_task_startup_attempts_total',
    );
    expect(newStarts).toBe((await (joined as ClusterWorker).cluster_()).tasks.length);
  });

  it('gives a config changed while a worker was down to that worker when it returns', async () => {
    const down = cluster.live()[1] as ClusterWorker;
    expect(await down.stop()).toBe(0);
    const changed = await restWrite(
      cluster.live()[0]?.url as string,
      'PUT',
      '/connectors/filler-0/config',
      {
        'connector.class': 'FileStreamSource',
        file: join(cluster.dir, 'filler-0.txt'),
        topic: `cluster-${cluster.id}-filler-changed`,
        'topic.creation.default.replication.factor': '1',
        'topic.creation.default.partitions': '1',
      },
    );
    expect(changed.status).toBe(200);
    await down.start();
    await cluster.settled();
    const config = await rest(down.url, 'GET', '/connectors/filler-0/config');
    expect((config.body as Record<string, string>).topic).toBe(
      `cluster-${cluster.id}-filler-changed`,
    );
  });

  it('hands a stopping worker’s work to the others at once, through a rolling restart that loses nothing', async () => {
    for (const w of [...cluster.live()]) {
      const had = (await w.cluster_()).tasks.length;
      const stoppedAt = Date.now();
      expect(await w.stop()).toBe(0);
      await cluster.running(source, 1);
      await cluster.running(sink, 1);
      if (had > 0) {
        // Held work would wait DELAY_MS; handed-off work moves as soon as it stopped.
        expect(Date.now() - stoppedAt).toBeLessThan(DELAY_MS);
      }
      await w.start();
      await cluster.settled();
    }
    await feed.stop();
    const counts = await feed.arrived(output);
    expect(counts.missing).toEqual([]);
  });
});
