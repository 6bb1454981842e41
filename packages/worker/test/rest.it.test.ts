import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkajsClientFactory, silentLogger } from '@sluice/runtime';
import { kafkaBrokers } from '@sluice/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import {
  runSluice,
  type SluiceProcess,
  waitFor,
  workerProps,
  writeProperties,
} from './sluice-process.js';

const dirs: string[] = [];
const running: SluiceProcess[] = [];

afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The REST URL the worker logged (`listeners` with port 0 picks a free port). */
function restUrl(output: string): string | null {
  for (const line of output.split('\n')) {
    if (!line.includes('REST API listening')) continue;
    const urls = (JSON.parse(line) as { urls?: string[] }).urls;
    if (urls?.[0]) return urls[0];
  }
  return null;
}

describe('sluice standalone REST API', () => {
  it('serves the REST API on listeners: connectors from the command line show up, new ones can be created, SIGTERM stops it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-rest-'));
    dirs.push(dir);
    const id = randomUUID().slice(0, 8);
    const admin = new KafkajsClientFactory(
      { 'bootstrap.servers': kafkaBrokers().join(',') },
      silentLogger(),
    ).admin({ clientId: 'rest-test', overrides: {} });
    await admin.connect();
    await admin.createTopics([{ topic: `rest-${id}`, numPartitions: 1, replicationFactor: 1 }]);
    await admin.disconnect();
    const input = join(dir, 'in.txt');
    await writeFile(input, 'one\ntwo\n');
    const worker = await writeProperties(join(dir, 'worker.properties'), {
      ...workerProps(dir, kafkaBrokers()),
      listeners: 'http://127.0.0.1:0',
    });
    const source = await writeProperties(join(dir, 'source.properties'), {
      name: `rest-source-${id}`,
      'connector.class': 'FileStreamSource',
      file: input,
      topic: `rest-${id}`,
    });
    const p = runSluice(['standalone', '--progress-interval', '0', worker, source], dir);
    running.push(p);
    await waitFor('the REST API listening', () => restUrl(p.output()) !== null);
    const url = restUrl(p.output()) as string;
    await waitFor('the command-line connector listed', async () => {
      const names = (await (await fetch(`${url}/connectors`)).json()) as string[];
      return names.includes(`rest-source-${id}`);
    });

    const root = (await (await fetch(`${url}/`)).json()) as Record<string, unknown>;
    expect(Object.keys(root).sort()).toEqual(['commit', 'kafka_cluster_id', 'version']);

    const created = await fetch(`${url}/connectors`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: `rest-sink-${id}`,
        config: {
          'connector.class': 'FileStreamSink',
          file: join(dir, 'out.txt'),
          topics: `rest-${id}`,
        },
      }),
    });
    expect(created.status).toBe(201);
    await waitFor('the new sink running', async () => {
      if (p.child.exitCode !== null) throw new Error(`the worker exited:\n${p.output()}`);
      const s = (await (await fetch(`${url}/connectors/rest-sink-${id}/status`)).json()) as {
        connector: { state: string };
        tasks: Array<{ state: string }>;
      };
      return s.connector.state === 'RUNNING' && s.tasks[0]?.state === 'RUNNING';
    });

    p.child.kill('SIGTERM');
    expect(await p.exited, p.output()).toBe(0);
    await expect(fetch(`${url}/connectors`)).rejects.toThrow();
  });
});
