#!/usr/bin/env node
// The quickstart: starts Kafka (with @sluice/test-fixtures' sluice-services, no Docker), then runs the
// file → Kafka → file pipeline of examples/file-pipeline with the `sluice` worker while
// appending lines to its input. Stop with Ctrl-C: the worker drains and commits, then the
// line counts of input and output are compared.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const pipeline = join(here, 'file-pipeline');
const bin = join(here, '..', 'packages', 'worker', 'bin', 'sluice.js');
const say = (text) => process.stdout.write(`[quickstart] ${text}\n`);

if (!existsSync(join(here, '..', 'packages', 'worker', 'dist', 'cli', 'main.js'))) {
  say('The worker is not built yet: run `pnpm install && pnpm build` first.');
  process.exit(1);
}

say('Starting Kafka (the first run downloads it; later runs reuse the running broker)...');
const services = join(here, '..', 'test-fixtures', 'bin', 'sluice-services.js');
const up = spawn(process.execPath, [services, 'up', 'kafka'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let upOutput = '';
up.stdout.on('data', (chunk) => {
  upOutput += chunk;
  process.stdout.write(chunk);
});
const upCode = await new Promise((resolve) => up.on('exit', (c) => resolve(c ?? 1)));
const brokers = /SLUICE_KAFKA_BROKERS=(\S+)/.exec(upOutput)?.[1];
if (upCode !== 0 || !brokers) {
  say('Kafka did not start; see the messages above.');
  process.exit(1);
}
const env = { ...process.env, SLUICE_KAFKA_BROKERS: brokers };
say(`Kafka is up at ${env.SLUICE_KAFKA_BROKERS}`);

const data = join(pipeline, 'data');
await mkdir(data, { recursive: true });
const input = join(data, 'input.txt');
if (!existsSync(input)) {
  const lines = Array.from({ length: 1000 }, (_, i) => `quickstart line ${i}`);
  await writeFile(input, `${lines.join('\n')}\n`);
}
say(`Input: ${input} (a new line is appended every second)`);
say(`Output: ${join(data, 'output.txt')}`);
say('Press Ctrl-C to stop; the worker logs progress every 10 seconds.');

const worker = spawn(
  process.execPath,
  [bin, 'standalone', 'worker.properties', 'file-source.properties', 'file-sink.properties'],
  { cwd: pipeline, env, stdio: 'inherit' },
);
let n = 0;
const appender = setInterval(() => {
  appendFile(input, `appended line ${Date.now()} #${n++}\n`).catch(() => {});
}, 1000);
// Ctrl-C reaches the worker too (same process group); wait for it to finish cleanly.
process.on('SIGINT', () => clearInterval(appender));
process.on('SIGTERM', () => {
  clearInterval(appender);
  worker.kill('SIGTERM');
});
const code = await new Promise((resolve) => worker.on('exit', (c) => resolve(c ?? 1)));
clearInterval(appender);
const count = async (file) =>
  (await readFile(file, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
say(`Worker exited with code ${code}.`);
say(
  `Lines in input: ${await count(input)}, lines in output: ${await count(join(data, 'output.txt'))}`,
);
process.exit(code);
