import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ConfigException } from '@sluice/api';
import { afterAll, describe, expect, it } from 'vitest';
import type { StandaloneHerder } from '../src/herder/standalone-herder.js';
import { createStandalone, validateConnectorConfigs } from '../src/herder/standalone-worker.js';
import { createLogger } from '../src/logging/logger.js';
import {
  closeClients,
  createTopic,
  readTopic,
  startTrackedHerder,
  stopStartedHerders,
  text,
  topicSize,
  uniqueName,
  waitFor,
} from './harness.js';
import { countingSources, sinkLog } from './test-plugins.js';

const herder = startTrackedHerder;

afterAll(async () => {
  await stopStartedHerders();
  await closeClients();
});

function states(h: StandaloneHerder, name: string): string[] {
  const s = h.connectorStatus(name);
  return [s.connector.state, ...s.tasks.map((t) => t.state)];
}

describe('standalone herder', () => {
  it('moves a file through Kafka into another file, in order, with committed source and sink offsets', async () => {
    const topic = uniqueName('lines');
    await createTopic(topic);
    const { herder: h, dir } = await herder();
    const input = join(dir, 'in.txt');
    const output = join(dir, 'out.txt');
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i}`);
    await writeFile(input, `${lines.join('\n')}\n`);
    await h.putConnectorConfig(
      'file-source',
      {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
        file: input,
        topic,
      },
      false,
    );
    await h.putConnectorConfig(
      'file-sink',
      {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
        file: output,
        topics: topic,
      },
      false,
    );
    await waitFor('2000 lines in the output file', async () => {
      const content = await readFile(output, 'utf8').catch(() => '');
      return content.split('\n').length > 2000;
    });
    expect(await readFile(output, 'utf8')).toBe(`${lines.join('\n')}\n`);
    expect(states(h, 'file-source')).toEqual(['RUNNING', 'RUNNING']);
    expect(h.connectorInfo('file-sink')).toMatchObject({
      name: 'file-sink',
      type: 'sink',
      tasks: [{ connector: 'file-sink', task: 0 }],
    });
    const size = Buffer.byteLength(`${lines.join('\n')}\n`);
    await waitFor('the source offset to reach the end of the file', async () => {
      const o = await h.connectorOffsets('file-source');
      return o.offsets[0]?.offset?.position === size;
    });
    expect((await h.connectorOffsets('file-source')).offsets).toEqual([
      { partition: { filename: input }, offset: { position: size } },
    ]);
    await waitFor('the sink offset to reach the end of the topic', async () => {
      const o = await h.connectorOffsets('file-sink');
      return o.offsets[0]?.offset?.kafka_offset === 2000;
    });
  });

  it('pauses, resumes, stops and restarts a connector with the states Kafka Connect reports', async () => {
    const topic = uniqueName('count');
    await createTopic(topic);
    const { herder: h } = await herder();
    const name = uniqueName('counter');
    await h.putConnectorConfig(name, { 'connector.class': 'CountingSource', topic }, false);
    await waitFor('records flowing', async () => (await topicSize(topic)) > 0);
    expect(states(h, name)).toEqual(['RUNNING', 'RUNNING']);

    await h.pauseConnector(name);
    expect(states(h, name)).toEqual(['PAUSED', 'PAUSED']);
    await h.resumeConnector(name);
    expect(states(h, name)).toEqual(['RUNNING', 'RUNNING']);
    const before = await topicSize(topic);
    await waitFor(
      'records flowing again after resume',
      async () => (await topicSize(topic)) > before,
    );

    await h.stopConnector(name);
    expect(h.connectorStatus(name)).toMatchObject({ connector: { state: 'STOPPED' }, tasks: [] });
    await h.resumeConnector(name);
    await waitFor('tasks running after resume from STOPPED', () =>
      states(h, name).every((s) => s === 'RUNNING'),
    );
    expect(h.connectorStatus(name).tasks).toHaveLength(1);

    const previous = countingSources.get(name);
    const status = await h.restartConnector(name, { includeTasks: true });
    // Kafka's restart plan: what was restarted shows RESTARTING, versions included (KIP-891).
    expect(status.connector).toMatchObject({ state: 'RESTARTING', version: '1.0.0' });
    expect(status.tasks.map((t) => t.state)).toEqual(['RESTARTING']);
    // A restart starts a new connector instance.
    expect(countingSources.get(name)).not.toBe(previous);
    expect(countingSources.get(name)?.starts).toBe(1);
    await waitFor('the task running after restart', () => states(h, name)[1] === 'RUNNING');
    await h.restartTask(name, 0);
    await waitFor('the task running after a task restart', () => states(h, name)[1] === 'RUNNING');

    // The counter resumes from its committed offset: no value is produced twice per task
    // beyond what was in flight at each stop, and none is skipped.
    await h.stopConnector(name);
    const values = (await readTopic(topic)).map((r) => text(r.value) ?? '');
    const numbers = [...new Set(values)].map((v) => Number(v.split('-').pop()));
    numbers.sort((a, b) => a - b);
    expect(numbers).toEqual(numbers.map((_, i) => i));
  });

  it('restarts the tasks with new configs when the connector asks for reconfiguration', async () => {
    const topic = uniqueName('reconf');
    await createTopic(topic);
    const { herder: h } = await herder();
    const name = uniqueName('reconf');
    await h.putConnectorConfig(
      name,
      { 'connector.class': 'CountingSource', topic, 'tasks.max': '3' },
      false,
    );
    await waitFor('one task running', () => states(h, name).join() === 'RUNNING,RUNNING');
    countingSources.get(name)?.setTaskCount(3);
    await waitFor(
      'three tasks running',
      () => states(h, name).join() === 'RUNNING,RUNNING,RUNNING,RUNNING',
    );
    expect(h.taskConfigs(name).map((t) => t.config['task.index'])).toEqual(['0', '1', '2']);
    await waitFor('records from the third task', async () =>
      (await readTopic(topic)).some((r) => text(r.value)?.startsWith(`${name}-2-`)),
    );
    countingSources.get(name)?.setTaskCount(1);
    await waitFor('back to one task', () => h.connectorStatus(name).tasks.length === 1);
  });

  it('replaces a connector config in place and deletes a connector', async () => {
    const topic = uniqueName('replace');
    await createTopic(topic);
    const { herder: h } = await herder();
    const name = uniqueName('replace-sink');
    await h.putConnectorConfig(name, { 'connector.class': 'CollectingSink', topics: topic }, false);
    await expect(
      h.putConnectorConfig(name, { 'connector.class': 'CollectingSink', topics: topic }, false),
    ).rejects.toThrow(/already exists/);
    const replaced = await h.putConnectorConfig(
      name,
      { 'connector.class': 'CollectingSink', topics: topic, 'tasks.max': '2' },
      true,
    );
    expect(replaced.created).toBe(false);
    expect(replaced.info.tasks).toHaveLength(2);
    await h.deleteConnector(name);
    expect(h.connectorNames()).not.toContain(name);
    expect(sinkLog(name).stopped).toBe(3);
    expect(() => h.connectorStatus(name)).toThrow(`No status found for connector ${name}`);
  });

  it('refuses invalid connector configs before starting anything, listing every problem by key', async () => {
    const { herder: h, dir } = await herder();
    const error = await validateConnectorConfigs(h, [
      {
        source: 'bad-sink.properties',
        props: {
          name: 'bad-sink',
          'connector.class': 'FileStreamSink',
          'tasks.max': 'zero',
          'errors.tolerance': 'some',
          'value.converter': 'NoSuchConverter',
          transforms: 'x',
        },
      },
      {
        source: 'bad-source.properties',
        props: { name: 'bad-source', 'connector.class': 'com.example.Nope' },
      },
      {
        source: 'ok.properties',
        props: {
          name: 'ok',
          'connector.class': 'FileStreamSource',
          file: join(dir, 'f'),
          topic: 't',
        },
      },
    ]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConfigException);
    const problems = (error as ConfigException).problems;
    expect(problems.map((p) => p.key).sort()).toEqual(
      [
        'connector.class',
        'errors.tolerance',
        'tasks.max',
        'topics',
        'topics.regex',
        'transforms.x.type',
        'value.converter',
      ].sort(),
    );
    const message = (error as Error).message;
    expect(message).toContain('bad-sink.properties (bad-sink): tasks.max');
    expect(message).toMatch(
      /bad-source.properties \(bad-source\): connector.class: .*Failed to find any connector plugin named com.example.Nope. Installed connector plugins: .*@sluice\/connector-file\/FileStreamSink.*@sluice\/connector-file\/FileStreamSource/,
    );
    expect(h.connectorNames()).toEqual([]);
  });

  it('keeps retrying a broker that is down at start with a clear log line, and stops cleanly meanwhile', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    });
    const dir = await mkdtemp(join(tmpdir(), 'sluice-down-'));
    const { herder: h } = await createStandalone(
      {
        'bootstrap.servers': '127.0.0.1:1',
        'key.converter': 'StringConverter',
        'value.converter': 'StringConverter',
        'offset.storage.file.filename': join(dir, 'offsets.json'),
      },
      { log: createLogger({ level: 'info' }, sink) },
    );
    const started = h.start().then(
      () => 'started',
      (e: unknown) => `refused: ${(e as Error).message}`,
    );
    await waitFor(
      'two retry lines',
      () => lines.filter((l) => l.includes('not reachable')).length >= 2,
    );
    const line = JSON.parse(lines.find((l) => l.includes('not reachable')) ?? '{}');
    expect(line.msg).toMatch(/^Kafka is not reachable at 127.0.0.1:1; retrying in \ds/);
    expect(line.level).toBe(40);
    await h.stop();
    expect(await started).toMatch(/stopped before Kafka became reachable/);
  });

  it('sends source records that fail conversion to the DLQ with their source position when errors.tolerance=all (Sluice extension)', async () => {
    const topic = uniqueName('src-bad');
    const dlq = uniqueName('src-dlq');
    await createTopic(topic);
    const { herder: h } = await herder();
    const name = uniqueName('bytes-only');
    await h.putConnectorConfig(
      name,
      {
        'connector.class': 'CountingSource',
        topic,
        // Strings cannot be written by the byte-array converter: every record fails.
        'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
        'errors.tolerance': 'all',
        'errors.deadletterqueue.topic.name': dlq,
        'errors.deadletterqueue.topic.replication.factor': '1',
        'errors.deadletterqueue.context.headers.enable': 'true',
      },
      false,
    );
    await waitFor('records in the DLQ', async () => (await topicSize(dlq)) >= 10);
    await h.stopConnector(name);
    expect(await topicSize(topic)).toBe(0);
    const dead = (await readTopic(dlq))[0];
    if (!dead) throw new Error('no DLQ record');
    const headerOf = (k: string) => text(dead.headers.find((x) => x.key === k)?.value);
    expect(headerOf('__connect.errors.stage')).toBe('VALUE_CONVERTER');
    expect(headerOf('__connect.errors.source.partition')).toBe(`{"task":"${name}-0"}`);
    expect(headerOf('__connect.errors.source.offset')).toBe('{"n":0}');
    expect(text(dead.value)).toContain(`${name}-0-0`);
    // Skipped records still advance the committed source offset.
    await waitFor('the source offset committed', async () => {
      const o = await h.connectorOffsets(name);
      return Number(o.offsets[0]?.offset?.n) >= 9;
    });
  });

  it('polls again after a RetriableException from poll(), and fails the task with its trace on any other error', async () => {
    const topic = uniqueName('poll');
    await createTopic(topic);
    const { herder: h } = await herder();
    const name = uniqueName('flaky-source');
    await h.putConnectorConfig(
      name,
      {
        'connector.class': 'CountingSource',
        topic,
        'poll.retriable.failures': '3',
        'poll.fail.at': '50',
      },
      false,
    );
    await waitFor('the task to fail at record 50', () => states(h, name)[1] === 'FAILED');
    expect(h.connectorStatus(name).tasks[0]?.trace).toContain('the source broke at 50');
    // Everything polled before the failure was sent and its offsets committed.
    const values = (await readTopic(topic)).map((r) => text(r.value));
    expect(values).toEqual(Array.from({ length: 50 }, (_, i) => `${name}-0-${i}`));
    expect((await h.connectorOffsets(name)).offsets).toEqual([
      { partition: { task: `${name}-0` }, offset: { n: 49 } },
    ]);
  });

  it('resolves ${file:...} references for the connector and tasks without showing the secret in task configs', async () => {
    const { herder: h, dir } = await herder({
      'config.providers': 'file',
      'config.providers.file.class': 'org.apache.kafka.common.config.provider.FileConfigProvider',
    });
    const secrets = join(dir, 'secrets.properties');
    await writeFile(secrets, 'password=s3cr3t\n');
    const topic = uniqueName('secret');
    await createTopic(topic);
    const name = uniqueName('secret-sink');
    const reference = `\${file:${secrets}:password}`;
    await h.putConnectorConfig(
      name,
      { 'connector.class': 'CollectingSink', topics: topic, 'db.password': reference },
      false,
    );
    await waitFor('the task started', () => sinkLog(name).props['db.password'] !== undefined);
    expect(sinkLog(name).props['db.password']).toBe('s3cr3t');
    expect(h.connectorConfig(name)['db.password']).toBe(reference);
    expect(h.taskConfigs(name)[0]?.config['db.password']).toBe(reference);
  });
});
