import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** The worker's JSON log lines. */
interface LogLine {
  level: number;
  msg: string;
  connector?: string;
  task?: number;
  urls?: string[];
}

function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

async function post(url: string, name: string, config: Record<string, string>): Promise<number> {
  const res = await fetch(`${url}/connectors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, config }),
  });
  return res.status;
}

describe('sluice standalone', () => {
  it('starts with a worker config and no connector file; connectors created over REST run and log on their own lines; start-up retries are no errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-empty-'));
    dirs.push(dir);
    const id = randomUUID().slice(0, 8);
    const topic = `empty-start-${id}`;
    const worker = await writeProperties(join(dir, 'worker.properties'), {
      ...workerProps(dir, kafkaBrokers()),
      listeners: 'http://127.0.0.1:0',
      'log.format': 'json',
    });
    const p = runSluice(['standalone', '--progress-interval', '0', worker], dir);
    running.push(p);
    await waitFor('the REST API listening', () => {
      if (p.child.exitCode !== null) throw new Error(`the worker exited:\n${p.output()}`);
      return logLines(p.output()).some((l) => l.urls);
    });
    const url = logLines(p.output()).find((l) => l.urls)?.urls?.[0] as string;
    expect(await (await fetch(`${url}/connectors`)).json()).toEqual([]);

    // The sink subscribes to a topic that does not exist yet: kafkajs retries its metadata
    // requests until the source creates it.
    const output = join(dir, 'out.txt');
    expect(
      await post(url, `empty-sink-${id}`, {
        'connector.class': 'FileStreamSink',
        file: output,
        topics: topic,
      }),
    ).toBe(201);
    await waitFor('the sink waiting for its topic', () =>
      p.output().includes(`waiting for topic(s) ${topic} to be created`),
    );
    // The source starts before its file exists: it says so on a line of its own (connector, task).
    const input = join(dir, 'in.txt');
    expect(
      await post(url, `empty-source-${id}`, {
        'connector.class': 'FileStreamSource',
        file: input,
        topic,
        'topic.creation.default.replication.factor': '1',
        'topic.creation.default.partitions': '1',
      }),
    ).toBe(201);
    await waitFor('the source saying it waits for its file', () =>
      logLines(p.output()).some(
        (l) =>
          l.level === 40 &&
          l.connector === `empty-source-${id}` &&
          l.task === 0 &&
          l.msg === `Couldn't find file ${input}, waiting for it to be created`,
      ),
    );
    await writeFile(input, 'one\ntwo\nthree\n');
    await waitFor('the lines copied', async () => {
      if (p.child.exitCode !== null) throw new Error(`the worker exited:\n${p.output()}`);
      return (await readFile(output, 'utf8').catch(() => '')) === 'one\ntwo\nthree\n';
    });

    p.child.kill('SIGTERM');
    expect(await p.exited, p.output()).toBe(0);
    const lines = logLines(p.output());
    expect(lines.map((l) => l.msg)).toContain(
      'no connector config given: create connectors through the REST API',
    );
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});
