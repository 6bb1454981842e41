import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeClients, testLog } from './harness.js';
import { type RestWorker, startRestWorker } from './rest-harness.js';

const workers: RestWorker[] = [];

afterAll(async () => {
  for (const w of workers) await w.stop();
  await closeClients();
});

async function consoleDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-console-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html><script src="/ui/app.js"></script>');
  await writeFile(join(dir, 'app.js'), 'document.title = "Sluice";');
  await writeFile(join(dir, 'notes.txt'), 'not an asset');
  return dir;
}

describe('web console', () => {
  it('serves the console folder at /ui with its content types, and nothing else from disk', async () => {
    const uiDir = await consoleDir();
    const w = await startRestWorker({}, testLog, { uiDir });
    workers.push(w);

    const index = await fetch(`${w.url}/ui`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await index.text()).toContain('/ui/app.js');
    expect((await fetch(`${w.url}/ui/`)).status).toBe(200);

    const script = await fetch(`${w.url}/ui/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('document.title = "Sluice";');

    for (const path of ['/ui/notes.txt', '/ui/nothing.js', '/ui/..%2Foffsets.json']) {
      const res = await fetch(`${w.url}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error_code: 404, message: 'HTTP 404 Not Found' });
    }
  });

  it('is not served with rest.ui.enable=false', async () => {
    const w = await startRestWorker({ 'rest.ui.enable': 'false' }, testLog, {
      uiDir: await consoleDir(),
    });
    workers.push(w);
    expect((await fetch(`${w.url}/ui`)).status).toBe(404);
    expect((await fetch(`${w.url}/connectors`)).status).toBe(200);
  });

  it('asks for the same basic credentials as the REST API', async () => {
    const uiDir = await consoleDir();
    const users = join(uiDir, 'credentials.properties');
    await writeFile(users, 'admin: s3cret\n');
    const w = await startRestWorker({ 'rest.basic.auth.credentials.file': users }, testLog, {
      uiDir,
    });
    workers.push(w);
    const anonymous = await fetch(`${w.url}/ui`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Basic realm="Sluice"');
    const authorization = `Basic ${Buffer.from('admin:s3cret').toString('base64')}`;
    expect((await fetch(`${w.url}/ui`, { headers: { authorization } })).status).toBe(200);
  });
});
