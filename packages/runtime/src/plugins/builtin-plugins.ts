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
import { builtinPlugin, type PluginDescriptor } from './plugin-registry.js';

/** The plugins every worker has: Kafka's built-in converters, under their Java class names too. */
export function builtinPlugins(): PluginDescriptor[] {
  const v = RUNTIME_VERSION;
  return [
    builtinPlugin(
      'converter',
      'StringConverter',
      ['org.apache.kafka.connect.storage.StringConverter'],
      StringConverter,
      v,
    ),
    builtinPlugin(
      'converter',
      'ByteArrayConverter',
      ['org.apache.kafka.connect.converters.ByteArrayConverter'],
      ByteArrayConverter,
      v,
    ),
    builtinPlugin(
      'converter',
      'ShortConverter',
      ['org.apache.kafka.connect.converters.ShortConverter'],
      ShortConverter,
      v,
    ),
    builtinPlugin(
      'converter',
      'IntegerConverter',
      ['org.apache.kafka.connect.converters.IntegerConverter'],
      IntegerConverter,
      v,
    ),
    builtinPlugin(
      'converter',
      'LongConverter',
      ['org.apache.kafka.connect.converters.LongConverter'],
      LongConverter,
      v,
    ),
    builtinPlugin(
      'converter',
      'FloatConverter',
      ['org.apache.kafka.connect.converters.FloatConverter'],
      FloatConverter,
      v,
    ),
    builtinPlugin(
      'converter',
      'DoubleConverter',
      ['org.apache.kafka.connect.converters.DoubleConverter'],
      DoubleConverter,
      v,
    ),
    builtinPlugin(
      'header-converter',
      'SimpleHeaderConverter',
      ['org.apache.kafka.connect.storage.SimpleHeaderConverter'],
      SimpleHeaderConverter,
      v,
    ),
  ];
}
