import { SourceRecord, type Struct } from '@sluice/api';
import { afterAll, describe, expect, it } from 'vitest';
import { STREAM_VALUE_SCHEMA } from '../src/schema-mapping.js';
import { RedisStreamSourceTask } from '../src/stream-source-task.js';
import {
  MemoryOffsets,
  pollRecords,
  startSource,
  TARGETS,
  type Target,
  unique,
  waitFor,
} from './harness.js';

/** The XPENDING summary count of a group. */
async function pendingCount(redis: ReturnType<Target['client']>, stream: string, group: string) {
  const [count] = (await redis.xpending(stream, group)) as [number, ...unknown[]];
  return Number(count);
}

/** Acknowledges records as the runtime does once Kafka acknowledged them. */
async function commit(task: RedisStreamSourceTask, records: readonly SourceRecord[]) {
  for (const r of records) task.commitRecord(r);
  await task.commit();
}

const ids = (records: readonly SourceRecord[]) => records.map((r) => r.key);

describe.each(TARGETS)('stream source on $name Redis', (target: Target) => {
  const redis = target.client();
  const tasks: RedisStreamSourceTask[] = [];

  async function source(props: Record<string, string>, offsets = new MemoryOffsets()) {
    const started = await startSource(
      new RedisStreamSourceTask(),
      { ...target.props(), 'redis.stream.block': '50', ...props },
      offsets,
    );
    tasks.push(started.task);
    return started;
  }

  afterAll(async () => {
    await Promise.all(tasks.map((t) => t.stop()));
    redis.disconnect();
  });

  async function addEntries(stream: string, count: number, from = 0): Promise<string[]> {
    const added: string[] = [];
    for (let i = from; i < from + count; i++) {
      added.push((await redis.xadd(stream, '*', 'n', String(i), 'kind', 'order')) as string);
    }
    return added;
  }

  it('reads every entry in order as {id, body, stream} records keyed by id, into the topic of ${stream}', async () => {
    const stream = unique('orders');
    const added = await addEntries(stream, 30);
    const { task } = await source({
      'redis.stream.name': stream,
      topic: 'redis_${stream}',
      'batch.size': '7',
    });
    const records = await pollRecords(task, 30);
    expect(ids(records)).toEqual(added);
    const first = records[0] as SourceRecord;
    expect(first.topic).toBe(`redis_${stream}`);
    expect(first.valueSchema).toBe(STREAM_VALUE_SCHEMA);
    expect(first.sourcePartition).toEqual({});
    expect(first.sourceOffset).toEqual({ offset: added[0] });
    const value = first.value as Struct;
    expect(value.get('id')).toBe(added[0]);
    expect(value.get('stream')).toBe(stream);
    expect(value.get('body')).toEqual(
      new Map([
        ['n', '0'],
        ['kind', 'order'],
      ]),
    );
    // New entries follow.
    const later = await addEntries(stream, 3, 30);
    expect(ids(await pollRecords(task, 3))).toEqual(later);
  });

  it('acknowledges an entry only once its record is committed; a restart re-reads the rest, then new ones', async () => {
    const stream = unique('alo');
    const group = 'kafka-consumer-group';
    const added = await addEntries(stream, 10);
    const props = { 'redis.stream.name': stream };
    const first = (await source(props)).task;
    const read = await pollRecords(first, 10);
    expect(await pendingCount(redis, stream, group)).toBe(10);
    await commit(first, read.slice(0, 4));
    expect(await pendingCount(redis, stream, group)).toBe(6);
    // A crash: the task is dropped without stop(); the 6 uncommitted entries stay pending.
    const more = await addEntries(stream, 2, 10);
    const second = (await source(props)).task;
    const again = await pollRecords(second, 8);
    expect(ids(again)).toEqual([...added.slice(4), ...more]);
    await commit(second, again);
    expect(await pendingCount(redis, stream, group)).toBe(0);
  });

  it('reads the next batch ahead after a full one; entries read ahead survive a stop before their poll', async () => {
    const stream = unique('ahead');
    const group = 'kafka-consumer-group';
    const added = await addEntries(stream, 12);
    const props = { 'redis.stream.name': stream, 'batch.size': '5' };
    const first = (await source(props)).task;
    // The pending re-read finds nothing; then a full batch of 5, and 5 more asked for at once.
    const polled = await pollRecords(first, 5);
    await commit(first, polled);
    await waitFor('the read-ahead', async () => (await pendingCount(redis, stream, group)) === 5);
    await first.stop();
    const second = (await source(props)).task;
    const rest = await pollRecords(second, 7);
    expect(ids([...polled, ...rest])).toEqual(added);
  });

  it('with at-most-once reads with NOACK: nothing stays pending', async () => {
    const stream = unique('amo');
    await addEntries(stream, 5);
    const { task } = await source({
      'redis.stream.name': stream,
      'redis.stream.delivery': 'at-most-once',
    });
    expect(await pollRecords(task, 5)).toHaveLength(5);
    expect(await pendingCount(redis, stream, 'kafka-consumer-group')).toBe(0);
  });

  it('creates the group at redis.stream.offset, or at the committed offset, and resumes an existing group where it is', async () => {
    const stream = unique('start');
    const added = await addEntries(stream, 6);
    const fromId = (
      await source({
        'redis.stream.name': stream,
        'redis.stream.consumer.group': 'from-id',
        'redis.stream.offset': added[2] as string,
      })
    ).task;
    expect(ids(await pollRecords(fromId, 3))).toEqual(added.slice(3));

    const offsets = new MemoryOffsets();
    offsets.commit([
      new SourceRecord({ sourcePartition: {}, sourceOffset: { offset: added[4] }, topic: 't' }),
    ]);
    const { task: resumed, log } = await source(
      { 'redis.stream.name': stream, 'redis.stream.consumer.group': 'from-offset' },
      offsets,
    );
    expect(ids(await pollRecords(resumed, 1))).toEqual([added[5]]);
    expect(log.messages('info')[0]).toMatch(
      /^Created consumer group from-offset .* \(the committed offset\)/,
    );

    const onlyNew = (
      await source({
        'redis.stream.name': stream,
        'redis.stream.consumer.group': 'new-only',
        'redis.stream.offset': '$',
      })
    ).task;
    expect(await onlyNew.poll()).toEqual([]);
    const later = await addEntries(stream, 1, 6);
    expect(ids(await pollRecords(onlyNew, 1))).toEqual(later);
    // The group exists now: redis.stream.offset no longer matters.
    const { log: existing } = await source({
      'redis.stream.name': stream,
      'redis.stream.consumer.group': 'new-only',
      'redis.stream.consumer.name': 'other',
      'redis.stream.offset': '0-0',
    });
    expect(existing.messages('info')[0]).toMatch(/of the existing group new-only/);
  });

  it('tasks of one group share the entries, each as its own consumer', async () => {
    const stream = unique('shared');
    const added = await addEntries(stream, 40);
    const a = (await source({ 'redis.stream.name': stream, 'task.id': '0', 'batch.size': '5' }))
      .task;
    const b = (await source({ 'redis.stream.name': stream, 'task.id': '1', 'batch.size': '5' }))
      .task;
    const seen: SourceRecord[] = [];
    while (seen.length < 40) {
      seen.push(...((await a.poll()) ?? []), ...((await b.poll()) ?? []));
    }
    expect(ids(seen).sort()).toEqual([...added].sort());
    const consumers = (await redis.xinfo(
      'CONSUMERS',
      stream,
      'kafka-consumer-group',
    )) as unknown[][];
    expect(consumers.map((c) => c[1]).sort()).toEqual(['consumer-0', 'consumer-1']);
  });

  it('acknowledges, with a warning, pending entries deleted from the stream before they were sent again', async () => {
    const stream = unique('gone');
    const added = await addEntries(stream, 3);
    const props = { 'redis.stream.name': stream };
    await pollRecords((await source(props)).task, 3);
    await redis.xdel(stream, added[1] as string);
    const { task, log } = await source(props);
    expect(ids(await pollRecords(task, 2))).toEqual([added[0], added[2]]);
    expect(log.messages('warn')).toEqual([
      `1 pending entries of stream ${stream} were deleted from the stream before they could be sent (first: ${added[1]}); acknowledging them`,
    ]);
    await task.commit();
    const pending = (await redis.xpending(stream, 'kafka-consumer-group', '-', '+', 10)) as [
      string,
    ][];
    expect(pending.map(([id]) => id)).toEqual([added[0], added[2]]);
  });

  it('stop() cuts a waiting read off and still acknowledges records Kafka confirms afterwards', async () => {
    const stream = unique('stop');
    await addEntries(stream, 2);
    const { task } = await source({ 'redis.stream.name': stream, 'redis.stream.block': '0' });
    const records = await pollRecords(task, 2);
    // Waiting for entries (BLOCK): stop() cuts the read off, so it ends with null, not [].
    const waiting = task.poll();
    await task.stop();
    expect(await waiting).toBeNull();
    await commit(task, records);
    expect(await pendingCount(redis, stream, 'kafka-consumer-group')).toBe(0);
  });
});
