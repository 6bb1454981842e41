import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KafkaAdmin, KafkajsClientFactory, silentLogger } from '@sluice/runtime';
import { kafkaBrokers } from '@sluice/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  runSluice,
  type SluiceProcess,
  waitFor,
  workerProps,
  writeProperties,
} from './sluice-process.js';

let admin: KafkaAdmin;
const dirs: string[] = [];
const running: SluiceProcess[] = [];

beforeAll(async () => {
  admin = new KafkajsClientFactory(
    { 'bootstrap.servers': kafkaBrokers().join(',') },
    silentLogger(),
  ).admin({ clientId: 'pipeline-test', overrides: {} });
  await admin.connect();
});

afterAll(async () => {
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  await admin.disconnect();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Lines of varying length and content, so a byte-position bug would show. */
const shortLine = (i: number) => `${i} ${'x'.repeat(i % 37)} ünïcödé ${(i * 7919) % 10007}`;

/** A pipeline folder: input lines, worker and connector configs, all under one temp dir. */
async function pipeline(lineCount: number, lineAt: (i: number) => string = shortLine) {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-e2e-'));
  dirs.push(dir);
  const id = randomUUID().slice(0, 8);
  const topic = `e2e-lines-${id}`;
  const lines = Array.from({ length: lineCount }, (_, i) => lineAt(i));
  const input = join(dir, 'input.txt');
  const output = join(dir, 'output.txt');
  await writeFile(input, `${lines.join('\n')}\n`);
  const worker = await writeProperties(
    join(dir, 'worker.properties'),
    workerProps(dir, kafkaBrokers()),
  );
  const source = await writeProperties(join(dir, 'source.properties'), {
    name: `source-${id}`,
    'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
    file: input,
    topic,
    'topic.creation.default.replication.factor': '1',
    'topic.creation.default.partitions': '1',
  });
  const sink = await writeProperties(join(dir, 'sink.properties'), {
    name: `sink-${id}`,
    'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
    topics: topic,
    file: output,
  });
  const start = () => {
    const p = runSluice(['standalone', '--progress-interval', '5', worker, source, sink], dir);
    running.push(p);
    return p;
  };
  return { dir, id, topic, lines, input, output, start, sinkName: `sink-${id}` };
}

async function readLines(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

async function highWatermark(topic: string): Promise<number> {
  const offsets = await admin.topicOffsets(topic);
  return offsets.reduce((n, o) => n + Number(o.high), 0);
}

async function fileSize(file: string): Promise<number> {
  return (await stat(file).catch(() => ({ size: 0 }))).size;
}

/** Removes repeats, keeping each line's first occurrence. */
function firstOccurrences(lines: string[]): string[] {
  const seen = new Set<string>();
  return lines.filter((l) => {
    if (seen.has(l)) return false;
    seen.add(l);
    return true;
  });
}

describe('sluice standalone end to end (real Kafka, the real bin)', () => {
  it('moves 100k lines file → Kafka → file with no loss and no reordering, and stops cleanly on SIGTERM', async () => {
    const p = await pipeline(100_000);
    const expectedSize = await fileSize(p.input);
    const worker = p.start();
    await waitFor(
      'the output file to hold every byte of the input',
      async () => (await fileSize(p.output)) >= expectedSize || worker.child.exitCode !== null,
      540_000,
    );
    expect(worker.child.exitCode, worker.output()).toBeNull();
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('SIGTERM received: stopping');
    expect(await readLines(p.output)).toEqual(p.lines);
    expect(await highWatermark(p.topic)).toBe(100_000);
    // The clean stop committed everything: a restart moves nothing twice.
    const again = p.start();
    await waitFor('the restarted worker to run its sink', () =>
      again.output().includes('partitions assigned'),
    );
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
    expect(await highWatermark(p.topic)).toBe(100_000);
    expect(await readLines(p.output)).toHaveLength(100_000);
  });

  it('moves lines of ~2 KB with multi-byte characters file → Kafka → file unchanged (the sink encodes batches of long lines itself)', async () => {
    const p = await pipeline(
      5_000,
      (i) => `${i} ${'ünï😀cödé '.repeat(150 + (i % 100))}${shortLine(i)}`,
    );
    const expectedSize = await fileSize(p.input);
    const worker = p.start();
    await waitFor(
      'the output file to hold every byte of the input',
      async () => (await fileSize(p.output)) >= expectedSize || worker.child.exitCode !== null,
      240_000,
    );
    expect(worker.child.exitCode, worker.output()).toBeNull();
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(await readLines(p.output)).toEqual(p.lines);
  });

  it('survives kill -9 mid-stream: nothing lost, duplicates bounded by the uncommitted tail, offsets resume', async () => {
    const p = await pipeline(60_000);
    const first = p.start();
    const sinkCommittedNow = async () =>
      Math.max(
        0,
        Number((await admin.groupOffsets(`connect-${p.sinkName}`, [p.topic]))[0]?.offset ?? 0n),
      );
    const offsetsFile = join(p.dir, 'connect.offsets');
    // Kill once both sides committed something and the sink is well into the stream.
    await waitFor('a third of the lines in the output and offsets committed', async () => {
      if (first.child.exitCode !== null) return true;
      return (
        (await readLines(p.output)).length >= 20_000 &&
        (await fileSize(offsetsFile)) > 0 &&
        (await sinkCommittedNow()) > 0
      );
    });
    expect(first.child.exitCode, first.output()).toBeNull();
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    // What had been made durable when the process died.
    const written = (await readLines(p.output)).length;
    const inTopic = await highWatermark(p.topic);
    const sinkCommitted = await sinkCommittedNow();
    const offsets = JSON.parse(await readFile(offsetsFile, 'utf8')) as {
      offsets: Record<string, string>;
    };
    const position = Number(
      (JSON.parse(Object.values(offsets.offsets)[0] ?? '{"position":0}') as { position: number })
        .position,
    );
    const inputBytes = await readFile(p.input);
    let linesCommitted = 0;
    for (let i = 0; i < position; i++) if (inputBytes[i] === 0x0a) linesCommitted++;
    expect(linesCommitted).toBeGreaterThan(0);
    expect(sinkCommitted).toBeGreaterThan(0);
    expect(written).toBeGreaterThanOrEqual(sinkCommitted);
    expect(inTopic).toBeGreaterThanOrEqual(linesCommitted);

    const second = p.start();
    // Running (signal handlers installed, sink consuming) before anything is judged: when the
    // first worker had moved every line before it was killed, the checks below hold at once.
    await waitFor(
      'the restarted worker to run its sink',
      () => second.output().includes('partitions assigned') || second.child.exitCode !== null,
    );
    // The source resends exactly the lines after its committed position.
    const expectedInTopic = inTopic + (p.lines.length - linesCommitted);
    await waitFor(
      'every line in Kafka and in the output',
      async () =>
        ((await highWatermark(p.topic)) >= expectedInTopic &&
          (await readLines(p.output)).length >= written + (expectedInTopic - sinkCommitted)) ||
        second.child.exitCode !== null,
      540_000,
    );
    expect(second.child.exitCode, second.output()).toBeNull();
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);

    const output = await readLines(p.output);
    expect(await highWatermark(p.topic)).toBe(expectedInTopic);
    // The sink resumed at its committed offset.
    expect(output).toHaveLength(written + (expectedInTopic - sinkCommitted));
    // Nothing lost, nothing reordered.
    expect(firstOccurrences(output)).toEqual(p.lines);
    // Duplicates: only what was processed after the last commits before the kill.
    const duplicates = output.length - p.lines.length;
    expect(duplicates).toBe(written - sinkCommitted + (inTopic - linesCommitted));
  });

  it('keeps a sink task running through a stall longer than its consumer session: it rejoins and every line arrives', async () => {
    const p = await pipeline(20_000);
    const worker = p.start();
    await waitFor(
      'the sink to write some lines',
      async () => (await readLines(p.output)).length > 0,
    );
    // A stopped process (a long GC pause, an overloaded machine, a suspended VM) misses its
    // heartbeats; the group coordinator drops the sink's consumer after the session timeout.
    worker.child.kill('SIGSTOP');
    await new Promise((r) => setTimeout(r, 14_000));
    worker.child.kill('SIGCONT');
    await waitFor(
      'every line in the output after the stall',
      async () =>
        firstOccurrences(await readLines(p.output)).length === p.lines.length ||
        worker.child.exitCode !== null,
    );
    expect(worker.child.exitCode, worker.output()).toBeNull();
    expect(worker.output()).not.toContain('sink task failed');
    expect(firstOccurrences(await readLines(p.output))).toEqual(p.lines);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });

  it("runs Kafka's own connect-file-source.properties: the broker creates the topic nobody created, and every line arrives", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-e2e-'));
    dirs.push(dir);
    const topic = `connect-test-${randomUUID().slice(0, 8)}`;
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i}`);
    const input = join(dir, 'test.txt');
    await writeFile(input, `${lines.join('\n')}\n`);
    const worker = await writeProperties(
      join(dir, 'connect-standalone.properties'),
      workerProps(dir, kafkaBrokers()),
    );
    // Kafka's config/connect-file-source.properties, with this test's file and topic.
    const source = await writeProperties(join(dir, 'connect-file-source.properties'), {
      name: 'local-file-source',
      'connector.class': 'FileStreamSource',
      'tasks.max': '1',
      file: input,
      topic,
    });
    expect((await admin.listTopics()).includes(topic)).toBe(false);
    const run = runSluice(['standalone', worker, source], dir);
    running.push(run);
    await waitFor('every line in the topic', async () => {
      if (run.child.exitCode !== null) throw new Error(`sluice exited:\n${run.output()}`);
      const ends = await admin.topicOffsets(topic).catch(() => []);
      return ends.reduce((n, o) => n + Number(o.high), 0) >= lines.length;
    });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(await highWatermark(topic)).toBe(lines.length);
    expect(run.output()).not.toContain('task failed');
  });

  it('logs no progress for a task that FAILED', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-e2e-'));
    dirs.push(dir);
    const input = join(dir, 'test.txt');
    await writeFile(input, 'one\ntwo\n');
    const worker = await writeProperties(
      join(dir, 'worker.properties'),
      workerProps(dir, kafkaBrokers()),
    );
    const source = await writeProperties(join(dir, 'bad-topic.properties'), {
      name: 'bad-topic-source',
      'connector.class': 'FileStreamSource',
      file: input,
      // Not a legal topic name: the broker refuses it and the task fails.
      topic: 'not a topic!',
    });
    const run = runSluice(['standalone', '--progress-interval', '1', worker, source], dir);
    running.push(run);
    const logLines = () =>
      run
        .output()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string; connector?: string });
    const failedAt = () => logLines().findIndex((l) => l.msg.includes('source task failed'));
    await waitFor('the task to fail', () => failedAt() >= 0, 60_000);
    // A few progress intervals after the failure.
    await new Promise((r) => setTimeout(r, 3500));
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    const after = logLines().slice(failedAt() + 1);
    expect(
      after.filter((l) => l.connector === 'bad-topic-source' && l.msg.startsWith('progress:')),
    ).toEqual([]);
  });
});
