/**
 * Runs Apache Kafka Connect and Sluice standalone workers side by side on the test Kafka, sends
 * them the same REST requests and lists where their answers differ, after normalising only what
 * must differ between two workers: their names for the same things (connector names, topics and
 * files carry a per-worker prefix, worker ids, ports), stack traces, versions, documentation
 * strings and plugin class names (Sluice lists its plugins by package-qualified name).
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlugins, silentLogger } from '@sluice/runtime';
import {
  createTopicsAndWait,
  ephemeralPort,
  installKafkaConnect,
  kafkaBrokers,
  startConnectWorker,
  type WorkerProcess,
  type WorkerSystem,
} from '@sluice/test-fixtures';
import { Kafka, logLevel } from 'kafkajs';
import { SLUICE_BIN } from './sluice-process.js';

const WORKER_DIR = join(SLUICE_BIN, '..', '..');

/** One REST request; `{p}` in the path or body is the worker's prefix, `{dir}` its folder. */
export interface ParityRequest {
  readonly method: string;
  readonly path: string;
  /** A JSON value, or a string sent as is. */
  readonly body?: unknown;
  /** Default `application/json` when there is a body; null sends none. */
  readonly contentType?: string | null;
}

/** What a worker answered, normalised. */
export interface ParityAnswer {
  readonly status: number;
  readonly contentType: string | null;
  readonly location: string | null;
  readonly body: unknown;
}

/** One of the two workers under test. */
export interface ParityWorker {
  readonly system: WorkerSystem;
  /** Connector names, topics and files of this worker start with it. */
  readonly prefix: string;
  readonly dir: string;
  readonly url: string;
  readonly process: WorkerProcess;
}

const STRING_CONVERTER = 'org.apache.kafka.connect.storage.StringConverter';

/** What each worker gets: its own topics, input file and offsets file. */
async function prepare(system: WorkerSystem, run: string) {
  const prefix = `${system === 'kafka-connect' ? 'kc' : 'sl'}${run}`;
  const dir = await mkdtemp(join(tmpdir(), `parity-${prefix}-`));
  await mkdir(join(dir, 'a-directory'));
  await writeFile(join(dir, 'in.txt'), 'one\ntwo\nthree\n');
  const port = await ephemeralPort();
  return { prefix, dir, port };
}

/**
 * Starts both workers with the same worker config and one connector from the command line
 * (`{p}-initial`, a file source); resolves once both answer `GET /connectors`.
 */
export async function startParityWorkers(
  topics: readonly string[],
): Promise<{ kafka: ParityWorker; sluice: ParityWorker }> {
  const install = await installKafkaConnect();
  const run = Math.random().toString(36).slice(2, 8);
  const admin = new Kafka({
    brokers: kafkaBrokers(),
    clientId: 'rest-parity',
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  const workers: ParityWorker[] = [];
  try {
    for (const system of ['kafka-connect', 'sluice'] as const) {
      const { prefix, dir, port } = await prepare(system, run);
      await createTopicsAndWait(
        admin,
        topics.map((t) => ({ topic: t.replaceAll('{p}', prefix) })),
      );
      const process = await startConnectWorker({
        system,
        dir,
        kafkaConnect: install,
        sluiceBin: SLUICE_BIN,
        env: { SLUICE_LOG_LEVEL: 'info' },
        worker: {
          'bootstrap.servers': kafkaBrokers().join(','),
          'key.converter': STRING_CONVERTER,
          'value.converter': STRING_CONVERTER,
          'offset.storage.file.filename': join(dir, 'connect.offsets'),
          'offset.flush.interval.ms': '1000',
          listeners: `http://127.0.0.1:${port}`,
        },
        connectors: [
          {
            name: `${prefix}-initial`,
            'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
            file: join(dir, 'in.txt'),
            topic: `${prefix}-lines`,
          },
        ],
      });
      workers.push({ system, prefix, dir, url: `http://127.0.0.1:${port}`, process });
    }
  } finally {
    await admin.disconnect();
  }
  for (const w of workers) await waitForRest(w);
  const [kafka, sluice] = workers as [ParityWorker, ParityWorker];
  return { kafka, sluice };
}

async function waitForRest(worker: ParityWorker): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (worker.process.child.exitCode !== null)
      throw new Error(`${worker.system} exited early; see ${worker.process.logFile}`);
    try {
      const res = await fetch(`${worker.url}/connectors`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline)
      throw new Error(`${worker.system} did not serve REST in time; see ${worker.process.logFile}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function substitute(text: string, worker: ParityWorker): string {
  return text.replaceAll('{p}', worker.prefix).replaceAll('{dir}', worker.dir);
}

/** Sends one request to one worker and returns its raw answer (body parsed when JSON). */
export async function send(worker: ParityWorker, request: ParityRequest): Promise<ParityAnswer> {
  const init: RequestInit = { method: request.method };
  if (request.body !== undefined) {
    const raw = typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
    // As bytes: fetch would add a text/plain Content-Type to a string body.
    init.body = Buffer.from(substitute(raw, worker));
  }
  const contentType =
    request.contentType === undefined && request.body !== undefined
      ? 'application/json'
      : request.contentType;
  if (typeof contentType === 'string') init.headers = { 'content-type': contentType };
  const res = await fetch(`${worker.url}${substitute(request.path, worker)}`, init);
  const text = await res.text();
  let body: unknown = text === '' ? null : text;
  try {
    if (text !== '') body = JSON.parse(text);
  } catch {
    // not JSON: compared as text
  }
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    location: res.headers.get('location'),
    body,
  };
}

/** Plugin names Sluice lists (package-qualified) → the Java class name Kafka lists. */
export async function javaPluginNames(): Promise<Map<string, string>> {
  const { registry } = await loadPlugins({ dependencyRoots: [WORKER_DIR], log: silentLogger() });
  const names = new Map<string, string>();
  for (const p of registry.list()) {
    const java = p.aliases.find((a) => a.startsWith('org.apache.kafka.'));
    if (java !== undefined) names.set(p.qualifiedName, java);
  }
  return names;
}

/**
 * Fields whose values only say which worker, process or build answered, or are written in each
 * system's own words or language: stack traces, documentation, and the task class (a Java class
 * against a JavaScript one).
 */
const OPAQUE_FIELDS: Record<string, string> = {
  worker_id: '{worker}',
  trace: '{trace}',
  documentation: '{documentation}',
  commit: '{commit}',
  kafka_cluster_id: '{cluster}',
  'task.class': '{task class}',
  last_modified: '{time}',
};

/** Where a message lists the installed plugins: each system lists its own. */
const PLUGIN_LIST = /(available connectors are: |Installed [a-z-]+ plugins: ).*$/s;

/** The order of plugin types in Kafka's listing. */
const TYPE_ORDER = [
  'sink',
  'source',
  'transformation',
  'predicate',
  'converter',
  'header_converter',
];

/**
 * Rewrites an answer so what must differ between the workers does not: the prefix, folder and
 * port, opaque fields, versions (any value equal to one of `versions`) and plugin names.
 */
export function normalise(
  answer: ParityAnswer,
  worker: ParityWorker,
  versions: ReadonlySet<string>,
  pluginNames: ReadonlyMap<string, string>,
): ParityAnswer {
  const port = new URL(worker.url).port;
  const text = (s: string): string => {
    const mapped = pluginNames.get(s);
    if (mapped !== undefined) return mapped;
    if (versions.has(s)) return '{version}';
    let out = s;
    for (const v of versions) out = out.replaceAll(`[${v}]`, '[{version}]');
    return out
      .replace(PLUGIN_LIST, '$1{plugins}')
      .replaceAll(worker.dir, '{dir}')
      .replaceAll(worker.prefix, '{p}')
      .replaceAll(`127.0.0.1:${port}`, '{host}');
  };
  const walk = (value: unknown, key: string | null): unknown => {
    if (key !== null && key in OPAQUE_FIELDS && value !== null && value !== undefined)
      return OPAQUE_FIELDS[key];
    if (key === 'version' && typeof value === 'string') return '{version}';
    if (typeof value === 'string') return text(value);
    if (Array.isArray(value)) {
      const items = value.map((v) => walk(v, null));
      // Plugins are listed in the order of the names each system gives them; once mapped to the
      // Java names, compare them in Kafka's order.
      if (key === 'recommended_values') return items.sort();
      if (items.every(isPluginInfo)) return items.sort(byPluginOrder);
      return items;
    }
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[text(k)] = walk(v, k);
      return out;
    }
    return value;
  };
  return {
    status: answer.status,
    contentType: answer.contentType?.split(';')[0]?.trim().toLowerCase() ?? null,
    location: answer.location === null ? null : text(answer.location),
    body: walk(answer.body, null),
  };
}

function isPluginInfo(v: unknown): v is { class: string; type: string } {
  return (
    v !== null &&
    typeof v === 'object' &&
    typeof (v as { class?: unknown }).class === 'string' &&
    typeof (v as { type?: unknown }).type === 'string'
  );
}

function byPluginOrder(a: unknown, b: unknown): number {
  const x = a as { class: string; type: string };
  const y = b as { class: string; type: string };
  return (
    TYPE_ORDER.indexOf(x.type) - TYPE_ORDER.indexOf(y.type) ||
    (x.class < y.class ? -1 : x.class > y.class ? 1 : 0)
  );
}

/** How an array element is matched with its counterpart: by name, plugin, id, else position. */
function elementKey(value: unknown, index: number): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    if ('definition' in v || ('value' in v && typeof v.value === 'object')) {
      const def = v.definition as { name?: string } | null;
      const val = v.value as { name?: string } | null;
      return `name=${def?.name ?? val?.name}`;
    }
    if (typeof v.class === 'string' && typeof v.type === 'string') return `${v.type}:${v.class}`;
    if (typeof v.name === 'string') return `name=${v.name}`;
    if (v.id !== undefined) return `id=${JSON.stringify(v.id)}`;
  }
  return String(index);
}

function withoutErrorCode(answer: ParityAnswer): unknown {
  const body = answer.body as Record<string, unknown> | null;
  if (body === null || typeof body !== 'object' || body.error_code !== answer.status) return body;
  const { error_code: _, ...rest } = body;
  return rest;
}

function show(value: unknown): string {
  return value === undefined ? '(absent)' : JSON.stringify(value);
}

/** Every leaf where two normalised answers differ, as `<where>: kafka <x> | sluice <y>`. */
export function differences(label: string, kafka: ParityAnswer, sluice: ParityAnswer): string[] {
  const out: string[] = [];
  const diff = (a: unknown, b: unknown, path: string): void => {
    if (Array.isArray(a) && Array.isArray(b)) {
      const ka = a.map(elementKey);
      const kb = b.map(elementKey);
      const keyed = ka.some((k, i) => k !== String(i));
      if (!keyed) {
        for (let i = 0; i < Math.max(a.length, b.length); i++) diff(a[i], b[i], `${path}[${i}]`);
        return;
      }
      const common = ka.filter((k) => kb.includes(k));
      if (common.join('\n') !== kb.filter((k) => ka.includes(k)).join('\n'))
        out.push(`${label} ${path}: order differs`);
      for (const [i, k] of ka.entries()) diff(a[i], b[kb.indexOf(k)], `${path}[${k}]`);
      for (const [i, k] of kb.entries())
        if (!ka.includes(k)) diff(undefined, b[i], `${path}[${k}]`);
      return;
    }
    if (
      a !== null &&
      b !== null &&
      typeof a === 'object' &&
      typeof b === 'object' &&
      !Array.isArray(a) &&
      !Array.isArray(b)
    ) {
      const ao = a as Record<string, unknown>;
      const bo = b as Record<string, unknown>;
      for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)]))
        diff(ao[k], bo[k], `${path}.${k}`);
      return;
    }
    if (JSON.stringify(a) !== JSON.stringify(b))
      out.push(`${label} ${path}: kafka ${show(a)} | sluice ${show(b)}`);
  };
  if (kafka.status !== sluice.status)
    out.push(`${label} status: kafka ${kafka.status} | sluice ${sluice.status}`);
  if (kafka.contentType !== sluice.contentType)
    out.push(
      `${label} content-type: kafka ${show(kafka.contentType)} | sluice ${show(sluice.contentType)}`,
    );
  if (kafka.location !== sluice.location)
    out.push(`${label} location: kafka ${show(kafka.location)} | sluice ${show(sluice.location)}`);
  // An error body's error_code repeats the status (compared above).
  diff(withoutErrorCode(kafka), withoutErrorCode(sluice), 'body');
  return out;
}
