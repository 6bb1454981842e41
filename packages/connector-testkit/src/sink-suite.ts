import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConnectorUnderTest, KitWorker, uniqueId, waitFor } from './kit-worker.js';
import type { SourceRun } from './source-suite.js';
import { countContaining, createTopic, produceValues } from './topic-io.js';

/** One test's run of a sink: unique names, a folder of its own, and its input topic. */
export interface SinkRun extends SourceRun {
  readonly topic: string;
}

/** What a sink connector gives the kit. */
export interface SinkFixture extends ConnectorUnderTest {
  readonly setUp?: (run: SinkRun) => Promise<void>;
  readonly tearDown?: (run: SinkRun) => Promise<void>;
  /**
   * The value of the record carrying `marker`, as the connector's `value.converter` reads it
   * (default: the marker itself, for the worker's StringConverter).
   */
  readonly value?: (marker: string) => string;
  /** A working config reading `run.topic` (the kit sets `topics`). */
  readonly config: (run: SinkRun) => Record<string, string>;
  /** What the sink wrote so far, one string per record, containing the record's value. */
  readonly read: (run: SinkRun) => Promise<readonly string[]>;
}

function markers(run: SinkRun, label: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${run.id}-${label}-${i}`);
}

function produce(fixture: SinkFixture, run: SinkRun, wanted: readonly string[]): Promise<void> {
  const encode = fixture.value ?? ((marker: string) => marker);
  return produceValues(fixture.brokers(), run.topic, wanted.map(encode));
}

/**
 * The conformance cases of a sink connector, run through the real runtime against a real Kafka:
 * every record written once, nothing lost across a worker restart (the consumer group's
 * committed offsets), and a prompt stop while waiting for records, then a new start.
 */
export function testSinkConnector(name: string, fixture: SinkFixture): void {
  describe(`${name}: sink conformance (connector test kit)`, () => {
    let run: SinkRun;
    const workers: KitWorker[] = [];
    const startWorker = async (dir?: string) => {
      const worker = await KitWorker.start(fixture, dir);
      workers.push(worker);
      return worker;
    };
    const configOf = () => ({ ...fixture.config(run), topics: run.topic });
    const written = (wanted: readonly string[], what: string) =>
      waitFor(what, async () => {
        const out = await fixture.read(run);
        return wanted.every((m) => countContaining(out, m) > 0);
      });

    beforeEach(async () => {
      const id = uniqueId('kit');
      run = { id, topic: id, dir: await mkdtemp(join(tmpdir(), 'sluice-testkit-run-')) };
      await createTopic(fixture.brokers(), run.topic);
      await fixture.setUp?.(run);
    });
    afterEach(async () => {
      for (const w of workers.splice(0)) {
        await w.stop();
        await w.remove();
      }
      await fixture.tearDown?.(run);
      await rm(run.dir, { recursive: true, force: true });
    });

    it('writes every record of its topic, each once', async () => {
      const worker = await startWorker();
      await worker.run(run.id, fixture, configOf());
      const wanted = markers(run, 'a', 5);
      await produce(fixture, run, wanted);
      await written(wanted, 'every record written');
      const out = await fixture.read(run);
      expect(wanted.map((m) => countContaining(out, m))).toEqual(wanted.map(() => 1));
    });

    it('loses nothing across a worker restart, and repeats nothing it had committed', async () => {
      const first = await startWorker();
      await first.run(run.id, fixture, configOf());
      const before = markers(run, 'before', 3);
      await produce(fixture, run, before);
      await written(before, 'the first records written');
      await first.stop();
      const after = markers(run, 'after', 3);
      await produce(fixture, run, after);
      const second = await startWorker(first.dir);
      await second.run(run.id, fixture, configOf());
      await written(after, 'the records produced while stopped');
      const out = await fixture.read(run);
      const all = [...before, ...after];
      expect(all.map((m) => countContaining(out, m))).toEqual(all.map(() => 1));
    });

    it('stops promptly while waiting for records, and runs again', async () => {
      const first = await startWorker();
      await first.run(run.id, fixture, configOf());
      const stopped = first.stop().then(() => 'stopped');
      const timeout = new Promise((resolve) => setTimeout(() => resolve('still stopping'), 30_000));
      expect(await Promise.race([stopped, timeout])).toBe('stopped');
      const second = await startWorker(first.dir);
      await second.run(run.id, fixture, configOf());
      const wanted = markers(run, 'later', 2);
      await produce(fixture, run, wanted);
      await written(wanted, 'the records written');
    });
  });
}
