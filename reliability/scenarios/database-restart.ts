/**
 * A private PostgreSQL restarted (fast shutdown, down a while, started again on the same data)
 * while a sink writes into it or a source reads from it; the sink case is also run as a minute
 * long outage with input still flowing, watching the worker's memory.
 */
import { randomUUID } from 'node:crypto';
import { kafkaBrokers, PrivatePostgres } from '@sluice/test-fixtures';
import { StandalonePipeline } from '../pipeline.js';
import { pluginDir, type Scenario, type Size } from '../scenario.js';
import { readLines, TableFeed } from '../table-feed.js';
import { caughtUp, figures } from '../tally.js';
import { postgresSink } from './network-faults.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const JSON_CONVERTER = 'org.apache.kafka.connect.json.JsonConverter';

/** A sink into a private server that goes down for `downMs` while input keeps coming. */
async function sinkOutage(name: string, size: Size, downMs: number, extra: Record<string, string>) {
  const server = await PrivatePostgres.start();
  const table = `chaos_${randomUUID().slice(0, 8)}`;
  let pipeline: StandalonePipeline | null = null;
  let ok = false;
  try {
    pipeline = await StandalonePipeline.start({
      brokers: kafkaBrokers(),
      size,
      worker: { 'plugin.path': pluginDir('@sluice/connector-postgres') },
      sink: () => postgresSink(server.url, table, extra),
      read: () => readLines(server.url, table),
    });
    await pipeline.flowing();
    await sleep(size.beforeMs);
    const rssBefore = pipeline.peakRssMiB();
    await server.stop();
    await sleep(downMs);
    const rssDown = pipeline.peakRssMiB();
    await server.start();
    const read = () => (pipeline as StandalonePipeline).read();
    const recoveryMs = await caughtUp(read, pipeline.feed.written);
    await pipeline.feed.stop();
    await caughtUp(read, pipeline.feed.written);
    ok = true;
    return {
      scenario: name,
      ...figures(await read(), pipeline.feed.written),
      recoveryMs,
      notes: `database down ${downMs / 1000} s; worker peak RSS ${rssBefore} MiB before, ${rssDown} MiB by the end of the outage`,
    };
  } finally {
    await pipeline?.stop(!ok);
    await server.destroy();
  }
}

export const postgresSinkRestart: Scenario = {
  name: 'PostgreSQL restarted during sink writes (file source → PostgresSink)',
  run: (size) => sinkOutage(postgresSinkRestart.name, size, size.faultMs, {}),
};

export const postgresSinkOutage: Scenario = {
  name: 'PostgreSQL down for a minute under a sink, input flowing',
  // The default 10 retries 3 s apart would give up after 30 s: a minute needs more.
  run: (size) =>
    sinkOutage(postgresSinkOutage.name, size, size.outageMs, {
      'max.retries': '100',
      'retry.backoff.ms': '2000',
    }),
};

export const postgresSourceRestart: Scenario = {
  name: 'PostgreSQL restarted during source reads (PostgresSource → file sink)',
  async run(size: Size) {
    const server = await PrivatePostgres.start();
    const table = `chaos_${randomUUID().slice(0, 8)}`;
    const feed = new TableFeed(server.url, table, 10, 10_000 / size.perSecond);
    await feed.create();
    let pipeline: StandalonePipeline | null = null;
    let ok = false;
    try {
      pipeline = await StandalonePipeline.start({
        brokers: kafkaBrokers(),
        size,
        worker: { 'plugin.path': pluginDir('@sluice/connector-postgres') },
        source: {
          feed,
          config: (topic) => ({
            'connector.class': 'PostgresSource',
            'connection.url': server.url,
            mode: 'incrementing',
            'incrementing.column.name': 'id',
            'table.whitelist': table,
            'topic.prefix': topic.replace(/chaos-/, 'chaos-src-'),
            'poll.interval.ms': '200',
            'value.converter': JSON_CONVERTER,
          }),
        },
        sink: (topic, output) => ({
          'connector.class': 'FileStreamSink',
          file: output,
          topics: `${topic.replace(/chaos-/, 'chaos-src-')}${table}`,
          'value.converter': JSON_CONVERTER,
          transforms: 'line',
          'transforms.line.type': 'org.apache.kafka.connect.transforms.ExtractField$Value',
          'transforms.line.field': 'line',
        }),
      });
      await pipeline.flowing();
      await sleep(size.beforeMs);
      await server.stop();
      await sleep(size.faultMs);
      await server.start();
      const recoveryMs = await caughtUp(
        () => (pipeline as StandalonePipeline).read(),
        feed.written,
      );
      await feed.stop();
      await caughtUp(() => (pipeline as StandalonePipeline).read(), feed.written);
      ok = true;
      return {
        scenario: this.name,
        ...figures(await pipeline.read(), feed.written),
        recoveryMs,
        notes: `database down ${size.faultMs / 1000} s; ${feed.failures} inserts refused while down`,
      };
    } finally {
      await feed.stop();
      await pipeline?.stop(!ok);
      await server.destroy();
    }
  },
};
