import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConnectorUnderTest, KitWorker, uniqueId } from './kit-worker.js';
import { countContaining, readValuesUntil } from './topic-io.js';

/** One test's run of a source: unique names and a folder of its own. */
export interface SourceRun {
  /** Unique in this Kafka: use it in topic and table names. */
  readonly id: string;
  /** A temporary folder for the run's upstream files, removed afterwards. */
  readonly dir: string;
}

/** What a source connector gives the kit. */
export interface SourceFixture extends ConnectorUnderTest {
  /** Prepares the upstream system for a run (create a table, a file). */
  readonly setUp?: (run: SourceRun) => Promise<void>;
  /** Removes what `setUp` made. */
  readonly tearDown?: (run: SourceRun) => Promise<void>;
  /** A working config for the run and the topic its records go to. */
  readonly config: (run: SourceRun) => { config: Record<string, string>; topic: string };
  /** Adds one upstream record per marker; its value (as StringConverter writes it) contains it. */
  readonly append: (run: SourceRun, markers: readonly string[]) => Promise<void>;
}

function markers(run: SourceRun, label: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${run.id}-${label}-${i}`);
}

/**
 * The conformance cases of a source connector, run through the real runtime against a real
 * Kafka: every record delivered once, offsets resumed after the worker restarts (nothing lost,
 * nothing repeated), and a prompt stop while its tasks wait in `poll`, then a new start.
 */
export function testSourceConnector(name: string, fixture: SourceFixture): void {
  describe(`${name}: source conformance (connector test kit)`, () => {
    let run: SourceRun;
    const workers: KitWorker[] = [];
    const startWorker = async (dir?: string) => {
      const worker = await KitWorker.start(fixture, dir);
      workers.push(worker);
      return worker;
    };

    beforeEach(async () => {
      run = { id: uniqueId('kit'), dir: await mkdtemp(join(tmpdir(), 'sluice-testkit-run-')) };
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

    it('delivers every record appended upstream, each once', async () => {
      const { config, topic } = fixture.config(run);
      const worker = await startWorker();
      await worker.run(run.id, fixture, config);
      const wanted = markers(run, 'a', 5);
      await fixture.append(run, wanted);
      const values = await readValuesUntil(fixture.brokers(), topic, 'every record', (v) =>
        wanted.every((m) => countContaining(v, m) > 0),
      );
      expect(wanted.map((m) => countContaining(values, m))).toEqual(wanted.map(() => 1));
    });

    it('resumes from its committed offsets after the worker restarts: nothing lost, nothing repeated', async () => {
      const { config, topic } = fixture.config(run);
      const first = await startWorker();
      await first.run(run.id, fixture, config);
      const before = markers(run, 'before', 3);
      await fixture.append(run, before);
      await readValuesUntil(fixture.brokers(), topic, 'the first records', (v) =>
        before.every((m) => countContaining(v, m) > 0),
      );
      await first.stop();
      const after = markers(run, 'after', 3);
      await fixture.append(run, after);
      const second = await startWorker(first.dir);
      await second.run(run.id, fixture, config);
      const all = [...before, ...after];
      const values = await readValuesUntil(
        fixture.brokers(),
        topic,
        'the records after the restart',
        (v) => after.every((m) => countContaining(v, m) > 0),
      );
      expect(all.map((m) => countContaining(values, m))).toEqual(all.map(() => 1));
    });

    it('stops promptly while its tasks wait in poll, and runs again from where it stopped', async () => {
      const { config, topic } = fixture.config(run);
      const first = await startWorker();
      await first.run(run.id, fixture, config);
      // Nothing upstream: the tasks are polling. Stopping must not wait for data.
      const stopped = first.stop().then(() => 'stopped');
      const timeout = new Promise((resolve) => setTimeout(() => resolve('still stopping'), 30_000));
      expect(await Promise.race([stopped, timeout])).toBe('stopped');
      const second = await startWorker(first.dir);
      await second.run(run.id, fixture, config);
      const wanted = markers(run, 'later', 2);
      await fixture.append(run, wanted);
      const values = await readValuesUntil(fixture.brokers(), topic, 'the records', (v) =>
        wanted.every((m) => countContaining(v, m) > 0),
      );
      expect(wanted.map((m) => countContaining(values, m))).toEqual([1, 1]);
    });
  });
}
