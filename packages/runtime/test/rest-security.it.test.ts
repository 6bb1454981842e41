import { readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseWorkerConfig } from '../src/config/worker-config.js';
import { capturingLogger, closeClients } from './harness.js';
import { call, type RestWorker, startRestWorker } from './rest-harness.js';
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

/** One HTTPS GET presenting an optional client certificate; resolves with the status. */
function getWithCert(url: string, ca: string, cert?: { key: string; cert: string }) {
  return new Promise<number>((resolve, reject) => {
    const req = request(url, { ca, ...(cert ?? {}) }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('REST safe defaults', () => {
  it('listens on loopback by default and says at start how to serve other machines', async () => {
    expect(
      parseWorkerConfig({
        'offset.storage.file.filename': 'x',
        'key.converter': 'StringConverter',
        'value.converter': 'StringConverter',
      }).listeners,
    ).toEqual(['http://127.0.0.1:8083']);
    const loopback = capturingLogger('info');
    workers.push(await startRestWorker({ listeners: 'http://127.0.0.1:0' }, loopback.log));
    const started = loopback.lines.find((l) => String(l.msg).startsWith('REST API listening'));
    expect(started?.level).toBe(30);
    expect(started?.msg).toMatch(
      /reachable from this machine only; to serve other machines set listeners=http:\/\/0\.0\.0\.0:8083/,
    );
    const open = capturingLogger('info');
    workers.push(await startRestWorker({ listeners: 'http://0.0.0.0:0' }, open.log));
    const warned = open.lines.find((l) => String(l.msg).startsWith('REST API listening'));
    expect(warned?.level).toBe(40);
    expect(warned?.msg).toMatch(/without authentication/);
  });

  it('serves /admin/* only on admin.listeners when set, and nowhere when empty', async () => {
    const captured = capturingLogger('info');
    const w = await startRestWorker({ 'admin.listeners': 'http://127.0.0.1:0' }, captured.log);
    workers.push(w);
    const started = captured.lines.find((l) => String(l.msg).startsWith('REST API listening'));
    const [adminUrl] = (started?.adminUrls ?? []) as string[];
    expect((await call(w.url, 'GET', '/admin/loggers')).status).toBe(404);
    expect((await call(w.url, 'GET', '/connectors')).status).toBe(200);
    expect((await call(adminUrl as string, 'GET', '/admin/loggers')).status).toBe(200);
    expect((await call(adminUrl as string, 'GET', '/connectors')).status).toBe(404);

    const none = await startRestWorker({ 'admin.listeners': '' });
    workers.push(none);
    expect((await call(none.url, 'GET', '/admin/loggers')).status).toBe(404);
    const shared = await startRestWorker();
    workers.push(shared);
    expect((await call(shared.url, 'GET', '/admin/loggers')).status).toBe(200);
  });

  it('asks https clients for a trusted certificate with listeners.https.ssl.client.auth', async () => {
    const server = await selfSignedKeystores();
    const client = await selfSignedKeystores();
    const stranger = await selfSignedKeystores();
    const ca = await readFile(server.cert, 'utf8');
    const clientCert = {
      key: await readFile(client.key, 'utf8'),
      cert: await readFile(client.cert, 'utf8'),
    };
    const strangerCert = {
      key: await readFile(stranger.key, 'utf8'),
      cert: await readFile(stranger.cert, 'utf8'),
    };
    const tls = {
      listeners: 'https://127.0.0.1:0',
      'listeners.https.ssl.keystore.location': server.pem,
      'listeners.https.ssl.truststore.location': client.cert,
    };
    const required = await startRestWorker({
      ...tls,
      'listeners.https.ssl.client.auth': 'required',
    });
    workers.push(required);
    await expect(getWithCert(`${required.url}/`, ca)).rejects.toThrow();
    await expect(getWithCert(`${required.url}/`, ca, strangerCert)).rejects.toThrow();
    expect(await getWithCert(`${required.url}/connectors`, ca, clientCert)).toBe(200);

    const requested = await startRestWorker({ ...tls, 'ssl.client.auth': 'requested' });
    workers.push(requested);
    expect(await getWithCert(`${requested.url}/connectors`, ca)).toBe(200);
    expect(await getWithCert(`${requested.url}/connectors`, ca, clientCert)).toBe(200);
    expect(await getWithCert(`${requested.url}/connectors`, ca, strangerCert)).toBe(401);

    await expect(
      startRestWorker({
        ...tls,
        'listeners.https.ssl.truststore.location': client.p12,
        'ssl.client.auth': 'required',
      }),
    ).rejects.toThrow(/Node reads trusted certificates as PEM only/);
  });

  it('answers CORS preflights for access.control.allow.origin and refuses other origins', async () => {
    const closed = await startRestWorker();
    workers.push(closed);
    const host = new URL(closed.url).host;
    // A cross-site page's body-less POST (no preflight) is refused before it restarts anything.
    const crossSite = await fetch(`${closed.url}/connectors/x/restart`, {
      method: 'POST',
      headers: { origin: 'http://evil.example' },
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('access-control-allow-origin')).toBeNull();
    expect(await crossSite.json()).toEqual({
      error_code: 403,
      message:
        "Cross-origin requests from http://evil.example are not allowed; name the origin in the worker's access.control.allow.origin",
    });
    // The worker's own pages (the console) are same-origin.
    const own = await fetch(`${closed.url}/connectors`, { headers: { origin: `http://${host}` } });
    expect(own.status).toBe(200);

    const open = await startRestWorker({
      'access.control.allow.origin': 'http://ui.example,https://*.corp.example',
      'access.control.allow.methods': 'GET,POST,PUT,DELETE',
    });
    workers.push(open);
    const preflight = await fetch(`${open.url}/connectors`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://console.corp.example',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(
      'https://console.corp.example',
    );
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET,POST,PUT,DELETE');
    expect(preflight.headers.get('access-control-allow-headers')).toBe('content-type');
    const patch = await fetch(`${open.url}/connectors`, {
      method: 'OPTIONS',
      headers: { origin: 'http://ui.example', 'access-control-request-method': 'PATCH' },
    });
    expect(patch.headers.get('access-control-allow-methods')).toBeNull();
    const read = await fetch(`${open.url}/connectors`, {
      headers: { origin: 'http://ui.example' },
    });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe('http://ui.example');
    const other = await fetch(`${open.url}/connectors`, {
      headers: { origin: 'http://other.example' },
    });
    expect(other.status).toBe(403);
  });
});
