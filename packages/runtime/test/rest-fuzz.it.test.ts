import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeClients, createTopic, uniqueName } from './harness.js';
import { type RestWorker, startRestWorker } from './rest-harness.js';

// Bounded so the file runs in well under a minute on CI; a failure prints its seed to replay.
const RUNS = { numRuns: 1000 };

let w: RestWorker;
let topic: string;
const existing = 'fuzz-target';

beforeAll(async () => {
  w = await startRestWorker();
  topic = uniqueName('fuzz');
  await createTopic(topic);
  const created = await fetch(`${w.url}/connectors`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: existing,
      config: { 'connector.class': 'CollectingSink', topics: topic },
    }),
  });
  expect(created.status).toBe(201);
});

afterAll(async () => {
  await w?.stop();
  await closeClients();
});

/** Every route, `{c}` standing for a connector name and `{t}` for a task id. */
const ROUTES: Array<[string, string]> = [
  ['GET', '/'],
  ['GET', '/health'],
  ['GET', '/connectors'],
  ['POST', '/connectors'],
  ['GET', '/connectors/{c}'],
  ['DELETE', '/connectors/{c}'],
  ['GET', '/connectors/{c}/config'],
  ['PUT', '/connectors/{c}/config'],
  ['PATCH', '/connectors/{c}/config'],
  ['GET', '/connectors/{c}/status'],
  ['GET', '/connectors/{c}/tasks'],
  ['GET', '/connectors/{c}/tasks/{t}/status'],
  ['POST', '/connectors/{c}/tasks/{t}/restart'],
  ['POST', '/connectors/{c}/restart'],
  ['PUT', '/connectors/{c}/pause'],
  ['PUT', '/connectors/{c}/resume'],
  ['PUT', '/connectors/{c}/stop'],
  ['GET', '/connectors/{c}/topics'],
  ['PUT', '/connectors/{c}/topics/reset'],
  ['GET', '/connectors/{c}/offsets'],
  ['PATCH', '/connectors/{c}/offsets'],
  ['DELETE', '/connectors/{c}/offsets'],
  ['GET', '/connector-plugins'],
  ['GET', '/connector-plugins/{p}/config'],
  ['PUT', '/connector-plugins/{p}/config/validate'],
  ['GET', '/admin/loggers'],
  ['GET', '/admin/loggers/{l}'],
  ['PUT', '/admin/loggers/{l}'],
];

const KEYS = [
  'name',
  'config',
  'connector.class',
  'topics',
  'topics.regex',
  'tasks.max',
  'initial_state',
  'offsets',
  'partition',
  'offset',
  'level',
  'transforms',
  'transforms.a.type',
  'errors.tolerance',
  'value.converter',
  'key.converter.schemas.enable',
];
const scalar = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('CollectingSink', 'DEBUG', 'PAUSED', 'STOPPED', '-1', '1e999', '', 'a,b'),
);
const configLike = fc.dictionary(fc.constantFrom(...KEYS), scalar, { maxKeys: 5 });
/** Bodies a client might send: valid-looking, mistyped, or not JSON at all. */
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ maxLength: 30 }),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  configLike.map((c) => JSON.stringify(c)),
  fc.record({ name: scalar, config: configLike }).map((c) => JSON.stringify(c)),
  fc
    .array(
      fc.record({
        partition: fc.jsonValue({ maxDepth: 1 }),
        offset: fc.jsonValue({ maxDepth: 1 }),
      }),
      {
        maxLength: 3,
      },
    )
    .map((offsets) => JSON.stringify({ offsets })),
);
/** Names that are properties of every JavaScript object: a lookup must not find them. */
const PROTOTYPE_NAMES = ['valueOf', 'constructor', '__proto__', 'toString', 'hasOwnProperty'];
const segment = fc.oneof(
  fc.constantFrom(existing, 'missing', '0', '-1', 'CollectingSink', 'root', '..', '%', '%2F', ' '),
  fc.constantFrom(...PROTOTYPE_NAMES),
  fc.string({ minLength: 1, maxLength: 8 }).map(encodeURIComponent),
);
const query = fc.constantFrom(
  '',
  '?expand=status',
  '?expand=info&expand=x',
  '?includeTasks=true&onlyFailed=x',
  '?connectorsOnly=false',
  '?forward=maybe',
  '?scope=cluster',
);

/**
 * Kafka's own 500s, kept on purpose (documented in the README): validating a config whose
 * connector.class names no installed connector, as Kafka's ConnectorPluginsResource answers.
 */
function kafkasOwn500(method: string, route: string, message: string): boolean {
  return (
    method === 'PUT' &&
    route.endsWith('/config/validate') &&
    /Connector config .* contains no connector type|Failed to find any class that implements Connector/.test(
      message,
    )
  );
}

/** One request as sent (fetch refuses a body on GET; a fuzzer sends one anyway). */
function send(method: string, url: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const length = body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) };
    const req = request(url, { method, headers: { ...headers, ...length } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Checks one answer: a 2xx, or a 4xx with Kafka's error body (a 5xx only where Kafka has one). */
async function expectAnswered(
  method: string,
  route: string,
  url: string,
  contentType: string | undefined,
  text: string | undefined,
) {
  const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
  const res = await send(method, url, headers, text);
  const answer = res.text;
  const context = `${method} ${url} ${contentType} ${text} → ${res.status} ${answer}`;
  if (res.status < 400) return;
  let error: { error_code: number; message: string };
  try {
    error = JSON.parse(answer);
  } catch {
    throw new Error(`not the error body: ${context}`);
  }
  expect(error.error_code, context).toBe(res.status);
  expect(error.message, context).toBeTypeOf('string');
  if (res.status >= 500) expect(kafkasOwn500(method, route, error.message), context).toBe(true);
}

function fill(route: string, name: string, other: string): string {
  return route
    .replace('{c}', name)
    .replace('{t}', other)
    .replace('{p}', other)
    .replace('{l}', other);
}

describe('REST fuzzing', () => {
  it('answers every endpoint addressed by a name every JavaScript object has', async () => {
    for (const [method, route] of ROUTES)
      for (const name of PROTOTYPE_NAMES)
        for (const other of [name, '0'])
          await expectAnswered(
            method,
            route,
            `${w.url}${fill(route, name, other)}`,
            'application/json',
            method === 'GET'
              ? undefined
              : JSON.stringify({ name, config: { [name]: name }, level: 'DEBUG' }),
          );
  });

  it('answers random and malformed requests on every endpoint with a 2xx or 4xx and the error body, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ROUTES),
        segment,
        segment,
        query,
        body,
        fc.constantFrom('application/json', 'text/plain', undefined),
        async ([method, route], name, other, q, text, contentType) => {
          await expectAnswered(
            method,
            route,
            `${w.url}${fill(route, name, other)}${q}`,
            contentType,
            text,
          );
        },
      ),
      RUNS,
    );
    // Still serving (the fuzzer may have deleted the connector, so not its status).
    expect((await fetch(`${w.url}/connectors`)).status).toBe(200);
    expect((await fetch(`${w.url}/`)).status).toBe(200);
  });
});
