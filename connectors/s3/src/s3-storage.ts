import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { ConnectException, RetriableException } from '@sluice/api';
import type { S3Connection } from './config.js';
import { concat } from './record-format.js';
import type { StoredObject } from './stored-object.js';

interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}

/**
 * The S3 client's retry strategy: up to `maxAttempts` tries of transient, throttling and server
 * errors, waiting `backoffMs`, then twice as long each time (`s3.part.retries`, `s3.retry.backoff.ms`).
 */
function retryStrategy(maxAttempts: number, backoffMs: number) {
  const token = (count: number, delay: number): RetryToken => ({
    getRetryCount: () => count,
    getRetryDelay: () => delay,
  });
  return {
    mode: 'standard',
    acquireInitialRetryToken: async () => token(0, 0),
    refreshRetryTokenForRetry: async (previous: RetryToken, info: { errorType: string }) => {
      const count = previous.getRetryCount() + 1;
      if (info.errorType === 'CLIENT_ERROR' || count >= maxAttempts) {
        throw new Error('No retry token available');
      }
      return token(count, Math.min(backoffMs * 2 ** (count - 1), 60_000));
    },
    recordSuccess: () => {},
  };
}

interface SdkErrorShape {
  name?: string;
  message?: string;
  code?: string;
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

const CREDENTIAL_ERRORS = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'Forbidden',
  'CredentialsProviderError',
  'ExpiredToken',
  'InvalidToken',
]);

/**
 * An S3 failure as a Connect error: throttling, 5xx and network failures are retriable (the
 * records are delivered again), anything else (credentials, missing bucket) is fatal.
 */
export function s3Error(error: unknown, what: string, bucket: string): ConnectException {
  if (error instanceof ConnectException) return error;
  const e = (error ?? {}) as SdkErrorShape;
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? 'Error';
  const said =
    e.message && e.message !== 'UnknownError' && e.message !== name ? `: ${e.message}` : '';
  const detail = `${name === 'Unknown' || name === 'UnknownError' ? `HTTP ${status ?? '?'}` : name}${said}`;
  if (name === 'NoSuchBucket' || (status === 404 && what.startsWith('checking'))) {
    return new ConnectException(`Non-existent S3 bucket: ${bucket} (${what})`, { cause: error });
  }
  if (CREDENTIAL_ERRORS.has(name) || status === 403 || status === 401) {
    return new ConnectException(
      `S3 refused the credentials or access to bucket ${bucket} while ${what} (${detail}); check aws.access.key.id, aws.secret.access.key and the bucket policy`,
      { cause: error },
    );
  }
  const retriable =
    e.$retryable !== undefined ||
    status === undefined ||
    status >= 500 ||
    status === 429 ||
    name === 'TimeoutError' ||
    name === 'RequestTimeout';
  const message = `S3 request failed while ${what} in bucket ${bucket}: ${detail}`;
  return retriable
    ? new RetriableException(message, { cause: error })
    : new ConnectException(message, { cause: error });
}

/** A client for one bucket: object uploads (single or multipart), reads and listings. */
export class S3Storage {
  readonly client: S3Client;
  readonly bucket: string;

  constructor(connection: S3Connection) {
    this.bucket = connection.bucket;
    const config: S3ClientConfig = {
      region: connection.region,
      forcePathStyle: connection.pathStyle,
      maxAttempts: connection.maxAttempts,
      retryStrategy: retryStrategy(connection.maxAttempts, connection.retryBackoffMs) as never,
    };
    if (connection.endpoint !== null) config.endpoint = connection.endpoint;
    const secret = connection.secretAccessKey.value();
    if (connection.accessKeyId !== '' || secret !== '') {
      config.credentials = { accessKeyId: connection.accessKeyId, secretAccessKey: secret };
    }
    this.client = new S3Client(config);
  }

  /** Fails clearly when the bucket is missing or the credentials cannot reach it. */
  async checkBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (error) {
      throw s3Error(error, 'checking that the bucket exists', this.bucket);
    }
  }

  /** Starts writing an object; parts of `partSize` are uploaded as they fill. */
  newUpload(key: string, partSize: number): ObjectUpload {
    return new ObjectUpload(this, key, partSize);
  }

  /**
   * An object to read: streamed by one GetObject (the body is pulled as it is read, so S3's
   * connection carries the backpressure), or by ranged GetObjects. Failures, also those in the
   * middle of a body, are Connect errors (retriable when transient).
   */
  object(key: string): StoredObject {
    const what = `reading ${key}`;
    const get = async (range?: string): Promise<Readable> => {
      try {
        const response = await this.client.send(
          new GetObjectCommand({
            Bucket: this.bucket,
            Key: key,
            ...(range === undefined ? {} : { Range: range }),
          }),
        );
        return (response.Body as Readable | undefined) ?? Readable.from([]);
      } catch (error) {
        throw s3Error(error, what, this.bucket);
      }
    };
    const bucket = this.bucket;
    return {
      key,
      open: async () => {
        const body = await get();
        return Readable.from(
          (async function* chunks() {
            try {
              yield* body;
            } catch (error) {
              throw s3Error(error, what, bucket);
            } finally {
              body.destroy();
            }
          })(),
          { objectMode: false },
        );
      },
      size: async () => {
        try {
          const head = await this.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
          return head.ContentLength ?? 0;
        } catch (error) {
          throw s3Error(error, what, bucket);
        }
      },
      range: async (start, end) => {
        if (end <= start) return new Uint8Array(0);
        const body = await get(`bytes=${start}-${end - 1}`);
        const chunks: Buffer[] = [];
        try {
          for await (const chunk of body) chunks.push(chunk as Buffer);
        } catch (error) {
          throw s3Error(error, what, bucket);
        }
        return Buffer.concat(chunks);
      },
    };
  }

  /** Every object key under `prefix`, in S3's (lexicographic) order. */
  async listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: prefix,
            ...(token === undefined ? {} : { ContinuationToken: token }),
          }),
        );
        for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token !== undefined);
    } catch (error) {
      throw s3Error(error, `listing ${prefix}`, this.bucket);
    }
    return keys;
  }

  destroy(): void {
    this.client.destroy();
  }
}

/**
 * One object being written. Bytes are buffered; once `partSize` bytes are buffered a multipart
 * upload starts and full parts are sent as they fill. `complete` sends the rest (a single
 * PutObject when the object is smaller than one part). The object appears in S3 only when
 * `complete` succeeds: a crash before leaves nothing visible (an incomplete multipart upload).
 */
export class ObjectUpload {
  private buffered: Uint8Array[] = [];
  private bufferedBytes = 0;
  private uploadId: string | null = null;
  private readonly parts: { ETag: string; PartNumber: number }[] = [];

  constructor(
    private readonly storage: S3Storage,
    readonly key: string,
    private readonly partSize: number,
  ) {}

  append(chunks: readonly Uint8Array[]): void {
    for (const c of chunks) {
      if (c.byteLength === 0) continue;
      this.buffered.push(c);
      this.bufferedBytes += c.byteLength;
    }
  }

  /** Uploads every full part buffered. */
  async flushParts(): Promise<void> {
    while (this.bufferedBytes >= this.partSize) {
      const all = concat(this.buffered);
      const part = all.subarray(0, this.partSize);
      const rest = all.subarray(this.partSize);
      this.buffered = rest.byteLength > 0 ? [rest] : [];
      this.bufferedBytes = rest.byteLength;
      await this.uploadPart(part);
    }
  }

  /** Finishes the object: after this resolves, S3 holds it. */
  async complete(): Promise<void> {
    const { client, bucket } = this.storage;
    const rest = concat(this.buffered);
    this.buffered = [];
    this.bufferedBytes = 0;
    try {
      if (this.uploadId === null) {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: this.key, Body: rest }));
        return;
      }
      if (rest.byteLength > 0) await this.uploadPart(rest);
      await client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: this.key,
          UploadId: this.uploadId,
          MultipartUpload: { Parts: this.parts },
        }),
      );
    } catch (error) {
      throw s3Error(error, `writing ${this.key}`, bucket);
    }
  }

  /** Drops the object: aborts a started multipart upload (best effort). */
  async abort(): Promise<void> {
    this.buffered = [];
    this.bufferedBytes = 0;
    if (this.uploadId === null) return;
    const uploadId = this.uploadId;
    this.uploadId = null;
    await this.storage.client
      .send(
        new AbortMultipartUploadCommand({
          Bucket: this.storage.bucket,
          Key: this.key,
          UploadId: uploadId,
        }),
      )
      .catch(() => {});
  }

  private async uploadPart(body: Uint8Array): Promise<void> {
    const { client, bucket } = this.storage;
    try {
      if (this.uploadId === null) {
        const created = await client.send(
          new CreateMultipartUploadCommand({ Bucket: bucket, Key: this.key }),
        );
        if (created.UploadId === undefined) {
          throw new ConnectException(`S3 gave no upload id for ${this.key}`);
        }
        this.uploadId = created.UploadId;
      }
      const partNumber = this.parts.length + 1;
      const response = await client.send(
        new UploadPartCommand({
          Bucket: bucket,
          Key: this.key,
          UploadId: this.uploadId,
          PartNumber: partNumber,
          Body: body,
        }),
      );
      this.parts.push({ ETag: response.ETag ?? '', PartNumber: partNumber });
    } catch (error) {
      throw s3Error(error, `uploading a part of ${this.key}`, bucket);
    }
  }
}
