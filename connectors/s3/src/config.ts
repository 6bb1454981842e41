import {
  ConfigDef,
  ConfigException,
  type ConfigProblem,
  type ConfigValue,
  type ConnectorProps,
  type Password,
  Range,
  ValidString,
} from '@sluice/api';
import { parseLocale } from './date-time-pattern.js';
import { TimeZone } from './time-zone.js';

const CONNECTOR_GROUP = 'Connector';
const STORAGE_GROUP = 'Storage';
const S3_GROUP = 'S3';
const KEYS_GROUP = 'Keys and Headers';
const PARTITIONER_GROUP = 'Partitioner';
const SOURCE_GROUP = 'Source';

/** The object formats, by their short names. */
export const FORMATS = ['json', 'avro', 'parquet', 'bytearray'] as const;
export type FormatName = (typeof FORMATS)[number];

const FORMAT_CLASSES: Record<string, FormatName> = {
  JsonFormat: 'json',
  AvroFormat: 'avro',
  ParquetFormat: 'parquet',
  ByteArrayFormat: 'bytearray',
  'io.confluent.connect.s3.format.json.JsonFormat': 'json',
  'io.confluent.connect.s3.format.avro.AvroFormat': 'avro',
  'io.confluent.connect.s3.format.parquet.ParquetFormat': 'parquet',
  'io.confluent.connect.s3.format.bytearray.ByteArrayFormat': 'bytearray',
};

/** The partitioners, by their short names. */
export const PARTITIONERS = [
  'DefaultPartitioner',
  'FieldPartitioner',
  'TimeBasedPartitioner',
  'DailyPartitioner',
  'HourlyPartitioner',
] as const;
export type PartitionerName = (typeof PARTITIONERS)[number];

const PARTITIONER_PACKAGE = 'io.confluent.connect.storage.partitioner.';

export const AVRO_CODECS = ['null', 'deflate', 'snappy'] as const;
export type AvroCodec = (typeof AVRO_CODECS)[number];
export const PARQUET_CODECS = ['none', 'uncompressed', 'snappy', 'gzip'] as const;
export type ParquetCodec = 'none' | 'snappy' | 'gzip';
export const NULL_VALUE_BEHAVIORS = ['fail', 'ignore', 'write'] as const;
export type NullValueBehavior = (typeof NULL_VALUE_BEHAVIORS)[number];

const S3_STORAGE_CLASS = 'io.confluent.connect.s3.storage.S3Storage';

function formatValidator(value: unknown, name: string): string | undefined {
  if (typeof value === 'string' && FORMAT_CLASSES[value] !== undefined) return undefined;
  return `${name} must be one of JsonFormat, AvroFormat, ParquetFormat, ByteArrayFormat (or their io.confluent.connect.s3.format class names)`;
}

function partitionerOf(value: string): PartitionerName | undefined {
  const short = value.startsWith(PARTITIONER_PACKAGE)
    ? value.slice(PARTITIONER_PACKAGE.length)
    : value;
  return (PARTITIONERS as readonly string[]).includes(short)
    ? (short as PartitionerName)
    : undefined;
}

/** Format a format class name (short or Confluent's) to its short name, or throw. */
export function formatOf(key: string, value: string): FormatName {
  const format = FORMAT_CLASSES[value];
  if (format === undefined) throw ConfigException.invalid(key, value, formatValidator(value, key));
  return format;
}

/** The connection keys shared by the sink and the source. */
function defineConnection<C extends object>(def: ConfigDef<C>) {
  return def
    .define('s3.bucket.name', {
      type: 'STRING',
      importance: 'HIGH',
      documentation: 'The S3 bucket.',
      group: S3_GROUP,
      orderInGroup: 1,
      width: 'LONG',
      displayName: 'S3 Bucket',
    })
    .define('s3.region', {
      type: 'STRING',
      default: 'us-west-2',
      importance: 'MEDIUM',
      documentation: 'The AWS region to be used by the connector.',
      group: S3_GROUP,
      orderInGroup: 2,
      width: 'LONG',
      displayName: 'AWS region',
    })
    .define('aws.access.key.id', {
      type: 'STRING',
      default: '',
      importance: 'HIGH',
      documentation:
        'The AWS access key ID. When empty (with `aws.secret.access.key`), the AWS SDK default credential chain is used (environment, shared files, instance roles).',
      group: S3_GROUP,
      orderInGroup: 3,
      width: 'LONG',
      displayName: 'AWS Access Key ID',
    })
    .define('aws.secret.access.key', {
      type: 'PASSWORD',
      default: '',
      importance: 'HIGH',
      documentation: 'The secret access key for `aws.access.key.id`.',
      group: S3_GROUP,
      orderInGroup: 4,
      width: 'LONG',
      displayName: 'AWS Secret Access Key',
    })
    .define('s3.path.style.access.enabled', {
      type: 'BOOLEAN',
      default: true,
      importance: 'LOW',
      documentation:
        'Whether to address the bucket in the path (`https://host/bucket/key`) instead of the host name. Always on when `store.url` is set.',
      group: S3_GROUP,
      orderInGroup: 5,
      width: 'SHORT',
      displayName: 'Enable Path Style Access to S3',
    })
    .define('s3.part.retries', {
      type: 'INT',
      default: 3,
      validator: Range.atLeast(0),
      importance: 'MEDIUM',
      documentation:
        'Maximum number of retry attempts of the S3 client for a failed request (its standard retry strategy: throttling, 5xx and network errors). Zero means no retries.',
      group: S3_GROUP,
      orderInGroup: 6,
      width: 'LONG',
      displayName: 'S3 Part Upload Retries',
    })
    .define('s3.retry.backoff.ms', {
      type: 'LONG',
      default: 200,
      validator: Range.atLeast(0),
      importance: 'LOW',
      documentation:
        "How long to wait in milliseconds before the S3 client's first retry of a failed request; later retries wait up to twice as long each time.",
      group: S3_GROUP,
      orderInGroup: 7,
      width: 'SHORT',
      displayName: 'Retry Backoff (ms)',
    })
    .define('topics.dir', {
      type: 'STRING',
      default: 'topics',
      importance: 'HIGH',
      documentation: 'Top level directory (key prefix) of the data ingested from Kafka.',
      group: STORAGE_GROUP,
      orderInGroup: 1,
      displayName: 'Topics directory',
    })
    .define('store.url', {
      type: 'STRING',
      default: null,
      importance: 'HIGH',
      documentation:
        'The S3 endpoint URL for S3-compatible stores (MinIO, Ceph, LocalStack, ...), e.g. `http://127.0.0.1:9000`; path-style addressing is used with it. Empty: AWS S3 for `s3.region`.',
      group: STORAGE_GROUP,
      orderInGroup: 2,
      displayName: 'Store URL',
    })
    .define('directory.delim', {
      type: 'STRING',
      default: '/',
      importance: 'MEDIUM',
      documentation: 'Directory delimiter pattern.',
      group: STORAGE_GROUP,
      orderInGroup: 3,
      width: 'LONG',
      displayName: 'Directory Delimiter',
    })
    .define('file.delim', {
      type: 'STRING',
      default: '+',
      importance: 'MEDIUM',
      documentation: 'File delimiter pattern.',
      group: STORAGE_GROUP,
      orderInGroup: 4,
      width: 'LONG',
      displayName: 'File Delimiter',
    })
    .define('storage.class', {
      type: 'CLASS',
      default: S3_STORAGE_CLASS,
      validator: ValidString.in(S3_STORAGE_CLASS),
      importance: 'HIGH',
      documentation: 'The underlying storage layer; only S3 is available.',
      group: STORAGE_GROUP,
      orderInGroup: 5,
      displayName: 'Storage Class',
    })
    .define('format.class', {
      type: 'CLASS',
      validator: formatValidator,
      importance: 'HIGH',
      documentation:
        'The format of the objects: `io.confluent.connect.s3.format.json.JsonFormat` (JSON lines), `...avro.AvroFormat` (Avro object container files), `...parquet.ParquetFormat`, `...bytearray.ByteArrayFormat` (raw bytes and a separator); the short names `JsonFormat`, `AvroFormat`, `ParquetFormat`, `ByteArrayFormat` work too.',
      group: CONNECTOR_GROUP,
      orderInGroup: 1,
      displayName: 'Format class',
    })
    .define('format.bytearray.extension', {
      type: 'STRING',
      default: '.bin',
      importance: 'LOW',
      documentation: 'Output file extension for ByteArrayFormat.',
      group: S3_GROUP,
      orderInGroup: 20,
      width: 'LONG',
      displayName: 'Output file extension for ByteArrayFormat',
    })
    .define('format.bytearray.separator', {
      type: 'STRING',
      default: null,
      importance: 'LOW',
      documentation:
        'String inserted between records for ByteArrayFormat; may contain escape sequences like `\\n`. Defaults to a line feed. A record that contains the separator reads back as several records.',
      group: S3_GROUP,
      orderInGroup: 21,
      width: 'LONG',
      displayName: 'Line separator ByteArrayFormat',
    })
    .define('s3.compression.type', {
      type: 'STRING',
      default: 'none',
      validator: ValidString.in('none', 'gzip'),
      importance: 'LOW',
      documentation:
        'Compression of the objects written for JsonFormat and ByteArrayFormat (`.gz` is appended to their extension): none or gzip.',
      group: S3_GROUP,
      orderInGroup: 10,
      width: 'LONG',
      displayName: 'Compression type',
    })
    .define('store.kafka.keys', {
      type: 'BOOLEAN',
      default: false,
      importance: 'LOW',
      documentation:
        'Write the record keys too, to an object beside each value object (`.keys` before the extension). Mandatory when `behavior.on.null.values=write`.',
      group: KEYS_GROUP,
      orderInGroup: 1,
      width: 'SHORT',
      displayName: 'Store kafka keys',
      dependents: ['keys.format.class'],
    })
    .define('store.kafka.headers', {
      type: 'BOOLEAN',
      default: false,
      importance: 'LOW',
      documentation:
        'Write the record headers too, to an object beside each value object (`.headers` before the extension), each header as a key and a string value.',
      group: KEYS_GROUP,
      orderInGroup: 2,
      width: 'SHORT',
      displayName: 'Store kafka headers',
      dependents: ['headers.format.class'],
    })
    .define('keys.format.class', {
      type: 'CLASS',
      default: 'io.confluent.connect.s3.format.avro.AvroFormat',
      validator: formatValidator,
      importance: 'LOW',
      documentation: 'The format of the key objects (any format of `format.class`).',
      group: KEYS_GROUP,
      orderInGroup: 3,
      displayName: 'Keys format class',
    })
    .define('tombstone.encoded.partition', {
      type: 'STRING',
      default: 'tombstone',
      importance: 'LOW',
      documentation:
        'The encoded partition (directory) tombstones go to with `behavior.on.null.values=write`; objects there hold only keys (and headers).',
      group: S3_GROUP,
      orderInGroup: 14,
      width: 'SHORT',
      displayName: 'Tombstone Encoded Partition',
    })
    .define('headers.format.class', {
      type: 'CLASS',
      default: 'io.confluent.connect.s3.format.avro.AvroFormat',
      validator: [
        formatValidator,
        (value: unknown) =>
          FORMAT_CLASSES[value as string] === 'bytearray'
            ? 'ByteArrayFormat cannot hold headers'
            : undefined,
      ],
      importance: 'LOW',
      documentation: 'The format of the header objects: Avro, JSON or Parquet.',
      group: KEYS_GROUP,
      orderInGroup: 4,
      displayName: 'Headers format class',
    });
}

/** The sink's configuration (Confluent's S3SinkConnectorConfig keys Sluice supports). */
export const SINK_CONFIG_DEF = defineConnection(new ConfigDef())
  .define('flush.size', {
    type: 'INT',
    validator: Range.atLeast(1),
    importance: 'HIGH',
    documentation:
      'Number of records written to an object before it is committed (uploaded) and a new one started.',
    group: CONNECTOR_GROUP,
    orderInGroup: 2,
    width: 'LONG',
    displayName: 'Flush Size',
  })
  .define('rotate.interval.ms', {
    type: 'LONG',
    default: -1,
    importance: 'HIGH',
    documentation:
      "Commit the open objects once a record's time (from the time-based partitioner's `timestamp.extractor`) is this far past the first record of the file, or, with `rotate.file.on.partition.change`, when a record belongs to another encoded partition. Deterministic with the Record and RecordField extractors, so it keeps exactly-once object names. -1 disables it; ignored unless the partitioner is time-based.",
    group: CONNECTOR_GROUP,
    orderInGroup: 3,
    width: 'MEDIUM',
    displayName: 'Rotate Interval (ms)',
  })
  .define('rotate.schedule.interval.ms', {
    type: 'LONG',
    default: -1,
    importance: 'MEDIUM',
    documentation:
      'Commit the open objects on the wall clock every this many milliseconds, counted from 00:00 in `timezone` (which must be set), whether or not records arrive. Object contents then depend on timing, so a redelivery after a crash may write differently split objects (no longer exactly once). -1 disables it.',
    group: CONNECTOR_GROUP,
    orderInGroup: 4,
    width: 'MEDIUM',
    displayName: 'Rotate Schedule Interval (ms)',
  })
  .define('retry.backoff.ms', {
    type: 'LONG',
    default: 5000,
    validator: Range.atLeast(0),
    importance: 'LOW',
    documentation:
      'After an S3 request failed with a retriable error (network, throttling, 5xx) once the client gave up: how long to wait before the records of the uncommitted objects are delivered again.',
    group: CONNECTOR_GROUP,
    orderInGroup: 5,
    width: 'MEDIUM',
    displayName: 'Retry Backoff (ms)',
  })
  .define('filename.offset.zero.pad.width', {
    type: 'INT',
    default: 10,
    validator: Range.atLeast(0),
    importance: 'LOW',
    documentation:
      'Width to zero pad offsets in the object names, so that names sort by offset as plain strings.',
    group: CONNECTOR_GROUP,
    orderInGroup: 6,
    width: 'LONG',
    displayName: 'Filename Offset Zero Pad Width',
  })
  .define('avro.codec', {
    type: 'STRING',
    default: 'null',
    validator: ValidString.in(...AVRO_CODECS),
    importance: 'LOW',
    documentation: 'The Avro compression codec of the container files: null, deflate or snappy.',
    group: CONNECTOR_GROUP,
    orderInGroup: 7,
    width: 'MEDIUM',
    displayName: 'Avro Compression Codec',
  })
  .define('parquet.codec', {
    type: 'STRING',
    default: 'snappy',
    validator: ValidString.in(...PARQUET_CODECS),
    importance: 'LOW',
    documentation:
      'The Parquet compression codec: none (or uncompressed), snappy or gzip. (zstd, lz4 and brotli are not available.)',
    group: CONNECTOR_GROUP,
    orderInGroup: 8,
    width: 'MEDIUM',
    displayName: 'Parquet Compression Codec',
  })
  .define('connect.meta.data', {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation:
      'Keep Connect schema metadata (names, versions, docs, parameters, int8/int16) in the Avro schema of Avro files, so the source reads the same Connect schema back.',
    group: CONNECTOR_GROUP,
    orderInGroup: 9,
    width: 'SHORT',
    displayName: 'Connect Metadata',
  })
  .define('enhanced.avro.schema.support', {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation:
      'Enable enhanced Avro schema support: enum symbol preservation and package name awareness.',
    group: CONNECTOR_GROUP,
    orderInGroup: 10,
    width: 'SHORT',
    displayName: 'Enhanced Avro Support',
  })
  .define('schema.compatibility', {
    type: 'STRING',
    default: 'NONE',
    validator: ValidString.in('NONE'),
    importance: 'HIGH',
    documentation:
      'How schema changes are handled: NONE commits the open objects whenever the value schema changes, so every object has one schema. BACKWARD, FORWARD and FULL (projecting records onto the newest schema) are not supported.',
    group: 'Schema',
    orderInGroup: 1,
    width: 'SHORT',
    displayName: 'Schema Compatibility',
  })
  .define('s3.part.size', {
    type: 'INT',
    default: 25 * 1024 * 1024,
    validator: Range.between(5 * 1024 * 1024, 2_147_483_647),
    importance: 'HIGH',
    documentation:
      'The part size of S3 multipart uploads, in bytes: an object larger than this is uploaded in parts of this size while it is written; a smaller one in a single request.',
    group: S3_GROUP,
    orderInGroup: 8,
    width: 'LONG',
    displayName: 'S3 Part Size',
  })
  .define('s3.compression.level', {
    type: 'INT',
    default: -1,
    validator: Range.between(-1, 9),
    importance: 'LOW',
    documentation: 'The gzip compression level (-1 is the default level, 0 none, 9 best).',
    group: S3_GROUP,
    orderInGroup: 11,
    width: 'LONG',
    displayName: 'Compression Level',
  })
  .define('json.decimal.format', {
    type: 'STRING',
    default: 'BASE64',
    validator: ValidString.caseInsensitive('BASE64', 'NUMERIC'),
    importance: 'MEDIUM',
    documentation:
      'How JsonFormat writes decimals: BASE64 (the unscaled bytes, default) or NUMERIC (a JSON number).',
    group: S3_GROUP,
    orderInGroup: 12,
    width: 'MEDIUM',
    displayName: 'Decimal Format',
  })
  .define('behavior.on.null.values', {
    type: 'STRING',
    default: 'fail',
    validator: ValidString.caseInsensitive(...NULL_VALUE_BEHAVIORS),
    importance: 'LOW',
    documentation:
      'How to handle records with a null value (tombstones): fail the task, ignore (skip) them, or write them — then they go to the `tombstone.encoded.partition` directory, where only their keys (and headers) are written, so `store.kafka.keys` must be on.',
    group: S3_GROUP,
    orderInGroup: 13,
    width: 'SHORT',
    displayName: 'Behavior for null-valued records',
  })
  .define('rotate.file.on.partition.change', {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation:
      'With `rotate.interval.ms` and a time-based partitioner: commit the open objects when a record belongs to another encoded partition than the previous one.',
    group: S3_GROUP,
    orderInGroup: 15,
    width: 'SHORT',
    displayName: 'Rotate files on partition change',
  })
  .define('partitioner.class', {
    type: 'CLASS',
    default: `${PARTITIONER_PACKAGE}DefaultPartitioner`,
    validator: (value: unknown) =>
      partitionerOf(value as string) === undefined
        ? `Not one of ${PARTITIONERS.join(', ')} (or their ${PARTITIONER_PACKAGE} class names)`
        : undefined,
    importance: 'HIGH',
    documentation:
      'How records are spread over directories: DefaultPartitioner (`partition=<kafka partition>`), FieldPartitioner (`<field>=<value>` of `partition.field.name`), TimeBasedPartitioner (`path.format` of the record time), DailyPartitioner, HourlyPartitioner; short names or Confluent class names.',
    group: PARTITIONER_GROUP,
    orderInGroup: 1,
    width: 'LONG',
    displayName: 'Partitioner Class',
    dependents: [
      'partition.field.name',
      'partition.duration.ms',
      'path.format',
      'locale',
      'timezone',
    ],
  })
  .define('partition.field.name', {
    type: 'LIST',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'The fields of the record value FieldPartitioner partitions by (dotted paths reach nested fields); int, string and boolean fields.',
    group: PARTITIONER_GROUP,
    orderInGroup: 2,
    displayName: 'Partition Field Name',
  })
  .define('partition.duration.ms', {
    type: 'LONG',
    default: -1,
    importance: 'MEDIUM',
    documentation: 'The duration of a partition in milliseconds, for TimeBasedPartitioner.',
    group: PARTITIONER_GROUP,
    orderInGroup: 3,
    width: 'LONG',
    displayName: 'Partition Duration (ms)',
  })
  .define('path.format', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    documentation:
      "The directories of TimeBasedPartitioner, a Joda-Time pattern of the partition's start time, e.g. `'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH` gives `year=2015/month=12/day=07/hour=15`.",
    group: PARTITIONER_GROUP,
    orderInGroup: 4,
    width: 'LONG',
    displayName: 'Path Format',
  })
  .define('locale', {
    type: 'STRING',
    default: '',
    importance: 'MEDIUM',
    documentation: 'The locale of time-based partitioners (month and day names), e.g. `en-US`.',
    group: PARTITIONER_GROUP,
    orderInGroup: 5,
    width: 'LONG',
    displayName: 'Locale',
  })
  .define('timezone', {
    type: 'STRING',
    default: '',
    validator: (value: unknown, name: string) => {
      if ((value as string) === '') return undefined;
      TimeZone.forId(value as string, name);
      return undefined;
    },
    importance: 'MEDIUM',
    documentation:
      'The time zone of time-based partitioners and of `rotate.schedule.interval.ms`: an IANA id such as `America/Los_Angeles` or `UTC`, or a fixed offset `[+-]hh:mm`.',
    group: PARTITIONER_GROUP,
    orderInGroup: 6,
    width: 'LONG',
    displayName: 'Timezone',
  })
  .define('timestamp.extractor', {
    type: 'STRING',
    default: 'Wallclock',
    importance: 'MEDIUM',
    documentation:
      'Where time-based partitioners get the record time: Wallclock (processing time), Record (the Kafka record timestamp) or RecordField (`timestamp.field` of the value).',
    group: PARTITIONER_GROUP,
    orderInGroup: 7,
    width: 'LONG',
    displayName: 'Timestamp Extractor',
  })
  .define('timestamp.field', {
    type: 'STRING',
    default: 'timestamp',
    importance: 'MEDIUM',
    documentation:
      'The value field RecordField reads: a Timestamp, epoch milliseconds (int/long), or a string (digits or ISO-8601).',
    group: PARTITIONER_GROUP,
    orderInGroup: 8,
    width: 'LONG',
    displayName: 'Record Field for Timestamp Extractor',
  })
  .defineUnsupported(
    's3.credentials.provider.class',
    'credentials come from aws.access.key.id/aws.secret.access.key or the AWS SDK default chain',
  )
  .defineUnsupported('s3.ssea.name', 'server-side encryption settings are not supported')
  .defineUnsupported('s3.sse.customer.key', 'server-side encryption settings are not supported')
  .defineUnsupported('s3.sse.kms.key.id', 'server-side encryption settings are not supported')
  .defineUnsupported('s3.acl.canned', 'canned ACLs are not supported')
  .defineUnsupported('s3.wan.mode', 'the accelerated endpoint is not supported')
  .defineUnsupported('s3.proxy.url', 'HTTP proxies are not supported')
  .defineUnsupported('s3.proxy.user', 'HTTP proxies are not supported')
  .defineUnsupported('s3.proxy.password', 'HTTP proxies are not supported')
  .defineUnsupported('s3.object.tagging', 'object tagging is not supported')
  .defineUnsupported('s3.object.tagging.key.value.pairs', 'object tagging is not supported')
  .defineUnsupported('s3.object.behavior.on.tagging.error', 'object tagging is not supported')
  .defineUnsupported('s3.schema.partition.affix.type', 'schema name affixes are not supported')
  .defineUnsupported('s3.elastic.buffer.enable', 'buffers are always sized by s3.part.size')
  .defineUnsupported('hive.integration', 'Hive integration is not supported')
  .defineUnsupported('max.write.duration.ms', 'a put always writes every record it is given')
  .defineUnsupported('report.null.values.to.dlq', 'ignored null values are never reported')
  .defineUnsupported(
    'enable.conditional.writes',
    'objects are always overwritten, which is what keeps redelivery exactly-once',
  );

/** Settings of the time-based partitioners and the timestamp extractor. */
export interface PartitionerSettings {
  readonly kind: PartitionerName;
  readonly fieldNames: readonly string[];
  readonly durationMs: number;
  readonly pathFormat: string;
  readonly locale: string;
  readonly timezone: string;
  readonly timestampExtractor: string;
  readonly timestampField: string;
}

/** S3 connection settings, shared by the sink and the source. */
export interface S3Connection {
  readonly bucket: string;
  readonly region: string;
  readonly endpoint: string | null;
  readonly pathStyle: boolean;
  readonly accessKeyId: string;
  readonly secretAccessKey: Password;
  readonly maxAttempts: number;
  readonly retryBackoffMs: number;
}

/** Layout and format settings, shared by the sink and the source. */
export interface LayoutSettings {
  readonly topicsDir: string;
  readonly directoryDelim: string;
  readonly fileDelim: string;
  readonly format: FormatName;
  readonly storeKeys: boolean;
  readonly storeHeaders: boolean;
  readonly keysFormat: FormatName;
  readonly headersFormat: FormatName;
  readonly compression: 'none' | 'gzip';
  readonly bytearrayExtension: string;
  readonly bytearraySeparator: string;
  readonly tombstonePartition: string;
}

/** The parsed sink configuration. */
export interface S3SinkConfig extends LayoutSettings {
  readonly s3: S3Connection;
  readonly flushSize: number;
  readonly rotateIntervalMs: number;
  readonly rotateScheduleIntervalMs: number;
  readonly retryBackoffMs: number;
  readonly zeroPadWidth: number;
  readonly avroCodec: AvroCodec;
  readonly parquetCodec: ParquetCodec;
  readonly connectMetaData: boolean;
  readonly enhancedAvroSchemaSupport: boolean;
  readonly partSize: number;
  readonly compressionLevel: number;
  readonly jsonDecimalFormat: 'BASE64' | 'NUMERIC';
  readonly behaviorOnNullValues: NullValueBehavior;
  readonly rotateOnPartitionChange: boolean;
  readonly partitioner: PartitionerSettings;
}

/** Java-style escapes of a separator (`\n`, `\t`, `\r`, `\\`, `\uXXXX`) unescaped. */
export function unescapeSeparator(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, c: string) => {
    if (c.startsWith('u') && c.length === 5)
      return String.fromCharCode(Number.parseInt(c.slice(1), 16));
    return (
      ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' } as Record<string, string>)[c] ?? c
    );
  });
}

function connectionOf(c: Record<string, unknown>): S3Connection {
  const endpoint = c['store.url'] as string | null;
  return {
    bucket: c['s3.bucket.name'] as string,
    region: c['s3.region'] as string,
    endpoint: endpoint === null || endpoint === '' ? null : endpoint,
    pathStyle: (c['s3.path.style.access.enabled'] as boolean) || (endpoint ?? '') !== '',
    accessKeyId: c['aws.access.key.id'] as string,
    secretAccessKey: c['aws.secret.access.key'] as Password,
    maxAttempts: (c['s3.part.retries'] as number) + 1,
    retryBackoffMs: c['s3.retry.backoff.ms'] as number,
  };
}

function layoutOf(c: Record<string, unknown>): LayoutSettings {
  const separator = c['format.bytearray.separator'] as string | null;
  return {
    topicsDir: c['topics.dir'] as string,
    directoryDelim: c['directory.delim'] as string,
    fileDelim: c['file.delim'] as string,
    format: formatOf('format.class', c['format.class'] as string),
    storeKeys: c['store.kafka.keys'] as boolean,
    storeHeaders: c['store.kafka.headers'] as boolean,
    keysFormat: formatOf('keys.format.class', c['keys.format.class'] as string),
    headersFormat: formatOf('headers.format.class', c['headers.format.class'] as string),
    compression: c['s3.compression.type'] as 'none' | 'gzip',
    bytearrayExtension: c['format.bytearray.extension'] as string,
    bytearraySeparator: separator === null ? '\n' : unescapeSeparator(separator),
    tombstonePartition: c['tombstone.encoded.partition'] as string,
  };
}

function sinkCrossCheck(c: Record<string, unknown>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const problem = (key: string, message: string): void => {
    problems.push({
      key,
      value: c[key],
      message: `Invalid value ${String(c[key])} for configuration ${key}: ${message}`,
    });
  };
  const partitioner = partitionerOf(String(c['partitioner.class'] ?? ''));
  if (
    partitioner === 'FieldPartitioner' &&
    (c['partition.field.name'] as string[] | undefined)?.length === 0
  ) {
    problem('partition.field.name', 'FieldPartitioner needs at least one field name');
  }
  if (partitioner === 'TimeBasedPartitioner') {
    if ((c['partition.duration.ms'] as number) <= 0) {
      problem('partition.duration.ms', 'Partition duration needs to be a positive.');
    }
    const pathFormat = String(c['path.format'] ?? '').trim();
    if (pathFormat === '' || pathFormat === c['directory.delim']) {
      problem('path.format', 'Path format cannot be empty.');
    }
  }
  if (
    partitioner === 'TimeBasedPartitioner' ||
    partitioner === 'DailyPartitioner' ||
    partitioner === 'HourlyPartitioner'
  ) {
    if (String(c.locale ?? '').trim() === '') problem('locale', 'Locale cannot be empty.');
    else {
      try {
        parseLocale(String(c.locale));
      } catch (error) {
        problems.push(...(error as ConfigException).problems);
      }
    }
    if (String(c.timezone ?? '').trim() === '') problem('timezone', 'Timezone cannot be empty.');
  }
  if ((c['rotate.schedule.interval.ms'] as number) > 0 && String(c.timezone ?? '').trim() === '') {
    problem(
      'timezone',
      'timezone configuration must be set when using rotate.schedule.interval.ms',
    );
  }
  if (
    String(c['behavior.on.null.values'] ?? '').toLowerCase() === 'write' &&
    c['store.kafka.keys'] !== true
  ) {
    problem('store.kafka.keys', 'store.kafka.keys must be true when behavior.on.null.values=write');
  }
  return problems;
}

/** Validation results for the REST API, cross-key problems included. */
export function validateSinkProps(props: ConnectorProps): ConfigValue[] {
  const values = SINK_CONFIG_DEF.validateAll(props);
  const parsed: Record<string, unknown> = {};
  for (const [name, v] of values) parsed[name] = v.value;
  for (const p of sinkCrossCheck(parsed)) {
    const value = values.get(p.key);
    if (value !== undefined) value.errorMessages.push(p.message);
  }
  return [...values.values()];
}

/** Parses a sink connector or task config; throws one ConfigException listing every problem. */
export function parseSinkConfig(props: ConnectorProps): S3SinkConfig {
  const c = SINK_CONFIG_DEF.parse(props);
  const problems = sinkCrossCheck(c as unknown as Record<string, unknown>);
  if (problems.length > 0) throw ConfigException.fromProblems(problems);
  const partitioner = partitionerOf(c['partitioner.class']) as PartitionerName;
  return {
    s3: connectionOf(c as unknown as Record<string, unknown>),
    ...layoutOf(c as unknown as Record<string, unknown>),
    flushSize: c['flush.size'],
    rotateIntervalMs: c['rotate.interval.ms'],
    rotateScheduleIntervalMs: c['rotate.schedule.interval.ms'],
    retryBackoffMs: c['retry.backoff.ms'],
    zeroPadWidth: c['filename.offset.zero.pad.width'],
    avroCodec: c['avro.codec'] as AvroCodec,
    parquetCodec: (c['parquet.codec'] === 'uncompressed'
      ? 'none'
      : c['parquet.codec']) as ParquetCodec,
    connectMetaData: c['connect.meta.data'],
    enhancedAvroSchemaSupport: c['enhanced.avro.schema.support'],
    partSize: c['s3.part.size'],
    compressionLevel: c['s3.compression.level'],
    jsonDecimalFormat: c['json.decimal.format'].toUpperCase() as 'BASE64' | 'NUMERIC',
    behaviorOnNullValues: c['behavior.on.null.values'].toLowerCase() as NullValueBehavior,
    rotateOnPartitionChange: c['rotate.file.on.partition.change'],
    partitioner: {
      kind: partitioner,
      fieldNames: c['partition.field.name'],
      durationMs: c['partition.duration.ms'],
      pathFormat: c['path.format'],
      locale: c.locale,
      timezone: c.timezone,
      timestampExtractor: c['timestamp.extractor'],
      timestampField: c['timestamp.field'],
    },
  };
}

/** The source's configuration: where the sink wrote, how to read it back. */
export const SOURCE_CONFIG_DEF = defineConnection(new ConfigDef())
  .define('topics', {
    type: 'LIST',
    default: '',
    importance: 'HIGH',
    documentation:
      'The topics to read back from `topics.dir` (the directory names under it). Empty: every topic found there.',
    group: SOURCE_GROUP,
    orderInGroup: 1,
    displayName: 'Topics',
  })
  .define('s3.poll.interval.ms', {
    type: 'LONG',
    default: 60_000,
    validator: Range.atLeast(0),
    importance: 'MEDIUM',
    documentation: 'How often to list the bucket again for new objects once every object was read.',
    group: SOURCE_GROUP,
    orderInGroup: 2,
    width: 'MEDIUM',
    displayName: 'Poll Interval (ms)',
  })
  .define('record.batch.max.size', {
    type: 'INT',
    default: 200,
    validator: Range.atLeast(1),
    importance: 'MEDIUM',
    documentation: 'The most records one poll returns.',
    group: SOURCE_GROUP,
    orderInGroup: 3,
    width: 'MEDIUM',
    displayName: 'Record Batch Max Size',
  })
  .define('task.index', {
    type: 'INT',
    default: 0,
    importance: 'LOW',
    documentation: 'Set by the connector: this task’s index.',
    internal: true,
  })
  .define('task.count', {
    type: 'INT',
    default: 1,
    importance: 'LOW',
    documentation: 'Set by the connector: the number of tasks sharing the Kafka partitions.',
    internal: true,
  });

/** The parsed source configuration. */
export interface S3SourceConfig extends LayoutSettings {
  readonly s3: S3Connection;
  readonly topics: readonly string[];
  readonly pollIntervalMs: number;
  readonly batchMaxSize: number;
  readonly taskIndex: number;
  readonly taskCount: number;
}

/** Parses a source connector or task config; throws one ConfigException listing every problem. */
export function parseSourceConfig(props: ConnectorProps): S3SourceConfig {
  const c = SOURCE_CONFIG_DEF.parse(props);
  return {
    s3: connectionOf(c as unknown as Record<string, unknown>),
    ...layoutOf(c as unknown as Record<string, unknown>),
    topics: c.topics,
    pollIntervalMs: c['s3.poll.interval.ms'],
    batchMaxSize: c['record.batch.max.size'],
    taskIndex: c['task.index'],
    taskCount: c['task.count'],
  };
}
