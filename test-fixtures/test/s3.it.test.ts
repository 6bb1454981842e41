import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, it } from 'vitest';
import { s3Credentials, s3Endpoint } from '../src/connection-info.js';

describe('s3 service', () => {
  const client = new S3Client({ endpoint: s3Endpoint(), forcePathStyle: true, ...s3Credentials() });

  afterAll(() => {
    client.destroy();
  });

  it('returns the object a PUT stored, in a bucket it created', async () => {
    const bucket = `test-fixtures-${randomUUID()}`;
    const key = 'topics/orders/partition=0/orders+0+0000000000.json';
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
    await client.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: '{"id":1,"note":"hello sluice"}\n',
        ContentType: 'application/json',
      }),
    );

    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(got.ContentType).toBe('application/json');
    expect(await got.Body?.transformToString()).toBe('{"id":1,"note":"hello sluice"}\n');

    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    await client.send(new DeleteBucketCommand({ Bucket: bucket }));
  });
});
