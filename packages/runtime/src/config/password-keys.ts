import { type ConfigDef, ConfigDef as Def, Password } from '@sluice/api';

/** The ConfigDef a plugin instance declares through `config()`, or null when it declares none. */
export function configDefOf(instance: unknown): ConfigDef<object> | null {
  const config = (instance as { config?: () => unknown }).config?.();
  return config instanceof Def ? (config as ConfigDef<object>) : null;
}

/** The keys the given ConfigDefs declare as PASSWORD. */
export function passwordKeys(...defs: Array<ConfigDef<object> | null>): Set<string> {
  const keys = new Set<string>();
  for (const def of defs) {
    if (!def) continue;
    for (const [name, key] of def.configKeys()) if (key.type === 'PASSWORD') keys.add(name);
  }
  return keys;
}

/**
 * A copy of `config` in which the value of every key in `secrets` is `[hidden]`, the placeholder
 * passwords print as everywhere (validate responses, logs): what the REST API shows of a config.
 */
export function redactConfig(
  config: Readonly<Record<string, string>>,
  secrets: ReadonlySet<string>,
): Record<string, string> {
  const shown = { ...config };
  for (const key of secrets) if (key in shown) shown[key] = Password.HIDDEN;
  return shown;
}

/**
 * `config` with every secret given as the `[hidden]` placeholder replaced by its value in
 * `current`: a config read back through the REST API and written again keeps its secrets.
 */
export function restoreRedacted(
  config: Readonly<Record<string, string>>,
  current: Readonly<Record<string, string>> | undefined,
  secrets: ReadonlySet<string>,
): Record<string, string> {
  const restored = { ...config };
  for (const key of secrets) {
    const previous = current?.[key];
    if (restored[key] === Password.HIDDEN && previous !== undefined) restored[key] = previous;
  }
  return restored;
}
