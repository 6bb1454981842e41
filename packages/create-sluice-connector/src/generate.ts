import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  CHANGESET_CONFIG,
  CHANGESET_README,
  type ConnectorKind,
  configTs,
  conformanceTest,
  GITIGNORE,
  indexTs,
  packageJson,
  readmeMd,
  readmeScript,
  sinkConnectorTs,
  sinkTaskTs,
  sourceConnectorTs,
  sourceTaskTs,
  type TemplateContext,
  TSCONFIG,
  TSCONFIG_BUILD,
  VITEST_CONFIG,
} from './templates.js';

/** What to generate. */
export interface GenerateOptions {
  /** The folder to create (must not exist, or be empty). */
  readonly dir: string;
  readonly kind: ConnectorKind;
  /** The package name; by default the folder's name. */
  readonly packageName?: string;
  /** Version ranges of the Sluice packages the project uses. */
  readonly ranges: TemplateContext['ranges'];
}

/** `sluice-connector-acme-db` → `AcmeDb`: the stem of the plugin and class names. */
export function stemOf(packageName: string): string {
  const last = packageName.split('/').pop() ?? packageName;
  const words = last
    .replace(/^sluice-/, '')
    .replace(/^connector-/, '')
    .replace(/-?connector$/, '')
    .split(/[^a-zA-Z0-9]+/)
    .filter((w) => w !== '');
  const stem = words.map((w) => w[0]?.toUpperCase() + w.slice(1)).join('');
  return /^[A-Z]/.test(stem) ? stem : `My${stem}`;
}

/** Writes a new connector package; returns the files written, relative to `dir`. */
export async function generate(options: GenerateOptions): Promise<string[]> {
  const dir = resolve(options.dir);
  const existing = await readdir(dir).catch(() => []);
  if (existing.length > 0) throw new Error(`${dir} is not empty: choose a new folder`);
  const context: TemplateContext = {
    packageName: options.packageName ?? basename(dir),
    stem: stemOf(options.packageName ?? basename(dir)),
    kind: options.kind,
    ranges: options.ranges,
  };
  const files: Record<string, string> = {
    'package.json': packageJson(context),
    'tsconfig.json': TSCONFIG,
    'tsconfig.build.json': TSCONFIG_BUILD,
    'vitest.config.ts': VITEST_CONFIG,
    '.gitignore': GITIGNORE,
    '.changeset/config.json': CHANGESET_CONFIG,
    '.changeset/README.md': CHANGESET_README,
    'README.md': readmeMd(context),
    'scripts/readme-config.mjs': readmeScript(context),
    'src/config.ts': configTs(context),
    'src/index.ts': indexTs(context),
    'test/conformance.it.test.ts': conformanceTest(context),
  };
  if (options.kind !== 'sink') {
    files['src/source-connector.ts'] = sourceConnectorTs(context);
    files['src/source-task.ts'] = sourceTaskTs(context);
  }
  if (options.kind !== 'source') {
    files['src/sink-connector.ts'] = sinkConnectorTs(context);
    files['src/sink-task.ts'] = sinkTaskTs(context);
  }
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return Object.keys(files).sort();
}
