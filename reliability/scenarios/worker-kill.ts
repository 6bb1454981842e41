/** kill -9 of a worker mid-stream: standalone (restarted) and distributed (another takes over). */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { kafkaBrokers, LineFeed, restWrite, TestCluster } from '@sluice/test-fixtures';
import { StandalonePipeline } from '../pipeline.js';
import { type Scenario, type Size, sluiceBin } from '../scenario.js';
import { caughtUp, figures } from '../tally.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const standaloneWorkerKill: Scenario = {
  name: 'kill -9 of a standalone worker (file source + file sink), restarted',
  async run(size: Size) {
    const pipeline = await StandalonePipeline.start({ brokers: kafkaBrokers(), size });
    let ok = false;
    try {
      await pipeline.flowing();
      await sleep(size.beforeMs);
      await pipeline.kill();
      // Input keeps coming while the worker is down.
      await sleep(size.faultMs);
      await pipeline.startWorker();
      const recoveryMs = await caughtUp(() => pipeline.read(), pipeline.feed.written);
      await pipeline.feed.stop();
      await caughtUp(() => pipeline.read(), pipeline.feed.written);
      ok = true;
      return {
        scenario: this.name,
        ...figures(await pipeline.read(), pipeline.feed.written),
        recoveryMs,
        notes: `worker down ${size.faultMs / 1000} s`,
      };
    } finally {
      await pipeline.stop(!ok);
    }
  },
};

export const distributedWorkerKill: Scenario = {
  name: 'kill -9 of a distributed worker (file source + file sink), 2 workers',
  async run(size: Size) {
    const cluster = await TestCluster.create(sluiceBin(), kafkaBrokers());
    const feed = new LineFeed(join(cluster.dir, 'input.txt'), 10, 10_000 / size.perSecond);
    const output = join(cluster.dir, 'output.txt');
    await writeFile(feed.file, '');
    const read = async () =>
      (await readFile(output, 'utf8').catch(() => '')).split('\n').filter(Boolean);
    try {
      const [first] = await cluster.add(2);
      await cluster.settled();
      const topic = `chaos-${cluster.id}`;
      for (const [name, config] of Object.entries({
        'chaos-source': { 'connector.class': 'FileStreamSource', file: feed.file, topic },
        'chaos-sink': { 'connector.class': 'FileStreamSink', file: output, topics: topic },
      })) {
        const created = await restWrite(first?.url as string, 'POST', '/connectors', {
          name,
          config,
        });
        if (created.status !== 201) throw new Error(`creating ${name}: ${JSON.stringify(created)}`);
      }
      await cluster.running('chaos-source', 1);
      await cluster.running('chaos-sink', 1);
      feed.start();
      await caughtUp(read, 1, 120_000);
      await sleep(size.beforeMs);
      // The worker running the source task dies; the other one must take its work over.
      const status = await cluster.status('chaos-source');
      const victim = cluster.worker(status.tasks[0]?.worker_id as string);
      await victim.kill();
      const killedAt = Date.now();
      const writtenAtKill = feed.written;
      await cluster.running('chaos-source', 1);
      await cluster.running('chaos-sink', 1);
      await caughtUp(read, writtenAtKill);
      const recoveryMs = Date.now() - killedAt;
      await feed.stop();
      await caughtUp(read, feed.written);
      return {
        scenario: this.name,
        ...figures(await read(), feed.written),
        recoveryMs,
        notes: 'recovery includes the 6 s session timeout and the 4 s scheduled rebalance delay',
      };
    } finally {
      await feed.stop();
      await cluster.stopAll();
    }
  },
};
