import type { IncomingMessage } from 'node:http';
import { RestException } from './rest-exception.js';

/** Methods a cross-origin request may use when `access.control.allow.methods` is empty (Jetty's). */
const DEFAULT_METHODS = ['GET', 'POST', 'HEAD'];
/** Request headers a preflight allows when it names none (Jetty's CrossOriginHandler default). */
const DEFAULT_HEADERS = 'X-Requested-With,Content-Type,Accept,Origin';

/** What the policy says about one request. */
export interface CorsDecision {
  /** A CORS preflight (`OPTIONS` with `Access-Control-Request-Method`), answered by the policy. */
  preflight: boolean;
  /** False for a request from another origin that `access.control.allow.origin` does not name. */
  allowed: boolean;
  /** The `Access-Control-*` headers of the response. */
  headers: Record<string, string>;
}

/**
 * Kafka Connect's `access.control.allow.origin` / `access.control.allow.methods` (Jetty's
 * CrossOriginHandler): with origins set, browsers on those origins get the CORS headers they
 * need. Unlike Kafka, a request whose `Origin` is neither the worker's own nor an allowed one is
 * refused (403) instead of being served without the headers: a cross-site page can send a
 * body-less `POST .../restart` without a preflight, and the browser's CORS check only hides the
 * answer after the restart happened.
 */
export class CorsPolicy {
  private readonly origins: string[];
  private readonly methods: string[];

  constructor(origins: string, methods: string) {
    this.origins = split(origins);
    const listed = split(methods).map((m) => m.toUpperCase());
    this.methods = listed.length > 0 ? listed : DEFAULT_METHODS;
  }

  /** The decision for a request (a request without `Origin` is not a browser's cross-origin one). */
  headers(req: IncomingMessage): CorsDecision {
    const origin = req.headers.origin;
    if (origin === undefined || sameOrigin(origin, req.headers.host)) {
      return { preflight: false, allowed: true, headers: {} };
    }
    const allowed = this.origins.some((pattern) => originMatches(pattern, origin));
    const requested = req.headers['access-control-request-method'];
    const preflight =
      this.origins.length > 0 && req.method === 'OPTIONS' && requested !== undefined;
    if (!allowed) return { preflight, allowed, headers: preflight ? { vary: 'Origin' } : {} };
    const headers: Record<string, string> = {
      'access-control-allow-origin': origin,
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    };
    if (preflight && this.methods.includes(String(requested).toUpperCase())) {
      headers['access-control-allow-methods'] = this.methods.join(',');
      headers['access-control-allow-headers'] =
        (req.headers['access-control-request-headers'] as string | undefined) ?? DEFAULT_HEADERS;
      headers['access-control-max-age'] = '1800';
    }
    return { preflight, allowed, headers };
  }

  /** Throws a 403 for a cross-origin request the policy does not allow. */
  check(req: IncomingMessage, allowed: boolean): void {
    if (allowed) return;
    throw new RestException(
      403,
      `Cross-origin requests from ${req.headers.origin} are not allowed; name the origin in the worker's access.control.allow.origin`,
    );
  }
}

function split(list: string): string[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The page was served by this worker: its origin's host is the one the request was sent to. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** `*` allows any origin; a `*` inside a pattern stands for any characters (Jetty's wildcard). */
function originMatches(pattern: string, origin: string): boolean {
  if (pattern === '*') return true;
  if (!pattern.includes('*')) return pattern === origin;
  const regex = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${regex}$`).test(origin);
}
