import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigDef,
  type ConnectorProps,
  SinkConnector,
  type SinkTask,
  type TaskClass,
} from '@sluice/api';
import { kafkaBrokers } from '@sluice/test-fixtures';
import { StringConverter } from '../src/converters/string-converter.js';
import type { StandaloneHerder } from '../src/herder/standalone-herder.js';
import { createStandalone } from '../src/herder/standalone-worker.js';
import type { Logger } from '../src/logging/logger.js';
import { builtinPlugin } from '../src/plugins/plugin-registry.js';
import { RestServer } from '../src/rest/rest-server.js';
import { REPO_PLUGIN_PATH, testLog } from './harness.js';
import { CollectingSinkTask, testPlugins } from './test-plugins.js';

/** A started standalone worker serving the REST API on a free loopback port. */
export interface RestWorker {
  herder: StandaloneHerder;
  server: RestServer;
  url: string;
  dir: string;
  stop(): Promise<void>;
}

/**
 * A sink with a PASSWORD key, to see secrets redacted in REST responses; its tasks (collecting
 * sink tasks, see `sinkLog`) get its config.
 */
export class SecretSinkConnector extends SinkConnector {
  private props: ConnectorProps = {};
  version(): string {
    return '1.0.0';
  }
  start(props: ConnectorProps): void {
    this.props = props;
  }
  taskClass(): TaskClass<SinkTask> {
    return CollectingSinkTask;
  }
  taskConfigs(maxTasks: number): ConnectorProps[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }
  stop(): void {}
  config(): ConfigDef<object> {
    return new ConfigDef().define('secret', {
      type: 'PASSWORD',
      importance: 'HIGH',
      documentation: 'A secret.',
    }) as ConfigDef<object>;
  }
}

/** A string converter with a PASSWORD setting, to see converter secrets redacted too. */
export class SecretConverter extends StringConverter {
  override config(): ConfigDef<object> {
    return new ConfigDef(super.config()).define('token', {
      type: 'PASSWORD',
      default: '',
      importance: 'HIGH',
      documentation: 'A secret.',
    }) as ConfigDef<object>;
  }
}

export async function startRestWorker(
  workerProps: Record<string, string> = {},
  log: Logger = testLog,
  rest: { uiDir?: string } = {},
): Promise<RestWorker> {
  const dir = await mkdtemp(join(tmpdir(), 'sluice-rest-'));
  const { herder, config, worker } = await createStandalone(
    {
      'bootstrap.servers': kafkaBrokers().join(','),
      'key.converter': 'StringConverter',
      'value.converter': 'StringConverter',
      'offset.storage.file.filename': join(dir, 'offsets.json'),
      'offset.flush.interval.ms': '500',
      'plugin.path': REPO_PLUGIN_PATH,
      listeners: 'http://127.0.0.1:0',
      ...workerProps,
    },
    {
      log,
      extraPlugins: [
        ...testPlugins(),
        builtinPlugin('sink', 'SecretSink', [], SecretSinkConnector, '1.0.0', 'test-plugins'),
        builtinPlugin('converter', 'SecretConverter', [], SecretConverter, '1.0.0', 'test-plugins'),
      ],
    },
  );
  await herder.start();
  const server = new RestServer({ herder, worker, listeners: config.listeners, log, ...rest });
  const [url] = await server.start();
  return {
    herder,
    server,
    url: url as string,
    dir,
    async stop() {
      await server.stop();
      await herder.stop();
    },
  };
}

/** What a call answered: status, headers and the parsed JSON body (undefined when empty). */
export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are checked field by field by the tests.
  body: any;
}

/** One HTTP call with a JSON body (a string is sent as is, to test malformed bodies). */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await fetch(`${base}${path}`, init);
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text === '' ? undefined : JSON.parse(text),
  };
}
