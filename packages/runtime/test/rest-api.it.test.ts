/**
 * Replays what an operator (or kcctl, a UI, Terraform) does against Kafka Connect's REST API and
 * checks codes and bodies field by field. The expected shapes are those of Kafka's
 * ConnectorsResource, ConnectorPluginsResource and RootResource and their entities
 * (ConnectorInfo, ConnectorStateInfo, TaskInfo, ConnectorOffsets, Message, ConfigInfos,
 * PluginInfo, ServerInfo, ErrorMessage).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeClients,
  createTopic,
  produce,
  readTopic,
  text,
  uniqueName,
  waitFor,
} from './harness.js';
import { type Answer, call, type RestWorker, startRestWorker } from './rest-harness.js';
import { sinkLog } from './test-plugins.js';

let worker: RestWorker;
const api = (method: string, path: string, body?: unknown): Promise<Answer> =>
  call(worker.url, method, path, body);

beforeAll(async () => {
  worker = await startRestWorker();
});

afterAll(async () => {
  await worker?.stop();
  await closeClients();
});

function expectError(answer: Answer, status: number, message?: string | RegExp): void {
  expect(answer.status).toBe(status);
  expect(Object.keys(answer.body).sort()).toEqual(['error_code', 'message']);
  expect(answer.body.error_code).toBe(status);
  expect(typeof answer.body.message).toBe('string');
  if (typeof message === 'string') expect(answer.body.message).toBe(message);
  else if (message) expect(answer.body.message).toMatch(message);
}

/** Kafka's ConnectorStateInfo: name, connector {state, worker_id, version[, trace]}, tasks, type. */
function expectStateInfo(body: Record<string, unknown>, name: string, type: string): void {
  expect(Object.keys(body).sort()).toEqual(['connector', 'name', 'tasks', 'type']);
  expect(body.name).toBe(name);
  expect(body.type).toBe(type);
  const connector = body.connector as Record<string, unknown>;
  expect(
    Object.keys(connector)
      .filter((k) => k !== 'trace')
      .sort(),
  ).toEqual(['state', 'version', 'worker_id']);
  for (const task of body.tasks as Array<Record<string, unknown>>) {
    expect(
      Object.keys(task)
        .filter((k) => k !== 'trace')
        .sort(),
    ).toEqual(['id', 'state', 'version', 'worker_id']);
    expect(typeof task.id).toBe('number');
  }
}

async function state(name: string): Promise<string> {
  const s = (await api('GET', `/connectors/${name}/status`)).body;
  return [s.connector.state, ...s.tasks.map((t: { state: string }) => t.state)].join(',');
}

describe('Kafka Connect REST API compatibility', () => {
  it('GET / answers version, commit and kafka_cluster_id', async () => {
    const root = await api('GET', '/');
    expect(root.status).toBe(200);
    expect(Object.keys(root.body).sort()).toEqual(['commit', 'kafka_cluster_id', 'version']);
    expect(root.body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof root.body.commit).toBe('string');
    // The id the brokers report, as Kafka's ServerInfo: a base64 UUID of 22 characters.
    expect(root.body.kafka_cluster_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('GET /health answers healthy once the worker has started (KIP-1017)', async () => {
    const health = await api('GET', '/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({
      status: 'healthy',
      message: 'Worker has completed startup and is ready to handle requests.',
    });
  });

  it('replays create, conflict, validation errors, status, pause, stop, offsets alter/reset, restart and delete', async () => {
    const topic = uniqueName('rest-count');
    await createTopic(topic);
    const name = uniqueName('rest-counter');
    const config = { 'connector.class': 'CountingSource', topic, 'tasks.max': '1' };

    // Create: 201, Location, ConnectorInfo {name, config (with name), tasks, type}.
    const created = await api('POST', '/connectors', { name, config });
    expect(created.status).toBe(201);
    // Absolute, on the host the request addressed (as JAX-RS builds it).
    expect(created.headers.get('location')).toBe(`${worker.url}/connectors/${name}`);
    expect(Object.keys(created.body).sort()).toEqual(['config', 'name', 'tasks', 'type']);
    expect(created.body).toEqual({
      name,
      config: { ...config, name },
      tasks: [{ connector: name, task: 0 }],
      type: 'source',
    });

    // Create again: 409 with Kafka's message.
    expectError(
      await api('POST', '/connectors', { name, config }),
      409,
      `Connector ${name} already exists`,
    );

    // A name in the config that differs from the request's: 400.
    expectError(
      await api('POST', '/connectors', { name: 'a', config: { ...config, name: 'b' } }),
      400,
      "Connector name configuration (b) doesn't match connector name in the URL (a)",
    );

    // No name: refused by the name validator, as Kafka's NonEmptyStringWithoutControlChars.
    const unnamed = await api('POST', '/connectors', { config });
    expectError(unnamed, 400);
    expect(unnamed.body.message).toContain(
      'Invalid value  for configuration name: String may not be empty',
    );
    expect((await api('GET', '/connectors')).body).not.toContain('');

    // An invalid config: 400 listing every problem, in Kafka's words.
    const invalid = await api('POST', '/connectors', {
      name: uniqueName('bad'),
      config: { 'connector.class': 'FileStreamSink', 'tasks.max': 'zero' },
    });
    expectError(invalid, 400);
    const lines = (invalid.body.message as string).split('\n');
    expect(lines[0]).toMatch(
      /^Connector configuration is invalid and contains the following \d+ error\(s\):$/,
    );
    expect(lines.some((l) => l.includes('tasks.max'))).toBe(true);
    expect(lines.at(-1)).toBe(
      'You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`',
    );

    // Validate with errors: ConfigInfos.
    const validated = await api('PUT', '/connector-plugins/FileStreamSink/config/validate', {
      'connector.class': 'FileStreamSink',
      'tasks.max': 'zero',
      topics: 'x',
    });
    expect(validated.status).toBe(200);
    expect(Object.keys(validated.body).sort()).toEqual([
      'configs',
      'error_count',
      'groups',
      'name',
    ]);
    expect(validated.body.error_count).toBeGreaterThan(0);
    expect(validated.body.groups).toContain('Common');
    const byName = new Map<
      string,
      { definition: Record<string, unknown> | null; value: Record<string, unknown> }
    >(validated.body.configs.map((c: { value: { name: string } }) => [c.value?.name, c]));
    const tasksMax = byName.get('tasks.max');
    expect(Object.keys(tasksMax?.definition ?? {}).sort()).toEqual([
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
    ]);
    expect(tasksMax?.definition).toMatchObject({
      name: 'tasks.max',
      type: 'INT',
      required: false,
      default_value: '1',
    });
    expect(Object.keys(tasksMax?.value ?? {}).sort()).toEqual([
      'errors',
      'name',
      'recommended_values',
      'value',
      'visible',
    ]);
    expect(tasksMax?.value.errors).toEqual(
      expect.arrayContaining([expect.stringContaining('tasks.max')]),
    );
    expect(byName.get('file')?.value.errors).toEqual([]);
    const errorTotal = validated.body.configs.reduce(
      (n: number, c: { value: { errors: string[] } | null }) => n + (c.value?.errors.length ?? 0),
      0,
    );
    expect(validated.body.error_count).toBe(errorTotal);

    // List, expand=status, expand=info.
    expect((await api('GET', '/connectors')).body).toContain(name);
    await waitFor(
      'the connector and its task running',
      async () => (await state(name)) === 'RUNNING,RUNNING',
    );
    const expanded = (await api('GET', '/connectors?expand=status&expand=info')).body;
    expect(Object.keys(expanded[name]).sort()).toEqual(['info', 'status']);
    expect(expanded[name].info).toEqual(created.body);
    expectStateInfo(expanded[name].status, name, 'source');
    expect(Object.keys((await api('GET', '/connectors?expand=status')).body[name])).toEqual([
      'status',
    ]);

    // Info, config, status, tasks, task status.
    expect((await api('GET', `/connectors/${name}`)).body).toEqual(created.body);
    expect((await api('GET', `/connectors/${name}/config`)).body).toEqual({ ...config, name });
    const status = await api('GET', `/connectors/${name}/status`);
    expect(status.status).toBe(200);
    expectStateInfo(status.body, name, 'source');
    expect(status.body.connector.state).toBe('RUNNING');
    const tasks = await api('GET', `/connectors/${name}/tasks`);
    expect(tasks.body).toEqual([
      {
        id: { connector: name, task: 0 },
        config: {
          ...config,
          name,
          'task.index': '0',
          'task.class': 'test-plugins/CountingSourceTask',
        },
      },
    ]);
    const taskStatus = await api('GET', `/connectors/${name}/tasks/0/status`);
    expect(taskStatus.body).toEqual({
      id: 0,
      state: 'RUNNING',
      worker_id: status.body.connector.worker_id,
      version: '1.0.0',
    });
    expectError(
      await api('GET', `/connectors/${name}/tasks/7/status`),
      404,
      `No status found for task ${name}-7`,
    );

    // Pause and resume: 202 without a body.
    const paused = await api('PUT', `/connectors/${name}/pause`);
    expect(paused.status).toBe(202);
    expect(paused.body).toBeUndefined();
    await waitFor('paused', async () => (await state(name)) === 'PAUSED,PAUSED');
    expect((await api('PUT', `/connectors/${name}/resume`)).status).toBe(202);
    await waitFor('running again', async () => (await state(name)) === 'RUNNING,RUNNING');

    // Active topics (KIP-558): the topic the source wrote to; reset empties the list.
    await waitFor('the active topic', async () => {
      const t = await api('GET', `/connectors/${name}/topics`);
      return t.body[name]?.topics.length === 1;
    });
    expect((await api('GET', `/connectors/${name}/topics`)).body).toEqual({
      [name]: { topics: [topic] },
    });
    const topicsReset = await api('PUT', `/connectors/${name}/topics/reset`);
    expect(topicsReset.status).toBe(202);
    expect(topicsReset.body).toBeUndefined();
    await waitFor('the active topic back after the reset, as records keep flowing', async () => {
      const t = await api('GET', `/connectors/${name}/topics`);
      return t.body[name]?.topics.length === 1;
    });

    // Offsets cannot change while the connector runs.
    expectError(
      await api('DELETE', `/connectors/${name}/offsets`),
      400,
      `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
    );

    // Stop: 204; STOPPED with no tasks.
    const stopped = await api('PUT', `/connectors/${name}/stop`);
    expect(stopped.status).toBe(204);
    const stoppedStatus = (await api('GET', `/connectors/${name}/status`)).body;
    expect(stoppedStatus.connector.state).toBe('STOPPED');
    expect(stoppedStatus.tasks).toEqual([]);

    // Offsets: {offsets: [{partition, offset}]}.
    const partition = { task: `${name}-0` };
    await waitFor('a committed source offset', async () => {
      const o = (await api('GET', `/connectors/${name}/offsets`)).body;
      return o.offsets.length === 1;
    });
    const offsets = (await api('GET', `/connectors/${name}/offsets`)).body;
    expect(Object.keys(offsets)).toEqual(['offsets']);
    expect(offsets.offsets[0].partition).toEqual(partition);
    expect(typeof offsets.offsets[0].offset.n).toBe('number');

    // Alter: 200 with Kafka's message (the test connector does not confirm alterations).
    expectError(
      await api('PATCH', `/connectors/${name}/offsets`, { offsets: [] }),
      400,
      'Partitions / offsets need to be provided for an alter offsets request',
    );
    const altered = await api('PATCH', `/connectors/${name}/offsets`, {
      offsets: [{ partition, offset: { n: 99_999 } }],
    });
    expect(altered.status).toBe(200);
    expect(altered.body).toEqual({
      message:
        'The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.',
    });
    expect((await api('GET', `/connectors/${name}/offsets`)).body).toEqual({
      offsets: [{ partition, offset: { n: 99_999 } }],
    });

    // Resume from the altered offset: the next record is n = 100000.
    expect((await api('PUT', `/connectors/${name}/resume`)).status).toBe(202);
    await waitFor('a record after the altered offset', async () =>
      (await readTopic(topic)).some((r) => text(r.value) === `${name}-0-100000`),
    );

    // Reset: stop, DELETE, then GET shows nothing.
    expect((await api('PUT', `/connectors/${name}/stop`)).status).toBe(204);
    const reset = await api('DELETE', `/connectors/${name}/offsets`);
    expect(reset.status).toBe(200);
    expect(reset.body.message).toMatch(
      /^The Connect framework-managed offsets for this connector have been reset successfully\./,
    );
    expect((await api('GET', `/connectors/${name}/offsets`)).body).toEqual({ offsets: [] });
    expect((await api('PUT', `/connectors/${name}/resume`)).status).toBe(202);
    await waitFor('running after the reset', async () => (await state(name)) === 'RUNNING,RUNNING');

    // Restart: the connector alone is 204 without a body; with tasks 202 and the status.
    const restarted = await api('POST', `/connectors/${name}/restart`);
    expect(restarted.status).toBe(204);
    expect(restarted.body).toBeUndefined();
    const withTasks = await api(
      'POST',
      `/connectors/${name}/restart?includeTasks=true&onlyFailed=false`,
    );
    expect(withTasks.status).toBe(202);
    expectStateInfo(withTasks.body, name, 'source');
    const onlyFailed = await api(
      'POST',
      `/connectors/${name}/restart?includeTasks=true&onlyFailed=true`,
    );
    expect(onlyFailed.status).toBe(202);
    expectStateInfo(onlyFailed.body, name, 'source');
    const taskRestart = await api('POST', `/connectors/${name}/tasks/0/restart`);
    expect(taskRestart.status).toBe(204);
    expectError(await api('POST', `/connectors/${name}/tasks/5/restart`), 404);

    // Reconfigure: PUT config of an existing connector is 200; of a new one 201.
    const updated = await api('PUT', `/connectors/${name}/config`, { ...config, 'tasks.max': '2' });
    expect(updated.status).toBe(200);
    expect(updated.body.config['tasks.max']).toBe('2');
    const other = uniqueName('rest-put');
    const putNew = await api('PUT', `/connectors/${other}/config`, config);
    expect(putNew.status).toBe(201);
    expect(putNew.headers.get('location')).toBe(`${worker.url}/connectors/${other}`);
    expect(putNew.body).toMatchObject({
      name: other,
      type: 'source',
      config: { ...config, name: other },
    });

    // Delete: 204; afterwards 404 everywhere.
    for (const n of [name, other]) {
      const deleted = await api('DELETE', `/connectors/${n}`);
      expect(deleted.status).toBe(204);
      expect(deleted.body).toBeUndefined();
    }
    // Worded per operation, as Kafka words them.
    const notFound = `Connector ${name} not found`;
    for (const [method, path, message] of [
      ['GET', `/connectors/${name}`, notFound],
      ['GET', `/connectors/${name}/status`, `No status found for connector ${name}`],
      ['GET', `/connectors/${name}/tasks/0/status`, `No status found for task ${name}-0`],
      ['GET', `/connectors/${name}/config`, notFound],
      ['GET', `/connectors/${name}/tasks`, notFound],
      ['PUT', `/connectors/${name}/pause`, `Unknown connector ${name}`],
      ['PUT', `/connectors/${name}/resume`, `Unknown connector ${name}`],
      ['POST', `/connectors/${name}/restart`, notFound],
      ['POST', `/connectors/${name}/restart?includeTasks=true`, `Unknown connector: ${name}`],
      ['DELETE', `/connectors/${name}`, notFound],
      ['GET', `/connectors/${name}/offsets`, notFound],
      ['DELETE', `/connectors/${name}/offsets`, notFound],
    ] as const) {
      expectError(await api(method, path), 404, message);
    }
    expect((await api('GET', '/connectors')).body).not.toContain(name);
  });

  it('alters and resets sink offsets through the consumer group connect-<name>', async () => {
    const topic = uniqueName('rest-sink');
    await createTopic(topic);
    await produce(topic, ['a', 'b', 'c', 'd']);
    const name = uniqueName('rest-sink');
    const created = await api('POST', '/connectors', {
      name,
      config: { 'connector.class': 'CollectingSink', topics: topic },
    });
    expect(created.status).toBe(201);
    expect(created.body.type).toBe('sink');
    const committed = { kafka_topic: topic, kafka_partition: 0 };
    await waitFor('the sink offset committed at the end of the topic', async () => {
      const o = (await api('GET', `/connectors/${name}/offsets`)).body;
      return o.offsets[0]?.offset?.kafka_offset === 4;
    });
    expect((await api('GET', `/connectors/${name}/offsets`)).body).toEqual({
      offsets: [{ partition: committed, offset: { kafka_offset: 4 } }],
    });
    expect((await api('GET', `/connectors/${name}/topics`)).body).toEqual({
      [name]: { topics: [topic] },
    });

    expect((await api('PUT', `/connectors/${name}/stop`)).status).toBe(204);
    expectError(
      await api('PATCH', `/connectors/${name}/offsets`, {
        offsets: [{ partition: { kafka_topic: topic }, offset: { kafka_offset: 1 } }],
      }),
      400,
      "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'",
    );
    expectError(
      await api('PATCH', `/connectors/${name}/offsets`, {
        offsets: [{ partition: committed, offset: { kafka_offset: 'one' } }],
      }),
      400,
      "Failed to parse the following Kafka offset value in the provided offsets: 'one'. Offset values for sink connectors need to be integers.",
    );
    const altered = await api('PATCH', `/connectors/${name}/offsets`, {
      offsets: [
        { partition: { kafka_topic: topic, kafka_partition: '0' }, offset: { kafka_offset: 2 } },
      ],
    });
    expect(altered.status).toBe(200);
    expect(altered.body.message).toMatch(/have been altered successfully/);
    expect((await api('GET', `/connectors/${name}/offsets`)).body).toEqual({
      offsets: [{ partition: committed, offset: { kafka_offset: 2 } }],
    });

    // Resumed, the sink reads again from offset 2: c and d a second time.
    const before = sinkLog(name).values.length;
    expect((await api('PUT', `/connectors/${name}/resume`)).status).toBe(202);
    await waitFor('c and d delivered again', () => sinkLog(name).values.length >= before + 2);
    expect(sinkLog(name).values.slice(before)).toEqual(['c', 'd']);

    await waitFor('the offset committed again at the end', async () => {
      const o = (await api('GET', `/connectors/${name}/offsets`)).body;
      return o.offsets[0]?.offset?.kafka_offset === 4;
    });
    expect((await api('PUT', `/connectors/${name}/stop`)).status).toBe(204);
    const reset = await api('DELETE', `/connectors/${name}/offsets`);
    expect(reset.status).toBe(200);
    expect(reset.body.message).toMatch(/have been reset successfully/);
    expect((await api('GET', `/connectors/${name}/offsets`)).body).toEqual({ offsets: [] });
    expect((await api('DELETE', `/connectors/${name}`)).status).toBe(204);
  });

  it('answers unknown paths, wrong methods and malformed bodies with the error body', async () => {
    expectError(await api('GET', '/no/such/path'), 404, 'HTTP 404 Not Found');
    expectError(await api('DELETE', '/connectors'), 405, 'HTTP 405 Method Not Allowed');
    expectError(await api('POST', '/connectors', '{"name": "x", "config": '), 400, /^Invalid JSON/);
    expectError(await api('POST', '/connectors', { name: 'x' }), 400);
    expectError(await api('PUT', '/connectors/x/config', ['not', 'an', 'object']), 400);
  });
});
