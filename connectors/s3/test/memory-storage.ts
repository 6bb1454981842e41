import { RetriableException } from '@sluice/api';
import type { S3Storage } from '../src/s3-storage.js';

/**
 * Records completed objects in memory, for unit tests of the writer's rotation logic (the
 * integration tests use the real S3 server). `failNext` makes the next completions fail retriably.
 */
export class MemoryStorage {
  readonly objects = new Map<string, Buffer>();
  readonly writes: string[] = [];
  failNext = 0;
  parts = 0;

  newUpload(key: string, partSize: number) {
    const storage = this;
    let chunks: Uint8Array[] = [];
    const uploaded: Buffer[] = [];
    return {
      key,
      append(c: readonly Uint8Array[]) {
        for (const x of c) {
          chunks.push(x);
        }
      },
      async flushParts() {
        let buffered = Buffer.concat(chunks);
        while (buffered.byteLength >= partSize) {
          uploaded.push(buffered.subarray(0, partSize));
          storage.parts++;
          buffered = buffered.subarray(partSize);
        }
        chunks = [buffered];
      },
      async complete() {
        if (storage.failNext > 0) {
          storage.failNext--;
          throw new RetriableException(`S3 is unavailable (writing ${key})`);
        }
        storage.objects.set(key, Buffer.concat([...uploaded, ...chunks]));
        storage.writes.push(key);
      },
      async abort() {
        chunks = [];
      },
    };
  }

  asS3(): S3Storage {
    return this as unknown as S3Storage;
  }
}
