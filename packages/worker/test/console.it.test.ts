import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ChromiumLaunch, ensureChromium, kafkaBrokers } from '@sluice/test-fixtures';
import { type BrowserContext, chromium, type Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from './cluster.js';
import {
  runSluice,
  type SluiceProcess,
  waitFor,
  workerProps,
  writeProperties,
} from './sluice-process.js';

/** Set to a folder to write the README's screenshots there while the test runs. */
const SCREENSHOTS = process.env.SLUICE_CONSOLE_SCREENSHOTS;

const dirs: string[] = [];
const running: SluiceProcess[] = [];
let launch: ChromiumLaunch;
let context: BrowserContext;

beforeAll(async () => {
  launch = await ensureChromium();
  // Basic credentials and the self-signed certificate of the worker below.
  context = await chromium.launchPersistentContext(launch.userDataDir, {
    executablePath: launch.executablePath,
    args: launch.args,
    ignoreHTTPSErrors: true,
    httpCredentials: { username: 'admin', password: 's3cret' },
    viewport: { width: 1280, height: 900 },
  });
});

afterAll(async () => {
  await context?.close();
  await launch?.cleanup();
  for (const p of running) if (p.child.exitCode === null) p.child.kill('SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** The console URL the worker logged. */
function consoleUrl(output: string): string | null {
  for (const line of output.split('\n')) {
    if (!line.includes('web console at')) continue;
    return (JSON.parse(line) as { console?: string }).console ?? null;
  }
  return null;
}

/** A self-signed certificate and key for 127.0.0.1, as one PEM file. */
function selfSignedPem(dir: string): string {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1'],
      ...['-addext', 'subjectAltName=IP:127.0.0.1'],
    ],
    { stdio: 'ignore' },
  );
  const pem = join(dir, 'keystore.pem');
  execFileSync('sh', ['-c', `cat "${key}" "${cert}" > "${pem}"`]);
  return pem;
}

/** Waits until the element's text contains `test` (or matches it). */
async function hasText(l: Locator, test: string | RegExp, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    `${l} to show ${test}`,
    async () => {
      const t = await l.textContent({ timeout: 1000 }).catch(() => null);
      return t !== null && (typeof test === 'string' ? t.includes(test) : test.test(t));
    },
    timeoutMs,
  );
}

/** Waits until the element's attribute matches `test`. */
async function hasAttribute(
  l: Locator,
  name: string,
  test: RegExp,
  timeoutMs = 30_000,
): Promise<void> {
  await waitFor(
    `${l} ${name} to match ${test}`,
    async () => test.test((await l.getAttribute(name, { timeout: 1000 }).catch(() => null)) ?? ''),
    timeoutMs,
  );
}

describe('web console', () => {
  it('creates a file source through the form, shows it RUNNING with records/s rising, pauses it, alters its offsets and deletes it, over TLS with basic authentication', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-console-'));
    dirs.push(dir);
    const id = randomUUID().slice(0, 8);
    const topic = `console-${id}`;
    const input = join(dir, 'input.txt');
    await writeFile(input, 'first line\n');
    const users = join(dir, 'users.properties');
    await writeFile(users, 'admin: s3cret\n');
    const worker = await writeProperties(join(dir, 'worker.properties'), {
      ...workerProps(dir, kafkaBrokers()),
      listeners: 'https://127.0.0.1:0',
      'listeners.https.ssl.keystore.location': selfSignedPem(dir),
      'rest.basic.auth.credentials.file': users,
    });
    const p = runSluice(['standalone', '--progress-interval', '0', worker], dir, {
      SLUICE_LOG_FORMAT: 'json',
    });
    running.push(p);
    await waitFor('the console address logged', () => consoleUrl(p.output()) !== null);
    const url = (consoleUrl(p.output()) as string).replace(/\/\/[^:/]+:/, '//127.0.0.1:');

    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('dialog', (d) => void d.accept());
    const feeder = setInterval(() => {
      void appendFile(input, `line ${Date.now()}\n`.repeat(20));
    }, 200);
    try {
      // The form, from the plugin chooser.
      await page.goto(`${url}#/new`);
      await page.getByRole('link', { name: '@sluice/connector-file/FileStreamSource' }).click();
      const name = `console-source-${id}`;
      await page.locator('#key-name').fill(name);
      await page.locator('#key-file').fill(input);
      await page.locator('#key-topic').fill(topic);
      await page.locator('#key-batch\\.size').fill('lots');
      const batchErrors = page.locator('[data-errors-for="batch.size"]');
      await hasText(batchErrors, 'batch.size');
      await hasText(batchErrors, 'lots');
      await hasAttribute(page.locator('[data-key="batch.size"]'), 'class', /invalid/);
      await hasText(page.getByTestId('validation'), '1 problem');
      if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'console-form.png') });
      await page.locator('#key-batch\\.size').fill('50');
      await hasText(batchErrors, /^$/);
      await hasText(page.getByTestId('validation'), 'The config is valid');
      await page.getByRole('button', { name: 'Create' }).click();

      // Its page: RUNNING, records/s above zero once two scrapes saw the lines arrive.
      await page.waitForURL(`**/ui#/connectors/${name}`);
      const head = page.locator('.page-head [data-state]');
      await hasText(head, /RUNNING/);
      const rate = page.getByTestId(`rate-${name}-0`);
      await hasAttribute(rate, 'data-value', /^\d/);
      await waitFor(
        'records/s above zero',
        async () => Number(await rate.getAttribute('data-value')) > 0,
        60_000,
      );

      // A sink reading the topic, so the list shows lag too (created through the API).
      const sink = `console-sink-${id}`;
      const created = await page.request.post(`${url.replace(/\/ui$/, '')}/connectors`, {
        data: {
          name: sink,
          config: {
            'connector.class': 'FileStreamSink',
            file: join(dir, 'output.txt'),
            topics: topic,
          },
        },
      });
      expect(created.status()).toBe(201);
      await page.goto(`${url}#/connectors`);
      await hasText(page.locator(`[data-connector="${sink}"] [data-state]`).first(), /RUNNING/);
      await hasAttribute(page.getByTestId(`lag-${sink}-0`), 'data-value', /^\d/);
      await page.goto(`${url}#/cluster`);
      await hasText(page.getByTestId('mode'), 'standalone');
      await hasText(page.locator('table.workers'), 'this console');
      if (SCREENSHOTS) {
        // A few minutes of charts would be nicer; half a minute shows their shape.
        await new Promise((r) => setTimeout(r, 30_000));
        await page.goto(`${url}#/connectors`);
        await hasAttribute(page.getByTestId(`rate-${name}-0`), 'data-value', /^\d/);
        await page.screenshot({ path: join(SCREENSHOTS, 'console-connectors.png') });
        await page.goto(`${url}#/connectors/${name}`);
        await hasAttribute(page.getByTestId(`rate-${name}-0`), 'data-value', /^\d/);
        await page.screenshot({ path: join(SCREENSHOTS, 'console-connector.png') });
        await page.goto(`${url}#/plugins/@sluice%2Fconnector-file%2FFileStreamSource`);
        await hasText(page.locator('table.config-keys'), 'batch.size');
        await page.screenshot({ path: join(SCREENSHOTS, 'console-plugin.png') });
      }

      // Pause → PAUSED.
      await page.goto(`${url}#/connectors/${name}`);
      await page.getByRole('button', { name: 'Pause', exact: true }).click();
      await hasText(head, /PAUSED/);
      await hasText(page.locator('tr[data-task="0"] [data-state]'), /PAUSED/);

      // Offsets are altered once it is STOPPED: back to the start of the file.
      await page.getByRole('button', { name: 'Stop', exact: true }).click();
      await hasText(head, /STOPPED/);
      await page.getByRole('button', { name: 'Reload offsets' }).click();
      await hasText(page.getByTestId('offsets'), '"position":');
      await page.getByTestId('offsets-editor').fill(
        JSON.stringify({
          offsets: [{ partition: { filename: input }, offset: { position: 0 } }],
        }),
      );
      await page.getByRole('button', { name: 'Alter offsets' }).click();
      await hasText(page.getByTestId('notice'), 'altered successfully');
      await hasText(page.getByTestId('offsets'), '{"position":0}');

      // Delete: gone from the list.
      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await page.waitForURL('**/ui#/connectors');
      await hasText(page.locator(`[data-connector="${sink}"] .name`), sink);
      expect(await page.locator(`[data-connector="${name}"]`).count()).toBe(0);
      expect(pageErrors).toEqual([]);
    } finally {
      clearInterval(feeder);
      await page.close();
    }
  });

  it('shows a distributed cluster: its workers, the leader, the work each runs and the rebalances', async () => {
    const cluster = await TestCluster.create(kafkaBrokers());
    dirs.push(cluster.dir);
    try {
      const [first] = await cluster.add(2);
      const view = await cluster.settled();
      const page = await context.newPage();
      try {
        await page.goto(`${(first as { url: string }).url}/ui#/cluster`);
        await hasText(page.getByTestId('mode'), `distributed, group cluster-${cluster.id}`);
        const leader = new URL(view.leader_url as string).host;
        for (const w of cluster.workers) {
          const row = page.locator(`tr[data-worker="${w.id}"]`);
          await hasText(row, w.id);
          expect((await row.textContent())?.includes('leader'), w.id).toBe(w.id === leader);
        }
        await hasText(page.locator('dl.facts'), /STABLE \d+ completed/);
        if (SCREENSHOTS) await page.screenshot({ path: join(SCREENSHOTS, 'console-cluster.png') });
      } finally {
        await page.close();
      }
    } finally {
      await cluster.stopAll();
    }
  });

  it('is not served with rest.ui.enable=false, and nothing says where it is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-console-'));
    dirs.push(dir);
    await mkdir(dir, { recursive: true });
    const worker = await writeProperties(join(dir, 'worker.properties'), {
      ...workerProps(dir, kafkaBrokers()),
      listeners: 'http://127.0.0.1:0',
      'rest.ui.enable': 'false',
    });
    const p = runSluice(['standalone', '--progress-interval', '0', worker], dir, {
      SLUICE_LOG_FORMAT: 'json',
    });
    running.push(p);
    await waitFor('the REST API listening', () => p.output().includes('REST API listening'));
    const line = p
      .output()
      .split('\n')
      .find((l) => l.includes('REST API listening')) as string;
    const [rest] = (JSON.parse(line) as { urls: string[] }).urls;
    expect((await fetch(`${rest}/ui`)).status).toBe(404);
    expect((await fetch(`${rest}/connectors`)).status).toBe(200);
    expect(p.output()).not.toContain('web console at');
  });
});
