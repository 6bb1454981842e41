import { Writable } from 'node:stream';
import { spawnWorkerProcess } from '@sluice/connector-testkit';
import { JsonConverter } from '@sluice/converter-json';
import { createLogger, type StandaloneHerder } from '@sluice/runtime';
import { RecordingLogger, s3Endpoint } from '@sluice/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3SourceTask } from '../src/source-task.js';
import {
  clients,
  createTopic,
  failures,
  freshBucket,
  keys,
  lastModified,
  lines,
  objects,
  produce,
  proxyTo,
  readTopic,
  s3Props,
  startHerder,
  topicSize,
  unique,
  waitFor,
  workerProps,
} from './harness.js';

let herder: StandaloneHerder;
/** The worker's warnings and errors, as JSON objects. */
const warnings: Array<{ msg: string; connector?: string; task?: number }> = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      warnings.push(JSON.parse(String(chunk)));
      done();
    },
  });
  herder = await startHerder({}, createLogger({ level: 'warn' }, sink));
});

afterAll(async () => {
  await herder?.stop();
});

const jsonValues = {
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter.schemas.enable': 'false',
};

describe('exactly-once objects', () => {
  it('a worker killed mid-file and restarted writes exactly the same objects, without duplicate records', async () => {
    const topic = unique('crash');
    const bucket = await freshBucket('crash');
    await createTopic(topic);
    const name = unique('s3-crash');
    const connector = {
      'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
      topics: topic,
      ...s3Props(bucket),
      ...jsonValues,
      'format.class': 'JsonFormat',
      'flush.size': '10',
    };
    const record = (n: number) => ({ value: JSON.stringify({ n }) });
    const dir = `topics/${topic}/partition=0`;
    const key = (start: number) => `${dir}/${topic}+0+${String(start).padStart(10, '0')}.json`;

    // First run: offsets would be committed only after ten minutes, so the kill loses them all.
    const worker = await workerProps({ 'offset.flush.interval.ms': '600000' });
    const first = await spawnWorkerProcess(worker, { [name]: connector });
    await produce(
      topic,
      Array.from({ length: 35 }, (_, n) => record(n)),
    );
    await waitFor('three objects', async () => (await keys(bucket)).length >= 3);
    await first.kill();
    const beforeRestart = await objects(bucket);
    const writtenAt = await lastModified(bucket);
    expect([...beforeRestart.keys()]).toEqual([key(0), key(10), key(20)]);

    // Records 30-34 were in the open file; more arrive while the worker is down.
    await produce(
      topic,
      Array.from({ length: 60 }, (_, n) => record(35 + n)),
    );
    const second = await spawnWorkerProcess(
      { ...worker, 'offset.flush.interval.ms': '500' },
      { [name]: connector },
    );
    try {
      const expected = Array.from({ length: 9 }, (_, i) => key(i * 10));
      // The killed worker's consumer must time out of the group first (session timeout).
      await waitFor('nine objects', async () => (await keys(bucket)).length >= 9, 300_000);
      // Nothing was committed: the restart read everything again from offset 0 and overwrote
      // the first objects (later, with the same bytes).
      const after = await objects(bucket);
      const rewrittenAt = await lastModified(bucket);
      for (const [k, at] of writtenAt) expect(rewrittenAt.get(k)).toBeGreaterThan(at);
      expect([...after.keys()]).toEqual(expected);
      for (const k of beforeRestart.keys())
        expect(after.get(k)?.equals(beforeRestart.get(k) as Buffer)).toBe(true);
      const all = [...after.values()].flatMap((o) => lines(o));
      expect(all).toEqual(Array.from({ length: 90 }, (_, n) => `{"n":${n}}`));
      for (const [i, k] of expected.entries()) {
        expect(lines(after.get(k))).toEqual(
          Array.from({ length: 10 }, (_, j) => `{"n":${i * 10 + j}}`),
        );
      }
    } finally {
      await second.kill();
    }
  }, 420_000);

  it('workers killed (kill -9) twice while writing and restarted leave objects equal to the topic: every record once, in order', async () => {
    const partitions = 3;
    const flushSize = 10;
    const topic = unique('crash-stream');
    const bucket = await freshBucket('crash-stream');
    await createTopic(topic, partitions);
    const name = unique('s3-crash-stream');
    const connector = {
      'connector.class': 'io.confluent.connect.s3.S3SinkConnector',
      topics: topic,
      'tasks.max': '2',
      ...s3Props(bucket),
      ...jsonValues,
      'format.class': 'JsonFormat',
      'flush.size': String(flushSize),
    };
    const worker = await workerProps({
      // Offsets are committed twice a second: the kills land between commits.
      'offset.flush.interval.ms': '500',
      'consumer.max.poll.records': '20',
      // The killed worker's member leaves the group after the session timeout: keep it short.
      'consumer.session.timeout.ms': '6000',
      'consumer.heartbeat.interval.ms': '1000',
    });

    // Records keep coming, one full object per partition every 100 ms, until both kills are
    // done: every partition ends with a multiple of flush.size records, so every object closes.
    let produced = 0;
    let producing = true;
    const producer = clients.producer({ clientId: 's3-test-stream', overrides: {} });
    await producer.connect();
    const stream = (async () => {
      while (producing) {
        const round = [];
        for (let i = 0; i < partitions * flushSize; i++, produced++) {
          round.push(
            producer.send({
              topic,
              partition: produced % partitions,
              key: null,
              value: new TextEncoder().encode(JSON.stringify({ n: produced })),
            }),
          );
        }
        await Promise.all(round);
        await new Promise((r) => setTimeout(r, 100));
      }
    })();
    try {
      let atKill = 0;
      for (const atLeast of [10, 60]) {
        const child = await spawnWorkerProcess(worker, { [name]: connector });
        try {
          await waitFor(`${atLeast} objects`, async () => (await keys(bucket)).length >= atLeast);
        } finally {
          await child.kill();
        }
        const now = (await keys(bucket)).length;
        expect(now).toBeGreaterThan(atKill);
        atKill = now;
      }
    } finally {
      producing = false;
      await stream;
      await producer.disconnect();
    }
    const total = produced;
    expect(total % (partitions * flushSize)).toBe(0);

    const last = await spawnWorkerProcess(worker, { [name]: connector });
    try {
      await waitFor(
        'every record in objects',
        async () => (await keys(bucket)).length >= total / flushSize,
        300_000,
      );
      const topicRecords = await readTopic(topic, total);
      const after = await objects(bucket);
      expect(after.size).toBe(total / flushSize);
      for (let p = 0; p < partitions; p++) {
        const fromTopic = topicRecords
          .filter((r) => r.partition === p)
          .sort((a, b) => Number(a.offset - b.offset))
          .map((r) => new TextDecoder().decode(r.value ?? new Uint8Array()));
        const dir = `topics/${topic}/partition=${p}/`;
        const names = [...after.keys()].filter((k) => k.startsWith(dir));
        // One object per flush.size records, named by its first offset, none twice or missing.
        expect(names).toEqual(
          Array.from(
            { length: fromTopic.length / flushSize },
            (_, i) => `${dir}${topic}+${p}+${String(i * flushSize).padStart(10, '0')}.json`,
          ),
        );
        expect(names.flatMap((k) => lines(after.get(k)))).toEqual(fromTopic);
      }
    } finally {
      await last.kill();
    }
  }, 600_000);
});

describe('sink → source round trip', () => {
  it('reads back what the sink wrote (Avro values, keys and headers) into a copy equal to the original topic', async () => {
    const topic = unique('orders');
    const copy = `${topic}-copy`;
    const bucket = await freshBucket('roundtrip');
    await createTopic(topic, 2);
    await createTopic(copy, 2);
    const schema = {
      type: 'struct',
      name: 'shop.Order',
      optional: false,
      version: 3,
      fields: [
        { field: 'id', type: 'int64', optional: false },
        { field: 'note', type: 'string', optional: true },
        {
          field: 'total',
          type: 'bytes',
          optional: true,
          name: 'org.apache.kafka.connect.data.Decimal',
          version: 1,
          parameters: { scale: '2' },
        },
        {
          field: 'tags',
          type: 'array',
          items: { type: 'string', optional: false },
          optional: false,
        },
      ],
    };
    // Built as text: ids beyond 2^53 must reach Kafka exactly.
    const value = (i: number) =>
      `{"schema":${JSON.stringify(schema)},"payload":{"id":${9007199254740993n + BigInt(i)},"note":${
        i % 2 ? 'null' : `"n${i}"`
      },"total":${i % 3 ? '"AeI="' : 'null'},"tags":["t${i}"]}}`;
    const records = Array.from({ length: 15 }, (_, i) => ({
      key: `key-${i}`,
      value: value(i),
      partition: i < 10 ? 0 : 1,
      headers: { trace: `tr-${i}`, source: 'test' },
    }));
    await produce(topic, records);
    const layout = {
      ...s3Props(bucket),
      'format.class': 'io.confluent.connect.s3.format.avro.AvroFormat',
      'store.kafka.keys': 'true',
      'keys.format.class': 'io.confluent.connect.s3.format.json.JsonFormat',
      'store.kafka.headers': 'true',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': 'true',
    };
    const sinkName = unique('s3-sink');
    await herder.putConnectorConfig(
      sinkName,
      {
        'connector.class': 'S3Sink',
        topics: topic,
        'flush.size': '5',
        'avro.codec': 'snappy',
        ...layout,
      },
      false,
    );
    await waitFor('15 records in objects', async () => {
      const failed = failures(herder, [sinkName]);
      if (failed.length > 0) throw new Error(failed.join('\n'));
      // Three ranges (0-4 and 5-9 of partition 0, 0-4 of partition 1): value, keys, headers each.
      return (await keys(bucket)).length >= 9;
    });
    expect(await keys(bucket)).toHaveLength(9);
    const sourceName = unique('s3-source');
    await herder.putConnectorConfig(
      sourceName,
      {
        'connector.class': 'io.confluent.connect.s3.source.S3SourceConnector',
        'tasks.max': '2',
        topics: topic,
        's3.poll.interval.ms': '1000',
        transforms: 'rename',
        'transforms.rename.type': 'org.apache.kafka.connect.transforms.RegexRouter',
        'transforms.rename.regex': '(.*)',
        'transforms.rename.replacement': '$1-copy',
        ...layout,
      },
      false,
    );
    const original = await readTopic(topic, 15);
    const copied = await readTopic(copy, 15);
    expect(failures(herder, [sourceName])).toEqual([]);
    // The copy holds what JsonConverter writes for the original's Connect data: the same bytes
    // once the original is normalised through the converter (the schema came back through Avro).
    const converter = new JsonConverter();
    converter.configure({ 'schemas.enable': 'true' });
    const normalised = (bytes: Uint8Array | null) => {
      const data = converter.toConnectData(topic, null, bytes);
      return Buffer.from(
        converter.fromConnectData(topic, null, data.schema, data.value) ?? [],
      ).toString();
    };
    const shape = (r: (typeof original)[number], normalise: boolean) => ({
      partition: r.partition,
      offset: r.offset,
      key: Buffer.from(r.key ?? []).toString(),
      value: normalise ? normalised(r.value) : Buffer.from(r.value ?? []).toString(),
      headers: r.headers.map((h) => `${h.key}=${Buffer.from(h.value ?? []).toString()}`),
    });
    const sorted = (rs: typeof original, normalise: boolean) =>
      rs
        .map((r) => shape(r, normalise))
        .sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset));
    expect(sorted(copied, false)).toEqual(sorted(original, true));
    expect(sorted(copied, false)[0]?.value).toContain('"id":9007199254740993');
    await waitFor('the source offsets of both partitions', async () => {
      const { offsets } = await herder.connectorOffsets(sourceName);
      return offsets.length === 2 && offsets.every((o) => o.offset?.record === 5);
    });

    // Restarted, the source resumes after the last record it sent: new objects only.
    await herder.restartConnector(sourceName, { includeTasks: true });
    await produce(
      topic,
      Array.from({ length: 5 }, (_, i) => ({
        key: `key-${15 + i}`,
        value: value(15 + i),
        partition: 1,
        headers: { trace: `tr-${15 + i}`, source: 'test' },
      })),
    );
    const copiedAgain = await readTopic(copy, 20);
    // The sink and the source poll every second: give a duplicate time to show up.
    await new Promise((r) => setTimeout(r, 4000));
    expect(await topicSize(copy)).toBe(20);
    expect(sorted(copiedAgain, false)).toEqual(sorted(await readTopic(topic, 20), true));
  });
});

describe('tombstones', () => {
  it('writes tombstones as keys only under the tombstone directory and the source restores them', async () => {
    const topic = unique('tombs');
    const copy = `${topic}-copy`;
    const bucket = await freshBucket('tombs');
    await createTopic(topic);
    await createTopic(copy);
    await produce(topic, [
      { key: 'a', value: 'first' },
      { key: 'b', value: 'second' },
      { key: 'a', value: null },
    ]);
    const layout = {
      ...s3Props(bucket),
      'format.class': 'JsonFormat',
      'store.kafka.keys': 'true',
      'keys.format.class': 'JsonFormat',
    };
    const sinkName = unique('s3-sink');
    await herder.putConnectorConfig(
      sinkName,
      {
        'connector.class': 'S3Sink',
        topics: topic,
        'flush.size': '3',
        'behavior.on.null.values': 'write',
        ...layout,
      },
      false,
    );
    const base = `topics/${topic}`;
    const expected = [
      `${base}/partition=0/${topic}+0+0000000000.json`,
      `${base}/partition=0/${topic}+0+0000000000.keys.json`,
      `${base}/tombstone/${topic}+0+0000000002.keys.json`,
    ];
    await waitFor('value, keys and tombstone objects', async () => {
      const failed = failures(herder, [sinkName]);
      if (failed.length > 0) throw new Error(failed.join('\n'));
      return (await keys(bucket)).length >= 3;
    });
    expect(await keys(bucket)).toEqual(expected.sort());
    const all = await objects(bucket);
    expect(lines(all.get(`${base}/tombstone/${topic}+0+0000000002.keys.json`))).toEqual(['"a"']);
    const sourceName = unique('s3-source');
    await herder.putConnectorConfig(
      sourceName,
      {
        'connector.class': 'S3Source',
        topics: topic,
        's3.poll.interval.ms': '1000',
        transforms: 'rename',
        'transforms.rename.type': 'org.apache.kafka.connect.transforms.RegexRouter',
        'transforms.rename.regex': '(.*)',
        'transforms.rename.replacement': '$1-copy',
        ...layout,
      },
      false,
    );
    const copied = await readTopic(copy, 3);
    expect(
      copied.map((r) => [
        Buffer.from(r.key ?? []).toString(),
        r.value === null ? null : Buffer.from(r.value).toString(),
      ]),
    ).toEqual([
      ['a', 'first'],
      ['b', 'second'],
      ['a', null],
    ]);
  });
});

describe('S3 outages', () => {
  it('retries after S3 became unreachable mid-run and writes every record exactly once when it is back', async () => {
    const topic = unique('outage');
    const bucket = await freshBucket('outage');
    await createTopic(topic);
    const proxy = await proxyTo(new URL(s3Endpoint()));
    try {
      const name = unique('s3-outage');
      await herder.putConnectorConfig(
        name,
        {
          'connector.class': 'S3Sink',
          topics: topic,
          ...s3Props(bucket, proxy.url),
          ...jsonValues,
          'format.class': 'JsonFormat',
          'flush.size': '5',
          's3.part.retries': '1',
          's3.retry.backoff.ms': '50',
          'retry.backoff.ms': '500',
        },
        false,
      );
      await produce(
        topic,
        Array.from({ length: 5 }, (_, n) => ({ value: String(n) })),
      );
      await waitFor('the first object', async () => (await keys(bucket)).length === 1);
      proxy.cut();
      await produce(
        topic,
        Array.from({ length: 10 }, (_, n) => ({ value: String(5 + n) })),
      );
      // Give the sink time to fail against the cut connection at least once.
      await new Promise((r) => setTimeout(r, 3000));
      expect(failures(herder, [name])).toEqual([]);
      proxy.restore();
      await waitFor('three objects', async () => (await keys(bucket)).length === 3);
      const written = [...(await objects(bucket)).values()].flatMap((o) => lines(o));
      expect(written).toEqual(Array.from({ length: 15 }, (_, n) => String(n)));
      expect(failures(herder, [name])).toEqual([]);
      // The task said what it retried, on its own log lines.
      expect(warnings.filter((w) => w.connector === name)).toContainEqual(
        expect.objectContaining({
          task: 0,
          msg: expect.stringMatching(
            new RegExp(
              `^S3 request failed while .* in bucket ${bucket}: .*; dropping the open objects of ${topic}-0 and writing them again from offset 5 in 500 ms$`,
            ),
          ),
        }),
      );
    } finally {
      await proxy.close();
    }
  });

  it('the source keeps polling after S3 became unreachable, and says so on its log', async () => {
    const bucket = await freshBucket('source-outage');
    const proxy = await proxyTo(new URL(s3Endpoint()));
    const log = new RecordingLogger();
    const task = new S3SourceTask();
    task.initialize({
      configs: () => ({}),
      offsetStorageReader: () => ({
        offset: async () => null,
        offsets: async (partitions) => new Map(partitions.map((p) => [p, null])),
      }),
      transactionContext: () => null,
      log,
    });
    try {
      await task.start({
        ...s3Props(bucket, proxy.url),
        'format.class': 'JsonFormat',
        's3.part.retries': '0',
        's3.poll.interval.ms': '1000',
      });
      proxy.cut();
      expect(await task.poll()).toEqual([]);
      expect(log.messages('warn')).toEqual([
        expect.stringMatching(
          new RegExp(
            `^S3 request failed while listing .* in bucket ${bucket}: .*; trying again in 1000 ms$`,
          ),
        ),
      ]);
      proxy.restore();
      await new Promise((r) => setTimeout(r, 1000));
      expect(await task.poll()).toEqual([]);
      expect(log.messages('warn')).toHaveLength(1);
    } finally {
      await task.stop();
      await proxy.close();
    }
  });
});
