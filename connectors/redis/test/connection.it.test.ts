import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConnectException, RetriableException, SinkRecord } from '@sluice/api';
import { ephemeralPort, redisUrl } from '@sluice/test-fixtures';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisSinkTask } from '../src/sink-task.js';
import { startSink, unique, waitFor } from './harness.js';

const seed = new URL(redisUrl());

function record(key: string, value: string): SinkRecord {
  return new SinkRecord({ topic: 't', kafkaPartition: 0, kafkaOffset: 0, key, value });
}

/** Starts a sink with `props`, writes one SET, returns the task (stopped by the caller). */
async function writeOne(props: Record<string, string>, key: string): Promise<RedisSinkTask> {
  const { task } = await startSink(new RedisSinkTask(), {
    'redis.command': 'SET',
    'redis.keyspace': '',
    ...props,
  });
  await task.put([record(key, 'written')]);
  return task;
}

describe('authentication and databases', () => {
  const admin = new Redis(redisUrl());
  const user = unique('user').replaceAll(':', '-');
  const password = 'p@ss:word/1';

  beforeAll(async () => {
    await admin.call('ACL', 'SETUSER', user, 'on', `>${password}`, '~*', '+@all');
  });

  afterAll(async () => {
    await admin.call('ACL', 'DELUSER', user);
    admin.disconnect();
  });

  it('authenticates as the URI’s user in the URI’s database', async () => {
    const key = unique('acl');
    const uri = `redis://${user}:${encodeURIComponent(password)}@${seed.host}/3`;
    const task = await writeOne({ 'redis.uri': uri }, key);
    await task.stop();
    const db3 = new Redis(`${redisUrl()}/3`);
    expect(await db3.get(key)).toBe('written');
    expect(await admin.get(key)).toBeNull();
    db3.disconnect();
  });

  it('authenticates with redis.username and redis.password over the URI’s credentials', async () => {
    const key = unique('acl');
    const task = await writeOne(
      {
        'redis.uri': `redis://nobody:wrong@${seed.host}`,
        'redis.username': user,
        'redis.password': password,
      },
      key,
    );
    await task.stop();
    expect(await admin.get(key)).toBe('written');
  });

  it('fails to start on a wrong password, naming the server but not the password', async () => {
    const error = await startSink(new RedisSinkTask(), {
      'redis.uri': `redis://${user}:not-it@${seed.host}`,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectException);
    expect((error as Error).message).toMatch(
      new RegExp(`^Cannot connect to redis://${user}@${seed.host}: WRONGPASS`),
    );
    expect((error as Error).message).not.toContain('not-it');
  });

  it('fails to start when nothing listens, naming the server and the socket error', async () => {
    const port = await ephemeralPort();
    const error = await startSink(new RedisSinkTask(), {
      'redis.host': '127.0.0.1',
      'redis.port': String(port),
      'redis.timeout': '2',
    }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      new RegExp(`^Cannot connect to redis://127.0.0.1:${port}: connect ECONNREFUSED`),
    );
  });
});

describe('a server that stops answering', () => {
  let server: ChildProcess;
  let port: number;

  beforeAll(async () => {
    port = await ephemeralPort();
    server = spawn('/usr/bin/redis-server', [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    await waitFor('the private redis-server', async () => {
      const task = await writeOne({ 'redis.uri': `redis://127.0.0.1:${port}` }, 'probe').catch(
        () => null,
      );
      await task?.stop();
      return task !== null;
    });
  });

  afterAll(() => {
    server?.kill('SIGKILL');
  });

  it('makes the batch retriable after redis.timeout without replies, and when the server is gone', async () => {
    const { task } = await startSink(new RedisSinkTask(), {
      'redis.uri': `redis://127.0.0.1:${port}`,
      'redis.command': 'SET',
      'redis.timeout': '1',
    });
    try {
      const admin = new Redis(port);
      // Writes wait while clients are paused: no reply within the second redis.timeout allows.
      await admin.call('CLIENT', 'PAUSE', '3000', 'WRITE');
      const slow = await task.put([record('a', 'v')]).catch((e: unknown) => e);
      expect(slow).toBeInstanceOf(RetriableException);
      expect((slow as Error).message).toBe(
        `Writing 1 records to redis://127.0.0.1:${port} failed (SET: redis://127.0.0.1:${port} did not answer 1 commands within 1000 ms); the batch will be written again`,
      );
      admin.disconnect();
      server.kill('SIGKILL');
      await new Promise((resolve) => server.once('exit', resolve));
      const gone = await task.put([record('b', 'v')]).catch((e: unknown) => e);
      expect(gone).toBeInstanceOf(RetriableException);
    } finally {
      await task.stop();
    }
  });
});

describe('TLS', () => {
  let dir: string;
  let server: ChildProcess;
  let port: number;

  /** A CA, a server certificate for 127.0.0.1 and a client certificate, made with openssl. */
  async function makeCertificates(): Promise<void> {
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    const key = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    ssl(
      'req',
      '-x509',
      ...key,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      '/CN=sluice test CA',
    );
    await writeFile(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
    await writeFile(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
    for (const name of ['server', 'client']) {
      ssl('req', ...key, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
      ssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '1',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.pem`,
      );
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-redis-tls-'));
    await makeCertificates();
    port = await ephemeralPort();
    server = spawn('/usr/bin/redis-server', [
      '--port',
      '0',
      '--tls-port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--tls-cert-file',
      join(dir, 'server.pem'),
      '--tls-key-file',
      join(dir, 'server.key'),
      '--tls-ca-cert-file',
      join(dir, 'ca.pem'),
      '--tls-auth-clients',
      'yes',
      '--save',
      '',
      '--appendonly',
      'no',
    ]);
    await waitFor('the TLS redis-server', async () => {
      try {
        const task = await writeOne({ ...clientCert(), 'redis.insecure': 'true' }, 'probe');
        await task.stop();
        return true;
      } catch {
        return false;
      }
    });
  });

  afterAll(async () => {
    server?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  /** The URI of the TLS server and the client certificate it demands (tls-auth-clients yes). */
  const clientCert = () => ({
    'redis.uri': `rediss://127.0.0.1:${port}`,
    'redis.key.cert': join(dir, 'client.pem'),
    'redis.key.file': join(dir, 'client.key'),
    'redis.timeout': '5',
  });

  it('connects with rediss:// and a client certificate, verifying the server against redis.cacert', async () => {
    const key = unique('tls');
    const task = await writeOne({ ...clientCert(), 'redis.cacert': join(dir, 'ca.pem') }, key);
    await task.stop();
  });

  it('connects with redis.tls to redis.host and redis.port the same way', async () => {
    const task = await writeOne(
      {
        'redis.host': '127.0.0.1',
        'redis.port': String(port),
        'redis.tls': 'true',
        'redis.cacert': join(dir, 'ca.pem'),
        'redis.key.cert': join(dir, 'client.pem'),
        'redis.key.file': join(dir, 'client.key'),
      },
      unique('tls'),
    );
    await task.stop();
  });

  it('is refused by a server that demands a client certificate when none is configured', async () => {
    const error = await startSink(new RedisSinkTask(), {
      'redis.uri': `rediss://127.0.0.1:${port}`,
      'redis.cacert': join(dir, 'ca.pem'),
      'redis.timeout': '2',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectException);
    expect((error as Error).message).toMatch(
      new RegExp(`^Cannot connect to rediss://127.0.0.1:${port}: `),
    );
  });

  it('refuses a server whose certificate it cannot verify, unless redis.insecure', async () => {
    const error = await startSink(new RedisSinkTask(), clientCert()).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(
      new RegExp(`^Cannot connect to rediss://127.0.0.1:${port}: .*certificate`),
    );
    const task = await writeOne({ ...clientCert(), 'redis.insecure': 'true' }, unique('insecure'));
    await task.stop();
  });

  it('names the key of a certificate file it cannot read', async () => {
    await expect(
      startSink(new RedisSinkTask(), { ...clientCert(), 'redis.cacert': join(dir, 'missing.pem') }),
    ).rejects.toThrow(
      /^Invalid value .*missing\.pem for configuration redis\.cacert: cannot read it/,
    );
  });
});
