import { type ConfigDef, ConfigDef as Def, Password } from '@sluice/api';

/** The ConfigDef a plugin instance declares through `config()`, or null when it declares none. */
export function configDefOf(instance: unknown): ConfigDef<object> | null {
  const config = (instance as { config?: () => unknown }).config?.();
  return config instanceof Def ? (config as ConfigDef<object>) : null;
}

/**
 * The Kafka client keys Kafka declares PASSWORD (SaslConfigs, SslConfigs), secret also as
 * `producer.override.*`, `consumer.override.*` and `admin.override.*` of a connector config.
 */
export const CLIENT_PASSWORD_KEYS: readonly string[] = [
  'sasl.jaas.config',
  'ssl.key.password',
  'ssl.keystore.password',
  'ssl.keystore.key',
  'ssl.keystore.certificate.chain',
  'ssl.truststore.password',
  'ssl.truststore.certificates',
];

/** The keys the given ConfigDefs declare as PASSWORD, each after `prefix`. */
export function passwordKeys(
  defs: ReadonlyArray<ConfigDef<object> | null>,
  prefix = '',
): Set<string> {
  const keys = new Set<string>();
  for (const def of defs) {
    if (!def) continue;
    for (const [name, key] of def.configKeys())
      if (key.type === 'PASSWORD') keys.add(`${prefix}${name}`);
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
