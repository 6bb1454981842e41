import { readFileSync } from 'node:fs';

/** The version of @sluice/runtime, from its package.json (same path from src/ and dist/). */
export const RUNTIME_VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;
