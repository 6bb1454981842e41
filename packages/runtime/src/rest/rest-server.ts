import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ConfigException } from '@sluice/api';
import type { StandaloneHerder } from '../herder/standalone-herder.js';
import type { Logger } from '../logging/logger.js';
import type { Worker } from '../worker/worker.js';
import { ConnectMetrics } from './connect-metrics.js';
import { ConnectorOffsetsAdmin } from './connector-offsets.js';
import { connectorPluginsRoutes } from './connector-plugins-resource.js';
import { connectorsRoutes } from './connectors-resource.js';
import { loggersRoutes } from './loggers-resource.js';
import { errorResponse, RestException, RoutingException } from './rest-exception.js';
import { BasicAuthenticator, listenerTlsOptions } from './rest-security.js';
import { rootRoutes } from './root-resource.js';
import { checkJsonContentType, type RestResponse, Router } from './router.js';

/** Largest request body accepted (Kafka has no limit of its own; configs are small). */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface RestServerOptions {
  herder: StandaloneHerder;
  /** The worker under the herder: its plugins, offset store and Kafka admin. */
  worker: Worker;
  /** The worker's `listeners`: `http://host:port` URLs (port 0 picks a free port). */
  listeners: readonly string[];
  log: Logger;
  /** The root logger whose level `/admin/loggers` shows and changes. */
  rootLogger?: Logger;
  maxBodyBytes?: number;
}

/** Parses one `listeners` entry: `http://host:port` or `https://host:port`. */
export function parseListener(listener: string): {
  protocol: 'http' | 'https';
  host: string;
  port: number;
} {
  let url: URL;
  try {
    url = new URL(listener.trim());
  } catch {
    throw ConfigException.invalid('listeners', listener, 'not a URL such as http://0.0.0.0:8083');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw ConfigException.invalid(
      'listeners',
      listener,
      `the ${url.protocol.replace(':', '')} protocol is not supported; use http://host:port or https://host:port`,
    );
  }
  const protocol = url.protocol === 'https:' ? 'https' : 'http';
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? (protocol === 'https' ? 443 : 80) : Number(url.port);
  return { protocol, host: host === '' ? '0.0.0.0' : host, port };
}

/**
 * Kafka Connect's REST API over node's http module, one server per `listeners` entry. Paths,
 * status codes and bodies follow Kafka's ConnectorsResource, ConnectorPluginsResource,
 * RootResource and LoggingResource; every error answers `{"error_code", "message"}`.
 */
export class RestServer {
  private readonly router = new Router();
  private readonly servers: Server[] = [];
  private readonly maxBodyBytes: number;

  constructor(private readonly o: RestServerOptions) {
    this.maxBodyBytes = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    let clusterId: Promise<string> | null = null;
    rootRoutes(this.router, () => {
      clusterId ??= o.worker.kafkaAdmin().then((admin) => admin.clusterId());
      // Asked again next time if Kafka could not be reached.
      clusterId.catch(() => {
        clusterId = null;
      });
      return clusterId;
    });
    connectorsRoutes(this.router, o.herder, new ConnectorOffsetsAdmin(o.herder, o.worker), {
      enable: o.worker.config.topicTrackingEnable,
      allowReset: o.worker.config.topicTrackingAllowReset,
    });
    connectorPluginsRoutes(this.router, o.herder, o.worker.plugins, o.worker.workerConverters());
    loggersRoutes(this.router, o.rootLogger ?? o.log);
    const metrics = new ConnectMetrics(o.herder);
    this.router.add(
      'GET',
      '/metrics',
      async () => {
        const { text, contentType } = await metrics.scrape();
        return { status: 200, text: { body: text, contentType } };
      },
      { anyContentType: true },
    );
  }

  /** Starts listening on every listener; resolves with their URLs (actual ports). */
  async start(): Promise<string[]> {
    const urls: string[] = [];
    const auth = BasicAuthenticator.fromProps(this.o.worker.config.props);
    for (const listener of this.o.listeners) {
      const { protocol, host, port } = parseListener(listener);
      const onRequest = (req: IncomingMessage, res: ServerResponse) => {
        this.handle(req, res, protocol, auth).catch((error: unknown) => {
          this.o.log.error({ err: error }, 'REST response failed');
          res.destroy();
        });
      };
      const server =
        protocol === 'https'
          ? createHttpsServer(listenerTlsOptions(this.o.worker.config.props), onRequest)
          : createServer(onRequest);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      this.servers.push(server);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      urls.push(`${protocol}://${shownHost}:${address.port}`);
    }
    this.o.log.info({ urls }, 'REST API listening');
    return urls;
  }

  /** Stops accepting requests and closes open connections. */
  async stop(): Promise<void> {
    await Promise.all(
      this.servers.splice(0).map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
  }

  private async handle(
    req: IncomingMessage,
    res: ServerResponse,
    protocol: 'http' | 'https',
    auth: BasicAuthenticator | null,
  ): Promise<void> {
    const started = Date.now();
    let response: RestResponse;
    let withContentType = true;
    try {
      auth?.check(req);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      const { handler, params, options } = this.router.match(method, url.pathname);
      if (!options.anyContentType) checkJsonContentType(req.headers['content-type']);
      let bodyRead: Promise<unknown> | null = null;
      response = await handler({
        method,
        params,
        query: url.searchParams,
        body: () => {
          bodyRead ??= this.readBody(req, !options.anyContentType);
          return bodyRead;
        },
      });
    } catch (error) {
      const mapped = errorResponse(error);
      if (mapped.status >= 500)
        this.o.log.error({ err: error, url: req.url }, 'REST request failed');
      response = { status: mapped.status, body: mapped.body };
      if (mapped.status === 401) response.headers = { 'www-authenticate': 'Basic realm="Sluice"' };
      withContentType = !(error instanceof RoutingException);
    }
    // Drain an unread body so the connection can be reused.
    req.resume();
    const headers: Record<string, string> = { ...response.headers };
    // A created resource's Location is absolute, on the host the client addressed (as JAX-RS
    // builds it from the request URI).
    if (headers.location?.startsWith('/'))
      headers.location = `${protocol}://${req.headers.host ?? 'localhost'}${headers.location}`;
    let payload: string | undefined;
    if (response.text) {
      payload = response.text.body;
      headers['content-type'] = response.text.contentType;
      headers['content-length'] = String(Buffer.byteLength(payload));
    } else if (response.status !== 204 && response.body !== undefined) {
      payload = JSON.stringify(response.body);
      if (withContentType) headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    } else if (response.status !== 204) {
      headers['content-length'] = '0';
    }
    res.writeHead(response.status, headers);
    res.end(payload);
    this.o.log.debug(
      { method: req.method, url: req.url, status: response.status, ms: Date.now() - started },
      'REST request',
    );
  }

  /**
   * Reads and parses a JSON body. With `json`, a body sent without a Content-Type is refused as
   * Jersey refuses it (it takes it as application/octet-stream, which no JSON reader accepts).
   */
  private readBody(req: IncomingMessage, json: boolean): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let failed = false;
      req.on('data', (chunk: Buffer) => {
        if (failed) return;
        size += chunk.length;
        if (size > this.maxBodyBytes) {
          failed = true;
          reject(
            new RestException(
              413,
              `The request body is larger than the limit of ${this.maxBodyBytes} bytes`,
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      req.on('error', reject);
      req.on('end', () => {
        if (failed) return;
        const text = Buffer.concat(chunks).toString('utf8');
        if (json && size > 0 && req.headers['content-type'] === undefined) {
          reject(new RestException(415, 'HTTP 415 Unsupported Media Type'));
          return;
        }
        if (text.trim() === '') {
          resolve(undefined);
          return;
        }
        try {
          resolve(JSON.parse(text));
        } catch (error) {
          reject(
            new RestException(400, `Invalid JSON in the request body: ${(error as Error).message}`),
          );
        }
      });
    });
  }
}
