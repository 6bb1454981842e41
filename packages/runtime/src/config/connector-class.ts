import { ConfigException } from '@sluice/api';
import {
  type PluginDescriptor,
  PluginNotFoundException,
  type PluginRegistry,
} from '../plugins/plugin-registry.js';

/** Java's `String.hashCode()`: 31-based over UTF-16 code units, as a 32-bit int. */
function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * A string map as Java prints a `HashMap` copied from it (`{a=1, b=2}`), keys in the HashMap's
 * bucket order. Kafka's messages quoting a connector config print the HashMap its config
 * transformer returns; printing the same order makes those messages read the same.
 */
export function javaMapString(props: Readonly<Record<string, string>>): string {
  const keys = Object.keys(props);
  // `new HashMap<>(map)` sizes its table to the power of two ≥ size / 0.75 + 1.
  let capacity = 1;
  while (capacity < Math.floor(keys.length / 0.75 + 1)) capacity *= 2;
  const bucket = (key: string) => {
    const h = javaStringHash(key);
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  // Within a bucket, entries keep their insertion order (a stable sort keeps it too).
  const ordered = keys
    .map((key, i) => ({ key, i, b: bucket(key) }))
    .sort((x, y) => x.b - y.b || x.i - y.i);
  return `{${ordered.map(({ key }) => `${key}=${props[key]}`).join(', ')}}`;
}

/** A config naming no connector, or one not installed: Kafka's herder refuses it first (400). */
export class ConnectorClassException extends ConfigException {
  override name = 'ConnectorClassException';
}

/**
 * The connector plugin a config names, refused as Kafka's herder refuses it before validating
 * anything else: no `connector.class` ("contains no connector type") or a name no installed
 * connector has ("Failed to find any class that implements Connector ...").
 */
export function connectorPluginOf(
  plugins: PluginRegistry,
  props: Readonly<Record<string, string>>,
): PluginDescriptor {
  const name = props['connector.class'];
  if (name === undefined)
    throw new ConnectorClassException(
      `Connector config ${javaMapString(props)} contains no connector type`,
    );
  try {
    return plugins.resolve('connector', name, 'connector.class');
  } catch (error) {
    if (!(error instanceof PluginNotFoundException) || !error.reason.startsWith('Failed to find'))
      throw error;
    const installed = plugins
      .list('connector')
      .map((p) => p.qualifiedName)
      .sort();
    throw new ConnectorClassException(
      `Failed to find any class that implements Connector and which name matches ${name}, available connectors are: ${installed.join(', ')}`,
    );
  }
}
