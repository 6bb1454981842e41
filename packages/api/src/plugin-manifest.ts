import { ConnectException } from './errors.js';

/** The kinds of plugin a package can declare in its `sluice` manifest. */
export type PluginKind =
  | 'source'
  | 'sink'
  | 'converter'
  | 'header-converter'
  | 'transform'
  | 'predicate'
  | 'config-provider';

/** Every plugin kind. */
export const PLUGIN_KINDS: readonly PluginKind[] = Object.freeze([
  'source',
  'sink',
  'converter',
  'header-converter',
  'transform',
  'predicate',
  'config-provider',
]);

/** One plugin as written in package.json: `{ kind, name, export, aliases? }`. */
export interface PluginManifestEntry {
  readonly kind: PluginKind;
  /** The short name users write in `connector.class` (or `transforms.x.type`, ...). */
  readonly name: string;
  /** Module path relative to the package root and export name: `./dist/source.js#MySource`. */
  readonly export: string;
  /** Other names accepted, typically the Java class names of the Kafka equivalents. */
  readonly aliases: readonly string[];
}

/** A manifest entry with its export split for the loader. */
export interface PluginDeclaration extends PluginManifestEntry {
  /** The package declaring the plugin. */
  readonly packageName: string;
  /** `./dist/source.js` */
  readonly modulePath: string;
  /** `MySource` */
  readonly exportName: string;
}

/** The parsed `sluice` field of a package.json. */
export interface PluginManifest {
  readonly packageName: string;
  readonly plugins: readonly PluginDeclaration[];
}

/** One problem in a manifest, with the JSON path at fault (`sluice.plugins[0].export`). */
export interface ManifestProblem {
  readonly path: string;
  readonly message: string;
}

/** A package's plugin manifest is invalid; `problems` lists every problem with its path. */
export class PluginManifestException extends ConnectException {
  static override readonly brand: string = 'PluginManifestException';
  override name = 'PluginManifestException';
  readonly packageName: string;
  readonly problems: readonly ManifestProblem[];

  constructor(packageName: string, problems: readonly ManifestProblem[]) {
    const lines = problems.map((p) => `  - ${p.path}: ${p.message}`).join('\n');
    super(`Invalid Sluice plugin manifest in package ${packageName}:\n${lines}`);
    this.packageName = packageName;
    this.problems = problems;
  }
}

const EXPORT_PATTERN = /^(\.\/[^#\s]+)#([A-Za-z_$][\w$]*)$/;
const NAME_PATTERN = /^[A-Za-z_$][\w$.-]*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether a parsed package.json declares Sluice plugins (has a `sluice` field). */
export function hasPluginManifest(packageJson: unknown): boolean {
  return isRecord(packageJson) && packageJson.sluice !== undefined;
}

/**
 * Parses and checks the `sluice` field of a parsed package.json (the whole package.json object is
 * passed). Throws a PluginManifestException listing every problem with its path. Fields it does not
 * know are ignored, so newer manifests stay readable by older loaders.
 */
export function parsePluginManifest(packageJson: unknown, packageName: string): PluginManifest {
  const problems: ManifestProblem[] = [];
  const problem = (path: string, message: string): void => {
    problems.push({ path, message });
  };
  const manifest = isRecord(packageJson) ? packageJson.sluice : undefined;
  const plugins: PluginDeclaration[] = [];
  if (!isRecord(packageJson)) {
    problem('(root)', 'package.json must be a JSON object');
  } else if (!isRecord(manifest)) {
    problem('sluice', 'must be an object with a "plugins" array');
  } else if (!Array.isArray(manifest.plugins)) {
    problem('sluice.plugins', 'must be an array of plugin declarations');
  } else {
    if (manifest.plugins.length === 0)
      problem('sluice.plugins', 'must declare at least one plugin');
    const seen = new Map<string, string>();
    manifest.plugins.forEach((entry: unknown, i: number) => {
      const at = `sluice.plugins[${i}]`;
      if (!isRecord(entry)) {
        problem(at, 'must be an object with kind, name and export');
        return;
      }
      const before = problems.length;
      const { kind, name, export: exported, aliases } = entry;
      if (typeof kind !== 'string' || !(PLUGIN_KINDS as readonly string[]).includes(kind)) {
        problem(
          `${at}.kind`,
          `must be one of ${PLUGIN_KINDS.join(', ')}; got ${JSON.stringify(kind)}`,
        );
      }
      if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
        problem(
          `${at}.name`,
          `must be a non-empty name without spaces (letters, digits, _ $ . -); got ${JSON.stringify(name)}`,
        );
      }
      const match = typeof exported === 'string' ? EXPORT_PATTERN.exec(exported) : null;
      if (match === null) {
        problem(
          `${at}.export`,
          `must be "./<path inside the package>#<ExportName>", e.g. "./dist/source.js#MySourceConnector"; got ${JSON.stringify(exported)}`,
        );
      } else if (match[1]?.split('/').includes('..')) {
        problem(`${at}.export`, 'must stay inside the package (no "..")');
      }
      let aliasList: string[] = [];
      if (aliases !== undefined) {
        if (!Array.isArray(aliases)) {
          problem(`${at}.aliases`, 'must be an array of strings');
        } else {
          aliases.forEach((alias: unknown, j: number) => {
            if (typeof alias !== 'string' || alias.trim() === '' || /\s/.test(alias)) {
              problem(
                `${at}.aliases[${j}]`,
                `must be a non-empty string without spaces; got ${JSON.stringify(alias)}`,
              );
            }
          });
          aliasList = aliases.filter((a): a is string => typeof a === 'string');
        }
      }
      if (problems.length > before || match === null) return;
      for (const [j, alias] of [name as string, ...aliasList].entries()) {
        const key = `${kind as string}:${alias}`;
        const previous = seen.get(key);
        if (previous !== undefined) {
          problem(
            j === 0 ? `${at}.name` : `${at}.aliases[${j - 1}]`,
            `${JSON.stringify(alias)} is already used by ${previous} (names and aliases must be unique per kind)`,
          );
        } else {
          seen.set(key, at);
        }
      }
      plugins.push(
        Object.freeze({
          kind: kind as PluginKind,
          name: name as string,
          export: exported as string,
          aliases: Object.freeze(aliasList),
          packageName,
          modulePath: match[1] ?? '',
          exportName: match[2] ?? '',
        }),
      );
    });
  }
  if (problems.length > 0) throw new PluginManifestException(packageName, problems);
  return Object.freeze({ packageName, plugins: Object.freeze(plugins) });
}

/**
 * The methods each plugin kind must have (on the class prototype or the instance), for the loader
 * to refuse a plugin that does not implement its interface. `source-task` and `sink-task` check
 * what a connector's `taskClass()` returns.
 */
export const PLUGIN_REQUIRED_METHODS: Readonly<
  Record<PluginKind | 'source-task' | 'sink-task', readonly string[]>
> = Object.freeze({
  source: [
    'initialize',
    'version',
    'start',
    'taskClass',
    'taskConfigs',
    'stop',
    'config',
    'validate',
  ],
  sink: [
    'initialize',
    'version',
    'start',
    'taskClass',
    'taskConfigs',
    'stop',
    'config',
    'validate',
  ],
  'source-task': ['initialize', 'version', 'start', 'poll', 'stop'],
  'sink-task': ['initialize', 'version', 'start', 'put', 'stop'],
  converter: ['configure', 'fromConnectData', 'toConnectData', 'config'],
  'header-converter': ['configure', 'toConnectHeader', 'fromConnectHeader', 'config', 'close'],
  transform: ['configure', 'apply', 'config', 'close'],
  predicate: ['configure', 'test', 'config', 'close'],
  'config-provider': ['configure', 'get', 'close'],
});

/**
 * The required methods `candidate` lacks for `kind` (empty when it implements the interface).
 * `candidate` is a class (its prototype chain is checked) or an instance.
 */
export function missingPluginMethods(
  kind: PluginKind | 'source-task' | 'sink-task',
  candidate: unknown,
): string[] {
  const target =
    typeof candidate === 'function' ? (candidate as { prototype?: unknown }).prototype : candidate;
  if (typeof target !== 'object' || target === null) return [...PLUGIN_REQUIRED_METHODS[kind]];
  return PLUGIN_REQUIRED_METHODS[kind].filter(
    (method) => typeof (target as Record<string, unknown>)[method] !== 'function',
  );
}
