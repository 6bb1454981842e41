import { createRequire } from 'node:module';

/** The connector version reported to the runtime: the package version. */
export const VERSION: string = (
  createRequire(import.meta.url)('../package.json') as { version: string }
).version;
