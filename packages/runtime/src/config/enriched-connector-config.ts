import {
  ConfigException,
  type ConfigInfos,
  type ConfigKey,
  type ConfigKeyOptions,
  ConfigDef as Def,
  type PluginKind,
} from '@sluice/api';
import type { PluginDescriptor, PluginRegistry } from '../plugins/plugin-registry.js';
import { baseDefOf, COMMON_CONNECTOR_CONFIG_DEF } from './connector-config.js';
import { configDefOf } from './password-keys.js';
import type { VersionRange } from './plugin-versions.js';

/** The worker's converters, which a connector config without its own uses. */
export type WorkerConverters = Readonly<Record<'key' | 'value' | 'header', string>>;

/**
 * A recommender offering a fixed list (Kafka's plugin recommenders, for installed plugins);
 * `visible` false hides the key, as Kafka hides the version of a plugin it cannot load.
 */
function offering(values: readonly string[], visible = true) {
  return { validValues: () => [...values], visible: () => visible };
}

/** The aliases a `transforms` or `predicates` value lists, once each. */
function aliasesOf(list: string | undefined): string[] {
  return [
    ...new Set(
      (list ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * Kafka's ConnectorConfig.enrich for the transforms (or predicates) of a config: per alias, its
 * `type` and `plugin.version` keys in group `Transforms: <alias>`, then (when its plugin loads)
 * the plugin's own keys under the alias's prefix, a transform's with `predicate` and `negate`.
 */
async function enrichAliases(
  def: Def<object>,
  plugins: PluginRegistry,
  props: Readonly<Record<string, string>>,
  kind: 'transform' | 'predicate',
): Promise<void> {
  const [list, title, typeName] =
    kind === 'transform'
      ? (['transforms', 'Transforms', 'Transformation'] as const)
      : (['predicates', 'Predicates', 'Predicate'] as const);
  const installed = plugins
    .list(kind)
    .map((p) => p.qualifiedName)
    .sort();
  for (const alias of aliasesOf(props[list])) {
    const prefix = `${list}.${alias}.`;
    const group = `${title}: ${alias}`;
    let plugin: PluginDescriptor | null = null;
    try {
      plugin = plugins.resolve(kind, props[`${prefix}type`] ?? '', `${prefix}type`);
    } catch {
      // Reported on the type key.
    }
    def.define(`${prefix}type`, {
      type: 'CLASS',
      importance: 'HIGH',
      documentation: `The ${typeName.toLowerCase()} plugin of '${alias}'.`,
      group,
      orderInGroup: 0,
      width: 'LONG',
      displayName: `${typeName} type for ${alias}`,
      recommender: offering(installed),
    });
    def.define(`${prefix}plugin.version`, {
      type: 'STRING',
      default: plugin?.version ?? null,
      importance: 'HIGH',
      documentation: `Version of the '${alias}' ${typeName.toLowerCase()}; when set, it must be the installed version.`,
      group,
      orderInGroup: 1,
      width: 'LONG',
      displayName: `${typeName} version for ${alias}`,
      recommender: offering(plugin ? [plugin.version] : []),
    });
    if (!plugin) continue;
    const own = configDefOf(new (await plugin.load())());
    const child = new Def();
    if (kind === 'transform')
      child
        .define('predicate', {
          type: 'STRING',
          default: null,
          importance: 'MEDIUM',
          documentation: 'The alias of the predicate deciding whether the transformation applies.',
        })
        .define('negate', {
          type: 'BOOLEAN',
          default: false,
          importance: 'MEDIUM',
          documentation: 'Apply the transformation where the predicate does not match.',
        });
    for (const key of own?.configKeys().values() ?? [])
      if (!child.configKeys().has(key.name)) child.define(key.name, optionsOf(key));
    def.embed(prefix, group, 2, child as Def<object>);
  }
}

/** The definition options of an existing key, to define it again with some of them changed. */
function optionsOf(key: ConfigKey): ConfigKeyOptions {
  return {
    type: key.type,
    ...(key.hasDefault
      ? { default: key.defaultValue as NonNullable<ConfigKeyOptions['default']> | null }
      : {}),
    importance: key.importance,
    documentation: key.documentation,
    ...(key.validator === null ? {} : { validator: key.validator }),
    ...(key.group === null ? {} : { group: key.group }),
    orderInGroup: key.orderInGroup,
    width: key.width,
    displayName: key.displayName,
    dependents: key.dependents,
    ...(key.recommender === null ? {} : { recommender: key.recommender }),
    internal: key.internal,
  };
}

/**
 * Kafka's ConnectorConfig.enrichedConfigDef: the framework's keys of a connector plugin with
 * `connector.plugin.version` defaulting to the installed version and, when validating a config
 * (`validating`), the converter keys defaulting to the worker's converters and their versions,
 * recommending the installed converters, and the keys of its transforms and predicates.
 */
export async function enrichedConnectorDef(
  plugins: PluginRegistry,
  plugin: PluginDescriptor,
  validating: { props: Readonly<Record<string, string>>; converters: WorkerConverters } | null,
): Promise<Def<object>> {
  const base = baseDefOf(plugin.kind);
  if (!base) throw new ConfigException(`${plugin.qualifiedName} is not a connector plugin`);
  const changes = new Map<string, Partial<ConfigKeyOptions>>([
    [
      'connector.plugin.version',
      { default: plugin.version, recommender: offering([plugin.version]) },
    ],
  ]);
  if (validating) {
    for (const role of ['key', 'value', 'header'] as const) {
      const kind: PluginKind = role === 'header' ? 'header-converter' : 'converter';
      const installed = plugins
        .list(kind)
        .map((p) => p.qualifiedName)
        .sort();
      changes.set(`${role}.converter`, {
        default: validating.converters[role],
        recommender: offering(installed),
      });
      let version: string | null = null;
      try {
        const name = validating.props[`${role}.converter`] ?? validating.converters[role];
        version = plugins.resolve(kind, name, `${role}.converter`).version;
      } catch {
        // An unknown converter is reported on its own key.
      }
      changes.set(`${role}.converter.plugin.version`, {
        default: version,
        recommender: offering(version === null ? [] : [version], version !== null),
      });
    }
  }
  const def = new Def();
  for (const key of base.configKeys().values())
    def.define(key.name, { ...optionsOf(key), ...changes.get(key.name) } as ConfigKeyOptions);
  if (validating) {
    await enrichAliases(def as Def<object>, plugins, validating.props, 'transform');
    await enrichAliases(def as Def<object>, plugins, validating.props, 'predicate');
  }
  return def as Def<object>;
}

/**
 * Kafka's answer to validating a config whose `connector.plugin.version` the installed connector
 * does not satisfy: the keys every connector has (no converter defaults), with the message on
 * `connector.class` and `connector.plugin.version`, and the installed version recommended.
 */
export function versionNotInstalled(
  plugin: PluginDescriptor,
  props: Record<string, string>,
  range: VersionRange,
): ConfigInfos {
  const message = `Plugin ${props['connector.class']} not found that matches the version range ${range.text}, available versions: [${plugin.version}]`;
  const def = new Def();
  for (const key of COMMON_CONNECTOR_CONFIG_DEF.configKeys().values()) {
    const options = optionsOf(key);
    if (key.name === 'connector.plugin.version') options.default = plugin.version;
    // Without a loadable connector Kafka offers no converter versions.
    if (/^(key|value|header)\.converter\.plugin\.version$/.test(key.name))
      options.recommender = offering([], false);
    def.define(key.name, options);
  }
  const values = def.validateAll(props);
  for (const name of ['connector.class', 'connector.plugin.version'])
    values.get(name)?.errorMessages.push(message);
  const version = values.get('connector.plugin.version');
  if (version) version.recommendedValues = [plugin.version];
  return (def as Def<object>).toConfigInfos(props['connector.class'] ?? '', [...values.values()]);
}
