import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ConfigException } from '@sluice/api';
import type { Herder } from '../herder/herder.js';
import { RequestTargetException } from '../herder/request-target.js';
import type { Logger } from '../logging/logger.js';
import type { Worker } from '../worker/worker.js';
import { ConnectMetrics, type MetricsSource } from './connect-metrics.js';
import { ConnectorOffsetsAdmin } from './connector-offsets.js';
import { connectorPluginsRoutes } from './connector-plugins-resource.js';
import { connectorsRoutes } from './connectors-resource.js';
import { consoleRoutes } from './console-resource.js';
import { CorsPolicy } from './cors-policy.js';
import { LoggerLevels } from './logger-levels.js';
import { loggersRoutes } from './loggers-resource.js';
import { restRequest } from './rest-client.js';
import { errorResponse, RestException, RoutingException } from './rest-exception.js';
import { BasicAuthenticator, checkClientCertificate, listenerTlsOptions } from './rest-security.js';
import { rootRoutes } from './root-resource.js';
import { checkJsonContentType, type RestResponse, Router } from './router.js';

/** Which paths a server answers: `/admin/*` only, everything else, or all. */
type Serves = 'admin' | 'public' | 'all';

/** A host only this machine reaches. */
function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** Largest request body accepted (Kafka has no limit of its own; configs are small). */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;

export interface RestServerOptions {
  herder: Herder & MetricsSource;
  /** The worker under the herder: its plugins, offset store and Kafka admin. */
  worker: Worker;
  /** The worker's `listeners`: `http://host:port` URLs (port 0 picks a free port). */
  listeners: readonly string[];
  log: Logger;
  /** The root logger whose level `/admin/loggers` shows and changes. */
  rootLogger?: Logger;
  maxBodyBytes?: number;
  /**
   * A folder holding the web console (`index.html` and its assets), served at `/ui` unless the
   * worker config sets `rest.ui.enable=false`. The `sluice` command passes its bundled console.
   */
  uiDir?: string;
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
  private readonly cors: CorsPolicy;
  /** The levels `/admin/loggers` shows and changes (distributed mode applies cluster-wide ones). */
  readonly loggerLevels: LoggerLevels;

  constructor(private readonly o: RestServerOptions) {
    this.maxBodyBytes = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.cors = new CorsPolicy(
      o.worker.config.accessControlAllowOrigin,
      o.worker.config.accessControlAllowMethods,
    );
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
    const cluster = o.herder.clusterInfo?.bind(o.herder);
    if (cluster) this.router.add('GET', '/cluster', () => ({ status: 200, body: cluster() }));
    this.loggerLevels = new LoggerLevels(o.rootLogger ?? o.log);
    loggersRoutes(this.router, this.loggerLevels, async (namespace, level) => {
      if (o.herder.setClusterLoggerLevel) await o.herder.setClusterLoggerLevel(namespace, level);
      else this.loggerLevels.set(namespace, level);
    });
    if (o.uiDir !== undefined && o.worker.config.restUiEnable) consoleRoutes(this.router, o.uiDir);
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

  /**
   * Starts listening on every listener (and admin listener); resolves with the URLs of the
   * listeners (actual ports), the first of which is the worker's advertised one.
   */
  async start(): Promise<string[]> {
    const { props, adminListeners } = this.o.worker.config;
    const auth = BasicAuthenticator.fromProps(props);
    // Kafka's admin.listeners: unset serves /admin/* on the listeners, empty serves it nowhere.
    const adminOnListeners = adminListeners === null;
    const urls: string[] = [];
    for (const listener of this.o.listeners)
      urls.push(await this.listen(listener, auth, adminOnListeners ? 'all' : 'public'));
    const adminUrls: string[] = [];
    for (const listener of adminListeners ?? [])
      adminUrls.push(await this.listen(listener, auth, 'admin'));
    this.logStarted(urls, adminUrls, auth !== null);
    return urls;
  }

  /** One server; `serves` says which paths it answers (the admin ones, the others, or all). */
  private async listen(
    listener: string,
    auth: BasicAuthenticator | null,
    serves: Serves,
  ): Promise<string> {
    const { protocol, host, port } = parseListener(listener);
    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      this.handle(req, res, protocol, auth, serves).catch((error: unknown) => {
        this.o.log.error({ err: error, url: req.url }, 'REST response failed');
        // The client still gets Kafka's error body when nothing was sent yet, not a hang-up.
        if (res.headersSent) return void res.destroy();
        const payload = JSON.stringify({ error_code: 500, message: String(error) });
        res.writeHead(500, {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(payload)),
        });
        res.end(payload);
      });
    };
    const prefix = serves === 'admin' ? 'admin.listeners.https.' : 'listeners.https.';
    const server =
      protocol === 'https'
        ? createHttpsServer(listenerTlsOptions(this.o.worker.config.props, prefix), onRequest)
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
    return `${protocol}://${shownHost}:${address.port}`;
  }

  /** The start line says who can reach the API and how to change it. */
  private logStarted(urls: string[], adminUrls: string[], authenticated: boolean): void {
    const hosts = [...urls, ...adminUrls].map((u) => parseListener(u).host);
    const context = { urls, ...(adminUrls.length > 0 ? { adminUrls } : {}) };
    if (hosts.every(isLoopback)) {
      this.o.log.info(
        context,
        `REST API listening on ${urls.join(', ')}, reachable from this machine only; to serve other machines set listeners=http://0.0.0.0:8083 (or https://, with rest.basic.auth.credentials.file) in the worker config`,
      );
    } else if (!authenticated) {
      this.o.log.warn(
        context,
        `REST API listening on ${urls.join(', ')} without authentication: anyone who reaches it can create connectors; set rest.basic.auth.credentials.file, or listeners on loopback`,
      );
    } else {
      this.o.log.info(context, `REST API listening on ${urls.join(', ')}`);
    }
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
    serves: Serves,
  ): Promise<void> {
    const started = Date.now();
    let textRead: Promise<string> | null = null;
    const text = () => {
      textRead ??= this.readText(req);
      return textRead;
    };
    let response: RestResponse | null = null;
    let failure: unknown;
    const cors = this.cors.headers(req);
    if (cors.preflight) {
      req.resume();
      res.writeHead(204, cors.headers);
      res.end();
      return;
    }
    try {
      checkClientCertificate(req);
      this.cors.check(req, cors.allowed);
      auth?.check(req);
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      const admin = url.pathname === '/admin' || url.pathname.startsWith('/admin/');
      if (admin ? serves === 'public' : serves === 'admin')
        throw new RoutingException(404, 'HTTP 404 Not Found');
      const { handler, params, options } = this.router.match(method, url.pathname);
      if (!options.anyContentType) checkJsonContentType(req.headers['content-type']);
      response = await handler({
        method,
        params,
        query: url.searchParams,
        headers: req.headers,
        text,
        body: async () => parseBody(await text(), req, !options.anyContentType),
      });
    } catch (error) {
      failure = error;
      // Kafka's HerderRequestHandler: a request for the leader (or the owner of a connector or
      // task) goes to it, at most two hops from the client.
      const forward = new URL(req.url ?? '/', 'http://localhost').searchParams.get('forward');
      if (error instanceof RequestTargetException && error.forwardUrl && forward !== 'false') {
        try {
          response = await this.forward(req, error.forwardUrl, await text(), forward === null);
        } catch (forwardError) {
          this.o.log.warn(
            { err: (forwardError as Error).message, target: error.forwardUrl },
            'forwarding a request to another worker failed',
          );
        }
      }
    }
    let withContentType = true;
    if (response === null) {
      const mapped = errorResponse(failure);
      if (mapped.status >= 500)
        this.o.log.error({ err: failure, url: req.url }, 'REST request failed');
      response = { status: mapped.status, body: mapped.body };
      if (mapped.status === 401) response.headers = { 'www-authenticate': 'Basic realm="Sluice"' };
      withContentType = !(failure instanceof RoutingException);
    }
    // Drain an unread body so the connection can be reused.
    req.resume();
    const headers: Record<string, string> = { ...cors.headers, ...response.headers };
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
   * Sends a request on to another worker (`?forward=true` from the first worker, `false` from the
   * second, so it is not passed on again) and answers with its response as it is.
   */
  private async forward(
    req: IncomingMessage,
    target: string,
    body: string,
    again: boolean,
  ): Promise<RestResponse> {
    const url = new URL(req.url ?? '/', target);
    url.searchParams.set('forward', String(again));
    const headers: Record<string, string> = {};
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    const res = await restRequest(
      url.toString(),
      req.method ?? 'GET',
      body === '' ? null : body,
      headers,
    );
    if (res.status === 204 || res.text === '') return { status: res.status };
    return {
      status: res.status,
      text: { body: res.text, contentType: res.headers['content-type'] ?? 'application/json' },
      ...(res.headers.location ? { headers: { location: res.headers.location } } : {}),
    };
  }

  /** The request body as sent (signed requests check its exact bytes). */
  private readText(req: IncomingMessage): Promise<string> {
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
        if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
      });
    });
  }
}

/**
 * Parses a JSON body. With `json`, a body sent without a Content-Type is refused as Jersey refuses
 * it (it takes it as application/octet-stream, which no JSON reader accepts).
 */
function parseBody(text: string, req: IncomingMessage, json: boolean): unknown {
  if (json && text.length > 0 && req.headers['content-type'] === undefined)
    throw new RestException(415, 'HTTP 415 Unsupported Media Type');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new RestException(400, `Invalid JSON in the request body: ${(error as Error).message}`);
  }
}
