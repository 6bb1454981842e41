import { spawnWorkerProcess } from '@sluice/connector-testkit';
import { createStandalone, type StandaloneHerder } from '@sluice/runtime';
import { PrivateCassandra } from '@sluice/test-fixtures';
import cassandra from 'cassandra-driver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cassandraClient, connectionProps, freshKeyspace } from './harness.js';
import {
  createTopics,
  failures,
  log,
  produce,
  readTopic,
  unique,
  waitFor,
  workerProps,
} from './kafka.js';

let client: cassandra.Client;
let ks: string;

beforeAll(async () => {
  client = await cassandraClient();
  ks = await freshKeyspace(client, 'crash');
});

afterAll(async () => {
  await client?.execute(`DROP KEYSPACE IF EXISTS ${ks}`);
  await client?.shutdown();
});

const record = (id: number) =>
  JSON.stringify({
    schema: {
      type: 'struct',
      optional: false,
      fields: [
        { field: 'id', type: 'int32', optional: false },
        { field: 'n', type: 'string', optional: false },
      ],
    },
    payload: { id, n: `row ${id}` },
  });

const count = async (c: cassandra.Client, table: string) =>
  Number((await c.execute(`SELECT count(*) FROM ${table}`)).first().get('count'));

describe('crashes', () => {
  it('loses nothing when the worker is killed (kill -9) while the sink and the source run, and restarted', async () => {
    await client.execute(`CREATE TABLE ${ks}.crash (id int PRIMARY KEY, made timeuuid, n text)`);
    const input = unique('crash-in');
    const output = unique('crash-out');
    await createTopics(input, output);
    await produce(
      input,
      Array.from({ length: 10_000 }, (_, i) => record(i)),
    );
    // Consumers of a killed worker leave the group after the session timeout: keep it short.
    const worker = await workerProps({
      'consumer.session.timeout.ms': '6000',
      'consumer.heartbeat.interval.ms': '1000',
    });
    const connectors = {
      'cassandra-crash-sink': {
        'connector.class': 'CassandraSink',
        topics: input,
        ...connectionProps(),
        // One write at a time, so the kill lands in the middle of the stream.
        maxConcurrentRequests: '1',
        maxNumberOfRecordsInBatch: '1',
        [`topic.${input}.${ks}.crash.mapping`]: 'id=value.id, n=value.n, made=now()',
      },
      'cassandra-crash-source': {
        'connector.class': 'CassandraSource',
        ...connectionProps(),
        'connect.cassandra.key.space': ks,
        'connect.cassandra.kcql': `INSERT INTO ${output} SELECT * FROM crash PK made INCREMENTALMODE=TIMEUUID`,
        // A row's timeuuid is made when its record is mapped; one put() of 500 is written one
        // statement at a time: the delay must cover that.
        'connect.cassandra.slice.delay.ms': '5000',
        'connect.cassandra.import.poll.interval': '200',
      },
    };
    const first = await spawnWorkerProcess(worker, connectors);
    try {
      // The sink is under way (the source, 5 s behind the writes, is polling): on an idle machine
      // waiting for the source's first records too let the sink write all 10,000 rows first.
      await waitFor('some rows', async () => (await count(client, `${ks}.crash`)) >= 300).catch(
        (error: Error) => {
          throw new Error(`${error.message}; the worker printed:\n${first.output().slice(-6000)}`);
        },
      );
    } finally {
      await first.kill();
    }
    const atKill = await count(client, `${ks}.crash`);
    expect(atKill).toBeLessThan(10_000);
    await produce(
      input,
      Array.from({ length: 1000 }, (_, i) => record(10_000 + i)),
    );
    const second = await spawnWorkerProcess(worker, connectors);
    try {
      await waitFor(
        '11000 rows',
        async () => (await count(client, `${ks}.crash`)) === 11_000,
        300_000,
      );
      const ids = (records: readonly { value: Uint8Array | null }[]) =>
        new Set(
          records.map(
            (r) =>
              (
                JSON.parse(new TextDecoder().decode(r.value ?? new Uint8Array())) as {
                  payload: { id: number };
                }
              ).payload.id,
          ),
        );
      const copied = await readTopic(output, (records) => ids(records).size >= 11_000, 300_000);
      expect(ids(copied).size).toBe(11_000);
      const rows = (await client.execute(`SELECT id, n FROM ${ks}.crash`)).rows;
      expect(rows.every((r) => r.get('n') === `row ${r.get('id')}`)).toBe(true);
    } finally {
      await second.kill();
    }
  }, 600_000);

  it('waits for Cassandra while it restarts under the sink, and writes everything once it is back', async () => {
    const node = await PrivateCassandra.create();
    let herder: StandaloneHerder | null = null;
    const own = new cassandra.Client({
      contactPoints: [node.contactPoint],
      localDataCenter: 'datacenter1',
      policies: {
        reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(500),
      },
    });
    try {
      await node.start();
      await own.connect();
      await own.execute(
        `CREATE KEYSPACE restart WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`,
      );
      await own.execute('CREATE TABLE restart.rows (id int PRIMARY KEY, n text)');
      const topic = unique('restart');
      await createTopics(topic);
      ({ herder } = await createStandalone(await workerProps(), { log }));
      await herder.start();
      await herder.putConnectorConfig(
        'restart-sink',
        {
          'connector.class': 'CassandraSink',
          topics: topic,
          contactPoints: node.contactPoint,
          'loadBalancing.localDc': 'datacenter1',
          queryExecutionTimeout: '5',
          [`topic.${topic}.restart.rows.mapping`]: 'id=value.id, n=value.n',
        },
        false,
      );
      // Records keep coming, 100 every 200 ms, while the node is killed and started again.
      const producing = (async () => {
        for (let batch = 0; batch < 40; batch++) {
          await produce(
            topic,
            Array.from({ length: 100 }, (_, i) => record(batch * 100 + i)),
          );
          await new Promise((r) => setTimeout(r, 200));
        }
      })();
      await waitFor('the first rows', async () => (await count(own, 'restart.rows')) > 0);
      await node.kill('SIGKILL');
      await new Promise((r) => setTimeout(r, 2000));
      await node.start();
      await producing;
      const h = herder;
      await waitFor(
        '4000 rows after the restart',
        async () => {
          const failed = failures(h, ['restart-sink']);
          if (failed.length > 0) throw new Error(failed.join('\n'));
          // The node answers nothing while it starts: count 0 then.
          return (await count(own, 'restart.rows').catch(() => 0)) === 4000;
        },
        420_000,
      );
      const rows = (await own.execute('SELECT id, n FROM restart.rows')).rows;
      expect(rows.every((r) => r.get('n') === `row ${r.get('id')}`)).toBe(true);
      expect(h.connectorStatus('restart-sink').tasks.map((t) => t.state)).toEqual(['RUNNING']);
    } finally {
      await herder?.stop();
      await own.shutdown();
      await node.destroy();
    }
  }, 600_000);
});
