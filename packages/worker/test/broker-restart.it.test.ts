/**
 * The Kafka broker under a Sluice cluster dies mid-stream (kill -9) and comes back on the same
 * port with the same data: the workers ride it out, the connectors and tasks run again, and no
 * line is lost. The broker is a private one: the shared test Kafka serves other tests meanwhile.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type KafkaBroker, startKafkaBroker } from '@sluice/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countLines, LineFeed, restWrite, TestCluster } from './cluster.js';
import { waitFor } from './sluice-process.js';

const source = 'restart-source';
const sink = 'restart-sink';
/** Longer than half a session timeout (6 s): every worker loses its group and stops its work. */
const DOWN_MS = 8_000;

let broker: KafkaBroker;
let cluster: TestCluster;
let feed: LineFeed;
let output: string;

beforeAll(async () => {
  broker = await startKafkaBroker();
  cluster = await TestCluster.create(broker.brokers);
  feed = new LineFeed(join(cluster.dir, 'input.txt'));
  output = join(cluster.dir, 'output.txt');
  await writeFile(feed.file, '');
}, 180_000);

afterAll(async () => {
  await feed?.stop();
  await cluster?.stopAll();
  await broker?.stop('SIGKILL');
});

describe('a sluice cluster whose broker restarts mid-stream', () => {
  it('recovers once the broker is back (connectors and tasks RUNNING again) and loses no line', async () => {
    const workers = await cluster.add(2);
    await cluster.settled();
    const topic = `restart-${cluster.id}-lines`;
    for (const [name, config] of Object.entries({
      [source]: {
        'connector.class': 'FileStreamSource',
        file: feed.file,
        topic,
        'topic.creation.default.replication.factor': '1',
        'topic.creation.default.partitions': '1',
      },
      [sink]: { 'connector.class': 'FileStreamSink', file: output, topics: topic },
    })) {
      const created = await restWrite(workers[0]?.url as string, 'POST', '/connectors', {
        name,
        config,
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    await cluster.running(source, 1);
    feed.start();
    await cluster.running(sink, 1);
    await waitFor(
      'lines flowing end to end',
      async () => (await countLines(output, 0)).total > 200,
    );

    await broker.stop('SIGKILL');
    const arrivedWhileUp = (await countLines(output, 0)).total;
    await new Promise((r) => setTimeout(r, DOWN_MS));
    await broker.start();

    await cluster.running(source, 1);
    await cluster.running(sink, 1);
    await cluster.settled();
    // Both workers outlived the outage.
    expect(cluster.live()).toHaveLength(2);
    // Lines written while the broker was down, and after, go through too.
    await waitFor('lines after the restart', async () => {
      return (await countLines(output, 0)).total > arrivedWhileUp + 200;
    });
    await feed.stop();
    const counts = await feed.arrived(output);
    expect(counts.missing, cluster.problems()).toEqual([]);
  });
});
