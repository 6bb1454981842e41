/**
 * REST answers Kafka Connect 4.1 gives and a script written for it relies on (the differential
 * test in packages/worker compares every endpoint with a real Kafka Connect; these pin each
 * behaviour where it is implemented).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RUNTIME_VERSION } from '../src/version.js';
import { closeClients, createTopic, uniqueName, waitFor } from './harness.js';
import { type Answer, call, type RestWorker, startRestWorker } from './rest-harness.js';

let worker: RestWorker;
const api = (method: string, path: string, body?: unknown): Promise<Answer> =>
  call(worker.url, method, path, body);

/** A request with a raw body and the given Content-Type (none when undefined). */
async function raw(
  method: string,
  path: string,
  body: string | undefined,
  contentType: string | undefined,
): Promise<{ status: number; contentType: string | null; body: unknown }> {
  const init: RequestInit = { method };
  // Bytes: fetch adds text/plain to a string body.
  if (body !== undefined) init.body = Buffer.from(body);
  if (contentType !== undefined) init.headers = { 'content-type': contentType };
  const res = await fetch(`${worker.url}${path}`, init);
  const text = await res.text();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    body: text === '' ? undefined : JSON.parse(text),
  };
}

beforeAll(async () => {
  worker = await startRestWorker();
});

afterAll(async () => {
  await worker?.stop();
  await closeClients();
});

const UNSUPPORTED = { error_code: 415, message: 'HTTP 415 Unsupported Media Type' };

describe('content types', () => {
  it('refuses a body that is not JSON with 415 before looking at anything else, as Jersey does', async () => {
    const name = uniqueName('typed');
    const create = JSON.stringify({ name, config: { 'connector.class': 'CountingSource' } });
    // Another Content-Type: refused first (even for an unknown connector), without a type.
    for (const [method, path] of [
      ['POST', '/connectors'],
      ['PUT', `/connectors/${name}/config`],
      ['PATCH', `/connectors/${name}/config`],
      ['PATCH', `/connectors/${name}/offsets`],
      ['PUT', '/connector-plugins/CountingSource/config/validate'],
      ['PUT', '/admin/loggers/root'],
      ['PUT', `/connectors/${name}/pause`],
      ['GET', '/connectors'],
    ] as const) {
      const answer = await raw(method, path, method === 'GET' ? undefined : create, 'text/plain');
      expect(answer, `${method} ${path}`).toEqual({
        status: 415,
        contentType: null,
        body: UNSUPPORTED,
      });
    }
    // A body without a Content-Type: refused when read, answered as JSON.
    expect(await raw('POST', '/connectors', create, undefined)).toEqual({
      status: 415,
      contentType: 'application/json',
      body: UNSUPPORTED,
    });
    expect((await api('GET', '/connectors')).body).not.toContain(name);
    // JSON with a charset is JSON; the root resource takes anything.
    expect(
      (await raw('POST', '/connectors', create, 'application/json; charset=utf-8')).status,
    ).toBe(201);
    expect((await raw('GET', '/', undefined, 'text/plain')).status).toBe(200);
    expect((await api('DELETE', `/connectors/${name}`)).status).toBe(204);
  });
});

describe('requests between the workers of a cluster', () => {
  it('answers fencing and task config writes as a standalone Kafka Connect worker does', async () => {
    for (const name of ['anything', uniqueName('unknown')]) {
      expect(await raw('PUT', `/connectors/${name}/fence`, 'x', 'text/plain')).toMatchObject({
        status: 500,
        body: {
          error_code: 500,
          message:
            'Kafka Connect in standalone mode does not support exactly-once source connectors.',
        },
      });
      expect(await api('POST', `/connectors/${name}/tasks`, [])).toMatchObject({
        status: 500,
        body: {
          error_code: 500,
          message:
            'Kafka Connect in standalone mode does not support externally setting task configurations.',
        },
      });
    }
  });
});

describe('connector plugins', () => {
  it('lists BooleanConverter and every built-in converter as a header converter too', async () => {
    const all = (await api('GET', '/connector-plugins?connectorsOnly=false')).body as Array<{
      class: string;
      type: string;
    }>;
    const of = (type: string) =>
      all
        .filter((p) => p.type === type && p.class.startsWith('@sluice/runtime/'))
        .map((p) => p.class.slice('@sluice/runtime/'.length));
    const converters = [
      'BooleanConverter',
      'ByteArrayConverter',
      'DoubleConverter',
      'FloatConverter',
      'IntegerConverter',
      'LongConverter',
      'ShortConverter',
      'StringConverter',
    ];
    expect(of('converter')).toEqual(converters);
    expect(of('header_converter')).toEqual([...converters, 'SimpleHeaderConverter'].sort());
  });

  it("describes a connector's framework keys as Kafka 4.1 does, KIP-891 versions included", async () => {
    const keys = (await api('GET', '/connector-plugins/CountingSource/config')).body as Array<{
      name: string;
      default_value: string | null;
      group: string;
      order: number;
      display_name: string;
    }>;
    const key = (name: string) => keys.find((k) => k.name === name);
    expect(key('connector.plugin.version')).toMatchObject({
      default_value: '1.0.0',
      group: 'Common',
      order: 3,
      display_name: 'Connector version',
    });
    for (const name of [
      'key.converter.plugin.version',
      'value.converter.plugin.version',
      'header.converter.plugin.version',
      'config.action.reload',
      'exactly.once.support',
      'transaction.boundary',
      'transaction.boundary.interval.ms',
    ])
      expect(key(name), name).toBeDefined();
    expect(key('exactly.once.support')).toMatchObject({
      default_value: 'requested',
      group: 'Exactly Once Support',
    });
    expect(key('transaction.boundary')?.default_value).toBe('poll');
    expect(key('offsets.storage.topic')?.group).toBe('offsets.topic');
    // Outside validation Kafka shows no converter defaults.
    expect(key('key.converter')?.default_value).toBeNull();
  });

  it("validates with the worker's converters filled in and the installed plugins recommended", async () => {
    const answer = await api('PUT', '/connector-plugins/CountingSource/config/validate', {
      name: 'v',
      'connector.class': 'CountingSource',
      topic: 't',
    });
    expect(answer.status).toBe(200);
    expect(answer.body.name).toBe('CountingSource');
    const value = (name: string) =>
      (
        answer.body.configs as Array<{
          definition: { default_value: string | null } | null;
          value: { value: string | null; recommended_values: string[]; visible: boolean };
        }>
      ).find((c) => (c.value as unknown as { name: string }).name === name);
    expect(value('key.converter')?.definition?.default_value).toBe('StringConverter');
    expect(value('key.converter')?.value.value).toBe('StringConverter');
    expect(value('key.converter')?.value.recommended_values).toContain(
      '@sluice/runtime/BooleanConverter',
    );
    expect(value('header.converter')?.value.value).toBe(
      'org.apache.kafka.connect.storage.SimpleHeaderConverter',
    );
    expect(value('key.converter.plugin.version')?.value).toMatchObject({
      value: RUNTIME_VERSION,
      recommended_values: [RUNTIME_VERSION],
    });
    expect(value('connector.plugin.version')?.value.value).toBe('1.0.0');
    expect(value('exactly.once.support')?.value.value).toBe('requested');
  });

  it('refuses validating a config without connector.class or naming an unknown connector as Kafka does (500)', async () => {
    expect(
      await api('PUT', '/connector-plugins/CountingSource/config/validate', {
        name: 'v',
        topic: 't',
      }),
    ).toMatchObject({
      status: 500,
      body: {
        error_code: 500,
        // Java's HashMap order, as Kafka prints the config.
        message:
          'org.apache.kafka.connect.runtime.rest.errors.BadRequestException: Connector config {name=v, topic=t} contains no connector type',
      },
    });
    const unknown = await api('PUT', '/connector-plugins/org.example.Nope/config/validate', {
      'connector.class': 'org.example.Nope',
    });
    expect(unknown.status).toBe(500);
    expect(unknown.body.message).toMatch(
      /^org\.apache\.kafka\.connect\.runtime\.rest\.errors\.BadRequestException: Failed to find any class that implements Connector and which name matches org\.example\.Nope, available connectors are: .*test-plugins\/CountingSource/,
    );
    // Creating such a connector: Kafka's 400.
    const created = await api('POST', '/connectors', {
      name: uniqueName('nope'),
      config: { 'connector.class': 'org.example.Nope' },
    });
    expect(created.status).toBe(400);
    expect(created.body.message).toMatch(
      /^Failed to find any class that implements Connector and which name matches org\.example\.Nope, available connectors are: /,
    );
  });

  it('refuses a connector.plugin.version the installed plugin does not satisfy', async () => {
    const answer = await api('PUT', '/connector-plugins/CountingSource/config/validate', {
      name: 'v',
      'connector.class': 'CountingSource',
      'connector.plugin.version': '[2.0,)',
    });
    expect(answer.body.error_count).toBe(2);
    const message =
      'Plugin CountingSource not found that matches the version range [2.0,), available versions: [1.0.0]';
    const errors = (name: string) =>
      answer.body.configs.find((c: { value: { name: string } }) => c.value.name === name).value
        .errors;
    expect(errors('connector.class')).toEqual([message]);
    expect(errors('connector.plugin.version')).toEqual([message]);
    const created = await api('POST', '/connectors', {
      name: uniqueName('pinned'),
      config: { 'connector.class': 'CountingSource', 'connector.plugin.version': '1.0.0' },
    });
    expect(created.status).toBe(201);
    await api('DELETE', `/connectors/${created.body.name}`);
    const refused = await api('POST', '/connectors', {
      name: uniqueName('pinned'),
      config: { 'connector.class': 'CountingSource', 'connector.plugin.version': '0.9' },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toContain(
      'Plugin CountingSource not found that matches the version range [0.9,0.9], available versions: [1.0.0]',
    );
  });
});

describe('admin/loggers', () => {
  it('changes nothing, and lists nothing changed, when a logger is set to the level it has', async () => {
    const before = (await api('GET', '/admin/loggers/root')).body;
    const same = await api('PUT', '/admin/loggers/root', { level: before.level });
    expect(same.status).toBe(200);
    expect(same.body).toEqual([]);
    expect((await api('GET', '/admin/loggers/root')).body).toEqual(before);
  });
});

describe('connector states', () => {
  it('creates a PAUSED connector without tasks until resumed, and keeps a failed task FAILED through pause and resume', async () => {
    const topic = uniqueName('states');
    await createTopic(topic);
    const paused = uniqueName('paused');
    expect(
      (
        await api('POST', '/connectors', {
          name: paused,
          config: { 'connector.class': 'CountingSource', topic },
          initial_state: 'PAUSED',
        })
      ).status,
    ).toBe(201);
    const status = async (name: string) => {
      const s = (await api('GET', `/connectors/${name}/status`)).body;
      return [s.connector.state, ...s.tasks.map((t: { state: string }) => t.state)].join(',');
    };
    expect(await status(paused)).toBe('PAUSED');
    expect((await api('PUT', `/connectors/${paused}/resume`)).status).toBe(202);
    await waitFor(
      'the task created on resume',
      async () => (await status(paused)) === 'RUNNING,RUNNING',
    );

    // A sink writing into a directory fails its task at start.
    const failing = uniqueName('failing');
    expect(
      (
        await api('POST', '/connectors', {
          name: failing,
          config: { 'connector.class': 'FileStreamSink', topics: topic, file: worker.dir },
        })
      ).status,
    ).toBe(201);
    await waitFor('the task failed', async () => (await status(failing)) === 'RUNNING,FAILED');
    expect((await api('PUT', `/connectors/${failing}/pause`)).status).toBe(202);
    await waitFor('the connector paused', async () => (await status(failing)).startsWith('PAUSED'));
    expect(await status(failing)).toBe('PAUSED,FAILED');
    expect((await api('PUT', `/connectors/${failing}/resume`)).status).toBe(202);
    await waitFor('the connector resumed', async () =>
      (await status(failing)).startsWith('RUNNING'),
    );
    expect(await status(failing)).toBe('RUNNING,FAILED');
    for (const name of [paused, failing]) await api('DELETE', `/connectors/${name}`);
  });
});

describe('file connector offsets', () => {
  it("answers altering and resetting a stopped file source's offsets with Kafka's messages", async () => {
    const name = uniqueName('file-offsets');
    const topic = uniqueName('file-offsets');
    await createTopic(topic);
    const file = join(worker.dir, `${name}.txt`);
    await writeFile(file, 'a\nb\n');
    const created = await api('POST', '/connectors', {
      name,
      config: { 'connector.class': 'FileStreamSource', file, topic },
      initial_state: 'STOPPED',
    });
    expect(created.status).toBe(201);
    const alter = (offset: unknown) =>
      api('PATCH', `/connectors/${name}/offsets`, {
        offsets: [{ partition: { filename: file }, offset }],
      });
    expect(await alter({ position: 2 })).toMatchObject({
      status: 200,
      body: { message: 'The offsets for this connector have been altered successfully' },
    });
    expect(await alter({ position: 'two' })).toMatchObject({
      status: 500,
      body: {
        error_code: 500,
        message: "The value for the 'position' key in the offset is expected to be a Long value",
      },
    });
    // The refused offset was not stored.
    expect((await api('GET', `/connectors/${name}/offsets`)).body).toEqual({
      offsets: [{ partition: { filename: file }, offset: { position: 2 } }],
    });
    expect(await api('DELETE', `/connectors/${name}/offsets`)).toMatchObject({
      status: 200,
      body: { message: 'The offsets for this connector have been reset successfully' },
    });
    await waitFor('no offsets', async () => {
      const offsets = (await api('GET', `/connectors/${name}/offsets`)).body.offsets;
      return offsets.length === 0;
    });
    expect((await api('DELETE', `/connectors/${name}`)).status).toBe(204);
  });
});
