import {
  type ConfigInfo,
  type ConfigInfos,
  type ConfigKey,
  type ConfigValue,
  ConfigDef as Def,
  type PluginKind,
} from '@sluice/api';
import { ConnectorClassException, connectorPluginOf } from '../config/connector-class.js';
import { baseDefOf } from '../config/connector-config.js';
import {
  enrichedConnectorDef,
  versionNotInstalled,
  type WorkerConverters,
} from '../config/enriched-connector-config.js';
import { configDefOf } from '../config/password-keys.js';
import { type VersionRange, versionRange } from '../config/plugin-versions.js';
import type { StandaloneHerder } from '../herder/standalone-herder.js';
import type { ConnectorLike } from '../plugins/contracts.js';
import {
  type PluginDescriptor,
  PluginNotFoundException,
  type PluginRegistry,
} from '../plugins/plugin-registry.js';
import { configBody } from './request-bodies.js';
import { badRequest, RestException } from './rest-exception.js';
import type { Router } from './router.js';

/** Kafka's PluginType names, in the order Kafka lists plugins. */
const PLUGIN_TYPES: ReadonlyArray<[PluginKind, string]> = [
  ['sink', 'sink'],
  ['source', 'source'],
  ['transform', 'transformation'],
  ['predicate', 'predicate'],
  ['converter', 'converter'],
  ['header-converter', 'header_converter'],
];

/** One entry of `GET /connector-plugins` (Kafka's PluginInfo). */
export interface PluginInfo {
  class: string;
  type: string;
  version: string;
}

function pluginInfo(p: PluginDescriptor, type: string): PluginInfo {
  // The package-qualified name: unambiguous, and accepted wherever a config names a plugin.
  return { class: p.qualifiedName, type, version: p.version };
}

/** Kafka's ALIAS_SUFFIX rule: `FooConnector` and `Foo` name the same connector. */
function withoutConnectorSuffix(name: string): string {
  return name.endsWith('Connector') && name.length > 'Connector'.length
    ? name.slice(0, -'Connector'.length)
    : name;
}

/**
 * Whether the `connector.class` of a validate body matches the plugin in its path: by Kafka's
 * rule (the body's name ends with the path's, a `Connector` suffix ignored) or because both
 * resolve to the same installed plugin (a Java alias against a package-qualified name).
 */
function sameConnector(plugins: PluginRegistry, included: string, path: string): boolean {
  if (withoutConnectorSuffix(included).endsWith(withoutConnectorSuffix(path))) return true;
  try {
    return (
      plugins.resolve('connector', included, 'connector.class') ===
      plugins.resolve('connector', path, 'connector.class')
    );
  } catch {
    return false;
  }
}

/** The plugin a path names, of any kind the REST API knows, or Kafka's 404. */
function findPlugin(plugins: PluginRegistry, name: string): PluginDescriptor {
  for (const [kind] of PLUGIN_TYPES) {
    try {
      return plugins.resolve(kind, name, 'plugin');
    } catch (error) {
      if (!(error instanceof PluginNotFoundException)) throw error;
      if (!error.reason.startsWith('Failed to find')) throw badRequest(error.reason);
    }
  }
  throw new RestException(404, `Unknown plugin ${name}.`);
}

/**
 * Kafka's connectorPluginConfig: the plugin's own keys, then (connectors) the framework's keys it
 * does not redefine.
 */
async function pluginConfigKeys(
  plugins: PluginRegistry,
  plugin: PluginDescriptor,
): Promise<ConfigKey[]> {
  const cls = await plugin.load();
  const own = configDefOf(new cls());
  const keys = new Map<string, ConfigKey>(own ? own.configKeys() : []);
  if (baseDefOf(plugin.kind)) {
    const base = await enrichedConnectorDef(plugins, plugin, null);
    for (const [name, key] of base.configKeys()) if (!keys.has(name)) keys.set(name, key);
  }
  return [...keys.values()];
}

/**
 * The validate response (Kafka's ConfigInfos) for a connector config: the framework's keys and the
 * connector's own (its `validate`), plus every problem the worker finds elsewhere (converters,
 * transforms, predicates, config providers) under the key at fault.
 */
export async function validateConnector(
  herder: StandaloneHerder,
  plugins: PluginRegistry,
  converters: WorkerConverters,
  plugin: PluginDescriptor,
  props: Record<string, string>,
): Promise<ConfigInfos> {
  const base = await enrichedConnectorDef(plugins, plugin, { props, converters });
  const keys = new Map<string, ConfigKey>(base.configKeys());
  const groups = [...base.groups()];
  const values = new Map<string, ConfigValue>(base.validateAll(props));
  const cls = await plugin.load();
  const connector = new cls() as ConnectorLike;
  const own = configDefOf(connector);
  if (own) {
    for (const [name, key] of own.configKeys()) if (!keys.has(name)) keys.set(name, key);
    for (const g of own.groups()) if (!groups.includes(g)) groups.push(g);
  }
  for (const problem of await herder.validateConnectorConfig(props)) {
    const value = values.get(problem.key);
    if (!value) {
      values.set(problem.key, {
        name: problem.key,
        value: problem.value ?? props[problem.key] ?? null,
        recommendedValues: [],
        errorMessages: [problem.message],
        visible: true,
      });
    } else if (!value.errorMessages.includes(problem.message)) {
      value.errorMessages.push(problem.message);
    }
    // A class key naming a plugin that does not load has no value, as in Kafka.
    if (value && keys.get(problem.key)?.type === 'CLASS') value.value = null;
  }
  // The connector's own verdict on its keys (already counted above where the worker reported it).
  const result = (await connector.validate?.(props)) as
    | { configValues?: ConfigValue[] }
    | undefined;
  for (const v of result?.configValues ?? []) {
    const known = values.get(v.name);
    if (!known) values.set(v.name, { ...v, errorMessages: [...v.errorMessages] });
    else if (!base.configKeys().has(v.name)) {
      known.value = v.value;
      known.recommendedValues = v.recommendedValues;
      known.visible = v.visible;
      for (const m of v.errorMessages)
        if (!known.errorMessages.includes(m)) known.errorMessages.push(m);
    }
  }
  const configs: ConfigInfo[] = [];
  let errorCount = 0;
  for (const value of values.values()) {
    if (keys.has(value.name)) continue;
    configs.push({ definition: null, value: Def.configValueInfo(value) });
    errorCount += value.errorMessages.length;
  }
  for (const key of keys.values()) {
    const value = values.get(key.name);
    if (value) errorCount += value.errorMessages.length;
    configs.push({
      definition: Def.configKeyInfo(key),
      value: value ? Def.configValueInfo(value, key.type) : null,
    });
  }
  // Named as the config names it, as Kafka answers.
  const name = props['connector.class'] ?? plugin.qualifiedName;
  return { name, error_count: errorCount, groups, configs };
}

/** `/connector-plugins/...` (Kafka's ConnectorPluginsResource). */
export function connectorPluginsRoutes(
  router: Router,
  herder: StandaloneHerder,
  plugins: PluginRegistry,
  converters: WorkerConverters,
): void {
  router
    .add('GET', '/connector-plugins', (r) => {
      // As JAX-RS reads `@DefaultValue("true") boolean`: absent is true, otherwise only "true" is.
      const raw = r.query.get('connectorsOnly');
      const connectorsOnly = raw === null ? true : raw.toLowerCase() === 'true';
      const out: PluginInfo[] = [];
      for (const [kind, type] of PLUGIN_TYPES) {
        if (connectorsOnly && kind !== 'sink' && kind !== 'source') continue;
        const list = plugins
          .list(kind)
          .sort((a, b) => a.qualifiedName.localeCompare(b.qualifiedName));
        for (const p of list) out.push(pluginInfo(p, type));
      }
      return { status: 200, body: out };
    })
    .add('GET', '/connector-plugins/{plugin}/config', async (r) => {
      const plugin = findPlugin(plugins, r.params.plugin as string);
      const keys = await pluginConfigKeys(plugins, plugin);
      return { status: 200, body: keys.map((k) => Def.configKeyInfo(k)) };
    })
    .add('PUT', '/connector-plugins/{plugin}/config/validate', async (r) => {
      const name = r.params.plugin as string;
      const props = configBody(await r.body());
      const included = props['connector.class'];
      if (included !== undefined && !sameConnector(plugins, included, name))
        throw badRequest(`Included connector type ${included} does not match request type ${name}`);
      let plugin: PluginDescriptor;
      try {
        plugin = connectorPluginOf(plugins, props);
      } catch (error) {
        // Kafka's validate wraps the herder's refusal: a 500 quoting the Java exception.
        if (error instanceof ConnectorClassException)
          throw new RestException(
            500,
            `org.apache.kafka.connect.runtime.rest.errors.BadRequestException: ${error.message}`,
          );
        throw error;
      }
      let range: VersionRange | null = null;
      try {
        range = versionRange(props['connector.plugin.version']);
      } catch {
        // A malformed range is reported on its key by the full validation.
      }
      if (range && !range.contains(plugin.version))
        return { status: 200, body: versionNotInstalled(plugin, props, range) };
      return {
        status: 200,
        body: await validateConnector(herder, plugins, converters, plugin, props),
      };
    });
}
