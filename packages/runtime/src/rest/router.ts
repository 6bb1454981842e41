import { RestException, RoutingException } from './rest-exception.js';

/** A request as a handler sees it. */
export interface RestRequest {
  method: string;
  /** Path parameters (`{connector}`), decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body; a 400 when it is not JSON, undefined when empty. */
  body(): Promise<unknown>;
}

/** What a handler answers: a status, and a JSON body unless the status is 204 (or `text`). */
export interface RestResponse {
  status: number;
  body?: unknown;
  /** A body sent as is instead of JSON, with its content type. */
  text?: { body: string; contentType: string };
  headers?: Record<string, string>;
}

export type RestHandler = (request: RestRequest) => Promise<RestResponse> | RestResponse;

/** How a route treats the request's Content-Type. */
export interface RouteOptions {
  /**
   * Accept any Content-Type. By default a route takes JSON only, as Kafka's resources declare
   * `@Consumes(APPLICATION_JSON)`: a request with another Content-Type is answered 415 before
   * anything else is looked at, and a body without one when it is read.
   */
  anyContentType?: boolean;
}

interface Route {
  method: string;
  segments: string[];
  handler: RestHandler;
  options: RouteOptions;
}

/** Path patterns like `/connectors/{connector}/tasks/{task}/status`, matched segment by segment. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RestHandler, options: RouteOptions = {}): this {
    this.routes.push({ method, segments: split(pattern), handler, options });
    return this;
  }

  /**
   * The handler and path parameters of a request path (still percent-encoded); a 404 when no
   * pattern matches, a 405 when one matches with another method (as Jersey answers).
   */
  match(
    method: string,
    path: string,
  ): { handler: RestHandler; params: Record<string, string>; options: RouteOptions } {
    let decoded: string[];
    try {
      decoded = split(path).map((s) => decodeURIComponent(s));
    } catch {
      throw new RestException(400, `Malformed path ${path}`);
    }
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, decoded);
      if (!params) continue;
      if (route.method === method)
        return { handler: route.handler, params, options: route.options };
      pathMatched = true;
    }
    if (pathMatched) throw new RoutingException(405, 'HTTP 405 Method Not Allowed');
    throw new RoutingException(404, 'HTTP 404 Not Found');
  }
}

/**
 * Refuses a request declaring a Content-Type other than application/json (parameters such as
 * charset allowed, wildcards matching) with Jersey's 415, before the route is served. (A body
 * sent without a Content-Type is refused when it is read: see RestServer.)
 */
export function checkJsonContentType(contentType: string | undefined): void {
  if (contentType === undefined) return;
  const [main = '', sub = ''] = (contentType.split(';')[0] ?? '').trim().toLowerCase().split('/');
  const json = (main === 'application' || main === '*') && (sub === 'json' || sub === '*');
  if (!json) throw new RoutingException(415, 'HTTP 415 Unsupported Media Type');
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function matchSegments(pattern: string[], path: string[]): Record<string, string> | null {
  if (pattern.length !== path.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const s = path[i] as string;
    if (p.startsWith('{') && p.endsWith('}')) params[p.slice(1, -1)] = s;
    else if (p !== s) return null;
  }
  return params;
}
