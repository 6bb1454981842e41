import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConnectorUnderTest, KitWorker, uniqueId } from './kit-worker.js';
import { markers, missing, occurrences, readValuesUntil } from './topic-io.js';

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
  /**
   * Opt-in: a stop while the tasks deliver a backlog of `records` records (hundreds, so that the
   * stop lands between polls and commits). A new worker then delivers every record: nothing the
   * connector committed was left undelivered.
   */
  readonly stopDuringPoll?: { readonly records: number };
  /**
   * Opt-in: `tasks.max` changed from 1 to 2 by replacing the config (the herder reads the
   * task configs again); `tasks(n)` is how many tasks the connector runs for `tasks.max` n.
   */
  readonly reconfigure?: { readonly tasks: (tasksMax: number) => number };
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
      const wanted = markers(run.id, 'a', 5);
      await fixture.append(run, wanted);
      const values = await readValuesUntil(
        fixture.brokers(),
        topic,
        'every record',
        (v) => missing(v, wanted).length === 0,
      );
      expect(occurrences(values, wanted)).toEqual(wanted.map(() => 1));
    });

    it('resumes from its committed offsets after the worker restarts: nothing lost, nothing repeated', async () => {
      const { config, topic } = fixture.config(run);
      const first = await startWorker();
      await first.run(run.id, fixture, config);
      const before = markers(run.id, 'before', 3);
      await fixture.append(run, before);
      await readValuesUntil(
        fixture.brokers(),
        topic,
        'the first records',
        (v) => missing(v, before).length === 0,
      );
      await first.stop();
      const after = markers(run.id, 'after', 3);
      await fixture.append(run, after);
      const second = await startWorker(first.dir);
      await second.run(run.id, fixture, config);
      const all = [...before, ...after];
      const values = await readValuesUntil(
        fixture.brokers(),
        topic,
        'the records after the restart',
        (v) => missing(v, after).length === 0,
      );
      expect(occurrences(values, all)).toEqual(all.map(() => 1));
    });

    it('stops promptly while its tasks wait in poll, and runs again from where it stopped', async () => {
      const { config, topic } = fixture.config(run);
      const first = await startWorker();
      await first.run(run.id, fixture, config);
      // Nothing upstream: the tasks are polling. Stopping must not wait for data.
      expect(await first.stopsWithin(), 'stopped within 30 s').toBe(true);
      const second = await startWorker(first.dir);
      await second.run(run.id, fixture, config);
      const wanted = markers(run.id, 'later', 2);
      await fixture.append(run, wanted);
      const values = await readValuesUntil(
        fixture.brokers(),
        topic,
        'the records',
        (v) => missing(v, wanted).length === 0,
      );
      expect(occurrences(values, wanted)).toEqual([1, 1]);
    });

    const stopDuringPoll = fixture.stopDuringPoll;
    if (stopDuringPoll) {
      it('stops while delivering a backlog, and a new worker delivers the rest: nothing lost', async () => {
        const { config, topic } = fixture.config(run);
        const wanted = markers(run.id, 'bulk', stopDuringPoll.records);
        await fixture.append(run, wanted);
        const first = await startWorker();
        await first.run(run.id, fixture, config);
        await readValuesUntil(fixture.brokers(), topic, 'the first records', (v) => v.length > 0);
        expect(await first.stopsWithin(), 'stopped within 30 s').toBe(true);
        const second = await startWorker(first.dir);
        await second.run(run.id, fixture, config);
        const values = await readValuesUntil(
          fixture.brokers(),
          topic,
          'every record after the restart',
          (v) => missing(v, wanted).length === 0,
          120_000,
        );
        // At least once: records polled but not yet committed at the stop may come again.
        expect(missing(values, wanted)).toEqual([]);
      });
    }

    const reconfigure = fixture.reconfigure;
    if (reconfigure) {
      it('runs the new task count when tasks.max changes, and delivers every record once', async () => {
        const { config, topic } = fixture.config(run);
        const worker = await startWorker();
        await worker.run(
          run.id,
          fixture,
          { ...config, 'tasks.max': '1' },
          { tasks: reconfigure.tasks(1) },
        );
        const before = markers(run.id, 'before', 3);
        await fixture.append(run, before);
        await readValuesUntil(
          fixture.brokers(),
          topic,
          'the records of one task',
          (v) => missing(v, before).length === 0,
        );
        await worker.run(
          run.id,
          fixture,
          { ...config, 'tasks.max': '2' },
          { replace: true, tasks: reconfigure.tasks(2) },
        );
        expect(worker.herder.connectorInfo(run.id).tasks).toHaveLength(reconfigure.tasks(2));
        const after = markers(run.id, 'after', 3);
        await fixture.append(run, after);
        const all = [...before, ...after];
        const values = await readValuesUntil(
          fixture.brokers(),
          topic,
          'the records after the change',
          (v) => missing(v, after).length === 0,
        );
        expect(occurrences(values, all)).toEqual(all.map(() => 1));
      });
    }
  });
}
