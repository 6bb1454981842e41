import { type AvroDataOptions, DEFAULT_AVRO_DATA_OPTIONS } from '@sluice/converter-avro';
import { AvroFormat } from './avro-format.js';
import { ByteArrayFormat } from './bytearray-format.js';
import type {
  AvroCodec,
  FormatName,
  LayoutSettings,
  ParquetCodec,
  S3SinkConfig,
} from './config.js';
import { JsonFormat } from './json-format.js';
import { ParquetFormat } from './parquet-format.js';
import type { RecordFormat } from './record-format.js';
import type { ViewFormats } from './topic-partition-writer.js';

/** What the formats need to know. */
export interface FormatOptions {
  readonly gzipLevel: number | null;
  readonly jsonDecimalFormat: 'BASE64' | 'NUMERIC';
  readonly bytearrayExtension: string;
  readonly bytearraySeparator: string;
  readonly avroCodec: AvroCodec;
  readonly parquetCodec: ParquetCodec;
  readonly avroData: AvroDataOptions;
}

/** The format `name` with `options`. */
export function createFormat(name: FormatName, options: FormatOptions): RecordFormat {
  switch (name) {
    case 'json':
      return new JsonFormat({
        gzipLevel: options.gzipLevel,
        decimalFormat: options.jsonDecimalFormat,
      });
    case 'bytearray':
      return new ByteArrayFormat({
        extension: options.bytearrayExtension,
        separator: options.bytearraySeparator,
        gzipLevel: options.gzipLevel,
      });
    case 'avro':
      return new AvroFormat(options.avroCodec, options.avroData);
    case 'parquet':
      return new ParquetFormat(options.parquetCodec, options.avroData);
  }
}

/** The format options of a sink config. */
export function sinkFormatOptions(config: S3SinkConfig): FormatOptions {
  return {
    gzipLevel: config.compression === 'gzip' ? config.compressionLevel : null,
    jsonDecimalFormat: config.jsonDecimalFormat,
    bytearrayExtension: config.bytearrayExtension,
    bytearraySeparator: config.bytearraySeparator,
    avroCodec: config.avroCodec,
    parquetCodec: config.parquetCodec,
    avroData: {
      ...DEFAULT_AVRO_DATA_OPTIONS,
      connectMetaData: config.connectMetaData,
      enhancedAvroSchemaSupport: config.enhancedAvroSchemaSupport,
    },
  };
}

/** The value, key and header formats of a sink or source layout. */
export function viewFormats(layout: LayoutSettings, options: FormatOptions): ViewFormats {
  return {
    value: createFormat(layout.format, options),
    key: layout.storeKeys ? createFormat(layout.keysFormat, options) : null,
    headers: layout.storeHeaders ? createFormat(layout.headersFormat, options) : null,
  };
}
