import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ConfigException } from '@sluice/api';
import { RestException } from './rest-exception.js';
import type { Router } from './router.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/**
 * The console's files are the bundle's own: nothing but the folder's scripts and styles may run,
 * and every request goes to this worker's REST API (no third-party origin can be reached).
 */
const HEADERS = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'none'",
};

/**
 * `GET /ui` and `GET /ui/{file}`: the web console, a folder of static files built with the worker
 * package (`index.html` and its assets). The folder's files are read once, here: only they are
 * served, so a path can name nothing else on disk.
 */
export function consoleRoutes(router: Router, dir: string): void {
  const files = new Map<string, { body: string; contentType: string }>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw ConfigException.invalid(
      'rest.ui.enable',
      'true',
      `the console's files cannot be read from ${dir}: ${(error as Error).message}`,
    );
  }
  for (const name of names) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (contentType) files.set(name, { body: readFileSync(join(dir, name), 'utf8'), contentType });
  }
  const index = files.get('index.html');
  if (!index) {
    throw ConfigException.invalid('rest.ui.enable', 'true', `${dir} holds no index.html`);
  }
  const any = { anyContentType: true };
  router
    .add('GET', '/ui', () => ({ status: 200, text: index, headers: HEADERS }), any)
    .add(
      'GET',
      '/ui/{file}',
      ({ params }) => {
        const file = files.get(params.file ?? '');
        if (!file) throw new RestException(404, 'HTTP 404 Not Found');
        return { status: 200, text: file, headers: HEADERS };
      },
      any,
    );
}
