/** What a generated connector provides. */
export type ConnectorKind = 'source' | 'sink' | 'both';

/** Everything a template needs to know. */
export interface TemplateContext {
  /** The npm package name (`sluice-connector-acme`, `@acme/sluice-connector`). */
  readonly packageName: string;
  /** PascalCase stem of the plugin and class names (`Acme`). */
  readonly stem: string;
  readonly kind: ConnectorKind;
  /** Version ranges of @sluice/api, @sluice/connector-testkit and @sluice/worker. */
  readonly ranges: Readonly<Record<'api' | 'testkit' | 'worker', string>>;
}

const hasSource = (c: TemplateContext) => c.kind !== 'sink';
const hasSink = (c: TemplateContext) => c.kind !== 'source';

export function packageJson(c: TemplateContext): string {
  const plugins = [
    ...(hasSource(c)
      ? [
          {
            kind: 'source',
            name: `${c.stem}Source`,
            export: `./dist/index.js#${c.stem}SourceConnector`,
          },
        ]
      : []),
    ...(hasSink(c)
      ? [{ kind: 'sink', name: `${c.stem}Sink`, export: `./dist/index.js#${c.stem}SinkConnector` }]
      : []),
  ];
  return `${JSON.stringify(
    {
      name: c.packageName,
      version: '0.1.0',
      description: `${c.stem} ${c.kind === 'both' ? 'source and sink' : c.kind} connector for Sluice`,
      keywords: ['sluice', 'sluice-connector', 'kafka-connect'],
      license: 'Apache-2.0',
      type: 'module',
      engines: { node: '>=20' },
      exports: {
        '.': { types: './dist/index.d.ts', import: './dist/index.js' },
        './package.json': './package.json',
      },
      files: ['dist', 'src'],
      sideEffects: false,
      scripts: {
        build: 'tsc -p tsconfig.build.json && node scripts/readme-config.mjs',
        typecheck: 'tsc -p tsconfig.json --noEmit',
        test: 'vitest run',
        changeset: 'changeset',
        release: 'npm run build && changeset publish',
      },
      sluice: { plugins },
      peerDependencies: { '@sluice/api': c.ranges.api },
      devDependencies: {
        '@changesets/cli': '^2.29.0',
        '@sluice/api': c.ranges.api,
        '@sluice/connector-testkit': c.ranges.testkit,
        '@sluice/worker': c.ranges.worker,
        '@types/node': '^20.19.0',
        typescript: '^5.9.0',
        vitest: '^3.2.0',
      },
    },
    null,
    2,
  )}\n`;
}

export const TSCONFIG: string = `${JSON.stringify(
  {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noUncheckedIndexedAccess: true,
      exactOptionalPropertyTypes: true,
      declaration: true,
      declarationMap: true,
      sourceMap: true,
      skipLibCheck: false,
      verbatimModuleSyntax: true,
      types: ['node'],
      rootDir: '.',
      noEmit: true,
    },
    include: ['src', 'test', 'vitest.config.ts'],
  },
  null,
  2,
)}\n`;

export const TSCONFIG_BUILD: string = `${JSON.stringify(
  {
    extends: './tsconfig.json',
    compilerOptions: { rootDir: 'src', outDir: 'dist', noEmit: false },
    include: ['src'],
  },
  null,
  2,
)}\n`;

export const VITEST_CONFIG: string = `import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The conformance cases start workers and wait for Kafka.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
`;

export const GITIGNORE: string = 'node_modules/\ndist/\n';

export const CHANGESET_CONFIG: string = `${JSON.stringify(
  {
    $schema: 'https://unpkg.com/@changesets/config@3.1.1/schema.json',
    changelog: '@changesets/cli/changelog',
    commit: false,
    access: 'public',
    baseBranch: 'main',
    updateInternalDependencies: 'patch',
    ignore: [],
  },
  null,
  2,
)}\n`;

export const CHANGESET_README: string = `# Changesets

Describe each user-visible change with \`npm run changeset\` (which package, patch/minor/major,
one paragraph for users). \`npx changeset version\` turns them into a version and a changelog;
\`npm run release\` builds and publishes.
`;

export function configTs(c: TemplateContext): string {
  const parts = [`import { ConfigDef, NonEmptyString, Range } from '@sluice/api';\n`];
  if (hasSource(c))
    parts.push(`
/** The source's keys, declared once: defaults, validation and the README table come from here. */
export const SOURCE_CONFIG_DEF = new ConfigDef()
  .define('file', {
    type: 'STRING',
    validator: new NonEmptyString(),
    importance: 'HIGH',
    documentation: 'The file to read: each complete line becomes one record.',
  })
  .define('topic', {
    type: 'STRING',
    validator: new NonEmptyString(),
    importance: 'HIGH',
    documentation: 'The topic to write the records to.',
  })
  .define('poll.interval.ms', {
    type: 'LONG',
    default: 1000,
    validator: Range.atLeast(0),
    importance: 'LOW',
    documentation: 'How long a poll waits when the file has no new line.',
  });

/** The source's parsed config. */
export type SourceConfig = ReturnType<typeof SOURCE_CONFIG_DEF.parse>;
`);
  if (hasSink(c))
    parts.push(`
/** The sink's keys (\`topics\` is the runtime's, as in Kafka Connect). */
export const SINK_CONFIG_DEF = new ConfigDef().define('file', {
  type: 'STRING',
  validator: new NonEmptyString(),
  importance: 'HIGH',
  documentation: 'The file to append one line per record to.',
});

/** The sink's parsed config. */
export type SinkConfig = ReturnType<typeof SINK_CONFIG_DEF.parse>;
`);
  return parts.join('');
}

export function sourceConnectorTs(c: TemplateContext): string {
  return `import { type ConfigDef, type ConnectorProps, SourceConnector } from '@sluice/api';
import { SOURCE_CONFIG_DEF } from './config.js';
import { ${c.stem}SourceTask } from './source-task.js';

/** Reads a file into a topic, one record per line, resuming after the last committed line. */
export class ${c.stem}SourceConnector extends SourceConnector {
  private props: ConnectorProps = {};

  version(): string {
    return '0.1.0';
  }

  start(props: ConnectorProps): void {
    SOURCE_CONFIG_DEF.parse(props); // refuse a bad config now, every problem named
    this.props = props;
  }

  taskClass(): typeof ${c.stem}SourceTask {
    return ${c.stem}SourceTask;
  }

  taskConfigs(_maxTasks: number): ConnectorProps[] {
    // One file cannot be split between tasks.
    return [{ ...this.props }];
  }

  stop(): void {}

  config(): ConfigDef<object> {
    return SOURCE_CONFIG_DEF;
  }
}
`;
}

export function sourceTaskTs(_c: TemplateContext): string {
  return `import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ConnectorProps, Schema, SourceRecord, SourceTask } from '@sluice/api';
import { SOURCE_CONFIG_DEF, type SourceConfig } from './config.js';

/** Reads the lines after the last committed one; the offset is the number of lines read. */
export class ${_c.stem}SourceTask extends SourceTask {
  private config!: SourceConfig;
  private linesRead = 0;
  private readonly stopping = new AbortController();

  version(): string {
    return '0.1.0';
  }

  private partition(): Record<string, string> {
    return { file: this.config.file };
  }

  async start(props: ConnectorProps): Promise<void> {
    this.config = SOURCE_CONFIG_DEF.parse(props);
    const offset = await this.context.offsetStorageReader().offset(this.partition());
    this.linesRead = typeof offset?.lines === 'number' ? offset.lines : 0;
  }

  async poll(): Promise<SourceRecord[] | null> {
    const lines = await this.newLines();
    if (lines.length === 0) {
      try {
        await sleep(this.config['poll.interval.ms'], undefined, { signal: this.stopping.signal });
      } catch {
        return null; // stop() was called: return at once
      }
      return null;
    }
    return lines.map((line) => {
      this.linesRead++;
      return new SourceRecord({
        sourcePartition: this.partition(),
        sourceOffset: { lines: this.linesRead },
        topic: this.config.topic,
        valueSchema: Schema.STRING_SCHEMA,
        value: line,
      });
    });
  }

  /** Complete lines after those already read (a line without its newline is read next time). */
  private async newLines(): Promise<string[]> {
    let text: string;
    try {
      text = await readFile(this.config.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return text.split('\\n').slice(0, -1).slice(this.linesRead);
  }

  stop(): void {
    this.stopping.abort();
  }
}
`;
}

export function sinkConnectorTs(c: TemplateContext): string {
  return `import { type ConfigDef, type ConnectorProps, SinkConnector } from '@sluice/api';
import { SINK_CONFIG_DEF } from './config.js';
import { ${c.stem}SinkTask } from './sink-task.js';

/** Appends each record's value to a file, one line per record. */
export class ${c.stem}SinkConnector extends SinkConnector {
  private props: ConnectorProps = {};

  version(): string {
    return '0.1.0';
  }

  start(props: ConnectorProps): void {
    SINK_CONFIG_DEF.parse(props);
    this.props = props;
  }

  taskClass(): typeof ${c.stem}SinkTask {
    return ${c.stem}SinkTask;
  }

  taskConfigs(_maxTasks: number): ConnectorProps[] {
    // Tasks writing to one file would interleave their lines: one task.
    return [{ ...this.props }];
  }

  stop(): void {}

  config(): ConfigDef<object> {
    return SINK_CONFIG_DEF;
  }
}
`;
}

export function sinkTaskTs(c: TemplateContext): string {
  return `import { open } from 'node:fs/promises';
import { type ConnectorProps, type SinkRecord, SinkTask } from '@sluice/api';
import { SINK_CONFIG_DEF } from './config.js';

/** Buffers in put(); flush() appends and fsyncs, so committed offsets are always durable. */
export class ${c.stem}SinkTask extends SinkTask {
  private file = '';
  private pending: string[] = [];

  version(): string {
    return '0.1.0';
  }

  start(props: ConnectorProps): void {
    this.file = SINK_CONFIG_DEF.parse(props).file;
  }

  put(records: SinkRecord[]): void {
    for (const record of records) this.pending.push(\`\${String(record.value)}\\n\`);
  }

  override async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const handle = await open(this.file, 'a');
    try {
      await handle.appendFile(this.pending.join(''));
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.pending = [];
  }

  stop(): void {}
}
`;
}

export function indexTs(c: TemplateContext): string {
  const lines = [];
  if (hasSource(c)) {
    lines.push(`export { SOURCE_CONFIG_DEF, type SourceConfig } from './config.js';`);
    lines.push(`export { ${c.stem}SourceConnector } from './source-connector.js';`);
    lines.push(`export { ${c.stem}SourceTask } from './source-task.js';`);
  }
  if (hasSink(c)) {
    lines.push(`export { SINK_CONFIG_DEF, type SinkConfig } from './config.js';`);
    lines.push(`export { ${c.stem}SinkConnector } from './sink-connector.js';`);
    lines.push(`export { ${c.stem}SinkTask } from './sink-task.js';`);
  }
  return `${lines.join('\n')}\n`;
}

/** Regenerates the README's config tables from the built ConfigDefs (run by \`npm run build\`). */
export function readmeScript(c: TemplateContext): string {
  const defs = [hasSource(c) ? 'SOURCE' : null, hasSink(c) ? 'SINK' : null].filter(Boolean);
  return `// Writes each ConfigDef's table between its markers in README.md, so the README never drifts.
import { readFileSync, writeFileSync } from 'node:fs';
import * as built from '../dist/index.js';

let readme = readFileSync('README.md', 'utf8');
for (const name of ${JSON.stringify(defs)}) {
  const start = \`<!-- \${name} CONFIG START -->\`;
  const end = \`<!-- \${name} CONFIG END -->\`;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < 0) throw new Error(\`README.md lacks the markers \${start} ... \${end}\`);
  const table = built[\`\${name}_CONFIG_DEF\`].toMarkdown();
  readme = \`\${readme.slice(0, from + start.length)}\\n\\n\${table.trim()}\\n\\n\${readme.slice(to)}\`;
}
writeFileSync('README.md', readme);
`;
}

export function readmeMd(c: TemplateContext): string {
  const sections = [
    `# ${c.packageName}

${c.stem} connector for [Sluice](https://github.com/sluice/sluice), the Kafka Connect-compatible
connector runtime for Node.js.

\`\`\`sh
npm install @sluice/worker ${c.packageName}
npx sluice standalone worker.properties connector.properties
\`\`\`
`,
  ];
  if (hasSource(c))
    sections.push(`## ${c.stem}Source

\`\`\`properties
name=${c.stem.toLowerCase()}-source
connector.class=${c.stem}Source
file=/tmp/input.txt
topic=lines
\`\`\`

<!-- SOURCE CONFIG START -->
<!-- SOURCE CONFIG END -->
`);
  if (hasSink(c))
    sections.push(`## ${c.stem}Sink

\`\`\`properties
name=${c.stem.toLowerCase()}-sink
connector.class=${c.stem}Sink
topics=lines
file=/tmp/output.txt
\`\`\`

<!-- SINK CONFIG START -->
<!-- SINK CONFIG END -->
`);
  sections.push(`## Development

\`npm run build\` compiles and regenerates the config tables above from the ConfigDefs;
\`npm test\` runs the conformance cases of \`@sluice/connector-testkit\` against the Kafka of
\`SLUICE_KAFKA_BROKERS\` (default \`localhost:9092\`); \`npm run changeset\` records a change for
the next release.
`);
  return sections.join('\n');
}

export function conformanceTest(c: TemplateContext): string {
  const imports = [
    'testConnectorConfig',
    ...(hasSink(c) ? ['testSinkConnector'] : []),
    ...(hasSource(c) ? ['testSourceConnector'] : []),
  ];
  const blocks: string[] = [];
  if (hasSource(c))
    blocks.push(`
const source = { connectorClass: '${c.stem}Source', pluginPath, brokers };

testConnectorConfig('${c.stem}Source', {
  ...source,
  configDef: new ${c.stem}SourceConnector().config(),
  validConfig: () => ({ file: '/tmp/none.txt', topic: 'config-check' }),
  readme: README,
});

testSourceConnector('${c.stem}Source', {
  ...source,
  config: (run) => ({ topic: run.id, config: { file: join(run.dir, 'in.txt'), topic: run.id, 'poll.interval.ms': '100' } }),
  append: async (run, markers) => {
    await appendFile(join(run.dir, 'in.txt'), markers.map((m) => \`\${m}\\n\`).join(''));
  },
});
`);
  if (hasSink(c))
    blocks.push(`
const sink = { connectorClass: '${c.stem}Sink', pluginPath, brokers };

testConnectorConfig('${c.stem}Sink', {
  ...sink,
  configDef: new ${c.stem}SinkConnector().config(),
  validConfig: () => ({ file: '/tmp/none.txt', topics: 'config-check' }),
  readme: README,
});

testSinkConnector('${c.stem}Sink', {
  ...sink,
  config: (run) => ({ file: join(run.dir, 'out.txt') }),
  read: async (run) => {
    const text = await readFile(join(run.dir, 'out.txt'), 'utf8').catch(() => '');
    return text.split('\\n').filter((line) => line !== '');
  },
});
`);
  const classes = [
    ...(hasSink(c) ? [`${c.stem}SinkConnector`] : []),
    ...(hasSource(c) ? [`${c.stem}SourceConnector`] : []),
  ];
  return `import { appendFile, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ${imports.join(', ')} } from '@sluice/connector-testkit';
import { ${classes.join(', ')} } from '../src/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** This package, found by the worker as an installed plugin (build it first). */
const pluginPath = [root];
const README = join(root, 'README.md');
const brokers = () => (process.env.SLUICE_KAFKA_BROKERS ?? 'localhost:9092').split(',');
${blocks.join('')}`;
}
