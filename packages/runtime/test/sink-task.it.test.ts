import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DLQ_HEADERS } from '../src/errors/dead-letter-queue-reporter.js';
import {
  admin,
  clients,
  closeClients,
  createTopic,
  header,
  produce,
  readTopic,
  startHerder,
  startTrackedHerder,
  stopStartedHerders,
  text,
  topicSize,
  uniqueName,
  waitFor,
} from './harness.js';
import { sinkLog, whimsicalAttempts } from './test-plugins.js';

const herder = startTrackedHerder;

afterAll(async () => {
  await stopStartedHerders();
  await closeClients();
});

const range = (n: number, prefix = 'v') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('sink task runner', () => {
  it('sends poison records to the DLQ with the __connect.errors headers while good records flow (errors.tolerance=all)', async () => {
    const topic = uniqueName('json-in');
    const dlq = uniqueName('dlq');
    await createTopic(topic);
    const values = ['{"n":1}', '{"n":2', '{"n":3}', 'not json', '{"n":5}'];
    await produce(topic, values);
    const { herder: h, dir } = await herder();
    const out = join(dir, 'out.txt');
    await h.putConnectorConfig(
      'json-sink',
      {
        'connector.class': 'FileStreamSink',
        topics: topic,
        file: out,
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'value.converter.schemas.enable': 'false',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': dlq,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
      },
      false,
    );
    await waitFor('three good lines in the sink file', async () => {
      const content = await readFile(out, 'utf8').catch(() => '');
      return content.split('\n').filter(Boolean).length >= 3;
    });
    expect((await readFile(out, 'utf8')).split('\n').filter(Boolean)).toEqual([
      '{"n":1}',
      '{"n":3}',
      '{"n":5}',
    ]);
    await waitFor('two records in the DLQ', async () => {
      const ends = await (await admin()).topicOffsets(dlq);
      return ends.reduce((n, o) => n + Number(o.high), 0) >= 2;
    });
    const dead = await readTopic(dlq);
    expect(dead.map((r) => text(r.value))).toEqual(['{"n":2', 'not json']);
    const first = dead[0];
    if (!first) throw new Error('no DLQ record');
    expect(header(first, DLQ_HEADERS.topic)).toBe(topic);
    expect(header(first, DLQ_HEADERS.partition)).toBe('0');
    expect(header(first, DLQ_HEADERS.offset)).toBe('1');
    expect(header(dead[1] as typeof first, DLQ_HEADERS.offset)).toBe('3');
    expect(header(first, DLQ_HEADERS.connectorName)).toBe('json-sink');
    expect(header(first, DLQ_HEADERS.taskId)).toBe('0');
    expect(header(first, DLQ_HEADERS.stage)).toBe('VALUE_CONVERTER');
    expect(header(first, DLQ_HEADERS.className)).toBe(
      'org.apache.kafka.connect.json.JsonConverter',
    );
    expect(header(first, DLQ_HEADERS.exceptionClassName)).toBe(
      'org.apache.kafka.connect.errors.DataException',
    );
    expect(header(first, DLQ_HEADERS.exceptionMessage)).toBeTruthy();
    expect(header(first, DLQ_HEADERS.exceptionStacktrace)).toContain('DataException');
    expect(h.connectorStatus('json-sink').tasks[0]?.state).toBe('RUNNING');
  });

  it("names Kafka's Java classes in the DLQ headers, whichever alias configured the converter and the transform", async () => {
    const topic = uniqueName('java-names');
    const dlq = uniqueName('java-names-dlq');
    await createTopic(topic);
    await produce(topic, ['{"n":1}', '"text"', 'not json']);
    const { herder: h } = await herder();
    const name = uniqueName('java-names-sink');
    await h.putConnectorConfig(
      name,
      {
        'connector.class': 'CollectingSink',
        topics: topic,
        // Short aliases, as Kafka also accepts: its headers still carry the Java class names.
        'value.converter': 'JsonConverter',
        'value.converter.schemas.enable': 'false',
        transforms: 'pick',
        'transforms.pick.type': 'ExtractField$Value',
        'transforms.pick.field': 'n',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': dlq,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
      },
      false,
    );
    await waitFor('two records in the DLQ', async () => (await topicSize(dlq)) >= 2);
    expect(sinkLog(name).values).toEqual(['1']);
    const [extract, convert] = await readTopic(dlq);
    if (!extract || !convert) throw new Error('DLQ records missing');
    expect(header(extract, DLQ_HEADERS.stage)).toBe('TRANSFORMATION');
    expect(header(extract, DLQ_HEADERS.className)).toBe(
      'org.apache.kafka.connect.transforms.ExtractField$Value',
    );
    expect(header(extract, DLQ_HEADERS.exceptionClassName)).toBe(
      'org.apache.kafka.connect.errors.DataException',
    );
    expect(header(convert, DLQ_HEADERS.stage)).toBe('VALUE_CONVERTER');
    expect(header(convert, DLQ_HEADERS.className)).toBe(
      'org.apache.kafka.connect.json.JsonConverter',
    );
    expect(header(convert, DLQ_HEADERS.exceptionClassName)).toBe(
      'org.apache.kafka.connect.errors.DataException',
    );
  });

  it('retries a converter and a transform that throw RetriableException, and waits for those that answer with a promise: every record once, in order', async () => {
    const topic = uniqueName('whims');
    await createTopic(topic);
    const values = ['a', 'retry:b', 'async:c', 'tx-retry:d', 'tx-async:e', 'retry:tx-retry:f', 'g'];
    await produce(topic, values);
    const { herder: h } = await herder();
    const name = uniqueName('whims-sink');
    await h.putConnectorConfig(
      name,
      {
        'connector.class': 'CollectingSink',
        topics: topic,
        'value.converter': 'WhimsicalStringConverter',
        transforms: 'whim',
        'transforms.whim.type': 'WhimsicalTransform',
        'errors.retry.timeout': '30000',
        'errors.retry.delay.max.ms': '20',
      },
      false,
    );
    await waitFor('every record in the sink', async () => sinkLog(name).values.length >= 7);
    expect(sinkLog(name).values).toEqual(values.map((v) => `${v}!`));
    const { converter, transform } = whimsicalAttempts;
    expect(values.map((v) => converter.get(v))).toEqual([1, 2, 1, 1, 1, 2, 1]);
    expect(values.map((v) => transform.get(v))).toEqual([1, 1, 1, 2, 1, 2, 1]);
    expect(h.connectorStatus(name).tasks[0]?.state).toBe('RUNNING');
  });

  it('sends a record whose key cannot be converted to the DLQ at the KEY_CONVERTER stage (errors.tolerance=all)', async () => {
    const topic = uniqueName('bad-keys');
    const dlq = uniqueName('bad-keys-dlq');
    await createTopic(topic);
    await produce(topic, ['one', 'two', 'three'], 0, ['k1', 'fail:k2', 'retry:k3']);
    const { herder: h } = await herder();
    const name = uniqueName('bad-keys-sink');
    await h.putConnectorConfig(
      name,
      {
        'connector.class': 'CollectingSink',
        topics: topic,
        'key.converter': 'WhimsicalStringConverter',
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': dlq,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
      },
      false,
    );
    await waitFor('a record in the sink', async () => sinkLog(name).values.length >= 1);
    await waitFor('two records in the DLQ', async () => (await topicSize(dlq)) >= 2);
    // Without errors.retry.timeout, a RetriableException is not retried: tolerated, skipped.
    expect(sinkLog(name).values).toEqual(['one']);
    const dead = await readTopic(dlq);
    expect(dead.map((r) => text(r.value))).toEqual(['two', 'three']);
    expect(header(dead[0] as (typeof dead)[number], DLQ_HEADERS.stage)).toBe('KEY_CONVERTER');
    expect(header(dead[1] as (typeof dead)[number], DLQ_HEADERS.exceptionClassName)).toBe(
      'org.apache.kafka.connect.errors.RetriableException',
    );
  });

  it('fails the task with the cause in its trace on a poison record when errors.tolerance=none', async () => {
    const topic = uniqueName('json-none');
    await createTopic(topic);
    await produce(topic, ['{"ok":true}', '{broken']);
    const { herder: h, dir } = await herder();
    await h.putConnectorConfig(
      'strict-sink',
      {
        'connector.class': 'FileStreamSink',
        topics: topic,
        file: join(dir, 'strict.txt'),
        'value.converter': 'JsonConverter',
        'value.converter.schemas.enable': 'false',
      },
      false,
    );
    await waitFor(
      'the task to fail',
      () => h.connectorStatus('strict-sink').tasks[0]?.state === 'FAILED',
    );
    const status = h.connectorStatus('strict-sink');
    expect(status.connector.state).toBe('RUNNING');
    expect(status.tasks[0]?.trace).toContain('Tolerance exceeded in error handler');
    expect(status.tasks[0]?.trace).toMatch(/Caused by: DataException/);
    // As in Kafka, the batch holding the poison record never reaches put(), and nothing of it is
    // committed: a restart after fixing the data resumes at the first record.
    expect(await readFile(join(dir, 'strict.txt'), 'utf8')).toBe('');
    expect((await h.connectorOffsets('strict-sink')).offsets).toEqual([]);
  });

  it('retries a put that throws RetriableException with backoff, then delivers every record once, in order', async () => {
    const topic = uniqueName('retry');
    await createTopic(topic);
    const values = range(200);
    await produce(topic, values);
    const { herder: h } = await herder();
    const name = uniqueName('retry-sink');
    await h.putConnectorConfig(
      name,
      { 'connector.class': 'CollectingSink', topics: topic, 'fail.retriable.times': '3' },
      false,
    );
    await waitFor('200 records delivered', () => sinkLog(name).values.length >= 200);
    expect(sinkLog(name).failedPuts).toBe(3);
    expect(sinkLog(name).values).toEqual(values);
    expect(h.taskCounters(name)[0]?.counters).toMatchObject({ recordsOut: 200, lag: 0 });
    expect(h.connectorStatus(name).tasks[0]?.state).toBe('RUNNING');
    await waitFor('offsets committed', async () => {
      const o = await h.connectorOffsets(name);
      return o.offsets[0]?.offset?.kafka_offset === 200;
    });
  });

  it('loses nothing when put throws on a batch: the task fails, and after a restart resumes from the committed offset', async () => {
    const topic = uniqueName('throw');
    await createTopic(topic);
    const { herder: h } = await herder();
    const name = uniqueName('throw-sink');
    await produce(topic, range(50));
    await h.putConnectorConfig(
      name,
      { 'connector.class': 'CollectingSink', topics: topic, 'fail.once.on.value': 'w10' },
      false,
    );
    await waitFor('the first 50 records', () => sinkLog(name).values.length >= 50);
    await waitFor('offsets committed', async () => {
      const o = await h.connectorOffsets(name);
      return o.offsets[0]?.offset?.kafka_offset === 50;
    });
    await produce(topic, range(30, 'w'));
    await waitFor('the task to fail', () => h.connectorStatus(name).tasks[0]?.state === 'FAILED');
    expect(h.connectorStatus(name).tasks[0]?.trace).toContain('cannot store w10');
    await h.restartConnector(name, { includeTasks: true, onlyFailed: true });
    await waitFor('all 80 records', () => sinkLog(name).values.length >= 80);
    expect(sinkLog(name).values).toEqual([...range(50), ...range(30, 'w')]);
    expect(h.connectorStatus(name).tasks[0]?.state).toBe('RUNNING');
  });

  it('sends records reported through the errant record reporter to the DLQ and commits past them', async () => {
    const topic = uniqueName('errant');
    const dlq = uniqueName('errant-dlq');
    await createTopic(topic);
    await produce(topic, ['a', 'b', 'c', 'd']);
    const { herder: h } = await herder();
    const name = uniqueName('errant-sink');
    await h.putConnectorConfig(
      name,
      {
        'connector.class': 'CollectingSink',
        topics: topic,
        'report.values': 'b,d',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': dlq,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
      },
      false,
    );
    await waitFor('two records stored', () => sinkLog(name).values.length >= 2);
    expect(sinkLog(name).values).toEqual(['a', 'c']);
    const dead = await readTopic(dlq);
    expect(dead.map((r) => text(r.value))).toEqual(['b', 'd']);
    expect(dead.map((r) => header(r, DLQ_HEADERS.stage))).toEqual(['TASK_PUT', 'TASK_PUT']);
    expect(header(dead[0] as (typeof dead)[0], DLQ_HEADERS.exceptionMessage)).toBe(
      'value b is not accepted',
    );
    await waitFor('offsets committed past the reported records', async () => {
      const o = await h.connectorOffsets(name);
      return o.offsets[0]?.offset?.kafka_offset === 4;
    });
  });

  it('consumes every topic matching topics.regex and opens their partitions', async () => {
    const base = uniqueName('rx');
    await createTopic(`${base}-a`);
    await createTopic(`${base}-b`, 2);
    await produce(`${base}-a`, ['a0', 'a1']);
    await produce(`${base}-b`, ['b0'], 1);
    const { herder: h } = await herder();
    const name = uniqueName('regex-sink');
    await h.putConnectorConfig(
      name,
      { 'connector.class': 'CollectingSink', 'topics.regex': `${base}-.*` },
      false,
    );
    await waitFor('three records', () => sinkLog(name).values.length >= 3);
    expect([...sinkLog(name).values].sort()).toEqual(['a0', 'a1', 'b0']);
    expect([...sinkLog(name).opened].sort()).toEqual([`${base}-a-0`, `${base}-b-0`, `${base}-b-1`]);
    await h.deleteConnector(name);
    expect([...sinkLog(name).closed].sort()).toEqual([`${base}-a-0`, `${base}-b-0`, `${base}-b-1`]);
    expect(sinkLog(name).stopped).toBe(1);
  });

  it('picks up a topic created after the start that matches topics.regex, without restarting the task (metadata.max.age.ms)', async () => {
    const base = uniqueName('rx-later');
    await createTopic(`${base}-a`);
    await produce(`${base}-a`, ['a0']);
    const { herder: h } = await herder();
    const name = uniqueName('regex-later-sink');
    await h.putConnectorConfig(
      name,
      {
        'connector.class': 'CollectingSink',
        'topics.regex': `${base}-.*`,
        'consumer.override.metadata.max.age.ms': '1000',
      },
      false,
    );
    await waitFor('the first topic', () => sinkLog(name).values.length >= 1);
    await createTopic(`${base}-b`);
    await produce(`${base}-b`, ['b0', 'b1']);
    await produce(`${base}-a`, ['a1']);
    await waitFor('the records of both topics', () => sinkLog(name).values.length >= 4);
    expect([...sinkLog(name).values].sort()).toEqual(['a0', 'a1', 'b0', 'b1']);
    expect(sinkLog(name).opened).toContain(`${base}-b-0`);
    // The same task went on: never stopped.
    expect(sinkLog(name).stopped).toBe(0);
    expect(h.connectorStatus(name).tasks.map((t) => t.state)).toEqual(['RUNNING']);
  });

  it('stays RUNNING when its consumer group rebalances while it is putting a batch, and delivers every record', async () => {
    const topic = uniqueName('rebalance');
    await createTopic(topic);
    const values = range(3000, 'r');
    await produce(topic, values);
    const { herder: h } = await herder({
      'consumer.heartbeat.interval.ms': '300',
      'consumer.session.timeout.ms': '6000',
    });
    const name = uniqueName('rebalanced-sink');
    await h.putConnectorConfig(
      name,
      { 'connector.class': 'CollectingSink', topics: topic, 'put.delay.ms': '700' },
      false,
    );
    await waitFor('put to be called', () => sinkLog(name).putCalls >= 1);
    // Another member joins the task's group mid-batch: the task's next heartbeat is answered
    // REBALANCE_IN_PROGRESS. It consumes nothing and commits nothing, then leaves.
    const intruder = clients.consumer({
      clientId: 'intruder',
      groupId: `connect-${name}`,
      overrides: { 'heartbeat.interval.ms': '300', 'session.timeout.ms': '6000' },
    });
    let joined = false;
    await intruder.connect();
    await intruder.subscribe({ topics: [topic], fromBeginning: true });
    await intruder.run({
      onBatch: async () => {},
      onAssignment: async () => {
        joined = true;
      },
      onCrash: () => {},
    });
    await waitFor('the intruder to join the group', () => joined);
    await intruder.disconnect();
    await waitFor(
      'every record delivered',
      () => new Set(sinkLog(name).values).size >= values.length,
      60_000,
    ).catch(() => {});
    expect(h.connectorStatus(name).tasks.map((t) => [t.state, t.trace ?? ''])).toEqual([
      ['RUNNING', ''],
    ]);
    expect(new Set(sinkLog(name).values)).toEqual(new Set(values));
  });

  it('reports RUNNING as soon as it started, before its topic exists, and consumes the topic once created', async () => {
    const topic = uniqueName('later');
    const { herder: h } = await herder();
    const name = uniqueName('later-sink');
    await h.putConnectorConfig(name, { 'connector.class': 'CollectingSink', topics: topic }, false);
    // As Kafka Connect: the task runs, its consumer just has no partitions yet.
    await waitFor('the task RUNNING', () => h.connectorStatus(name).tasks[0]?.state === 'RUNNING');
    expect(await (await admin()).listTopics()).not.toContain(topic);
    await createTopic(topic);
    await produce(topic, ['l0', 'l1']);
    await waitFor('the records of the new topic', () => sinkLog(name).values.length >= 2);
    expect(sinkLog(name).values).toEqual(['l0', 'l1']);
    expect(h.connectorStatus(name).tasks[0]?.state).toBe('RUNNING');
  });

  it('reports PAUSED for a paused connector whose topic does not exist yet, RUNNING after resume', async () => {
    const topic = uniqueName('later-paused');
    const { herder: h } = await herder();
    const name = uniqueName('later-paused-sink');
    await h.putConnectorConfig(name, { 'connector.class': 'CollectingSink', topics: topic }, false);
    await h.pauseConnector(name);
    await waitFor('the task PAUSED', () => h.connectorStatus(name).tasks[0]?.state === 'PAUSED');
    await h.resumeConnector(name);
    await waitFor('the task RUNNING', () => h.connectorStatus(name).tasks[0]?.state === 'RUNNING');
  });

  it('delivers nothing while paused and everything after resume', async () => {
    const topic = uniqueName('pause');
    await createTopic(topic);
    const { herder: h } = await herder();
    const name = uniqueName('pause-sink');
    await produce(topic, ['p0']);
    await h.putConnectorConfig(name, { 'connector.class': 'CollectingSink', topics: topic }, false);
    await waitFor('the first record', () => sinkLog(name).values.length >= 1);
    await h.pauseConnector(name);
    expect(h.connectorStatus(name).tasks[0]?.state).toBe('PAUSED');
    await produce(topic, ['p1', 'p2']);
    // Whatever the machine's speed, a paused task must not receive these.
    await new Promise((r) => setTimeout(r, 2000));
    expect(sinkLog(name).values).toEqual(['p0']);
    await h.resumeConnector(name);
    await waitFor('the records produced during the pause', () => sinkLog(name).values.length >= 3);
    expect(sinkLog(name).values).toEqual(['p0', 'p1', 'p2']);
  });

  it('abandons a task stuck in put after task.shutdown.graceful.timeout.ms so the worker can stop', async () => {
    const topic = uniqueName('stuck');
    await createTopic(topic);
    await produce(topic, ['s0']);
    const { herder: h } = await startHerder({ 'task.shutdown.graceful.timeout.ms': '1000' });
    const name = uniqueName('stuck-sink');
    await h.putConnectorConfig(
      name,
      { 'connector.class': 'CollectingSink', topics: topic, 'block.put': 'true' },
      false,
    );
    await waitFor('put to be called', () => sinkLog(name).putCalls >= 1);
    await h.stop();
    expect(sinkLog(name).values).toEqual([]);
  });

  it('commits only what preCommit reports durable: nothing, so a restarted connector gets every record again', async () => {
    const topic = uniqueName('durable');
    await createTopic(topic);
    await produce(topic, ['d0', 'd1', 'd2']);
    const { herder: h } = await herder();
    const name = uniqueName('nothing-durable');
    await h.putConnectorConfig(
      name,
      { 'connector.class': 'CollectingSink', topics: topic, 'precommit.nothing': 'true' },
      false,
    );
    await waitFor('the records', () => sinkLog(name).values.length >= 3);
    const calls = sinkLog(name).preCommits;
    await waitFor('two more preCommit calls', () => sinkLog(name).preCommits >= calls + 2);
    expect((await h.connectorOffsets(name)).offsets).toEqual([]);
    await h.restartConnector(name, { includeTasks: true });
    await waitFor('the records delivered again', () => sinkLog(name).values.length >= 6);
    expect(sinkLog(name).values).toEqual(['d0', 'd1', 'd2', 'd0', 'd1', 'd2']);
  });

  it('starts where the task asks with context.offset() in open()', async () => {
    const topic = uniqueName('seek');
    await createTopic(topic);
    await produce(topic, range(6));
    const { herder: h } = await herder();
    const name = uniqueName('seek-sink');
    await h.putConnectorConfig(
      name,
      { 'connector.class': 'CollectingSink', topics: topic, 'seek.on.open': '4' },
      false,
    );
    await waitFor('the records from offset 4', () => sinkLog(name).values.length >= 2);
    expect(sinkLog(name).values).toEqual(['v4', 'v5']);
    await waitFor('the offset committed', async () => {
      const o = await h.connectorOffsets(name);
      return o.offsets[0]?.offset?.kafka_offset === 6;
    });
  });

  it('rewinds to the offset put() asks with context.offset() while the next records are already fetched', async () => {
    const topic = uniqueName('rewind');
    await createTopic(topic);
    await produce(topic, range(6));
    const { herder: h } = await herder();
    const name = uniqueName('rewind-sink');
    await h.putConnectorConfig(
      name,
      {
        'connector.class': 'CollectingSink',
        topics: topic,
        'consumer.override.max.poll.records': '2',
        'put.delay.ms': '300',
        'seek.once.on.value': 'v5',
        'seek.to': '2',
      },
      false,
    );
    // Produced while the first records are being put: fetched ahead, before the rewind.
    await waitFor('the first put', () => sinkLog(name).putCalls >= 1);
    await produce(
      topic,
      range(4).map((_, i) => `v${6 + i}`),
    );
    await waitFor('the records after the rewind', () => sinkLog(name).values.length >= 14);
    await new Promise((r) => setTimeout(r, 1000));
    expect(sinkLog(name).values).toEqual([...range(6), ...range(10).slice(2)]);
    await waitFor('the offset committed', async () => {
      const o = await h.connectorOffsets(name);
      return o.offsets[0]?.offset?.kafka_offset === 10;
    });
  });

  it('splits partitions between tasks, closing and opening them as the assignment changes, without losing records', async () => {
    const topic = uniqueName('split');
    await createTopic(topic, 2);
    await produce(topic, range(40, 'a'), 0);
    await produce(topic, range(40, 'b'), 1);
    const { herder: h } = await herder();
    const name = uniqueName('split-sink');
    await h.putConnectorConfig(
      name,
      { 'connector.class': 'CollectingSink', topics: topic, 'tasks.max': '2' },
      false,
    );
    await waitFor('every record', () => new Set(sinkLog(name).values).size >= 80);
    const log = sinkLog(name);
    expect(new Set(log.values)).toEqual(new Set([...range(40, 'a'), ...range(40, 'b')]));
    // Within each partition, first deliveries keep the partition's order.
    for (const prefix of ['a', 'b']) {
      const firsts = [...new Set(log.values.filter((v) => v.startsWith(prefix)))];
      expect(firsts).toEqual(range(40, prefix));
    }
    // Every partition was opened; one that moved between tasks in a rebalance was closed by
    // its first owner, so exactly two stay open.
    await waitFor('both partitions committed to the end', async () => {
      const o = await h.connectorOffsets(name);
      return o.offsets.length === 2 && o.offsets.every((x) => x.offset?.kafka_offset === 40);
    });
    expect(new Set(log.opened)).toEqual(new Set([`${topic}-0`, `${topic}-1`]));
    expect(log.opened.length - log.closed.length).toBe(2);
  });

  it('starts new partitions at the end with consumer.override.auto.offset.reset=latest', async () => {
    const topic = uniqueName('latest');
    await createTopic(topic);
    await produce(topic, ['old0', 'old1']);
    const { herder: h } = await herder();
    const name = uniqueName('latest-sink');
    await h.putConnectorConfig(
      name,
      {
        'connector.class': 'CollectingSink',
        topics: topic,
        'consumer.override.auto.offset.reset': 'latest',
      },
      false,
    );
    // Produce until the task sees something: its start position is taken asynchronously.
    let i = 0;
    await waitFor('a record produced after the task started', async () => {
      if (sinkLog(name).values.length > 0) return true;
      await produce(topic, [`new${i++}`]);
      return false;
    });
    expect(sinkLog(name).values.every((v) => v.startsWith('new'))).toBe(true);
  });
});
