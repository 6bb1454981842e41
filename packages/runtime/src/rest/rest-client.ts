import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** An answer of another worker's REST API. */
export interface RestClientResponse {
  status: number;
  headers: Record<string, string>;
  /** The body as sent (JSON text for JSON answers), empty when there was none. */
  text: string;
}

/** How long a request to another worker may take before it fails (Kafka's default). */
const REQUEST_TIMEOUT_MS = 90_000;

/**
 * Sends one request to another worker (forwarded REST writes, task configs for the leader).
 * `https` URLs are checked against the system's certificate authorities, plus `ca` when given.
 */
export function restRequest(
  url: string,
  method: string,
  body: string | null,
  headers: Record<string, string> = {},
  options: { ca?: string | Buffer; timeoutMs?: number } = {},
): Promise<RestClientResponse> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method,
        headers: {
          ...headers,
          ...(body === null
            ? {}
            : {
                'content-type': 'application/json',
                'content-length': String(Buffer.byteLength(body)),
              }),
        },
        ...(options.ca ? { ca: options.ca } : {}),
        timeout: options.timeoutMs ?? REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const out: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') out[k] = v;
          resolve({
            status: res.statusCode ?? 0,
            headers: out,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}
