import { Writable } from 'node:stream';
import { logLevel } from '@sluice/kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { kafkaLogCreator } from '../src/kafka/kafkajs-log.js';
import { connectorLogger, createLogger, logFormat } from '../src/logging/logger.js';
import { loadPlugins } from '../src/plugins/plugin-loader.js';

/** A stream collecting what is written to it. */
function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

/** JSON lines of a captured log. */
function entries(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const savedFormat = process.env.SLUICE_LOG_FORMAT;
afterEach(() => {
  if (savedFormat === undefined) delete process.env.SLUICE_LOG_FORMAT;
  else process.env.SLUICE_LOG_FORMAT = savedFormat;
});

describe('worker log format', () => {
  it('prints lines for people in text format: time, level, [connector|task], message, fields, stack trace', () => {
    const out = capture();
    const log = createLogger({ level: 'info', format: 'text' }, out.stream);
    connectorLogger(log, 'orders-sink', 0).info(
      { partitions: ['orders-0'] },
      'partitions assigned',
    );
    connectorLogger(log, 'orders-sink').warn('connector restarted');
    log.error({ err: new Error('disk full') }, 'the worker could not start');
    const lines = out.text().split('\n');
    expect(lines[0]).toMatch(
      /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] INFO \[orders-sink\|task-0\] partitions assigned partitions=\["orders-0"\]$/,
    );
    expect(lines[1]).toMatch(/\] WARN \[orders-sink\|worker\] connector restarted$/);
    expect(lines[2]).toMatch(/\] ERROR the worker could not start$/);
    expect(lines[3]).toBe('    Error: disk full');
    expect(lines[4]).toMatch(/^ {4}at /);
    expect(out.text()).not.toContain('"level"');
  });

  it('keeps JSON lines when given a stream and no format', () => {
    const out = capture();
    connectorLogger(createLogger({ level: 'info' }, out.stream), 'c', 1).info('hello');
    expect(entries(out.text())).toEqual([
      expect.objectContaining({ level: 30, connector: 'c', task: 1, msg: 'hello' }),
    ]);
  });

  it('picks text on a terminal and JSON otherwise; log.format forces one, SLUICE_LOG_FORMAT beats both', () => {
    delete process.env.SLUICE_LOG_FORMAT;
    expect(logFormat(null, { isTTY: true })).toBe('text');
    expect(logFormat(undefined, { isTTY: false })).toBe('json');
    expect(logFormat('json', { isTTY: true })).toBe('json');
    expect(logFormat('TEXT', { isTTY: false })).toBe('text');
    process.env.SLUICE_LOG_FORMAT = 'json';
    expect(logFormat('text', { isTTY: true })).toBe('json');
  });
});

describe('kafkajs log lines', () => {
  function kafkajsLog(level: number, log: Record<string, unknown>) {
    const out = capture();
    kafkaLogCreator(createLogger({ level: 'debug' }, out.stream))()({
      namespace: 'test',
      level,
      label: 'ERROR',
      log: { timestamp: 'now', logger: '@sluice/kafkajs', message: '', ...log },
    } as never);
    return entries(out.text())[0];
  }

  it('logs conditions kafkajs retries as warnings, not errors', () => {
    const retried = [
      // The group coordinator is still loading its offsets after the broker started.
      {
        message: 'Response FindCoordinator(key: 10, version: 2)',
        error: "The coordinator is loading and hence can't process requests for this group",
      },
      // The broker is not reachable yet.
      { message: 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', broker: 'x' },
      {
        message: 'Failed to connect to seed broker, trying another broker from the list: x',
        retryCount: 0,
        retryTime: 300,
      },
      { message: 'Restarting the consumer in 300ms', retryCount: 1, retryTime: 300 },
    ];
    for (const log of retried) {
      expect(kafkajsLog(logLevel.ERROR, log), log.message).toMatchObject({
        level: 40,
        msg: log.message,
      });
    }
  });

  it('logs a group rebalancing at debug: its members join again as a matter of course', () => {
    expect(
      kafkajsLog(logLevel.ERROR, {
        message: 'Response Heartbeat(key: 12, version: 3)',
        error: 'The group is rebalancing, so a rejoin is needed',
      }),
    ).toMatchObject({ level: 20 });
  });

  it('logs a topic without metadata yet at debug: the producer or consumer waiting for it says so', () => {
    expect(
      kafkajsLog(logLevel.ERROR, {
        message: 'Response Metadata(key: 3, version: 6)',
        error: 'This server does not host this topic-partition',
      }),
    ).toMatchObject({ level: 20 });
  });

  it('keeps errors kafkajs does not retry at error level, and its info lines at debug', () => {
    expect(
      kafkajsLog(logLevel.ERROR, {
        message: 'Response SaslAuthenticate(key: 36, version: 1)',
        error:
          'Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN',
      }),
    ).toMatchObject({ level: 50 });
    expect(
      kafkajsLog(logLevel.ERROR, { message: 'Crash: KafkaJSNonRetriableError: boom' }),
    ).toMatchObject({ level: 50 });
    expect(kafkajsLog(logLevel.INFO, { message: 'Consumer has joined the group' })).toMatchObject({
      level: 20,
    });
  });
});

describe('plugin list at start', () => {
  it('is one short line: counts per kind and the packages, the full list at debug', async () => {
    const out = capture();
    await loadPlugins({ log: createLogger({ level: 'debug' }, out.stream) });
    const [summary, full] = entries(out.text());
    expect(summary).toMatchObject({
      level: 30,
      msg: expect.stringMatching(
        /^Found \d+ plugins in 1 package: \d+ converter, \d+ header-converter$/,
      ),
      packages: [expect.stringMatching(/^@sluice\/runtime@\d+\.\d+\.\d+/)],
    });
    expect(JSON.stringify(summary).length).toBeLessThan(400);
    expect(full).toMatchObject({ level: 20, plugins: expect.any(Array) });
  });
});
