import { BooleanConverter } from '../converters/boolean-converter.js';
import { SimpleHeaderConverter } from '../converters/simple-header-converter.js';
import {
  ByteArrayConverter,
  DoubleConverter,
  FloatConverter,
  IntegerConverter,
  LongConverter,
  ShortConverter,
  StringConverter,
} from '../converters/string-converter.js';
import { RUNTIME_VERSION } from '../version.js';
import { builtinPlugin, type PluginClass, type PluginDescriptor } from './plugin-registry.js';

/** Kafka's built-in converters: each is a record converter and a header converter. */
const CONVERTERS: ReadonlyArray<[string, string, PluginClass]> = [
  ['StringConverter', 'org.apache.kafka.connect.storage.StringConverter', StringConverter],
  [
    'ByteArrayConverter',
    'org.apache.kafka.connect.converters.ByteArrayConverter',
    ByteArrayConverter,
  ],
  ['BooleanConverter', 'org.apache.kafka.connect.converters.BooleanConverter', BooleanConverter],
  ['ShortConverter', 'org.apache.kafka.connect.converters.ShortConverter', ShortConverter],
  ['IntegerConverter', 'org.apache.kafka.connect.converters.IntegerConverter', IntegerConverter],
  ['LongConverter', 'org.apache.kafka.connect.converters.LongConverter', LongConverter],
  ['FloatConverter', 'org.apache.kafka.connect.converters.FloatConverter', FloatConverter],
  ['DoubleConverter', 'org.apache.kafka.connect.converters.DoubleConverter', DoubleConverter],
];

/** The plugins every worker has: Kafka's built-in converters, under their Java class names too. */
export function builtinPlugins(): PluginDescriptor[] {
  const v = RUNTIME_VERSION;
  return [
    ...CONVERTERS.flatMap(([name, java, cls]) => [
      builtinPlugin('converter', name, [java], cls, v),
      builtinPlugin('header-converter', name, [java], cls, v),
    ]),
    builtinPlugin(
      'header-converter',
      'SimpleHeaderConverter',
      ['org.apache.kafka.connect.storage.SimpleHeaderConverter'],
      SimpleHeaderConverter,
      v,
    ),
  ];
}
