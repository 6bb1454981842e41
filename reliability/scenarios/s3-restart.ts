/** A private MinIO killed and restarted while an S3 sink uploads objects into it. */
import {
  CreateBucketCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { kafkaBrokers, PrivateMinio } from '@sluice/test-fixtures';
import { StandalonePipeline } from '../pipeline.js';
import { pluginDir, type Scenario, type Size } from '../scenario.js';
import { caughtUp, figures } from '../tally.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const BUCKET = 'chaos';

/** Every line of every object in the bucket. */
async function readObjects(client: S3Client): Promise<string[]> {
  const lines: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }),
    );
    for (const object of page.Contents ?? []) {
      const body = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: object.Key }));
      lines.push(
        ...((await body.Body?.transformToString('utf8')) ?? '').split('\n').filter(Boolean),
      );
    }
    token = page.NextContinuationToken;
  } while (token !== undefined);
  return lines;
}

export const s3Restart: Scenario = {
  name: 'S3 server (MinIO) kill -9 and restart mid-upload (file source → S3Sink)',
  async run(size: Size) {
    const server = await PrivateMinio.start();
    const client = new S3Client({ ...server.clientConfig(), maxAttempts: 1 });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    // While the server is down the listing fails: nothing has arrived as far as we can see.
    const read = () => readObjects(client).catch(() => []);
    let pipeline: StandalonePipeline | null = null;
    let ok = false;
    try {
      pipeline = await StandalonePipeline.start({
        brokers: kafkaBrokers(),
        size,
        worker: { 'plugin.path': pluginDir('@sluice/connector-s3') },
        sink: () => ({
          'connector.class': 'S3Sink',
          'store.url': server.endpoint,
          's3.bucket.name': BUCKET,
          's3.region': server.clientConfig().region,
          'aws.access.key.id': server.clientConfig().credentials.accessKeyId,
          'aws.secret.access.key': server.clientConfig().credentials.secretAccessKey,
          'format.class': 'ByteArrayFormat',
          'value.converter': 'org.apache.kafka.connect.converters.ByteArrayConverter',
          'flush.size': '100',
          // The last, partly filled object is committed too, so every record arrives.
          'rotate.schedule.interval.ms': '1000',
          timezone: 'UTC',
        }),
        read,
      });
      await pipeline.flowing();
      await sleep(size.beforeMs);
      await server.stop('SIGKILL');
      await sleep(size.faultMs);
      await server.start();
      const recoveryMs = await caughtUp(read, pipeline.feed.written);
      await pipeline.feed.stop();
      await caughtUp(read, pipeline.feed.written);
      ok = true;
      return {
        scenario: this.name,
        ...figures(await read(), pipeline.feed.written),
        recoveryMs,
        notes: `server down ${size.faultMs / 1000} s; flush.size 100, objects also committed every second`,
      };
    } finally {
      await pipeline?.stop(!ok);
      client.destroy();
      await server.destroy();
    }
  },
};
