import {
  type ConfigDef,
  ConnectHeaders,
  type Converter,
  DataException,
  type HeaderConverter,
  Schema,
  type SchemaAndValue,
} from '@sluice/api';
import { CONVERTER_CONFIG_DEF } from './converter-config.js';

const TRUE = 0x01;
const FALSE = 0x00;
const NO_HEADERS = new ConnectHeaders();

/**
 * Kafka's BooleanConverter (with its BooleanSerializer's format): one byte, 0x01 for true and
 * 0x00 for false; bytes read back as an optional BOOLEAN. A record converter and a header
 * converter.
 */
export class BooleanConverter implements Converter, HeaderConverter {
  config(): ConfigDef<object> {
    return CONVERTER_CONFIG_DEF;
  }

  configure(_configs: Record<string, unknown>, _isKey?: boolean): void {}

  fromConnectData(
    topic: string,
    _headers: ConnectHeaders,
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    if (schema !== null && schema.type !== 'BOOLEAN')
      throw new DataException(`Invalid schema type for BooleanConverter: ${schema.type}`, {
        topic,
      });
    if (value === null || value === undefined) return null;
    if (typeof value !== 'boolean')
      throw new DataException(
        `BooleanConverter is not compatible with objects of type ${typeof value}`,
        { topic },
      );
    return Uint8Array.of(value ? TRUE : FALSE);
  }

  toConnectData(topic: string, _headers: ConnectHeaders, value: Uint8Array | null): SchemaAndValue {
    if (value === null) return { schema: Schema.OPTIONAL_BOOLEAN_SCHEMA, value: null };
    if (value.length !== 1)
      throw new DataException(
        'Failed to deserialize boolean: Size of data received by BooleanDeserializer is not 1',
        { topic },
      );
    const byte = value[0] as number;
    if (byte !== TRUE && byte !== FALSE)
      throw new DataException(
        // Java prints the byte signed.
        `Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: ${(byte << 24) >> 24}`,
        { topic },
      );
    return { schema: Schema.OPTIONAL_BOOLEAN_SCHEMA, value: byte === TRUE };
  }

  fromConnectHeader(
    topic: string,
    _key: string,
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    return this.fromConnectData(topic, NO_HEADERS, schema, value);
  }

  toConnectHeader(topic: string, _key: string, value: Uint8Array | null): SchemaAndValue {
    return this.toConnectData(topic, NO_HEADERS, value);
  }

  close(): void {}
}
