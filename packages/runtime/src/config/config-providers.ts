import { existsSync, realpathSync } from 'node:fs';
import { readdir, readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { ConfigException } from '@sluice/api';
import { parseProperties } from './properties-file.js';

/** What a provider returns for one path: the values of the asked keys. */
export interface ConfigData {
  data: Record<string, string>;
  /** Milliseconds until the values should be read again, when the provider knows. */
  ttl?: number;
}

/** Kafka's ConfigProvider: resolves `${name:path:key}` references. */
export interface ConfigProviderLike {
  configure?(configs: Record<string, string>): void | Promise<void>;
  get(path: string, keys?: readonly string[]): ConfigData | Promise<ConfigData>;
  close?(): void | Promise<void>;
}

/** `${file:/path/to/file.properties:key}`: a key of a Java properties file. */
export class FileConfigProvider implements ConfigProviderLike {
  private allowedPaths: string[] | null = null;

  configure(configs: Record<string, string>): void {
    this.allowedPaths = parseAllowedPaths(configs['allowed.paths']);
  }

  async get(path: string, keys?: readonly string[]): Promise<ConfigData> {
    if (!path) return { data: {} };
    const file = await allowedPath(path, this.allowedPaths);
    const props = parseProperties(await readFile(file, 'utf8'));
    return { data: pick(props, keys) };
  }
}

/** `${directory:/dir:file}`: the content of a file in a directory (Kubernetes secrets). */
export class DirectoryConfigProvider implements ConfigProviderLike {
  private allowedPaths: string[] | null = null;

  configure(configs: Record<string, string>): void {
    this.allowedPaths = parseAllowedPaths(configs['allowed.paths']);
  }

  async get(path: string, keys?: readonly string[]): Promise<ConfigData> {
    if (!path) return { data: {} };
    const dir = await allowedPath(path, this.allowedPaths);
    // Keys are matched against the files listed, never joined to the path: a key such as
    // `../../etc/passwd` names no file of the directory.
    const data: Record<string, string> = {};
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (!entry.isFile() || (keys && !keys.includes(entry.name))) continue;
      data[entry.name] = await readFile(join(dir, entry.name), 'utf8');
    }
    return { data };
  }
}

/**
 * KIP-993's `allowed.paths`: comma-separated absolute paths that must exist (refused otherwise,
 * as Kafka), or `null` when not set (every path allowed).
 */
function parseAllowedPaths(value: string | undefined): string[] | null {
  if (!value) return null;
  return value.split(',').map((entry) => {
    const path = normalize(entry.trim());
    if (!isAbsolute(path) || !existsSync(path)) {
      throw ConfigException.invalid(
        'allowed.paths',
        value,
        `Path ${path} is not valid. The path should be absolute and exist`,
      );
    }
    return realpathSync(path);
  });
}

/**
 * The path to read, when it lies under one of the allowed paths. Symbolic links are followed
 * first (Kafka only normalizes), so a link inside an allowed folder cannot lead outside it.
 */
async function allowedPath(path: string, allowed: string[] | null): Promise<string> {
  if (!allowed) return path;
  const full = await realpath(resolve(path)).catch(() => resolve(path));
  if (!allowed.some((a) => full === a || full.startsWith(a.endsWith(sep) ? a : `${a}${sep}`))) {
    throw new ConfigException(`The path ${path} is not allowed to be accessed (allowed.paths)`);
  }
  return full;
}

/** `${env:VAR}`: an environment variable, limited by `allowlist.pattern` when set. */
export class EnvVarConfigProvider implements ConfigProviderLike {
  private allow: RegExp = /.*/;

  configure(configs: Record<string, string>): void {
    const pattern = configs['allowlist.pattern'];
    if (pattern) this.allow = new RegExp(`^(?:${pattern})$`);
  }

  get(path: string, keys?: readonly string[]): ConfigData {
    if (path) throw new ConfigException(`EnvVarConfigProvider takes no path, got ${path}`);
    const data: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && this.allow.test(k) && (!keys || keys.includes(k))) data[k] = v;
    }
    return { data };
  }
}

function pick(props: Record<string, string>, keys?: readonly string[]): Record<string, string> {
  if (!keys) return props;
  const out: Record<string, string> = {};
  for (const k of keys) if (props[k] !== undefined) out[k] = props[k] as string;
  return out;
}

/** Java class names and short names of the built-in providers. */
export const BUILTIN_CONFIG_PROVIDERS: Record<string, () => ConfigProviderLike> = {
  'org.apache.kafka.common.config.provider.FileConfigProvider': () => new FileConfigProvider(),
  FileConfigProvider: () => new FileConfigProvider(),
  'org.apache.kafka.common.config.provider.DirectoryConfigProvider': () =>
    new DirectoryConfigProvider(),
  DirectoryConfigProvider: () => new DirectoryConfigProvider(),
  'org.apache.kafka.common.config.provider.EnvVarConfigProvider': () => new EnvVarConfigProvider(),
  EnvVarConfigProvider: () => new EnvVarConfigProvider(),
};

const VARIABLE = /\$\{([^}]*?):(?:([^}]*?):)?([^}]*?)\}/g;

/**
 * Resolves `${provider:path:key}` references in config values (Kafka's ConfigTransformer).
 * Unknown providers and missing keys leave the reference as written, as Kafka does.
 */
export class ConfigTransformer {
  constructor(private readonly providers: ReadonlyMap<string, ConfigProviderLike>) {}

  /** True when a value holds a reference to one of the configured providers. */
  hasReferences(config: Record<string, string>): boolean {
    return Object.values(config).some((v) => {
      for (const m of v.matchAll(VARIABLE)) if (this.providers.has(m[1] as string)) return true;
      return false;
    });
  }

  async transform(config: Record<string, string>): Promise<Record<string, string>> {
    // Collect keys per provider and path first, so each file is read once.
    const wanted = new Map<string, Map<string, Set<string>>>();
    for (const value of Object.values(config)) {
      for (const m of value.matchAll(VARIABLE)) {
        const [, provider, path = '', key] = m as unknown as [
          string,
          string,
          string | undefined,
          string,
        ];
        if (!this.providers.has(provider)) continue;
        const byPath = wanted.get(provider) ?? new Map<string, Set<string>>();
        const keys = byPath.get(path) ?? new Set<string>();
        keys.add(key);
        byPath.set(path, keys);
        wanted.set(provider, byPath);
      }
    }
    const resolved = new Map<string, string>();
    for (const [name, byPath] of wanted) {
      const provider = this.providers.get(name) as ConfigProviderLike;
      for (const [path, keys] of byPath) {
        let data: ConfigData;
        try {
          data = await provider.get(path, [...keys]);
        } catch (error) {
          throw new ConfigException(
            `Config provider ${name} could not read ${path || '(no path)'}: ${(error as Error).message}`,
            { cause: error },
          );
        }
        for (const [k, v] of Object.entries(data.data))
          resolved.set(`${name}\u0000${path}\u0000${k}`, v);
      }
    }
    const out: Record<string, string> = {};
    for (const [k, value] of Object.entries(config)) {
      out[k] = value.replace(
        VARIABLE,
        (whole, provider: string, path: string | undefined, key: string) => {
          return resolved.get(`${provider}\u0000${path ?? ''}\u0000${key}`) ?? whole;
        },
      );
    }
    return out;
  }
}

/**
 * Builds the providers named by `config.providers=a,b` with `config.providers.a.class` and
 * `config.providers.a.param.*`. `resolveClass` finds plugin providers (kind config-provider).
 */
export async function createConfigProviders(
  workerProps: Record<string, string>,
  resolveClass: (className: string) => Promise<ConfigProviderLike | undefined> = async () =>
    undefined,
): Promise<Map<string, ConfigProviderLike>> {
  const names = (workerProps['config.providers'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const providers = new Map<string, ConfigProviderLike>();
  for (const name of names) {
    const className = workerProps[`config.providers.${name}.class`];
    if (!className) throw ConfigException.missing(`config.providers.${name}.class`);
    const provider = BUILTIN_CONFIG_PROVIDERS[className]?.() ?? (await resolveClass(className));
    if (!provider) {
      throw ConfigException.invalid(
        `config.providers.${name}.class`,
        className,
        `Unknown config provider; built-in ones are ${Object.keys(BUILTIN_CONFIG_PROVIDERS)
          .filter((k) => k.includes('.'))
          .join(', ')}`,
      );
    }
    const prefix = `config.providers.${name}.param.`;
    const params: Record<string, string> = {};
    for (const [k, v] of Object.entries(workerProps))
      if (k.startsWith(prefix)) params[k.slice(prefix.length)] = v;
    await provider.configure?.(params);
    providers.set(name, provider);
  }
  return providers;
}

/**
 * Puts `${provider:path:key}` references back where a value is the resolved form of one in the
 * connector's raw config (Kafka's reverse transform), so task configs shown by REST or written
 * to the config topic never carry resolved secrets.
 */
export function restoreReferences(
  values: Readonly<Record<string, string>>,
  raw: Readonly<Record<string, string>>,
  resolved: Readonly<Record<string, string>>,
): Record<string, string> {
  const out = { ...values };
  for (const [key, reference] of Object.entries(raw)) {
    if (!reference.includes('${')) continue;
    const value = resolved[key];
    if (value !== undefined && value !== reference && out[key] === value) out[key] = reference;
  }
  return out;
}
