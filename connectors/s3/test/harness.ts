import { randomUUID } from 'node:crypto';
import { createServer, type Server, Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  herderFailures,
  waitFor as kitWaitFor,
  type TestRecord,
  testKafka,
} from '@sluice/connector-testkit';
import { createStandalone, type Logger, type StandaloneHerder } from '@sluice/runtime';
import { kafkaBrokers, s3Credentials, s3Endpoint } from '@sluice/test-fixtures';

const here = dirname(fileURLToPath(import.meta.url));

/** Region and credentials of the test S3 server. */
export function s3Settings(): { region: string; accessKeyId: string; secretAccessKey: string } {
  const { region, credentials } = s3Credentials();
  return { region, ...credentials };
}

let client: S3Client | null = null;

/** A client of the test S3 server, for arranging and asserting. */
export function s3(): S3Client {
  if (client === null) {
    const { region, accessKeyId, secretAccessKey } = s3Settings();
    client = new S3Client({
      endpoint: s3Endpoint(),
      forcePathStyle: true,
      region,
      credentials: { accessKeyId, secretAccessKey },
    });
  }
  return client;
}

/** The connector keys that reach the test S3 server and `bucket`. */
export function s3Props(bucket: string, endpoint = s3Endpoint()): Record<string, string> {
  const { region, accessKeyId, secretAccessKey } = s3Settings();
  return {
    's3.bucket.name': bucket,
    's3.region': region,
    'store.url': endpoint,
    'aws.access.key.id': accessKeyId,
    'aws.secret.access.key': secretAccessKey,
  };
}

/** A unique name for this test run. */
export function unique(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}

/** A new, empty bucket. */
export async function freshBucket(label: string): Promise<string> {
  const bucket = unique(label).toLowerCase();
  await s3().send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Every object of `bucket` (under `prefix`), by key, in key order. */
export async function objects(bucket: string, prefix = ''): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  let token: string | undefined;
  do {
    const page = await s3().send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const o of page.Contents ?? []) {
      const key = o.Key as string;
      const got = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      out.set(
        key,
        Buffer.from(
          await (
            got.Body as { transformToByteArray(): Promise<Uint8Array> }
          ).transformToByteArray(),
        ),
      );
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

/** When each object of `bucket` was last written, by key. */
export async function lastModified(bucket: string): Promise<Map<string, number>> {
  const page = await s3().send(new ListObjectsV2Command({ Bucket: bucket }));
  return new Map(
    (page.Contents ?? []).map((o) => [o.Key as string, o.LastModified?.getTime() ?? 0]),
  );
}

/** The object keys of `bucket`. */
export async function keys(bucket: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3().send(
      new ListObjectsV2Command({
        Bucket: bucket,
        Prefix: prefix,
        ...(token ? { ContinuationToken: token } : {}),
      }),
    );
    for (const o of page.Contents ?? []) out.push(o.Key as string);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out.sort();
}

const kafka = testKafka(kafkaBrokers(), {
  label: 's3',
  // This package, the JSON converter and the transforms, found like installed plugins.
  pluginPath: [
    resolve(here, '..'),
    resolve(here, '../../../converters/json'),
    resolve(here, '../../../transforms/core'),
  ],
});
export const { clients, produce, topicSize, workerProps } = kafka;
export const log: Logger = kafka.log;
export const createTopic = (topic: string, partitions = 1) => kafka.createTopic(topic, partitions);
export type { TestRecord };
export const failures = herderFailures;
/** Reads `count` records of a topic from the beginning. */
export const readTopic = (topic: string, count: number) =>
  kafka.readTopic(topic, (records) => records.length >= count);
/** Polls `check` until true, failing with `what` after `timeoutMs` (2 minutes). */
export const waitFor = (
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 120_000,
) => kitWaitFor(what, check, timeoutMs, 250);
/** A started standalone herder with this package on its plugin path. */
export async function startHerder(
  extra: Record<string, string> = {},
  logger: Logger = log,
): Promise<StandaloneHerder> {
  const { herder } = await createStandalone(await workerProps(extra), { log: logger });
  await herder.start();
  return herder;
}

/** The lines of a JSON-lines object. */
export function lines(object: Buffer | undefined): string[] {
  if (object === undefined) return [];
  const text = object.toString('utf8');
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** A TCP proxy to the S3 server that can be cut, to make S3 unreachable for a while. */
export async function proxyTo(
  target: URL,
): Promise<{ url: string; cut(): void; restore(): void; close(): Promise<void> }> {
  let open = true;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    sockets.add(client);
    sockets.add(upstream);
    upstream.connect(Number(target.port), target.hostname, () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
