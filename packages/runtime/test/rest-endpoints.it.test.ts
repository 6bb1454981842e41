import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging/logger.js';
import { closeClients, createTopic, produce, uniqueName, waitFor } from './harness.js';
import { type Answer, call, type RestWorker, startRestWorker } from './rest-harness.js';
import { sinkLog } from './test-plugins.js';

/** Every log line the worker wrote, parsed. */
const lines: Array<Record<string, unknown>> = [];
const sink = new Writable({
  write(chunk, _encoding, done) {
    for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
    done();
  },
});

let worker: RestWorker;
const api = (method: string, path: string, body?: unknown): Promise<Answer> =>
  call(worker.url, method, path, body);

beforeAll(async () => {
  worker = await startRestWorker({}, createLogger({ level: 'warn' }, sink));
});

afterAll(async () => {
  await worker?.stop();
  await closeClients();
});

const KEY_INFO_FIELDS = [
  'default_value',
  'dependents',
  'display_name',
  'documentation',
  'group',
  'importance',
  'name',
  'order',
  'required',
  'type',
  'width',
];

describe('connector-plugins', () => {
  it('lists connector plugins as {class, type, version}, and every plugin with connectorsOnly=false', async () => {
    const connectors = await api('GET', '/connector-plugins');
    expect(connectors.status).toBe(200);
    for (const p of connectors.body) {
      expect(Object.keys(p).sort()).toEqual(['class', 'type', 'version']);
      expect(['sink', 'source']).toContain(p.type);
    }
    expect(connectors.body).toContainEqual({
      class: 'test-plugins/CountingSource',
      type: 'source',
      version: '1.0.0',
    });
    expect(connectors.body.map((p: { class: string }) => p.class)).toContain(
      '@sluice/connector-file/FileStreamSink',
    );
    // Kafka's order: sinks before sources.
    const types = connectors.body.map((p: { type: string }) => p.type);
    expect(types.lastIndexOf('sink')).toBeLessThan(types.indexOf('source'));

    const all = (await api('GET', '/connector-plugins?connectorsOnly=false')).body;
    const allTypes = new Set(all.map((p: { type: string }) => p.type));
    for (const t of ['sink', 'source', 'converter', 'header_converter'])
      expect(allTypes).toContain(t);
    expect(all).toContainEqual(
      expect.objectContaining({ class: '@sluice/runtime/StringConverter', type: 'converter' }),
    );
  });

  it("shows a plugin's config keys: its own first, then the framework's", async () => {
    const keys = await api('GET', '/connector-plugins/FileStreamSink/config');
    expect(keys.status).toBe(200);
    const names = keys.body.map((k: { name: string }) => k.name);
    expect(names[0]).toBe('file');
    expect(names).toEqual(
      expect.arrayContaining(['name', 'connector.class', 'tasks.max', 'topics']),
    );
    for (const k of keys.body) expect(Object.keys(k).sort()).toEqual(KEY_INFO_FIELDS);
    // A Java class name alias names the same plugin.
    const byAlias = await api(
      'GET',
      '/connector-plugins/org.apache.kafka.connect.file.FileStreamSinkConnector/config',
    );
    expect(byAlias.body).toEqual(keys.body);
    const missing = await api('GET', '/connector-plugins/NoSuchPlugin/config');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error_code: 404, message: 'Unknown plugin NoSuchPlugin.' });
  });

  it('validates: no errors for a good config, a mismatched connector.class refused, passwords hidden', async () => {
    const good = await api('PUT', '/connector-plugins/FileStreamSink/config/validate', {
      name: 'good',
      'connector.class': 'FileStreamSink',
      topics: 'a',
    });
    // biome-ignore lint/suspicious/noExplicitAny: a ConfigInfo entry.
    const errors = good.body.configs.flatMap((c: any) => c.value?.errors ?? []);
    expect(good.status).toBe(200);
    // Named as the body names it, as Kafka answers.
    expect(good.body.name).toBe('FileStreamSink');
    expect(errors).toEqual([]);
    expect(good.body.error_count).toBe(0);
    // Without a name: Kafka's message for the missing required key, counted once.
    const unnamed = await api('PUT', '/connector-plugins/FileStreamSink/config/validate', {
      'connector.class': 'FileStreamSink',
      topics: 'a',
    });
    expect(unnamed.body.error_count).toBe(1);
    expect(
      unnamed.body.configs.find((c: { value: { name: string } }) => c.value?.name === 'name').value
        .errors,
    ).toEqual(['Missing required configuration "name" which has no default value.']);

    const mismatch = await api('PUT', '/connector-plugins/FileStreamSink/config/validate', {
      'connector.class': 'FileStreamSource',
    });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toEqual({
      error_code: 400,
      message:
        'Included connector type FileStreamSource does not match request type FileStreamSink',
    });

    const secret = await api('PUT', '/connector-plugins/SecretSink/config/validate', {
      'connector.class': 'SecretSink',
      topics: 'a',
      secret: 'hunter2',
    });
    expect(secret.status).toBe(200);
    const value = secret.body.configs.find(
      (c: { definition: { name: string } | null }) => c.definition?.name === 'secret',
    );
    expect(value.definition.type).toBe('PASSWORD');
    expect(value.value.value).toBe('[hidden]');
    expect(JSON.stringify(secret.body)).not.toContain('hunter2');
  });
});

describe('connector config', () => {
  it('PATCH merges keys into the config and removes those set to null (KIP-477)', async () => {
    const topic = uniqueName('rest-patch');
    await createTopic(topic);
    const name = uniqueName('patched');
    const created = await api('PUT', `/connectors/${name}/config`, {
      'connector.class': 'CollectingSink',
      topics: topic,
      'errors.tolerance': 'all',
    });
    expect(created.status).toBe(201);
    const patched = await api('PATCH', `/connectors/${name}/config`, {
      'tasks.max': 2,
      'errors.tolerance': null,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.config).toEqual({
      'connector.class': 'CollectingSink',
      topics: topic,
      'tasks.max': '2',
      name,
    });
    expect(patched.body.tasks).toHaveLength(2);
    const refused = await api('PATCH', `/connectors/${name}/config`, { 'tasks.max': 'many' });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/^Connector configuration is invalid/);
    expect((await api('GET', `/connectors/${name}/config`)).body['tasks.max']).toBe('2');
    expect((await api('DELETE', `/connectors/${name}`)).status).toBe(204);
  });
});

describe('secrets', () => {
  it('shows PASSWORD values as [hidden] in every response echoing a config, while tasks get the real value', async () => {
    const topic = uniqueName('rest-secret');
    await createTopic(topic);
    const name = uniqueName('secret-sink');
    const secret = 'hunter2';
    const hidden = (answer: Answer) => {
      expect(JSON.stringify(answer.body)).not.toContain(secret);
      return answer.body;
    };
    const created = await api('POST', '/connectors', {
      name,
      config: { 'connector.class': 'SecretSink', topics: topic, secret },
    });
    expect(created.status).toBe(201);
    expect(hidden(created).config).toEqual({
      'connector.class': 'SecretSink',
      topics: topic,
      secret: '[hidden]',
      name,
    });
    await waitFor('the task started with its config', () => sinkLog(name).props.name === name);
    expect(sinkLog(name).props.secret).toBe(secret);

    expect(hidden(await api('GET', `/connectors/${name}`)).config.secret).toBe('[hidden]');
    const config = hidden(await api('GET', `/connectors/${name}/config`));
    expect(config).toEqual({
      'connector.class': 'SecretSink',
      topics: topic,
      secret: '[hidden]',
      name,
    });
    const tasks = hidden(await api('GET', `/connectors/${name}/tasks`));
    // The connector's task config, with the task class and topics the worker adds (as Kafka).
    expect(tasks).toEqual([
      {
        id: { connector: name, task: 0 },
        config: { ...config, 'task.class': 'test-plugins/CollectingSinkTask' },
      },
    ]);
    const expanded = hidden(await api('GET', '/connectors?expand=info&expand=status'));
    expect(expanded[name].info.config.secret).toBe('[hidden]');
    expect(expanded[name].info.config.topics).toBe(topic);

    // The config read back and written again (another key changed) keeps the secret.
    const replaced = await api('PUT', `/connectors/${name}/config`, { ...config, note: 'v2' });
    expect(replaced.status).toBe(200);
    expect(hidden(replaced).config).toEqual({ ...config, note: 'v2' });
    await waitFor(
      'the task restarted with the new config',
      () => sinkLog(name).props.note === 'v2',
    );
    expect(sinkLog(name).props.secret).toBe(secret);

    // A new secret through PATCH reaches the task and is hidden too.
    const patched = await api('PATCH', `/connectors/${name}/config`, { secret: 'swordfish' });
    expect(patched.status).toBe(200);
    expect(patched.body.config.secret).toBe('[hidden]');
    expect(JSON.stringify(patched.body)).not.toContain('swordfish');
    await waitFor(
      'the task restarted with the new secret',
      () => sinkLog(name).props.secret === 'swordfish',
    );
    expect(JSON.stringify((await api('GET', `/connectors/${name}/tasks`)).body)).not.toContain(
      'swordfish',
    );

    // PUT creating a connector answers with the secret hidden as well.
    const other = uniqueName('secret-sink');
    const put = await api('PUT', `/connectors/${other}/config`, {
      'connector.class': 'SecretSink',
      topics: topic,
      secret,
    });
    expect(put.status).toBe(201);
    expect(hidden(put).config.secret).toBe('[hidden]');
    for (const n of [name, other])
      expect((await api('DELETE', `/connectors/${n}`)).status).toBe(204);
  });

  it("hides the PASSWORD settings of the connector's converters and Kafka clients as well", async () => {
    const topic = uniqueName('rest-secret');
    await createTopic(topic);
    const name = uniqueName('secret-sink');
    const jaas =
      'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p4ss";';
    const config = {
      'connector.class': 'SecretSink',
      topics: topic,
      secret: 'hunter2',
      'value.converter': 'SecretConverter',
      'value.converter.token': 'tok-123',
      // Used only with security.protocol=SASL_*: harmless against the test broker.
      'consumer.override.sasl.jaas.config': jaas,
    };
    const created = await api('PUT', `/connectors/${name}/config`, config);
    expect(created.status).toBe(201);
    const expected = {
      ...config,
      secret: '[hidden]',
      'value.converter.token': '[hidden]',
      'consumer.override.sasl.jaas.config': '[hidden]',
      name,
    };
    expect(created.body.config).toEqual(expected);
    expect((await api('GET', `/connectors/${name}/config`)).body).toEqual(expected);
    const tasks = (await api('GET', `/connectors/${name}/tasks`)).body;
    expect(tasks[0].config).toEqual({
      ...expected,
      'task.class': 'test-plugins/CollectingSinkTask',
    });
    await waitFor('the task started with its config', () => sinkLog(name).props.name === name);
    expect(sinkLog(name).props['value.converter.token']).toBe('tok-123');
    expect(sinkLog(name).props['consumer.override.sasl.jaas.config']).toBe(jaas);
    expect((await api('DELETE', `/connectors/${name}`)).status).toBe(204);
  });
});

describe('admin/loggers', () => {
  it('shows and changes logger levels at run time, for the root and for one connector', async () => {
    const root = await api('GET', '/admin/loggers/root');
    expect(root.body).toEqual({ level: 'WARN', last_modified: null });

    const topic = uniqueName('rest-log');
    await createTopic(topic);
    const quiet = uniqueName('quiet');
    const loud = uniqueName('loud');
    for (const name of [quiet, loud]) {
      const r = await api('POST', '/connectors', {
        name,
        config: { 'connector.class': 'CollectingSink', topics: topic },
      });
      expect(r.status).toBe(201);
    }
    const all = (await api('GET', '/admin/loggers')).body;
    expect(all.root).toEqual({ level: 'WARN', last_modified: null });
    expect(all[`sluice.connector.${loud}`]).toEqual({ level: 'WARN', last_modified: null });

    const set = await api('PUT', `/admin/loggers/sluice.connector.${loud}`, { level: 'INFO' });
    expect(set.status).toBe(200);
    expect(set.body).toContain(`sluice.connector.${loud}`);
    expect(set.body).toContain(`sluice.connector.${loud}.task0`);
    expect(set.body).not.toContain(`sluice.connector.${quiet}`);
    const now = (await api('GET', `/admin/loggers/sluice.connector.${loud}`)).body;
    expect(now.level).toBe('INFO');
    expect(typeof now.last_modified).toBe('number');

    // Info lines now come from the loud connector only.
    for (const name of [quiet, loud])
      expect((await api('PUT', `/connectors/${name}/pause`)).status).toBe(202);
    await waitFor('the loud connector logging at info', () =>
      lines.some((l) => l.connector === loud && l.level === 30),
    );
    expect(lines.some((l) => l.connector === quiet && l.level === 30)).toBe(false);

    expect(await api('PUT', '/admin/loggers/root', { level: 'LOUD' })).toMatchObject({
      status: 404,
      body: { error_code: 404, message: "invalid log level 'LOUD'." },
    });
    expect(await api('PUT', '/admin/loggers/root', {})).toMatchObject({
      status: 400,
      body: { error_code: 400, message: "Desired 'level' parameter was not specified in request." },
    });
    expect(await api('GET', '/admin/loggers/nope')).toMatchObject({
      status: 404,
      body: { error_code: 404, message: 'Logger nope not found.' },
    });
    for (const name of [quiet, loud]) await api('DELETE', `/connectors/${name}`);
  });
});

describe('topic tracking disabled', () => {
  it("answers 403 with Kafka's messages when topic tracking or its reset is disabled", async () => {
    const off = await startRestWorker({ 'topic.tracking.enable': 'false' });
    const noReset = await startRestWorker({ 'topic.tracking.allow.reset': 'false' });
    try {
      const name = uniqueName('tracked');
      const topic = uniqueName('tracked');
      await createTopic(topic);
      for (const w of [off, noReset]) {
        const r = await call(w.url, 'PUT', `/connectors/${name}/config`, {
          'connector.class': 'CollectingSink',
          topics: topic,
        });
        expect(r.status).toBe(201);
      }
      expect(await call(off.url, 'GET', `/connectors/${name}/topics`)).toMatchObject({
        status: 403,
        body: { error_code: 403, message: 'Topic tracking is disabled.' },
      });
      expect(await call(off.url, 'PUT', `/connectors/${name}/topics/reset`)).toMatchObject({
        status: 403,
        body: { error_code: 403, message: 'Topic tracking is disabled.' },
      });
      expect(await call(noReset.url, 'GET', `/connectors/${name}/topics`)).toMatchObject({
        status: 200,
        body: { [name]: { topics: [] } },
      });
      expect(await call(noReset.url, 'PUT', `/connectors/${name}/topics/reset`)).toMatchObject({
        status: 403,
        body: { error_code: 403, message: 'Topic tracking reset is disabled.' },
      });
    } finally {
      await off.stop();
      await noReset.stop();
    }
  });
});

/** The value of one sample in Prometheus text: `name{labels} value`, labels in any order. */
function sample(text: string, name: string, labels: Record<string, string>): number | null {
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const found = Object.fromEntries(
      [...(m[2] ?? '').matchAll(/([a-z_]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(m[3]);
  }
  return null;
}

/** The worker's /metrics text. */
async function scrape(): Promise<string> {
  const res = await fetch(`${worker.url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

describe('metrics', () => {
  it('serves Kafka Connect metrics in Prometheus form, and the counters move as records flow', async () => {
    const topic = uniqueName('rest-metrics');
    await createTopic(topic);
    const startups = [
      'connector_startup_attempts',
      'connector_startup_success',
      'connector_startup_failure',
      'task_startup_attempts',
      'task_startup_success',
      'task_startup_failure',
    ].map((n) => `kafka_connect_worker_${n}_total`);
    const startupsBefore = await scrape();
    const source = uniqueName('metered-source');
    const sinkName = uniqueName('metered-sink');
    expect(
      (
        await api('POST', '/connectors', {
          name: source,
          config: { 'connector.class': 'CountingSource', topic },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api('POST', '/connectors', {
          name: sinkName,
          config: { 'connector.class': 'CollectingSink', topics: topic },
        })
      ).status,
    ).toBe(201);
    const task = (connector: string) => ({ connector, task: '0' });
    const written = async () =>
      sample(await scrape(), 'kafka_connect_source_task_source_record_write_total', task(source)) ??
      0;
    const sent = async () =>
      sample(await scrape(), 'kafka_connect_sink_task_sink_record_send_total', task(sinkName)) ?? 0;
    await waitFor('records written by the source', async () => (await written()) > 0);
    await waitFor('records sent to the sink task', async () => (await sent()) > 0);
    const firstWritten = await written();
    const firstSent = await sent();
    await waitFor('the source counter moving', async () => (await written()) > firstWritten);
    await waitFor('the sink counter moving', async () => (await sent()) > firstSent);

    const text = await scrape();
    // Two connectors and their two tasks started, none failed.
    const started = startups.map(
      (n) => (sample(text, n, {}) ?? Number.NaN) - (sample(startupsBefore, n, {}) ?? Number.NaN),
    );
    expect(started).toEqual([2, 2, 0, 2, 2, 0]);
    expect(
      sample(text, 'kafka_connect_source_task_source_record_poll_total', task(source)),
    ).toBeGreaterThanOrEqual(firstWritten);
    expect(
      sample(text, 'kafka_connect_sink_task_sink_record_read_total', task(sinkName)),
    ).toBeGreaterThan(0);
    expect(
      sample(text, 'kafka_connect_connector_status', {
        connector: source,
        type: 'source',
        status: 'running',
      }),
    ).toBe(1);
    expect(
      sample(text, 'kafka_connect_connector_task_status', { ...task(sinkName), status: 'running' }),
    ).toBe(1);
    expect(
      sample(text, 'kafka_connect_worker_connector_running_task_count', { connector: source }),
    ).toBe(1);
    expect(sample(text, 'kafka_connect_worker_connector_count', {})).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'kafka_connect_task_error_record_failures_total', task(source))).toBe(0);
    expect(text).toContain('# TYPE kafka_connect_source_task_source_record_write_total counter');
    await waitFor('an offset commit counted', async () => {
      const t = await scrape();
      return (
        (sample(t, 'kafka_connect_connector_task_offset_commit_success_total', task(source)) ?? 0) >
        0
      );
    });

    expect((await api('PUT', `/connectors/${source}/pause`)).status).toBe(202);
    await waitFor('the paused state in the metrics', async () => {
      const t = await scrape();
      return (
        sample(t, 'kafka_connect_connector_status', { connector: source, status: 'paused' }) === 1
      );
    });
    for (const name of [source, sinkName]) await api('DELETE', `/connectors/${name}`);
    const after = await scrape();
    expect(sample(after, 'kafka_connect_connector_status', { connector: source })).toBeNull();
  });
});

describe('batch and latency metrics', () => {
  it("measures batch sizes, poll and put time and offset commit latency per task, as Kafka's windowed avg and max", async () => {
    const topic = uniqueName('rest-batch-metrics');
    await createTopic(topic);
    const source = uniqueName('batched-source');
    const sinkName = uniqueName('batched-sink');
    const created = await api('POST', '/connectors', {
      name: source,
      config: { 'connector.class': 'CountingSource', topic },
      initial_state: 'PAUSED',
    });
    expect(created.status).toBe(201);
    expect(
      (
        await api('POST', '/connectors', {
          name: sinkName,
          config: { 'connector.class': 'CollectingSink', topics: topic },
        })
      ).status,
    ).toBe(201);
    const src = { connector: source, task: '0' };
    const snk = { connector: sinkName, task: '0' };
    await waitFor('the running sink task', async () => {
      const t = await scrape();
      return sample(t, 'kafka_connect_connector_task_status', { ...snk, status: 'running' }) === 1;
    });
    // A connector created PAUSED gets its tasks once resumed, as in Kafka.
    expect((await api('GET', `/connectors/${source}/status`)).body.tasks).toEqual([]);
    // Nothing put yet: no value in the window (Kafka shows NaN), so no sample.
    const before = await scrape();
    for (const [name, labels] of [
      ['kafka_connect_connector_task_batch_size_avg', snk],
      ['kafka_connect_sink_task_put_batch_avg_time_ms', snk],
      ['kafka_connect_sink_task_put_batch_max_time_ms', snk],
      ['kafka_connect_connector_task_offset_commit_avg_time_ms', snk],
    ] as const)
      expect(sample(before, name, labels), `${name} ${labels.connector}`).toBeNull();
    expect(before).toContain('# TYPE kafka_connect_connector_task_batch_size_avg gauge');

    expect((await api('PUT', `/connectors/${source}/resume`)).status).toBe(202);
    let text = '';
    await waitFor('batches and offset commits measured on both tasks', async () => {
      text = await scrape();
      return [
        sample(text, 'kafka_connect_connector_task_batch_size_avg', src),
        sample(text, 'kafka_connect_connector_task_offset_commit_avg_time_ms', src),
        sample(text, 'kafka_connect_sink_task_put_batch_avg_time_ms', snk),
        sample(text, 'kafka_connect_connector_task_offset_commit_avg_time_ms', snk),
      ].every((v) => v !== null);
    });
    // The one partition of the topic is assigned (records were put), and the source's records
    // in flight are counted.
    expect(sample(text, 'kafka_connect_sink_task_partition_count', snk)).toBe(1);
    expect(
      sample(text, 'kafka_connect_source_task_source_record_active_count', src),
    ).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'kafka_connect_source_task_source_record_active_count', snk)).toBeNull();
    const value = (name: string, labels: Record<string, string>) =>
      sample(text, name, labels) ?? Number.NaN;
    // CountingSource returns 10 records per poll, after a 20 ms pause (a timer may fire a little
    // early by the clock the runner reads, hence the margin on the slowest poll).
    expect(value('kafka_connect_connector_task_batch_size_avg', src)).toBe(10);
    expect(value('kafka_connect_connector_task_batch_size_max', src)).toBe(10);
    const pollAvg = value('kafka_connect_source_task_poll_batch_avg_time_ms', src);
    expect(pollAvg).toBeGreaterThan(0);
    const pollMax = value('kafka_connect_source_task_poll_batch_max_time_ms', src);
    expect(pollMax).toBeGreaterThanOrEqual(15);
    expect(pollMax).toBeGreaterThanOrEqual(pollAvg);
    const sinkBatch = value('kafka_connect_connector_task_batch_size_avg', snk);
    expect(sinkBatch).toBeGreaterThan(0);
    const sinkMax = value('kafka_connect_connector_task_batch_size_max', snk);
    expect(sinkMax).toBeGreaterThanOrEqual(sinkBatch);
    expect(sinkMax).toBeLessThanOrEqual(500); // consumer.max.poll.records
    const putAvg = value('kafka_connect_sink_task_put_batch_avg_time_ms', snk);
    expect(putAvg).toBeGreaterThan(0);
    expect(value('kafka_connect_sink_task_put_batch_max_time_ms', snk)).toBeGreaterThanOrEqual(
      putAvg,
    );
    for (const labels of [src, snk]) {
      const commitAvg = value('kafka_connect_connector_task_offset_commit_avg_time_ms', labels);
      expect(commitAvg).toBeGreaterThan(0);
      expect(
        value('kafka_connect_connector_task_offset_commit_max_time_ms', labels),
      ).toBeGreaterThanOrEqual(commitAvg);
    }
    // Poll and put times belong to their own task type.
    expect(sample(text, 'kafka_connect_source_task_poll_batch_avg_time_ms', snk)).toBeNull();
    expect(sample(text, 'kafka_connect_sink_task_put_batch_avg_time_ms', src)).toBeNull();
    for (const name of [source, sinkName]) await api('DELETE', `/connectors/${name}`);
  });
});

describe('error metrics', () => {
  it('counts record errors, logged errors and dead letter queue writes as failing records flow', async () => {
    const topic = uniqueName('rest-error-metrics');
    const dlq = uniqueName('rest-error-metrics-dlq');
    await createTopic(topic);
    const name = uniqueName('failing-sink');
    const started = Date.now();
    const created = await api('POST', '/connectors', {
      name,
      config: {
        'connector.class': 'CollectingSink',
        topics: topic,
        'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
        'value.converter.schemas.enable': 'false',
        'errors.tolerance': 'all',
        'errors.log.enable': 'true',
        'errors.deadletterqueue.topic.name': dlq,
        'errors.deadletterqueue.topic.replication.factor': '1',
      },
    });
    expect(created.status).toBe(201);
    const task = { connector: name, task: '0' };
    const counters = [
      'kafka_connect_task_error_record_failures_total',
      'kafka_connect_task_error_record_errors_total',
      'kafka_connect_task_error_errors_logged_total',
      'kafka_connect_task_error_records_skipped_total',
      'kafka_connect_task_error_deadletterqueue_produce_requests_total',
      'kafka_connect_task_error_deadletterqueue_produce_failures_total',
    ];
    await waitFor('the sink task running', async () => {
      const t = await scrape();
      return sample(t, 'kafka_connect_connector_task_status', { ...task, status: 'running' }) === 1;
    });
    const before = await scrape();
    for (const name of counters) expect(sample(before, name, task), name).toBe(0);
    expect(sample(before, 'kafka_connect_task_error_last_error_timestamp', task)).toBe(0);

    await produce(topic, ['not json', '{"ok": true}', 'nor this', 'nor that']);
    let text = '';
    await waitFor('three records in the dead letter queue', async () => {
      text = await scrape();
      return (
        sample(text, 'kafka_connect_task_error_deadletterqueue_produce_requests_total', task) === 3
      );
    });
    for (const name of counters.slice(0, 5)) expect(sample(text, name, task), name).toBe(3);
    expect(
      sample(text, 'kafka_connect_task_error_deadletterqueue_produce_failures_total', task),
    ).toBe(0);
    expect(
      sample(text, 'kafka_connect_task_error_last_error_timestamp', task),
    ).toBeGreaterThanOrEqual(started);
    expect((await api('DELETE', `/connectors/${name}`)).status).toBe(204);
  });
});

describe('requests', () => {
  it('refuses a body over the size limit with 413', async () => {
    const big = { name: 'x', config: { blob: 'x'.repeat(11 * 1024 * 1024) } };
    const answer = await api('POST', '/connectors', big);
    expect(answer.status).toBe(413);
    expect(answer.body.error_code).toBe(413);
  });
});
