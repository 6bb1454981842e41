import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigDef, type ConnectRecord } from '@sluice/api';
import { kafkaBrokers } from '@sluice/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { StringConverter } from '../src/converters/string-converter.js';
import type { StandaloneHerder } from '../src/herder/standalone-herder.js';
import { createStandalone } from '../src/herder/standalone-worker.js';
import { builtinPlugin } from '../src/plugins/plugin-registry.js';
import {
  capturingLogger,
  closeClients,
  createTopic,
  produce,
  REPO_PLUGIN_PATH,
  uniqueName,
  waitFor,
} from './harness.js';
import { CollectingSinkConnector, sinkLog, testPlugins } from './test-plugins.js';

/** A transform whose close() throws. */
class FailingCloseTransform {
  configure(): void {}
  apply(record: ConnectRecord): ConnectRecord {
    return record;
  }
  config(): ConfigDef<object> {
    return new ConfigDef() as ConfigDef<object>;
  }
  close(): void {
    throw new Error('transform close exploded');
  }
}

/** A converter whose close() throws. */
class FailingCloseConverter extends StringConverter {
  override close(): void {
    throw new Error('converter close exploded');
  }
}

/** A sink connector whose stop() throws. */
class FailingStopSink extends CollectingSinkConnector {
  override stop(): void {
    throw new Error('connector stop exploded');
  }
}

let herder: StandaloneHerder | undefined;

afterAll(async () => {
  await herder?.stop();
  await closeClients();
});

describe('close failures', () => {
  it('logs a failing transforms close, converter close and connector stop with the connector and task, and still closes the rest', async () => {
    const { log, lines } = capturingLogger('warn');
    const dir = await mkdtemp(join(tmpdir(), 'sluice-close-'));
    const made = await createStandalone(
      {
        'bootstrap.servers': kafkaBrokers().join(','),
        'key.converter': 'StringConverter',
        'value.converter': 'StringConverter',
        'offset.storage.file.filename': join(dir, 'offsets.json'),
        'plugin.path': REPO_PLUGIN_PATH,
      },
      {
        log,
        extraPlugins: [
          ...testPlugins(),
          builtinPlugin('transform', 'FailingClose', [], FailingCloseTransform, '1.0.0', 'test'),
          builtinPlugin(
            'converter',
            'FailingCloseConverter',
            [],
            FailingCloseConverter,
            '1.0.0',
            'test',
          ),
          builtinPlugin('sink', 'FailingStopSink', [], FailingStopSink, '1.0.0', 'test'),
        ],
      },
    );
    herder = made.herder;
    await herder.start();
    const topic = uniqueName('close');
    await createTopic(topic);
    await produce(topic, ['x']);
    const name = uniqueName('closing');
    await herder.putConnectorConfig(
      name,
      {
        name,
        'connector.class': 'FailingStopSink',
        topics: topic,
        transforms: 'first,second',
        'transforms.first.type': 'FailingClose',
        'transforms.second.type': 'FailingClose',
        'value.converter': 'FailingCloseConverter',
        'key.converter': 'FailingCloseConverter',
      },
      false,
    );
    await waitFor('the sink gets the record', () => sinkLog(name).values.length === 1);
    await herder.deleteConnector(name);

    // Validation closes the plugins it created too (on the worker's log); these are the task's.
    const about = (msg: string) => lines.filter((l) => l.msg === msg && l.task === 0);
    for (const msg of [
      'closing the transform first failed',
      'closing the transform second failed',
      'closing the converter key failed',
      'closing the converter value failed',
    ]) {
      expect(about(msg), msg).toHaveLength(1);
      expect(about(msg)[0]).toMatchObject({ level: 40, connector: name, task: 0 });
    }
    expect(about('closing the transform first failed')[0]?.err).toMatchObject({
      message: 'transform close exploded',
    });
    expect(about('closing the converter value failed')[0]).toMatchObject({
      class: 'FailingCloseConverter',
    });
    const stop = lines.filter((l) => l.msg === 'connector stop() failed');
    expect(stop).toHaveLength(1);
    expect(stop[0]).toMatchObject({ level: 40, connector: name });
    expect(stop[0]?.err).toMatchObject({ message: 'connector stop exploded' });
  });
});
