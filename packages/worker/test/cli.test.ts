import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSluice, workerProps, writeProperties } from './sluice-process.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sluice command', () => {
  it('prints its usage with --help and its versions with --version', async () => {
    const help = runSluice(['--help'], dir);
    expect(await help.exited).toBe(0);
    expect(help.output()).toContain('Usage: sluice standalone [options] <worker.properties>');
    const version = runSluice(['--version'], dir);
    expect(await version.exited).toBe(0);
    expect(version.output()).toMatch(/^sluice \d+\.\d+\.\d+ \(@sluice\/runtime \d+\.\d+\.\d+\)\n$/);
  });

  it('exits with code 2 and the usage on a wrong command line', async () => {
    const none = runSluice([], dir);
    expect(await none.exited).toBe(2);
    expect(none.output()).toContain('Usage:');
    const missing = runSluice(['standalone', 'worker.properties'], dir);
    expect(await missing.exited).toBe(2);
    expect(missing.output()).toContain('Missing connector config files');
  });

  it('refuses an invalid worker config before starting, listing every problem by key', async () => {
    const worker = await writeProperties(join(dir, 'bad-worker.properties'), {
      'offset.flush.interval.ms': 'often',
      'value.converter': 'StringConverter',
    });
    const connector = await writeProperties(join(dir, 'c.properties'), {
      name: 'c',
      'connector.class': 'FileStreamSink',
    });
    const run = runSluice(['standalone', worker, connector], dir);
    expect(await run.exited).toBe(1);
    const out = run.output();
    expect(out).toContain(`The worker config ${worker} is invalid:`);
    expect(out).toContain('key.converter');
    expect(out).toContain('offset.flush.interval.ms');
    expect(out).toContain('offset.storage.file.filename');
  });

  it('refuses unknown plugins and bad connector keys before starting, listing the installed plugins', async () => {
    const worker = await writeProperties(join(dir, 'worker.properties'), {
      // Nothing listens here: validation must not need Kafka.
      ...workerProps(dir, ['127.0.0.1:1']),
    });
    const unknown = await writeProperties(join(dir, 'unknown.json.properties'), {
      name: 'mystery',
      'connector.class': 'io.example.MysteryConnector',
    });
    const badTransform = await writeProperties(join(dir, 'sink.properties'), {
      name: 'sink',
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      topics: 't',
      transforms: 'insert,nope',
      'transforms.insert.type': 'org.apache.kafka.connect.transforms.InsertField$Value',
      'transforms.insert.static.field': 'origin',
      'transforms.insert.static.value': 'sluice',
      'transforms.nope.type': 'com.example.Nope',
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    });
    const run = runSluice(['standalone', worker, unknown, badTransform], dir);
    expect(await run.exited).toBe(1);
    const out = run.output();
    expect(out).toMatch(
      /mystery\): connector.class: .*Failed to find any connector plugin named io.example.MysteryConnector. Installed connector plugins: .*@sluice\/connector-file\/FileStreamSink, @sluice\/connector-file\/FileStreamSource/,
    );
    expect(out).toContain('transforms.nope.type');
    // The bundled JsonConverter and InsertField resolved: they are not reported.
    expect(out).not.toContain('value.converter');
    expect(out).not.toContain('transforms.insert');
    expect(out).not.toContain('not reachable');
  });
});
