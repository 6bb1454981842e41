/**
 * A standalone `sluice` worker running a FileStreamSource (numbered lines appended live) into a
 * topic and a sink out of it: the file sink by default, or the sink a scenario gives. The worker
 * can be killed and started again with the same offsets file.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ephemeralPort,
  LineFeed,
  startConnectWorker,
  type WorkerProcess,
  waitFor,
} from '@sluice/test-fixtures';
import { type Size, sluiceBin } from './scenario.js';

export interface PipelineOptions {
  readonly brokers: readonly string[];
  readonly size: Size;
  /** The sink connector's config for `topic` (default: FileStreamSink into `output`). */
  readonly sink?: (topic: string, output: string) => Record<string, string>;
  /** The records at the far end (default: the lines of `output`). */
  readonly read?: () => Promise<readonly string[]>;
  /** Another source than FileStreamSource reading the LineFeed: its config and its input. */
  readonly source?: {
    readonly config: (topic: string) => Record<string, string>;
    readonly feed: Feed;
  };
  /** More worker properties (plugin.path, ...). */
  readonly worker?: Readonly<Record<string, string>>;
}

/** Live numbered input (`line-0`, `line-1`, ...): what LineFeed does for files. */
export interface Feed {
  /** Records written so far. */
  readonly written: number;
  start(): void;
  /** Stops writing; resolves once the last write landed. */
  stop(): Promise<void>;
}

export class StandalonePipeline {
  worker: WorkerProcess | null = null;
  /** Largest worker RSS seen over every start, in bytes. */
  private peak = 0;

  private constructor(
    readonly dir: string,
    readonly topic: string,
    readonly file: LineFeed,
    readonly output: string,
    private readonly restPort: number,
    private readonly options: PipelineOptions,
  ) {}

  static async start(options: PipelineOptions): Promise<StandalonePipeline> {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-chaos-'));
    const id = randomUUID().slice(0, 8);
    // 10 lines per tick: the rate is set by the tick interval.
    const feed = new LineFeed(
      join(dir, 'input.txt'),
      10,
      Math.max(1, 10_000 / options.size.perSecond),
    );
    await writeFile(feed.file, '');
    const pipeline = new StandalonePipeline(
      dir,
      `chaos-${id}`,
      feed,
      join(dir, 'output.txt'),
      await ephemeralPort(),
      options,
    );
    await pipeline.startWorker();
    return pipeline;
  }

  /** The input: the source's feed, else lines appended to the file source's file. */
  get feed(): Feed {
    return this.options.source?.feed ?? this.file;
  }

  /** Starts the worker (again, after a kill) with the same configs and offsets file. */
  async startWorker(): Promise<void> {
    const { brokers, sink } = this.options;
    this.worker = await startConnectWorker({
      system: 'sluice',
      sluiceBin: sluiceBin(),
      dir: this.dir,
      worker: {
        'bootstrap.servers': brokers.join(','),
        'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
        'offset.storage.file.filename': join(this.dir, 'connect.offsets'),
        'offset.flush.interval.ms': '1000',
        listeners: `http://127.0.0.1:${this.restPort}`,
        // A killed worker's consumer leaves the group after this, so a restart rebalances soon.
        'consumer.session.timeout.ms': '10000',
        'consumer.heartbeat.interval.ms': '1000',
        ...this.options.worker,
      },
      connectors: [
        {
          name: 'chaos-source',
          ...(this.options.source?.config(this.topic) ?? {
            'connector.class': 'FileStreamSource',
            file: this.file.file,
            topic: this.topic,
          }),
        },
        {
          name: 'chaos-sink',
          'tasks.max': '1',
          topics: this.topic,
          ...(sink?.(this.topic, this.output) ?? {
            'connector.class': 'FileStreamSink',
            file: this.output,
          }),
        },
      ],
    });
  }

  /** The records at the far end. */
  read(): Promise<readonly string[]> {
    if (this.options.read) return this.options.read();
    return readFile(this.output, 'utf8')
      .catch(() => '')
      .then((text) => text.split('\n').filter(Boolean));
  }

  /** Starts the input and waits until records come out the far end. */
  async flowing(): Promise<void> {
    this.feed.start();
    await waitFor(
      `records through the pipeline (see ${this.worker?.logFile})`,
      async () => (await this.read()).length > 0,
      180_000,
    );
  }

  /** kill -9 of the worker. */
  async kill(): Promise<void> {
    this.peak = Math.max(this.peak, this.worker?.peakRss() ?? 0);
    this.worker?.child.kill('SIGKILL');
    await this.worker?.exited;
  }

  /** Largest RSS of the worker so far, in MiB. */
  peakRssMiB(): number {
    return Math.round(Math.max(this.peak, this.worker?.peakRss() ?? 0) / 1024 / 1024);
  }

  /** Stops the input, the worker and removes the folder (kept when `keep`: its log). */
  async stop(keep = false): Promise<void> {
    await this.feed.stop();
    await this.worker?.stop(10_000);
    if (!keep) await rm(this.dir, { recursive: true, force: true });
  }
}
