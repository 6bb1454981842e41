import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeClients } from './harness.js';
import { type RestWorker, startRestWorker } from './rest-harness.js';
import { selfSignedKeystores } from './rest-tls-files.js';

const workers: RestWorker[] = [];

afterAll(async () => {
  for (const w of workers) await w.stop();
  await closeClients();
});

/** One HTTPS call trusting `ca`, with optional basic credentials. */
function get(
  url: string,
  ca: string,
  credentials?: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: unknown }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (credentials) headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    const req = request(url, { ca, headers }, (res) => {
      let text = '';
      res.on('data', (c) => {
        text += String(c);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(text) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('REST security', () => {
  it('serves https with a PEM keystore and asks for basic credentials from a Kafka PropertyFileLoginModule file', async () => {
    const ks = await selfSignedKeystores();
    const users = join(ks.dir, 'credentials.properties');
    await writeFile(users, 'admin: s3cret\nreader=r3ad\n');
    const w = await startRestWorker({
      listeners: 'https://127.0.0.1:0',
      'listeners.https.ssl.keystore.location': ks.pem,
      'rest.basic.auth.credentials.file': users,
    });
    workers.push(w);
    expect(w.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = await readFile(ks.cert, 'utf8');

    const anonymous = await get(`${w.url}/connectors`, ca);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Basic realm="Sluice"');
    expect(anonymous.body).toEqual({
      error_code: 401,
      message: 'Credentials are required: use HTTP basic authentication',
    });
    const wrong = await get(`${w.url}/connectors`, ca, 'admin:nope');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error_code: 401, message: 'The user name or password is wrong' });

    for (const credentials of ['admin:s3cret', 'reader:r3ad']) {
      const ok = await get(`${w.url}/connectors`, ca, credentials);
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual([]);
    }
    // Plain HTTP is not served on an https listener, and an untrusted client is refused.
    await expect(fetch(w.url.replace('https:', 'http:'))).rejects.toThrow();
    await expect(fetch(`${w.url}/`)).rejects.toThrow();
  });
});
