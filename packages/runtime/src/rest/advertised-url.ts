import { hostname } from 'node:os';
import { ConfigException } from '@sluice/api';
import { parseListener } from './rest-server.js';

/**
 * The URL other workers and clients reach this worker at (Kafka's RestServer.advertisedUrl): the
 * protocol of `rest.advertised.listener` or the first listener, `rest.advertised.host.name` or
 * the listener's host (this machine's name when it listens on every address),
 * `rest.advertised.port` or the port the listener got. Its `host:port` is the `worker_id` in
 * statuses.
 */
export function advertisedUrl(
  props: Readonly<Record<string, string>>,
  listening: readonly string[],
): string {
  const first = listening[0];
  if (!first) throw new ConfigException('The worker needs a REST listener', { key: 'listeners' });
  const advertised = props['rest.advertised.listener'];
  const protocol =
    advertised === 'http' || advertised === 'https' ? advertised : parseListener(first).protocol;
  const bound =
    listening.map((u) => parseListener(u)).find((l) => l.protocol === protocol) ??
    parseListener(first);
  const wildcard = bound.host === '0.0.0.0' || bound.host === '::' || bound.host === '';
  const host = props['rest.advertised.host.name'] || (wildcard ? hostname() : bound.host);
  const port = props['rest.advertised.port'] || String(bound.port);
  return `${protocol}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
