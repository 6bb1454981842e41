import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ConnectException, RetriableException } from '@sluice/api';

const require = createRequire(import.meta.url);

/** What the worker can do: snappy-compress bytes, or write a whole Parquet file. */
type Job =
  | { readonly op: 'snappy'; readonly data: Uint8Array }
  | { readonly op: 'parquet'; readonly options: ParquetWriteJob };

/** The options of hyparquet-writer's `parquetWriteBuffer` (compressors are the worker's). */
export interface ParquetWriteJob {
  readonly schema: unknown;
  readonly columnData: readonly { name: string; data: unknown; nullable: boolean }[];
  readonly codec: string;
  readonly kvMetadata: readonly { key: string; value: string }[];
  readonly createdBy: string;
}

/**
 * The worker's code, run as a CommonJS script (`eval`): a file of its own would not exist when the
 * TypeScript sources run under the test runner. It loads the codecs by the paths resolved here.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { gzipSync } = require('node:zlib');
const snappy = require(workerData.snappyjs);
import(workerData.hyparquetWriter).then(({ parquetWriteBuffer }) => {
  parentPort.on('message', ({ id, job }) => {
    try {
      let bytes;
      if (job.op === 'snappy') bytes = snappy.compress(job.data);
      else bytes = new Uint8Array(parquetWriteBuffer({
        ...job.options,
        compressors: { GZIP: (input) => gzipSync(input) },
      }));
      parentPort.postMessage({ id, bytes }, [bytes.buffer]);
    } catch (error) {
      const what = job.op === 'snappy' ? 'Snappy compression' : 'Writing a Parquet file';
      parentPort.postMessage({ id, error: what + ' failed: ' + String(error && error.message || error) });
    }
  });
}, (error) => { throw error; });
`;

interface Pending {
  resolve(bytes: Uint8Array): void;
  reject(error: Error): void;
}

/**
 * One worker thread per process for the codecs that have no asynchronous API in Node (snappy, and
 * Parquet's page encoding and compression, which hyparquet-writer does synchronously): the event
 * loop only copies their input over. It is started on first use, keeps the process alive only
 * while it has work, and is replaced if it dies (its pending jobs fail, retriably for the task).
 */
class CodecWorker {
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  run(job: Job): Promise<Uint8Array> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, job });
    });
  }

  private start(): Worker {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        snappyjs: require.resolve('snappyjs'),
        hyparquetWriter: pathToFileURL(require.resolve('hyparquet-writer')).href,
      },
    });
    worker.unref();
    worker.on('message', (message: { id: number; bytes?: Uint8Array; error?: string }) => {
      const waiting = this.pending.get(message.id);
      if (waiting === undefined) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0) worker.unref();
      if (message.bytes === undefined) waiting.reject(new ConnectException(message.error ?? ''));
      else waiting.resolve(message.bytes);
    });
    // The next job starts a new worker: the objects of the failed jobs are written again.
    const fail = (error: Error): void => {
      if (this.worker === worker) this.worker = null;
      const waiting = [...this.pending.values()];
      this.pending.clear();
      for (const w of waiting) {
        w.reject(new RetriableException(`The codec worker thread failed: ${error.message}`));
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`it exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}

const codecWorker = new CodecWorker();

/** `data` snappy-compressed (raw snappy, no framing), off the event loop. */
export function snappyCompress(data: Uint8Array): Promise<Uint8Array> {
  return codecWorker.run({ op: 'snappy', data });
}

/** The bytes of the Parquet file hyparquet-writer writes for `options`, off the event loop. */
export function parquetWrite(options: ParquetWriteJob): Promise<Uint8Array> {
  return codecWorker.run({ op: 'parquet', options });
}
