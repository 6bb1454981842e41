import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sluiceNodeFlags } from '@sluice/test-fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSluice, SLUICE_BIN, workerProps, writeProperties } from './sluice-process.js';

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

  it('runs as an executable, starting Node with the flags of its first line', () => {
    const flags = sluiceNodeFlags(SLUICE_BIN);
    expect(flags).toContain('--max-semi-space-size=32');
    // Run as a user's `sluice` is: through `env -S`, so the flags reach Node and Node takes them.
    const run = spawnSync(SLUICE_BIN, ['--version'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^sluice \d+\.\d+\.\d+ /);
  });

  it('exits with code 2 and the usage on a wrong command line', async () => {
    const none = runSluice([], dir);
    expect(await none.exited).toBe(2);
    expect(none.output()).toContain('Usage:');
    const missing = runSluice(['standalone'], dir);
    expect(await missing.exited).toBe(2);
    expect(missing.output()).toContain('Missing the worker config file');
  });

  it('reports every problem of the worker file and of every connector file at once, on their lines', async () => {
    const worker = join(dir, 'bad-worker.properties');
    await writeFile(
      worker,
      [
        '# a worker config with a mistake of each kind',
        'bootstrap.servers 127.0.0.1:1',
        'key.converter=org.apache.kafka.connect.storage.StringConvertr',
        'value.converter=org.apache.kafka.connect.json.JsonConverter',
        'value.converter.schemas.enable=maybe',
        'offset.flush.interval.ms=often',
        'offset.storage.file.filename',
        '',
      ].join('\n'),
    );
    const sink = join(dir, 'bad-sink.properties');
    await writeFile(
      sink,
      [
        'name=bad-sink',
        'connector.class=FileStreamSink',
        `file=${join(dir, 'out.txt')}`,
        'value.converter=JsonConvertr',
        '',
      ].join('\n'),
    );
    // Uses the worker's converters: their problems are the worker's, not repeated here.
    const source = await writeProperties(join(dir, 'ok-source.properties'), {
      name: 'ok-source',
      'connector.class': 'FileStreamSource',
      file: join(dir, 'in.txt'),
      topic: 't',
    });
    const run = runSluice(['standalone', worker, sink, source], dir);
    expect(await run.exited).toBe(1);
    const report = run.output().slice(run.output().indexOf('The configuration has'));
    expect(report.split('\n').filter(Boolean)).toEqual([
      'The configuration has 6 problems; nothing was started:',
      expect.stringMatching(
        new RegExp(
          `^  ${worker}:3: Invalid value org.apache.kafka.connect.storage.StringConvertr for configuration key.converter: Failed to find any converter plugin named`,
        ),
      ),
      `  ${worker}:5: value.converter.schemas.enable: Invalid value maybe for configuration schemas.enable: Expected value to be either true or false`,
      `  ${worker}:6: Invalid value often for configuration offset.flush.interval.ms: Not a number of type LONG`,
      `  ${worker}:7: offset.storage.file.filename has no value: the line holds only a key, without '=' (Java properties read it as offset.storage.file.filename with an empty value); write offset.storage.file.filename=<value>, or offset.storage.file.filename= for an empty value`,
      expect.stringMatching(
        new RegExp(
          `^  ${sink}:4 \\(connector bad-sink\\): Invalid value JsonConvertr for configuration value.converter: Failed to find any converter plugin named JsonConvertr`,
        ),
      ),
      // Reported once, naming both keys.
      `  ${sink} (connector bad-sink): Must configure one of topics or topics.regex`,
    ]);
    expect(run.output()).not.toContain('ok-source');
  });

  it('warns about worker keys that have no effect, as Kafka does, and not about prefixed ones', async () => {
    const worker = await writeProperties(join(dir, 'keys-worker.properties'), {
      ...workerProps(dir, ['127.0.0.1:1']),
      'bootstrap.server': 'typo:9092',
      'rest.extension.classes': 'com.example.Extension',
      'producer.linger.ms': '5',
      'admin.request.timeout.ms': '5000',
      'value.converter.schemas.enable': 'false',
      'listeners.https.ssl.keystore.type': 'PEM',
      'ssl.truststore.type': 'PEM',
      'log.format': 'json',
      // An error, so the worker stops after checking the configs.
      'offset.flush.interval.ms': '-1',
    });
    const run = runSluice(['standalone', worker], dir);
    expect(await run.exited).toBe(1);
    const warnings = run
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level === 40)
      .map((l) => l.msg);
    expect(warnings).toEqual([
      "The configuration 'bootstrap.server' was supplied but isn't a known config.",
      "The configuration 'rest.extension.classes' is a Kafka Connect worker config that Sluice does not use; it has no effect.",
    ]);
  });

  it('logs lines for people on a terminal and JSON lines otherwise; log.format or SLUICE_LOG_FORMAT force one', async () => {
    const props = { ...workerProps(dir, ['127.0.0.1:1']), 'offset.flush.interval.ms': '-1' };
    const auto = await writeProperties(join(dir, 'auto.properties'), props);
    const json = await writeProperties(join(dir, 'json.properties'), {
      ...props,
      'log.format': 'json',
    });
    const text =
      /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] INFO Found \d+ plugins in \d+ packages: /m;
    const jsonLine = /^\{"level":30,.*"msg":"Found \d+ plugins/m;
    // A terminal: `script` runs the command on a pseudo-terminal.
    const onTerminal = async (file: string) => {
      const run = spawnSync(
        'script',
        ['-qec', `${process.execPath} ${SLUICE_BIN} standalone ${file}`, '/dev/null'],
        { cwd: dir, encoding: 'utf8', env: { ...process.env, SLUICE_LOG_LEVEL: 'info' } },
      );
      expect(run.status).toBe(1);
      return run.stdout;
    };
    expect(await onTerminal(auto)).toMatch(text);
    expect(await onTerminal(json)).toMatch(jsonLine);
    const piped = runSluice(['standalone', auto], dir);
    expect(await piped.exited).toBe(1);
    expect(piped.output()).toMatch(jsonLine);
    const forced = runSluice(['standalone', json], dir, { SLUICE_LOG_FORMAT: 'text' });
    expect(await forced.exited).toBe(1);
    expect(forced.output()).toMatch(text);
  });

  it('reports config files that cannot be read, all of them', async () => {
    const worker = await writeProperties(
      join(dir, 'w.properties'),
      workerProps(dir, ['127.0.0.1:1']),
    );
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{"name": "x",');
    const run = runSluice(['standalone', worker, join(dir, 'missing.properties'), broken], dir);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('The configuration has 2 problems; nothing was started:');
    expect(run.output()).toMatch(/missing.properties: cannot be read: ENOENT/);
    expect(run.output()).toMatch(/broken.json: cannot be read: .*broken.json is not valid JSON/);
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
      /\(connector mystery\): Invalid value io.example.MysteryConnector for configuration connector.class: Failed to find any connector plugin named io.example.MysteryConnector. Installed connector plugins: .*@sluice\/connector-file\/FileStreamSink, @sluice\/connector-file\/FileStreamSource/,
    );
    expect(out).toContain('transforms.nope.type');
    // The bundled JsonConverter and InsertField resolved: they are not reported.
    expect(out).not.toContain('value.converter');
    expect(out).not.toContain('transforms.insert');
    expect(out).not.toContain('not reachable');
  });
});
