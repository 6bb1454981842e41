import {
  ConfigException,
  missingPluginMethods,
  type PluginDeclaration,
  type PluginKind,
} from '@sluice/api';

/** A plugin class as the runtime instantiates it. */
export type PluginClass = new () => unknown;

/** One installed plugin: where it comes from and how to load it (lazily). */
export interface PluginDescriptor {
  readonly kind: PluginKind;
  /** The short name (`FileStreamSource`, `JsonConverter`). */
  readonly name: string;
  /** The package declaring it (`@sluice/connector-file`); `@sluice/runtime` for built-ins. */
  readonly packageName: string;
  /** `<package>/<name>`: unambiguous even when two packages use the same short name. */
  readonly qualifiedName: string;
  readonly aliases: readonly string[];
  /** The package version. */
  readonly version: string;
  /** Where the package was found (a folder), or `builtin`. */
  readonly location: string;
  /** Imports the module (once) and checks the export against its interface. */
  load(): Promise<PluginClass>;
}

/** A config names a plugin that is not installed, or ambiguously; `reason` says which. */
export class PluginNotFoundException extends ConfigException {
  static override readonly brand: string = 'PluginNotFoundException';
  override name = 'PluginNotFoundException';
  readonly reason: string;

  constructor(key: string, value: string, reason: string) {
    super(`Invalid value ${value} for configuration ${key}: ${reason}`, { key, value });
    this.reason = reason;
  }
}

/** Two or more plugins of one kind answering to the same name. */
export interface PluginConflict {
  readonly kind: PluginKind;
  readonly name: string;
  /** Qualified names of the plugins claiming `name`. */
  readonly claimedBy: readonly string[];
}

/** A plugin refused while loading (bad export, missing methods). */
export class PluginLoadException extends ConfigException {
  static override readonly brand: string = 'PluginLoadException';
  override name = 'PluginLoadException';
}

/** Checks a loaded export against the kind's interface; throws naming the package and methods. */
export function checkPluginExport(
  kind: PluginKind,
  exported: unknown,
  packageName: string,
  name: string,
): PluginClass {
  if (typeof exported !== 'function') {
    throw new PluginLoadException(
      `Plugin ${name} of package ${packageName} is not a class (got ${exported === undefined ? 'nothing: check the export name in the sluice manifest' : typeof exported})`,
    );
  }
  const missing = missingPluginMethods(kind, exported);
  if (missing.length > 0) {
    throw new PluginLoadException(
      `Plugin ${name} of package ${packageName} does not implement the ${kind} interface: missing method${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
    );
  }
  return exported as PluginClass;
}

/** Builds the descriptor of a manifest entry whose module is imported by `importModule`. */
export function declaredPlugin(
  declaration: PluginDeclaration,
  version: string,
  location: string,
  importModule: () => Promise<Record<string, unknown>>,
): PluginDescriptor {
  let loaded: Promise<PluginClass> | null = null;
  return {
    kind: declaration.kind,
    name: declaration.name,
    packageName: declaration.packageName,
    qualifiedName: `${declaration.packageName}/${declaration.name}`,
    aliases: declaration.aliases,
    version,
    location,
    load() {
      loaded ??= (async () => {
        let mod: Record<string, unknown>;
        try {
          mod = await importModule();
        } catch (error) {
          throw new PluginLoadException(
            `Cannot import ${declaration.modulePath} of package ${declaration.packageName} (plugin ${declaration.name}): ${(error as Error).message}`,
            { cause: error },
          );
        }
        return checkPluginExport(
          declaration.kind,
          mod[declaration.exportName],
          declaration.packageName,
          declaration.name,
        );
      })();
      // A failed import is retried next time (the file may be fixed meanwhile).
      loaded.catch(() => {
        loaded = null;
      });
      return loaded;
    },
  };
}

/**
 * A plugin given as a class rather than found on disk: the runtime's built-ins (string/bytes
 * converters, SimpleHeaderConverter), or plugins an embedding application registers.
 */
export function builtinPlugin(
  kind: PluginKind,
  name: string,
  aliases: readonly string[],
  cls: PluginClass,
  version: string,
  packageName = '@sluice/runtime',
): PluginDescriptor {
  return {
    kind,
    name,
    packageName,
    qualifiedName: `${packageName}/${name}`,
    aliases,
    version,
    location: 'builtin',
    load: async () => checkPluginExport(kind, cls, packageName, name),
  };
}

function describe(p: PluginDescriptor): string {
  return p.location === 'builtin' ? p.qualifiedName : `${p.qualifiedName} (${p.location})`;
}

/** The kinds a config key may name. */
export type PluginRole = PluginKind | 'connector';

function kindsOf(role: PluginRole): PluginKind[] {
  return role === 'connector' ? ['source', 'sink'] : [role];
}

/**
 * Every installed plugin, looked up by short name, `<package>/<name>` or alias. A name claimed
 * by plugins of two packages is a conflict: it resolves to nothing (the message names both
 * qualified names), so a config never silently picks one of them.
 */
export class PluginRegistry {
  private readonly plugins: PluginDescriptor[] = [];
  private readonly byName = new Map<string, PluginDescriptor[]>();

  /**
   * Adds a plugin. The same package found in two places (two versions) is not deduplicated: its
   * names become conflicts, reported with both locations.
   */
  add(plugin: PluginDescriptor): void {
    if (
      this.plugins.some(
        (p) =>
          p.kind === plugin.kind &&
          p.qualifiedName === plugin.qualifiedName &&
          p.location === plugin.location,
      )
    )
      return;
    this.plugins.push(plugin);
    for (const n of new Set([plugin.name, plugin.qualifiedName, ...plugin.aliases])) {
      const key = `${plugin.kind}:${n}`;
      const list = this.byName.get(key) ?? [];
      list.push(plugin);
      this.byName.set(key, list);
    }
  }

  /** Every plugin, optionally of some kinds. */
  list(role?: PluginRole): PluginDescriptor[] {
    if (!role) return [...this.plugins];
    const kinds = kindsOf(role);
    return this.plugins.filter((p) => kinds.includes(p.kind));
  }

  /** Names claimed by more than one plugin of the same kind (each reported once). */
  conflicts(): PluginConflict[] {
    const out: PluginConflict[] = [];
    for (const [key, list] of this.byName) {
      if (list.length < 2) continue;
      const [kind, ...rest] = key.split(':');
      out.push({
        kind: kind as PluginKind,
        name: rest.join(':'),
        claimedBy: list.map((p) => describe(p)),
      });
    }
    return out;
  }

  /** The plugin a config value names, or a ConfigException for `key` saying why not. */
  resolve(role: PluginRole, name: string, key: string): PluginDescriptor {
    const wanted = name.trim();
    const found = kindsOf(role).flatMap((k) => this.byName.get(`${k}:${wanted}`) ?? []);
    if (found.length === 1) return found[0] as PluginDescriptor;
    if (found.length > 1) {
      throw new PluginNotFoundException(
        key,
        name,
        `${wanted} is ambiguous: it names ${found.map(describe).join(' and ')}; use a package-qualified name, or remove one of the packages`,
      );
    }
    const installed = this.list(role).map((p) => p.qualifiedName);
    const what = role === 'connector' ? 'connector' : role;
    throw new PluginNotFoundException(
      key,
      name,
      `Failed to find any ${what} plugin named ${wanted}. Installed ${what} plugins: ${installed.length > 0 ? installed.sort().join(', ') : 'none'}`,
    );
  }

  /** Resolves, loads and instantiates a plugin. */
  async instantiate(
    role: PluginRole,
    name: string,
    key: string,
  ): Promise<{ instance: unknown; plugin: PluginDescriptor }> {
    const plugin = this.resolve(role, name, key);
    const cls = await plugin.load();
    return { instance: new cls(), plugin };
  }
}
