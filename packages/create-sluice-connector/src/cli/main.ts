import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { generate } from '../generate.js';
import type { ConnectorKind } from '../templates.js';

export const USAGE = `Usage: npm create sluice-connector@latest <folder> -- [--kind source|sink|both] [--name <package>]

Creates a Sluice connector package in <folder>: a source, a sink or both, with its ConfigDef, a
README whose config table is generated from it, conformance tests on @sluice/connector-testkit
and changesets. Without --kind it asks (on a terminal).`;

const KINDS: readonly ConnectorKind[] = ['source', 'sink', 'both'];

/** The Sluice ranges this scaffold was published with (its own devDependencies). */
function publishedRanges(): { api: string; testkit: string; worker: string } {
  const own = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    devDependencies: Record<string, string>;
  };
  const range = (name: string): string => {
    const value = own.devDependencies[name];
    // In the monorepo the range is still `workspace:^`: only a published scaffold knows versions.
    if (value === undefined || value.startsWith('workspace:'))
      throw new Error(
        `create-sluice-connector runs from its published package (no version of ${name} here)`,
      );
    return value;
  };
  return {
    api: range('@sluice/api'),
    testkit: range('@sluice/connector-testkit'),
    worker: range('@sluice/worker'),
  };
}

async function askKind(): Promise<ConnectorKind> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    for (;;) {
      const answer = (await rl.question('A source, a sink or both? [source/sink/both] ')).trim();
      if ((KINDS as readonly string[]).includes(answer)) return answer as ConnectorKind;
    }
  } finally {
    rl.close();
  }
}

/** Runs the command; resolves with the exit code. */
export async function main(args: readonly string[]): Promise<number> {
  let dir: string | undefined;
  let kind: string | undefined;
  let name: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--kind') kind = args[++i];
    else if (arg === '--name') name = args[++i];
    else if (arg === '-h' || arg === '--help') {
      console.log(USAGE);
      return 0;
    } else if (!arg.startsWith('-') && dir === undefined) dir = arg;
    else {
      console.error(`Unknown argument ${arg}\n\n${USAGE}`);
      return 2;
    }
  }
  if (dir === undefined) {
    console.error(`Missing the folder to create\n\n${USAGE}`);
    return 2;
  }
  if (kind !== undefined && !(KINDS as readonly string[]).includes(kind)) {
    console.error(`--kind must be source, sink or both, not ${kind}`);
    return 2;
  }
  if (kind === undefined) {
    if (!process.stdin.isTTY) {
      console.error('Give --kind source|sink|both (no terminal to ask on)');
      return 2;
    }
    kind = await askKind();
  }
  try {
    const files = await generate({
      dir,
      kind: kind as ConnectorKind,
      ...(name === undefined ? {} : { packageName: name }),
      ranges: publishedRanges(),
    });
    console.log(`Created ${dir}:\n${files.map((f) => `  ${f}`).join('\n')}\n`);
    console.log(`Next: cd ${dir} && npm install && npm run build && npm test`);
    return 0;
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }
}
