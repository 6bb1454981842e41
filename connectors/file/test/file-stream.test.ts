import {
  appendFile,
  mkdir,
  mkdtemp,
  open,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Config,
  ConfigException,
  ConnectException,
  type OffsetStorageReader,
  SinkRecord,
  type SinkTaskContext,
  type SourceOffsetAlteration,
  type SourceRecord,
  type SourceTaskContext,
  TopicPartitionMap,
} from '@sluice/api';
import { RecordingLogger } from '@sluice/test-fixtures';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  ALLOWED_PATHS_ENV,
  FileStreamSinkConnector,
  FileStreamSinkTask,
  FileStreamSourceConnector,
  FileStreamSourceTask,
} from '../src/index.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-file-'));
  process.env[ALLOWED_PATHS_ENV] = dir;
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What the source task under test logged. */
let log: RecordingLogger;

beforeEach(() => {
  log = new RecordingLogger();
});

function sourceContext(committed: Record<string, unknown> | null): SourceTaskContext {
  const reader: OffsetStorageReader = {
    offset: async () => committed,
    offsets: async (partitions) => new Map(partitions.map((p) => [p, committed])),
  } as OffsetStorageReader;
  return {
    configs: () => ({}),
    offsetStorageReader: () => reader,
    transactionContext: () => null,
    log,
  };
}

async function startSource(
  file: string,
  committed: Record<string, unknown> | null,
  batchSize = 2000,
): Promise<FileStreamSourceTask> {
  const task = new FileStreamSourceTask();
  task.initialize(sourceContext(committed));
  await task.start({ file, topic: 'lines', 'batch.size': String(batchSize) });
  return task;
}

async function pollAll(task: FileStreamSourceTask): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for (;;) {
    const records = await task.poll();
    if (!records || records.length === 0) return out;
    out.push(...records);
  }
}

describe('FileStreamSource', () => {
  it('emits one record per complete line with the byte position after it as offset', async () => {
    const file = join(dir, 'in.txt');
    await writeFile(file, 'alpha\r\nbé\n\nlast-no-newline');
    const task = await startSource(file, null);
    const records = await pollAll(task);
    expect(records.map((r) => r.value)).toEqual(['alpha', 'bé', '']);
    expect(records.map((r) => r.sourceOffset)).toEqual([
      { position: 7 },
      { position: 11 },
      { position: 12 },
    ]);
    expect(records[0]?.sourcePartition).toEqual({ filename: file });
    expect(records[0]?.topic).toBe('lines');
    // The partial line is sent once its newline is written.
    await appendFile(file, '\nmore\n');
    expect((await pollAll(task)).map((r) => r.value)).toEqual(['last-no-newline', 'more']);
    await task.stop();
  });

  it('resumes after the committed position and respects batch.size', async () => {
    const file = join(dir, 'in.txt');
    await writeFile(file, 'one\ntwo\nthree\nfour\n');
    const task = await startSource(file, { position: 4 }, 2);
    const first = await task.poll();
    expect(first?.map((r) => r.value)).toEqual(['two', 'three']);
    expect((await task.poll())?.map((r) => r.value)).toEqual(['four']);
    await task.stop();
    expect(log.messages('info')).toEqual([`Resuming ${file} at byte 4 (the committed offset)`]);
  });

  it('waits for a file that does not exist yet, saying so once', async () => {
    const file = join(dir, 'later.txt');
    const task = await startSource(file, null);
    expect(await task.poll()).toBeNull();
    expect(await task.poll()).toBeNull();
    await writeFile(file, 'hello\n');
    expect((await task.poll())?.map((r) => r.value)).toEqual(['hello']);
    await task.stop();
    expect(log.entries).toEqual([
      {
        level: 'warn',
        message: `Couldn't find file ${file}, waiting for it to be created`,
        fields: { file },
      },
    ]);
  });

  it('warns when the file is shorter than the committed position (truncated or replaced)', async () => {
    const file = join(dir, 'rotated.txt');
    await writeFile(file, 'new\n');
    const task = await startSource(file, { position: 100 });
    expect(await task.poll()).toBeNull();
    await task.stop();
    expect(log.messages('warn')).toEqual([
      `${file} holds 4 bytes, fewer than the committed position 100: it was truncated or replaced; lines before byte 100 are not read (reset the connector's offsets to read it from the start)`,
    ]);
  });

  it('refuses a config without topic or with several topics, naming the keys', () => {
    const connector = new FileStreamSourceConnector();
    const values = connector.validate({ file: '/x', topic: 'a,b' }) as {
      configValues: Array<{ name: string; errorMessages: string[] }>;
    };
    expect(values.configValues.find((v) => v.name === 'topic')?.errorMessages).toHaveLength(1);
    expect(() => connector.start({ file: '/x' })).toThrow(ConfigException);
    const file = join(dir, 'x');
    connector.start({ file, topic: 't' });
    expect(connector.taskConfigs(4)).toEqual([{ file, topic: 't' }]);
  });

  it("declares exactly-once support for a named file, as Kafka's FileStreamSourceConnector", () => {
    const connector = new FileStreamSourceConnector();
    expect(connector.exactlyOnceSupport({ file: join(dir, 'in.txt'), topic: 't' })).toBe(
      'SUPPORTED',
    );
    expect(connector.exactlyOnceSupport({ file: '', topic: 't' })).toBe('UNSUPPORTED');
  });

  it("checks altered offsets as Kafka's FileStreamSourceConnector, with its messages", () => {
    const connector = new FileStreamSourceConnector();
    const alter = (partition: unknown, offset: unknown) => () =>
      connector.alterOffsets({ file: '/x', topic: 't' }, [
        { partition, offset } as SourceOffsetAlteration,
      ]);
    expect(alter({ filename: '/x' }, { position: 12 })()).toBe(true);
    expect(alter({ filename: '/x' }, null)()).toBe(true);
    expect(alter({ anything: 1 }, null)()).toBe(true);
    expect(alter({ filename: '/x' }, { position: 'x' })).toThrow(
      new ConnectException(
        "The value for the 'position' key in the offset is expected to be a Long value",
      ),
    );
    expect(alter({ filename: '/x' }, { position: 1.5 })).toThrow('expected to be a Long value');
    expect(alter({ filename: '/x' }, { position: -1 })).toThrow(
      "The value for the 'position' key in the offset should be a non-negative value",
    );
    expect(alter({ filename: '/x' }, { line: 3 })).toThrow(
      "Offset objects should either be null or contain the key 'position'",
    );
    expect(alter({ file: '/x' }, { position: 3 })).toThrow(
      "Partition objects should contain the key 'filename'",
    );
    expect(alter(null, { position: 3 })).toThrow('Partition objects cannot be null');
  });
});

describe('FileStreamSink', () => {
  it('appends each value as a line and makes it durable on preCommit', async () => {
    const file = join(dir, 'out.txt');
    await writeFile(file, 'existing\n');
    const task = new FileStreamSinkTask();
    task.initialize({ log } as unknown as SinkTaskContext);
    await task.start({ file, topics: 't' });
    const record = (offset: number, value: unknown) =>
      new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: offset, value });
    await task.put([
      record(0, 'a'),
      record(1, null),
      record(2, { n: 1 }),
      record(3, { id: 2n ** 63n - 1n, nested: [{ small: 5n }], s: 'x' }),
    ]);
    const offsets = new TopicPartitionMap([[{ topic: 't', partition: 0 }, { offset: 4 }]]);
    expect((await task.preCommit(offsets)).get({ topic: 't', partition: 0 })).toEqual({
      offset: 4,
    });
    expect(await readFile(file, 'utf8')).toBe(
      'existing\na\nnull\n{"n":1}\n{"id":"9223372036854775807","nested":[{"small":"5"}],"s":"x"}\n',
    );
    await task.stop();
    const connector = new FileStreamSinkConnector();
    connector.start({ file, topics: 't' });
    expect(connector.taskConfigs(2)).toHaveLength(2);
    expect(
      connector.alterOffsets({ file }, new TopicPartitionMap([[{ topic: 't', partition: 0 }, 5]])),
    ).toBe(true);
  });

  it('writes each object as its JSON whatever the order of short and long ones', async () => {
    const file = join(dir, 'mixed.txt');
    const task = new FileStreamSinkTask();
    task.initialize({ log } as unknown as SinkTaskContext);
    await task.start({ file, topics: 't' });
    const long = 'x'.repeat(1500);
    // Long ones take the flat writer only after a long line: each kind follows each kind here.
    const values: Record<string, unknown>[] = [
      { s: 'short', n: 1 },
      { s: long, n: 2 },
      { s: `${long}"quoted"\n`, n: 3, b: true, z: null },
      { s: 'short again', nested: { deep: [1, 2] } },
      { s: long, n: 4 },
      { s: long, big: 2n ** 63n - 1n },
      { s: long, n: Number.NaN, u: undefined },
      { s: 'tail' },
    ];
    await task.put(
      values.map(
        (value, i) => new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: i, value }),
      ),
    );
    await task.put([
      new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: 8, value: { s: long } }),
    ]);
    await task.flush();
    const expected = [...values, { s: long }].map((v) =>
      JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x)),
    );
    expect((await readFile(file, 'utf8')).split('\n')).toEqual([...expected, '']);
    await task.stop();
  });

  it('keeps the order of lines queued while earlier ones are written, and fails flush and the next put when a write failed', async () => {
    const file = join(dir, 'order.txt');
    const task = new FileStreamSinkTask();
    task.initialize({ log } as unknown as SinkTaskContext);
    await task.start({ file, topics: 't' });
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i}`);
    for (let i = 0; i < lines.length; i += 5) {
      await task.put(
        lines
          .slice(i, i + 5)
          .map(
            (v, j) =>
              new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: i + j, value: v }),
          ),
      );
    }
    await task.flush();
    expect(await readFile(file, 'utf8')).toBe(`${lines.join('\n')}\n`);
    await task.stop();

    // A full device: the write is refused after put() returned.
    process.env[ALLOWED_PATHS_ENV] = `${dir},/dev`;
    const full = new FileStreamSinkTask();
    full.initialize({ log } as unknown as SinkTaskContext);
    await full.start({ file: '/dev/full', topics: 't' });
    const one = [new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: 0, value: 'x' })];
    await full.put(one);
    await expect(full.flush()).rejects.toThrow("Couldn't write to file /dev/full");
    await expect(full.put(one)).rejects.toThrow(/ENOSPC/);
    await expect(full.stop()).rejects.toThrow(/ENOSPC/);
  });

  it('writes batches of long lines as UTF-8, in order, between batches of short ones and through a full device', async () => {
    const file = join(dir, 'long.txt');
    const task = new FileStreamSinkTask();
    task.initialize({ log } as unknown as SinkTaskContext);
    await task.start({ file, topics: 't' });
    const long = (i: number, size: number) => `${i} ${'é😀x'.repeat(size / 4)}${'a'.repeat(i % 7)}`;
    // Long, longer (a larger buffer), short, long again (a spare buffer), long and short mixed.
    const batches = [
      [long(0, 2000), long(1, 2000), long(2, 1200)],
      [long(3, 40_000)],
      ['short 4', 'short 5'],
      [long(6, 1500), long(7, 1500)],
      [long(8, 4000), 's', long(9, 100)],
    ];
    let offset = 0;
    for (const values of batches) {
      await task.put(
        values.map(
          (value) =>
            new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: offset++, value }),
        ),
      );
    }
    await task.flush();
    expect(await readFile(file, 'utf8')).toBe(`${batches.flat().join('\n')}\n`);
    await task.stop();

    process.env[ALLOWED_PATHS_ENV] = `${dir},/dev`;
    const full = new FileStreamSinkTask();
    full.initialize({ log } as unknown as SinkTaskContext);
    await full.start({ file: '/dev/full', topics: 't' });
    await full.put([
      new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: 0, value: long(0, 2000) }),
    ]);
    await expect(full.flush()).rejects.toThrow("Couldn't write to file /dev/full");
    await expect(full.stop()).rejects.toThrow(/ENOSPC/);
  });
});

describe('FileStreamSink background sync', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-file-sync-'));
    process.env[ALLOWED_PATHS_ENV] = dir;
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    delete process.env[ALLOWED_PATHS_ENV];
    await rm(dir, { recursive: true, force: true });
  });

  it('syncs every 32 MiB written while it writes on, and reports a failed sync at the next put or flush', async () => {
    const probe = await open(join(dir, 'probe'), 'w');
    const fileHandle = Object.getPrototypeOf(probe) as { datasync(): Promise<void> };
    await probe.close();
    const datasync = vi.spyOn(fileHandle, 'datasync');
    const file = join(dir, 'big.txt');
    const task = new FileStreamSinkTask();
    task.initialize({ log: new RecordingLogger() } as unknown as SinkTaskContext);
    await task.start({ file, topics: 't' });
    // 80 batches of 1 MiB: two syncs in the background, and the lines in order.
    const line = (i: number) => `${i} ${'x'.repeat(4090)}`;
    let offset = 0;
    for (let batch = 0; batch < 80; batch++) {
      await task.put(
        Array.from(
          { length: 256 },
          () =>
            new SinkRecord({
              topic: 't',
              kafkaPartition: 0,
              kafkaOffset: offset,
              value: line(offset++),
            }),
        ),
      );
    }
    await task.flush();
    expect(datasync.mock.calls.length).toBeGreaterThanOrEqual(2);
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines.length).toBe(offset + 1);
    expect(lines.every((l, i) => i === offset || l === line(i))).toBe(true);

    datasync.mockRejectedValueOnce(new Error('EIO: i/o error, fdatasync'));
    await expect(
      (async () => {
        for (let batch = 0; batch < 40; batch++) {
          await task.put([
            new SinkRecord({
              topic: 't',
              kafkaPartition: 0,
              kafkaOffset: offset,
              value: line(offset++).repeat(256),
            }),
          ]);
        }
        await task.flush();
      })(),
    ).rejects.toThrow(`Couldn't sync file ${file} to disk: EIO`);
    await expect(task.stop()).rejects.toThrow(/EIO/);
  });
});

describe('allowed paths', () => {
  /** The problems `validate` reports for the `file` key. */
  const fileErrors = (
    connector: FileStreamSourceConnector | FileStreamSinkConnector,
    file?: string,
  ) =>
    (
      connector.validate({
        ...(file === undefined ? {} : { file }),
        topic: 'lines',
        topics: 'lines',
      }) as Config
    ).configValues.find((v) => v.name === 'file')?.errorMessages;

  it('are disabled unless the worker names the folders they may use', () => {
    delete process.env[ALLOWED_PATHS_ENV];
    for (const connector of [new FileStreamSourceConnector(), new FileStreamSinkConnector()]) {
      expect(fileErrors(connector, join(dir, 'a.txt'))).toEqual([
        `Invalid value ${join(dir, 'a.txt')} for configuration file: the file connectors are disabled: start the worker with the environment variable SLUICE_FILE_ALLOWED_PATHS naming the folders they may use (comma-separated absolute paths)`,
      ]);
    }
    // The sink without a file writes to standard output, which needs no folder.
    expect(fileErrors(new FileStreamSinkConnector())).toEqual([]);
  });

  it('refuse files outside the folders, through .. or a symbolic link, at validation and at task start', async () => {
    const allowed = join(dir, 'allowed');
    await mkdir(allowed);
    await writeFile(join(dir, 'secret.txt'), 'password=s3cret\n');
    await symlink(join(dir, 'secret.txt'), join(allowed, 'link.txt'));
    process.env[ALLOWED_PATHS_ENV] = `/nonexistent-root, ${allowed}`;
    expect(fileErrors(new FileStreamSourceConnector(), join(allowed, 'in.txt'))).toEqual([]);
    expect(fileErrors(new FileStreamSinkConnector(), join(allowed, 'new', 'out.txt'))).toEqual([]);
    for (const outside of [
      join(dir, 'secret.txt'),
      join(allowed, '..', 'secret.txt'),
      join(allowed, 'link.txt'),
      '/etc/passwd',
    ]) {
      expect(fileErrors(new FileStreamSourceConnector(), outside)).toEqual([
        `Invalid value ${outside} for configuration file: ${outside} is outside the folders SLUICE_FILE_ALLOWED_PATHS allows`,
      ]);
      expect(fileErrors(new FileStreamSinkConnector(), outside)?.length).toBe(1);
    }
    await expect(startSource(join(allowed, 'link.txt'), null)).rejects.toThrow(ConfigException);
    const sink = new FileStreamSinkTask();
    await expect(sink.start({ file: join(dir, 'secret.txt') })).rejects.toThrow(
      /is outside the folders SLUICE_FILE_ALLOWED_PATHS allows/,
    );
    expect(await readFile(join(dir, 'secret.txt'), 'utf8')).toBe('password=s3cret\n');
  });
});
