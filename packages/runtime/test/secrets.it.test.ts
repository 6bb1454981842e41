import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  capturingLogger,
  closeClients,
  createTopic,
  produce,
  uniqueName,
  waitFor,
} from './harness.js';
import { call, type RestWorker, startRestWorker } from './rest-harness.js';
import { sinkLog } from './test-plugins.js';

const workers: RestWorker[] = [];

afterAll(async () => {
  for (const w of workers) await w.stop();
  await closeClients();
});

describe('secrets', () => {
  it('keeps every password (connector, converter, client overrides, config provider, worker) out of every log line and REST answer', async () => {
    // Every secret is unique, so finding any of them anywhere is a leak.
    const secret = (place: string) => `S3cr3t-${place}-${Math.random().toString(36).slice(2)}`;
    const direct = {
      connector: secret('connector'),
      converter: secret('converter'),
      clientPassword: secret('client-password'),
      jaas: secret('jaas'),
    };
    const provided = {
      connector: secret('provided-connector'),
      converter: secret('provided-converter'),
      clientPassword: secret('provided-client'),
    };
    const worker = { clientPassword: secret('worker-client'), converter: secret('worker-conv') };
    const all = [...Object.values(direct), ...Object.values(provided), ...Object.values(worker)];

    const captured = capturingLogger('trace');
    const w = await startRestWorker(
      {
        'config.providers': 'file',
        'config.providers.file.class': 'FileConfigProvider',
        'consumer.ssl.key.password': worker.clientPassword,
        'value.converter': 'SecretConverter',
        'value.converter.token': worker.converter,
      },
      captured.log,
    );
    workers.push(w);
    const secrets = join(w.dir, 'secrets.properties');
    await writeFile(
      secrets,
      Object.entries(provided)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    const ref = (key: string) => `\${file:${secrets}:${key}}`;
    const topic = uniqueName('secrets');
    await createTopic(topic);
    await produce(topic, ['a', 'b']);
    const sinks = {
      [uniqueName('direct')]: {
        'connector.class': 'SecretSink',
        topics: topic,
        secret: direct.connector,
        'value.converter': 'SecretConverter',
        'value.converter.token': direct.converter,
        'consumer.override.ssl.key.password': direct.clientPassword,
        'consumer.override.sasl.jaas.config': `org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="${direct.jaas}";`,
      },
      [uniqueName('provided')]: {
        'connector.class': 'SecretSink',
        topics: topic,
        secret: ref('connector'),
        'value.converter': 'SecretConverter',
        'value.converter.token': ref('converter'),
        'consumer.override.ssl.key.password': ref('clientPassword'),
      },
    };

    const answers: unknown[] = [];
    const api = async (method: string, path: string, body?: unknown) => {
      const answer = await call(w.url, method, path, body);
      answers.push(answer.body, Object.fromEntries(answer.headers));
      return answer;
    };
    for (const [name, config] of Object.entries(sinks)) {
      expect((await api('POST', '/connectors', { name, config })).status).toBe(201);
    }
    for (const name of Object.keys(sinks)) {
      await waitFor(`${name} gets both records`, () => sinkLog(name).values.length === 2);
    }
    // The tasks got the real values: the secrets were in use, not only absent.
    const [directName, providedName] = Object.keys(sinks) as [string, string];
    expect(sinkLog(directName).props.secret).toBe(direct.connector);
    expect(sinkLog(providedName).props.secret).toBe(provided.connector);

    for (const [name, config] of Object.entries(sinks)) {
      const base = `/connectors/${name}`;
      await api('GET', base);
      await api('GET', `${base}/config`);
      await api('GET', `${base}/tasks`);
      await api('GET', `${base}/status`);
      await api('GET', `${base}/topics`);
      await api('PUT', `${base}/config`, config);
      await api('PATCH', `${base}/config`, { 'errors.log.enable': 'true' });
      await api('PUT', `/connector-plugins/SecretSink/config/validate`, config);
      await api('POST', `${base}/restart?includeTasks=true`);
      await api('PUT', `${base}/stop`);
      await waitFor(
        'the connector stopped',
        async () => (await call(w.url, 'GET', `${base}/status`)).body.connector.state === 'STOPPED',
      );
      await api('GET', `${base}/offsets`);
      // A bad config echoes values in its validation errors.
      await api('PUT', `${base}/config`, { ...config, 'tasks.max': 'x' });
    }
    await api('GET', '/connectors?expand=info&expand=status');
    await api('GET', '/admin/loggers');
    answers.push(await (await fetch(`${w.url}/metrics`)).text());

    const logged = JSON.stringify(captured.lines);
    const answered = JSON.stringify(answers);
    expect(captured.lines.length).toBeGreaterThan(20);
    expect(answered).toContain('[hidden]');
    for (const value of all) {
      expect(logged, `${value} in a log line`).not.toContain(value);
      expect(answered, `${value} in a REST answer`).not.toContain(value);
    }
  });
});
