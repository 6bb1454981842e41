/**
 * Network faults through a TCP fault proxy on loopback: between the worker and Kafka (a private
 * broker advertising the proxy's port, so every connection goes through it) and between the
 * worker and PostgreSQL (a sink's connection URL pointing at the proxy). Each link gets added
 * latency, then a stall, then connection resets, one after the other. The resets land in the
 * middle of a response (the full-size run hit that by chance; kafkajs then stopped fetching), and
 * the Kafka stall outlasts the sink consumer's session, so the consumer is dropped from its group.
 */
import { randomUUID } from 'node:crypto';
import {
  ephemeralPort,
  FaultProxy,
  kafkaBrokers,
  postgresUrl,
  startKafkaBroker,
} from '@sluice/test-fixtures';
import { StandalonePipeline } from '../pipeline.js';
import { pluginDir, type Scenario, type Size } from '../scenario.js';
import { dropTable, readLines } from '../table-feed.js';
import { caughtUp, figures } from '../tally.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const LATENCY_MS = 200;
const RESETS = 3;
/** The sink consumer's session in the Kafka scenario: the broker's minimum. */
const SESSION_MS = 6_000;

/** Latency, stall (at least `minStallMs`), resets on `proxy`; resolves with each phase's catch-up time. */
async function faultPhases(
  proxy: FaultProxy,
  pipeline: StandalonePipeline,
  size: Size,
  minStallMs = 0,
) {
  const read = () => pipeline.read();
  proxy.latency(LATENCY_MS);
  await sleep(size.faultMs);
  proxy.clear();
  const latency = await caughtUp(read, pipeline.feed.written);
  const stallMs = Math.max(size.faultMs, minStallMs);
  proxy.stall();
  await sleep(stallMs);
  proxy.clear();
  const stall = await caughtUp(read, pipeline.feed.written);
  let resetConnections = 0;
  for (let i = 0; i < RESETS; i++) {
    resetConnections += proxy.resetMidResponse();
    await sleep(size.faultMs / RESETS);
  }
  const reset = await caughtUp(read, pipeline.feed.written);
  await pipeline.feed.stop();
  await caughtUp(read, pipeline.feed.written);
  return {
    recoveryMs: Math.max(latency, stall, reset),
    notes: `${LATENCY_MS} ms latency ${size.faultMs / 1000} s (caught up in ${latency} ms), stall ${stallMs / 1000} s (${stall} ms), ${RESETS} resets mid-response of ${resetConnections} connections (${reset} ms)`,
  };
}

export const kafkaNetworkFaults: Scenario = {
  name: 'worker ↔ Kafka through a fault proxy: latency, stall, resets',
  async run(size: Size) {
    const brokerPort = await ephemeralPort();
    const proxy = await FaultProxy.start({ upstreamPort: brokerPort });
    const broker = await startKafkaBroker({ port: brokerPort, advertisedPort: proxy.port });
    let pipeline: StandalonePipeline | null = null;
    let ok = false;
    try {
      pipeline = await StandalonePipeline.start({
        brokers: broker.brokers,
        size,
        worker: { 'consumer.session.timeout.ms': String(SESSION_MS) },
      });
      await pipeline.flowing();
      await sleep(size.beforeMs);
      // A stall longer than the session: the sink consumer is dropped from its group meanwhile.
      const phases = await faultPhases(proxy, pipeline, size, SESSION_MS + 1_000);
      ok = true;
      return {
        scenario: this.name,
        ...figures(await pipeline.read(), pipeline.feed.written),
        ...phases,
      };
    } finally {
      await pipeline?.stop(!ok);
      await broker.stop('SIGKILL');
      await proxy.close();
    }
  },
};

export const databaseNetworkFaults: Scenario = {
  name: 'worker ↔ PostgreSQL (sink) through a fault proxy: latency, stall, resets',
  async run(size: Size) {
    const url = new URL(postgresUrl());
    const proxy = await FaultProxy.start({ upstreamPort: Number(url.port) });
    const table = `chaos_${randomUUID().slice(0, 8)}`;
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    let pipeline: StandalonePipeline | null = null;
    let ok = false;
    try {
      pipeline = await StandalonePipeline.start({
        brokers: kafkaBrokers(),
        size,
        worker: { 'plugin.path': pluginDir('@sluice/connector-postgres') },
        sink: () => postgresSink(proxied.toString(), table),
        read: () => readLines(url.toString(), table),
      });
      await pipeline.flowing();
      await sleep(size.beforeMs);
      const phases = await faultPhases(proxy, pipeline, size);
      ok = true;
      return {
        scenario: this.name,
        ...figures(await pipeline.read(), pipeline.feed.written),
        ...phases,
      };
    } finally {
      await pipeline?.stop(!ok);
      await dropTable(url.toString(), table);
      await proxy.close();
    }
  },
};

/** PostgresSink writing each line as a row `(line)` of `table` (created by the sink). */
export function postgresSink(url: string, table: string, extra: Record<string, string> = {}) {
  return {
    'connector.class': 'PostgresSink',
    'connection.url': url,
    'table.name.format': table,
    'auto.create': 'true',
    'insert.mode': 'insert',
    'pk.mode': 'none',
    // FileStreamSource values are plain strings; the sink needs a struct.
    transforms: 'hoist',
    'transforms.hoist.type': 'org.apache.kafka.connect.transforms.HoistField$Value',
    'transforms.hoist.field': 'line',
    ...extra,
  };
}
