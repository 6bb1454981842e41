import {
  ConfigDef,
  ConfigException,
  ConnectHeaders,
  type Converter,
  DataException,
  type HeaderConverter,
  Schema,
  type SchemaAndValue,
} from '@sluice/api';
import { CONVERTER_CONFIG_DEF } from './converter-config.js';

/** StringConverter's setting (the key/value-specific serializer.encoding forms are read too). */
export const STRING_CONVERTER_CONFIG_DEF = new ConfigDef(CONVERTER_CONFIG_DEF).define(
  'converter.encoding',
  {
    type: 'STRING',
    default: 'UTF-8',
    importance: 'HIGH',
    documentation: 'The name of the character encoding used to encode and decode strings.',
    width: 'MEDIUM',
    displayName: 'Encoding',
  },
);

const ENCODINGS: Record<string, BufferEncoding> = {
  'utf-8': 'utf8',
  utf8: 'utf8',
  'utf-16le': 'utf16le',
  utf16le: 'utf16le',
  'iso-8859-1': 'latin1',
  latin1: 'latin1',
  'us-ascii': 'ascii',
  ascii: 'ascii',
};

/** The headers handed to the record methods when converting a header value (they ignore them). */
const NO_HEADERS = new ConnectHeaders();

/** Reads `converter.encoding` (or its key/value form) as a Node buffer encoding. */
export function encodingOf(configs: Record<string, unknown>, isKey: boolean): BufferEncoding {
  const raw = (configs['converter.encoding'] ??
    configs[isKey ? 'serializer.encoding' : 'deserializer.encoding'] ??
    configs['serializer.encoding'] ??
    'UTF-8') as string;
  const encoding = ENCODINGS[String(raw).toLowerCase()];
  if (!encoding)
    throw ConfigException.invalid(
      'converter.encoding',
      raw,
      `Unsupported encoding, use one of ${Object.keys(ENCODINGS).join(', ')}`,
    );
  return encoding;
}

/**
 * Kafka's StringConverter: any value as its string form in `converter.encoding` (UTF-8);
 * bytes read back as an optional STRING. Also a header converter, with the same format.
 */
export class StringConverter implements Converter, HeaderConverter {
  private encoding: BufferEncoding = 'utf8';

  config(): ConfigDef<object> {
    return STRING_CONVERTER_CONFIG_DEF;
  }

  configure(configs: Record<string, unknown>, isKey = false): void {
    this.encoding = encodingOf(configs, isKey);
  }

  fromConnectData(
    _topic: string,
    _headers: ConnectHeaders,
    _schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    if (value === null || value === undefined) return null;
    if (value instanceof Uint8Array)
      return Buffer.from(Buffer.from(value).toString(this.encoding), this.encoding);
    return Buffer.from(String(value), this.encoding);
  }

  toConnectData(
    _topic: string,
    _headers: ConnectHeaders,
    value: Uint8Array | null,
  ): SchemaAndValue {
    if (value === null) return { schema: Schema.OPTIONAL_STRING_SCHEMA, value: null };
    return {
      schema: Schema.OPTIONAL_STRING_SCHEMA,
      value: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString(this.encoding),
    };
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

/** Kafka's ByteArrayConverter: passes BYTES through unchanged (as a header converter too). */
export class ByteArrayConverter implements Converter, HeaderConverter {
  configure(_configs: Record<string, unknown>, _isKey?: boolean): void {}

  config(): ConfigDef<object> {
    return CONVERTER_CONFIG_DEF;
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

  fromConnectData(
    topic: string,
    _headers: ConnectHeaders,
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    if (schema !== null && schema.type !== 'BYTES') {
      throw new DataException(`Invalid schema type for ByteArrayConverter: ${schema.type}`, {
        topic,
      });
    }
    if (value === null || value === undefined) return null;
    if (value instanceof Uint8Array) return value;
    if (value instanceof ArrayBuffer) return new Uint8Array(value);
    throw new DataException(
      `ByteArrayConverter is not compatible with objects of type ${typeof value}`,
      { topic },
    );
  }

  toConnectData(
    _topic: string,
    _headers: ConnectHeaders,
    value: Uint8Array | null,
  ): SchemaAndValue {
    return { schema: Schema.OPTIONAL_BYTES_SCHEMA, value };
  }

  close(): void {}
}

type NumberType = 'INT16' | 'INT32' | 'INT64' | 'FLOAT32' | 'FLOAT64';

/**
 * Kafka's number converters (Short/Integer/Long/Float/Double): big-endian fixed-width values,
 * as record data and as header values.
 */
abstract class NumberConverter implements Converter, HeaderConverter {
  protected abstract readonly type: NumberType;

  configure(_configs: Record<string, unknown>, _isKey?: boolean): void {}

  config(): ConfigDef<object> {
    return CONVERTER_CONFIG_DEF;
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

  private schema(): Schema {
    switch (this.type) {
      case 'INT16':
        return Schema.OPTIONAL_INT16_SCHEMA;
      case 'INT32':
        return Schema.OPTIONAL_INT32_SCHEMA;
      case 'INT64':
        return Schema.OPTIONAL_INT64_SCHEMA;
      case 'FLOAT32':
        return Schema.OPTIONAL_FLOAT32_SCHEMA;
      default:
        return Schema.OPTIONAL_FLOAT64_SCHEMA;
    }
  }

  fromConnectData(
    topic: string,
    _headers: ConnectHeaders,
    schema: Schema | null,
    value: unknown,
  ): Uint8Array | null {
    if (schema !== null && schema.type !== this.type) {
      throw new DataException(`Invalid schema type ${schema.type} for a ${this.type} converter`, {
        topic,
      });
    }
    if (value === null || value === undefined) return null;
    const buf = Buffer.alloc(
      this.type === 'INT16' ? 2 : this.type === 'INT32' || this.type === 'FLOAT32' ? 4 : 8,
    );
    try {
      if (this.type === 'INT16') buf.writeInt16BE(Number(value));
      else if (this.type === 'INT32') buf.writeInt32BE(Number(value));
      else if (this.type === 'INT64') buf.writeBigInt64BE(BigInt(value as bigint));
      else if (this.type === 'FLOAT32') buf.writeFloatBE(Number(value));
      else buf.writeDoubleBE(Number(value));
    } catch (error) {
      throw new DataException(`Cannot write ${String(value)} as ${this.type}`, {
        topic,
        cause: error,
      });
    }
    return buf;
  }

  toConnectData(topic: string, _headers: ConnectHeaders, value: Uint8Array | null): SchemaAndValue {
    if (value === null) return { schema: this.schema(), value: null };
    const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const size =
      this.type === 'INT16' ? 2 : this.type === 'INT32' || this.type === 'FLOAT32' ? 4 : 8;
    if (buf.length !== size)
      throw new DataException(`Size of data received is not ${size} bytes for ${this.type}`, {
        topic,
      });
    const v =
      this.type === 'INT16'
        ? buf.readInt16BE()
        : this.type === 'INT32'
          ? buf.readInt32BE()
          : this.type === 'INT64'
            ? buf.readBigInt64BE()
            : this.type === 'FLOAT32'
              ? buf.readFloatBE()
              : buf.readDoubleBE();
    return { schema: this.schema(), value: v };
  }

  close(): void {}
}

export class ShortConverter extends NumberConverter {
  protected readonly type = 'INT16';
}
export class IntegerConverter extends NumberConverter {
  protected readonly type = 'INT32';
}
export class LongConverter extends NumberConverter {
  protected readonly type = 'INT64';
}
export class FloatConverter extends NumberConverter {
  protected readonly type = 'FLOAT32';
}
export class DoubleConverter extends NumberConverter {
  protected readonly type = 'FLOAT64';
}
