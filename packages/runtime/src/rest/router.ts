import { RestException } from './rest-exception.js';

/** A request as a handler sees it. */
export interface RestRequest {
  method: string;
  /** Path parameters (`{connector}`), decoded. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body; a 400 when it is not JSON, undefined when empty. */
  body(): Promise<unknown>;
  /** The body as sent (signed requests between workers check its exact bytes). */
  text(): Promise<string>;
  /** Request headers, lower-case names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
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

interface Route {
  method: string;
  segments: string[];
  handler: RestHandler;
}

/** Path patterns like `/connectors/{connector}/tasks/{task}/status`, matched segment by segment. */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: RestHandler): this {
    this.routes.push({ method, segments: split(pattern), handler });
    return this;
  }

  /**
   * The handler and path parameters of a request path (still percent-encoded); a 404 when no
   * pattern matches, a 405 when one matches with another method (as Jersey answers).
   */
  match(method: string, path: string): { handler: RestHandler; params: Record<string, string> } {
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
      if (route.method === method) return { handler: route.handler, params };
      pathMatched = true;
    }
    if (pathMatched) throw new RestException(405, 'HTTP 405 Method Not Allowed');
    throw new RestException(404, 'HTTP 404 Not Found');
  }
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
