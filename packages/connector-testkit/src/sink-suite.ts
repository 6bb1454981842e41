import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ConnectorUnderTest, failures, KitWorker, uniqueId, waitFor } from './kit-worker.js';
import type { SourceRun } from './source-suite.js';
import {
  committedOffset,
  countContaining,
  createTopic,
  markers,
  missing,
  occurrences,
  produceValues,
  readMessagesUntil,
} from './topic-io.js';

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
  /**
   * Opt-in: a stop while `put` writes a backlog of `records` records (hundreds, so that the
   * stop lands in a write). Every record below the consumer group's committed offset must have
   * been written, and a new worker writes the rest.
   */
  readonly stopDuringPut?: { readonly records: number };
  /**
   * Opt-in: `tasks.max` changed from 1 to 2 by replacing the config (the herder reads the
   * task configs again); `tasks(2)` is how many tasks the connector then runs (default 2).
   */
  readonly reconfigure?: { readonly tasks?: (tasksMax: number) => number };
  /**
   * Opt-in: a value carrying `marker` that the connector (or its converter) cannot write. With
   * `errors.tolerance=all` and a dead letter queue, that record goes to the DLQ with Kafka's
   * `__connect.errors.*` headers, the others are written, and the task keeps running.
   */
  readonly badValue?: (marker: string) => string;
}

/** Kafka's error stages (`__connect.errors.stage`) a sink record can fail in. */
const SINK_STAGES = [
  'KEY_CONVERTER',
  'VALUE_CONVERTER',
  'HEADER_CONVERTER',
  'TRANSFORMATION',
  'TASK_PUT',
];

/**
 * The conformance cases of a sink connector, run through the real runtime against a real Kafka:
 * every record written once, nothing lost across a worker restart (the consumer group's
 * committed offsets), and a prompt stop while waiting for records, then a new start; and, when
 * the fixture opts in, a stop during `put`, a `tasks.max` change, and the dead letter queue.
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
    const configOf = (extra: Record<string, string> = {}) => ({
      ...fixture.config(run),
      topics: run.topic,
      ...extra,
    });
    const produce = (wanted: readonly string[]) =>
      produceValues(fixture.brokers(), run.topic, wanted.map(fixture.value ?? ((m) => m)));
    const written = (
      wanted: readonly string[],
      what: string,
      timeoutMs?: number,
      intervalMs?: number,
    ) =>
      waitFor(
        what,
        async () => {
          const out = await fixture.read(run);
          return missing(out, wanted).length === 0;
        },
        timeoutMs,
        intervalMs,
      );
    const writtenOnce = async (wanted: readonly string[]) => {
      const out = await fixture.read(run);
      expect(occurrences(out, wanted)).toEqual(wanted.map(() => 1));
    };

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
      const wanted = markers(run.id, 'a', 5);
      await produce(wanted);
      await written(wanted, 'every record written');
      await writtenOnce(wanted);
    });

    it('loses nothing across a worker restart, and repeats nothing it had committed', async () => {
      const first = await startWorker();
      await first.run(run.id, fixture, configOf());
      const before = markers(run.id, 'before', 3);
      await produce(before);
      await written(before, 'the first records written');
      await first.stop();
      const after = markers(run.id, 'after', 3);
      await produce(after);
      const second = await startWorker(first.dir);
      await second.run(run.id, fixture, configOf());
      await written(after, 'the records produced while stopped');
      await writtenOnce([...before, ...after]);
    });

    it('stops promptly while waiting for records, and runs again', async () => {
      const first = await startWorker();
      await first.run(run.id, fixture, configOf());
      expect(await first.stopsWithin(), 'stopped within 30 s').toBe(true);
      const second = await startWorker(first.dir);
      await second.run(run.id, fixture, configOf());
      const wanted = markers(run.id, 'later', 2);
      await produce(wanted);
      await written(wanted, 'the records written');
    });

    const stopDuringPut = fixture.stopDuringPut;
    if (stopDuringPut) {
      it('stops during put without committing what it did not write, and a new worker writes the rest', async () => {
        const wanted = markers(run.id, 'bulk', stopDuringPut.records);
        await produce(wanted);
        const first = await startWorker();
        await first.run(run.id, fixture, configOf());
        // Looked for often, so that the stop comes while later puts are still writing.
        await written(wanted.slice(0, 1), 'the first record written', 60_000, 10);
        expect(await first.stopsWithin(), 'stopped within 30 s').toBe(true);
        // One partition, produced in order: marker i is offset i.
        const committed = await committedOffset(fixture.brokers(), `connect-${run.id}`, run.topic);
        const out = await fixture.read(run);
        const lost = missing(out, wanted.slice(0, committed));
        expect(lost, `committed up to offset ${committed} but not written`).toEqual([]);
        const second = await startWorker(first.dir);
        await second.run(run.id, fixture, configOf());
        await written(wanted, 'every record written after the restart', 120_000);
        const all = await fixture.read(run);
        // Committed records are never delivered again; the others at least once.
        expect(occurrences(all, wanted.slice(0, committed))).toEqual(
          wanted.slice(0, committed).map(() => 1),
        );
      });
    }

    const reconfigure = fixture.reconfigure;
    if (reconfigure) {
      it('runs the new task count when tasks.max changes, and writes every record once', async () => {
        const tasks = reconfigure.tasks ?? ((max: number) => max);
        const worker = await startWorker();
        await worker.run(run.id, fixture, configOf({ 'tasks.max': '1' }), { tasks: tasks(1) });
        const before = markers(run.id, 'before', 3);
        await produce(before);
        await written(before, 'the records written by one task');
        await worker.run(run.id, fixture, configOf({ 'tasks.max': '2' }), {
          replace: true,
          tasks: tasks(2),
        });
        expect(worker.herder.connectorInfo(run.id).tasks).toHaveLength(tasks(2));
        const after = markers(run.id, 'after', 3);
        await produce(after);
        await written(after, 'the records written after the change');
        await writtenOnce([...before, ...after]);
      });
    }

    const badValue = fixture.badValue;
    if (badValue) {
      it('with errors.tolerance=all, sends a record it cannot write to the DLQ with the error headers and writes the others', async () => {
        const dlq = `${run.id}-dlq`;
        const worker = await startWorker();
        await worker.run(
          run.id,
          fixture,
          configOf({
            'errors.tolerance': 'all',
            'errors.deadletterqueue.topic.name': dlq,
            'errors.deadletterqueue.topic.replication.factor': '1',
            'errors.deadletterqueue.context.headers.enable': 'true',
          }),
        );
        const [good0, bad, good1] = markers(run.id, 'dlq', 3) as [string, string, string];
        const encode = fixture.value ?? ((m: string) => m);
        const values = [encode(good0), badValue(bad), encode(good1)];
        await produceValues(fixture.brokers(), run.topic, values);
        await written([good0, good1], 'the good records written');
        const [dead] = await readMessagesUntil(
          fixture.brokers(),
          dlq,
          'the bad record',
          (m) => m.length > 0,
        );
        expect(dead?.value).toBe(values[1]);
        const h = dead?.headers ?? {};
        expect({
          topic: h['__connect.errors.topic'],
          partition: h['__connect.errors.partition'],
          offset: h['__connect.errors.offset'],
          connector: h['__connect.errors.connector.name'],
          task: h['__connect.errors.task.id'],
        }).toEqual({ topic: run.topic, partition: '0', offset: '1', connector: run.id, task: '0' });
        expect(SINK_STAGES).toContain(h['__connect.errors.stage']);
        expect(h['__connect.errors.exception.class.name'] ?? '').not.toBe('');
        expect(h['__connect.errors.exception.message'] ?? '').not.toBe('');
        await writtenOnce([good0, good1]);
        expect(countContaining(await fixture.read(run), bad)).toBe(0);
        expect(failures(worker.herder.connectorStatus(run.id))).toEqual([]);
      });
    }
  });
}
