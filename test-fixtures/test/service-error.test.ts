import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandLine, ServiceError } from '../src/service-error.js';

describe('ServiceError', () => {
  it('names the service, the command, the log with its last lines, and the env var', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sluice-error-'));
    const log = join(dir, 'kafka.log');
    const lines = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`);
    await writeFile(log, `${lines.join('\n')}\nERROR Address already in use\n`);

    const error = new ServiceError({
      service: 'kafka',
      problem: 'exited with code 1 before it was ready',
      command: commandLine('java', ['-cp', '/cache/kafka-4.1.1/libs/*', 'kafka.Kafka']),
      logFile: log,
      envVar: 'SLUICE_KAFKA_BROKERS',
      envExample: '127.0.0.1:9092',
    });

    expect(error.message).toMatch(/^kafka: exited with code 1 before it was ready/);
    expect(error.message).toContain("command: java -cp '/cache/kafka-4.1.1/libs/*' kafka.Kafka");
    expect(error.message).toContain(`log: ${log}`);
    expect(error.message).toContain('| ERROR Address already in use');
    expect(error.message).toContain('| line 40');
    expect(error.message).not.toContain('| line 5\n');
    expect(error.message).toContain(
      'set SLUICE_KAFKA_BROKERS (e.g. SLUICE_KAFKA_BROKERS=127.0.0.1:9092)',
    );
    expect(error).toMatchObject({ service: 'kafka', envVar: 'SLUICE_KAFKA_BROKERS', logFile: log });
  });

  it('includes the cause and still works without a log file', () => {
    const error = new ServiceError({
      service: 'redis',
      problem: 'SLUICE_REDIS_URL=redis://127.0.0.1:1 does not answer',
      envVar: 'SLUICE_REDIS_URL',
      cause: new Error('connect ECONNREFUSED 127.0.0.1:1'),
    });
    expect(error.message).toContain('cause: connect ECONNREFUSED 127.0.0.1:1');
    expect(error.message).toContain('set SLUICE_REDIS_URL');
    expect(error.message).not.toContain('log:');
  });

  it('tells the user to fix or unset the env var when the server it names fails', () => {
    const error = new ServiceError({
      service: 'redis',
      problem: 'SLUICE_REDIS_URL=redis://127.0.0.1:1 does not answer',
      envVar: 'SLUICE_REDIS_URL',
      envVarIsSet: true,
    });
    expect(error.message).toContain(
      'unset SLUICE_REDIS_URL to let Sluice install and start its own',
    );
    expect(error.message).not.toContain('log:');
  });
});
