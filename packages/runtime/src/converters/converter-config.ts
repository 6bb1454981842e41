import { ConfigDef, ValidString } from '@sluice/api';

/**
 * The setting every converter has (Kafka's ConverterConfig): `converter.type`, which the worker
 * sets to the converter's role. Converters with no other settings show just this one.
 */
export const CONVERTER_CONFIG_DEF = new ConfigDef().define('converter.type', {
  type: 'STRING',
  validator: ValidString.in('key', 'value', 'header'),
  importance: 'LOW',
  documentation: 'What the converter converts: key, value or header (set by the worker).',
}) as ConfigDef<object>;
