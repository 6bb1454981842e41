import { ConfigDef, LambdaValidator, Password, Range, ValidString } from '@sluice/api';
import type { SubjectNameStrategy } from './subject-name-strategy.js';
import { parseSubjectNameStrategy, SUBJECT_NAME_STRATEGY_NAMES } from './subject-name-strategy.js';

/** `schema.registry.url`: comma-separated registry base URLs (the first that answers is used). */
export const SCHEMA_REGISTRY_URL_CONFIG = 'schema.registry.url';
/** `auto.register.schemas`: register the schema of each record on first use. */
export const AUTO_REGISTER_SCHEMAS_CONFIG = 'auto.register.schemas';
/** `use.latest.version`: write with, and read into, the latest version of the subject. */
export const USE_LATEST_VERSION_CONFIG = 'use.latest.version';
/** `latest.compatibility.strict`: check that the latest version can read our schema's data. */
export const LATEST_COMPATIBILITY_STRICT_CONFIG = 'latest.compatibility.strict';
/** `latest.cache.ttl.sec`: how long a subject's latest version is cached (-1: forever). */
export const LATEST_CACHE_TTL_CONFIG = 'latest.cache.ttl.sec';
/** `normalize.schemas`: ask the registry to normalize schemas on register and lookup. */
export const NORMALIZE_SCHEMAS_CONFIG = 'normalize.schemas';
/** `max.schemas.per.subject`: how many schemas the registry client caches per subject. */
export const MAX_SCHEMAS_PER_SUBJECT_CONFIG = 'max.schemas.per.subject';
/** `key.subject.name.strategy`: the subject of key schemas. */
export const KEY_SUBJECT_NAME_STRATEGY_CONFIG = 'key.subject.name.strategy';
/** `value.subject.name.strategy`: the subject of value schemas. */
export const VALUE_SUBJECT_NAME_STRATEGY_CONFIG = 'value.subject.name.strategy';
/** `basic.auth.credentials.source`: URL (user info in the URL) or USER_INFO. */
export const BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG = 'basic.auth.credentials.source';
/** `basic.auth.user.info`: `user:password` for USER_INFO. */
export const USER_INFO_CONFIG = 'basic.auth.user.info';
/** `schema.registry.basic.auth.user.info`: the deprecated name of `basic.auth.user.info`. */
export const SCHEMA_REGISTRY_USER_INFO_CONFIG = 'schema.registry.basic.auth.user.info';
/** `http.connect.timeout.ms` and `http.read.timeout.ms`: together, the limit of one request. */
export const HTTP_CONNECT_TIMEOUT_MS_CONFIG = 'http.connect.timeout.ms';
export const HTTP_READ_TIMEOUT_MS_CONFIG = 'http.read.timeout.ms';
/** `schemas.cache.config` (sic, Confluent's name): converted schemas kept per direction. */
export const SCHEMAS_CACHE_SIZE_CONFIG = 'schemas.cache.config';
/** `enhanced.avro.schema.support`: keep Avro enums and full names of union members. */
export const ENHANCED_AVRO_SCHEMA_SUPPORT_CONFIG = 'enhanced.avro.schema.support';
/** `connect.meta.data`: write and read the `connect.*` schema properties. */
export const CONNECT_META_DATA_CONFIG = 'connect.meta.data';
/** `ignore.default.for.nullables`: write null, not the field default, for a null field. */
export const IGNORE_DEFAULT_FOR_NULLABLES_CONFIG = 'ignore.default.for.nullables';
/** `allow.optional.map.keys`: optional string map keys still make an Avro map. */
export const ALLOW_OPTIONAL_MAP_KEYS_CONFIG = 'allow.optional.map.keys';
/** `flatten.singleton.unions`: a one-member Avro union reads as its member. */
export const FLATTEN_SINGLETON_UNIONS_CONFIG = 'flatten.singleton.unions';
/** Confluent keys accepted only with their default (false). */
export const GENERALIZED_SUM_TYPE_SUPPORT_CONFIG = 'generalized.sum.type.support';
export const SCRUB_INVALID_NAMES_CONFIG = 'scrub.invalid.names';
export const DISCARD_TYPE_DOC_DEFAULT_CONFIG = 'discard.type.doc.default';

const DEFAULT_STRATEGY = 'io.confluent.kafka.serializers.subject.TopicNameStrategy';

const subjectNameStrategy = LambdaValidator.with(
  (value) => {
    try {
      parseSubjectNameStrategy(String(value));
      return undefined;
    } catch (error) {
      return (error as Error).message;
    }
  },
  () => `[${SUBJECT_NAME_STRATEGY_NAMES.join(', ')}] (short or io.confluent class name)`,
);

const onlyFalse = LambdaValidator.with(
  (value) => (value === true ? 'Sluice does not support this option; leave it false' : undefined),
  'false only',
);

const urlList = LambdaValidator.with((value) => {
  const urls = value as readonly string[];
  if (urls.length === 0) return 'at least one URL is needed';
  for (const url of urls) {
    try {
      const parsed = new URL(url);
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        return `${url} is not an http(s) URL`;
      }
    } catch {
      return `${url} is not a URL`;
    }
  }
  return undefined;
}, 'non-empty list of http(s) URLs');

/** The converter's keys, with Confluent's names, defaults and docs (AvroConverterConfig + AvroDataConfig). */
export const AVRO_CONVERTER_CONFIG_DEF = new ConfigDef()
  .define(SCHEMA_REGISTRY_URL_CONFIG, {
    type: 'LIST',
    validator: urlList,
    importance: 'HIGH',
    documentation:
      'Comma-separated list of URLs for schema registry instances that can be used to register or look up schemas.',
  })
  .define(AUTO_REGISTER_SCHEMAS_CONFIG, {
    type: 'BOOLEAN',
    default: true,
    importance: 'MEDIUM',
    documentation:
      'Specify if the Serializer should attempt to register the Schema with Schema Registry',
  })
  .define(USE_LATEST_VERSION_CONFIG, {
    type: 'BOOLEAN',
    default: false,
    importance: 'LOW',
    documentation:
      'Specify if the Serializer should use the latest subject version for serialization (and the Deserializer read into it)',
  })
  .define(LATEST_COMPATIBILITY_STRICT_CONFIG, {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation:
      'Whether to check for backward compatibility between the latest subject version and the Schema of the object to be serialized',
  })
  .define(LATEST_CACHE_TTL_CONFIG, {
    type: 'INT',
    default: -1,
    validator: Range.atLeast(-1),
    importance: 'LOW',
    documentation: 'The TTL for caches holding latest schemas, or -1 for no TTL',
  })
  .define(NORMALIZE_SCHEMAS_CONFIG, {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation:
      'Whether to normalize schemas, which generally ignores ordering when it is not significant',
  })
  .define(MAX_SCHEMAS_PER_SUBJECT_CONFIG, {
    type: 'INT',
    default: 1000,
    validator: Range.atLeast(1),
    importance: 'LOW',
    documentation: 'Maximum number of schemas to create or cache locally.',
  })
  .define(KEY_SUBJECT_NAME_STRATEGY_CONFIG, {
    type: 'STRING',
    default: DEFAULT_STRATEGY,
    validator: subjectNameStrategy,
    importance: 'MEDIUM',
    documentation:
      'Determines how to construct the subject name under which the key schema is registered with the schema registry. By default, <topic>-key is used as subject.',
  })
  .define(VALUE_SUBJECT_NAME_STRATEGY_CONFIG, {
    type: 'STRING',
    default: DEFAULT_STRATEGY,
    validator: subjectNameStrategy,
    importance: 'MEDIUM',
    documentation:
      'Determines how to construct the subject name under which the value schema is registered with the schema registry. By default, <topic>-value is used as subject.',
  })
  .define(BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG, {
    type: 'STRING',
    default: 'URL',
    validator: ValidString.in('URL', 'USER_INFO'),
    importance: 'MEDIUM',
    documentation:
      'Specify how to pick the credentials for Basic Auth header. The supported values are URL and USER_INFO',
  })
  .define(USER_INFO_CONFIG, {
    type: 'PASSWORD',
    default: '',
    importance: 'MEDIUM',
    documentation: 'Specify the user info for Basic Auth in the form of {username}:{password}',
  })
  .define(SCHEMA_REGISTRY_USER_INFO_CONFIG, {
    type: 'PASSWORD',
    default: '',
    importance: 'MEDIUM',
    documentation:
      'Specify the user info for Basic Auth in the form of {username}:{password} (deprecated name)',
  })
  .define(HTTP_CONNECT_TIMEOUT_MS_CONFIG, {
    type: 'INT',
    default: 60000,
    validator: Range.atLeast(1),
    importance: 'LOW',
    documentation: 'Specify the http connection timeout',
  })
  .define(HTTP_READ_TIMEOUT_MS_CONFIG, {
    type: 'INT',
    default: 60000,
    validator: Range.atLeast(1),
    importance: 'LOW',
    documentation: 'Specify the http read timeout',
  })
  .define(SCHEMAS_CACHE_SIZE_CONFIG, {
    type: 'INT',
    default: 1000,
    validator: Range.atLeast(1),
    importance: 'LOW',
    documentation: 'Size of the converted schemas cache',
  })
  .define(ENHANCED_AVRO_SCHEMA_SUPPORT_CONFIG, {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation:
      'Toggle for enabling/disabling enhanced avro schema support: Enum symbol preservation and Package Name awareness',
  })
  .define(CONNECT_META_DATA_CONFIG, {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation:
      'Toggle for enabling/disabling connect converter to add its meta data to the output schema or not',
  })
  .define(IGNORE_DEFAULT_FOR_NULLABLES_CONFIG, {
    type: 'BOOLEAN',
    default: false,
    importance: 'MEDIUM',
    documentation: 'Whether to ignore the default for nullable fields when the value is null',
  })
  .define(ALLOW_OPTIONAL_MAP_KEYS_CONFIG, {
    type: 'BOOLEAN',
    default: false,
    importance: 'LOW',
    documentation:
      'Allow optional string map key when converting from Connect Schema to Avro Schema.',
  })
  .define(FLATTEN_SINGLETON_UNIONS_CONFIG, {
    type: 'BOOLEAN',
    default: true,
    importance: 'LOW',
    documentation: 'Whether to flatten singleton unions',
  })
  .define(GENERALIZED_SUM_TYPE_SUPPORT_CONFIG, {
    type: 'BOOLEAN',
    default: false,
    validator: onlyFalse,
    importance: 'MEDIUM',
    documentation:
      'Toggle for enabling/disabling generalized sum type support: interoperability of enum/union with other schema formats (not supported: false only)',
  })
  .define(SCRUB_INVALID_NAMES_CONFIG, {
    type: 'BOOLEAN',
    default: false,
    validator: onlyFalse,
    importance: 'MEDIUM',
    documentation:
      'Whether to scrub invalid names by replacing invalid characters with valid ones (not supported: false only)',
  })
  .define(DISCARD_TYPE_DOC_DEFAULT_CONFIG, {
    type: 'BOOLEAN',
    default: false,
    validator: onlyFalse,
    importance: 'LOW',
    documentation:
      'Only Avro field doc and default will be retained during conversion of Avro and Connect schema (deprecated; not supported: false only)',
  })
  .defineUnsupported('use.schema.id', 'writing with a fixed schema id is not supported')
  .defineUnsupported('use.schema.guid', 'writing with a fixed schema guid is not supported')
  .defineUnsupported(
    'use.latest.with.metadata',
    'choosing a version by metadata is not supported; use use.latest.version',
  )
  .defineUnsupported('bearer.auth.credentials.source', 'only basic authentication is supported')
  .defineUnsupported('bearer.auth.token', 'only basic authentication is supported')
  .defineUnsupported('context.name.strategy', 'schema registry contexts are not supported')
  .defineUnsupported(
    'schema.registry.ssl.truststore.location',
    "use NODE_EXTRA_CA_CERTS for a private CA; Node's fetch has no per-client trust store",
  )
  .defineUnsupported('proxy.host', 'HTTP proxies are not supported');

/** The parsed configuration. */
export interface AvroConverterConfig {
  readonly registryUrls: readonly string[];
  readonly autoRegisterSchemas: boolean;
  readonly useLatestVersion: boolean;
  readonly latestCompatibilityStrict: boolean;
  /** Milliseconds, or -1 for no expiry. */
  readonly latestCacheTtlMs: number;
  readonly normalizeSchemas: boolean;
  readonly maxSchemasPerSubject: number;
  readonly keySubjectNameStrategy: SubjectNameStrategy;
  readonly valueSubjectNameStrategy: SubjectNameStrategy;
  /** `user:password` for Basic authentication, or null. */
  readonly basicAuthUserInfo: string | null;
  readonly requestTimeoutMs: number;
  readonly schemasCacheSize: number;
  readonly enhancedAvroSchemaSupport: boolean;
  readonly connectMetaData: boolean;
  readonly ignoreDefaultForNullables: boolean;
  readonly allowOptionalMapKeys: boolean;
  readonly flattenSingletonUnions: boolean;
}

/** The parts of the configuration the Connect ↔ Avro mapping uses (AvroDataConfig). */
export type AvroDataOptions = Pick<
  AvroConverterConfig,
  | 'enhancedAvroSchemaSupport'
  | 'connectMetaData'
  | 'ignoreDefaultForNullables'
  | 'allowOptionalMapKeys'
  | 'flattenSingletonUnions'
>;

/** AvroData's defaults. */
export const DEFAULT_AVRO_DATA_OPTIONS: AvroDataOptions = Object.freeze({
  enhancedAvroSchemaSupport: false,
  connectMetaData: true,
  ignoreDefaultForNullables: false,
  allowOptionalMapKeys: false,
  flattenSingletonUnions: true,
});

function secret(value: unknown): string {
  return value instanceof Password ? value.value() : String(value ?? '');
}

/**
 * Parses converter configs (strings as in a properties file, or typed values); a bad value
 * throws one ConfigException listing every key at fault.
 */
export function parseAvroConverterConfig(
  configs: Readonly<Record<string, unknown>>,
): AvroConverterConfig {
  const parsed = AVRO_CONVERTER_CONFIG_DEF.parse(configs);
  const userInfo =
    secret(parsed[SCHEMA_REGISTRY_USER_INFO_CONFIG]) || secret(parsed[USER_INFO_CONFIG]);
  const urls = parsed[SCHEMA_REGISTRY_URL_CONFIG] as readonly string[];
  let basicAuthUserInfo: string | null = null;
  if (parsed[BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG] === 'USER_INFO') {
    basicAuthUserInfo = userInfo === '' ? null : userInfo;
  } else {
    const first = new URL(urls[0] ?? '');
    if (first.username !== '') {
      basicAuthUserInfo = `${decodeURIComponent(first.username)}:${decodeURIComponent(first.password)}`;
    }
  }
  const ttl = parsed[LATEST_CACHE_TTL_CONFIG];
  return {
    registryUrls: urls.map((url) => {
      const parsedUrl = new URL(url);
      parsedUrl.username = '';
      parsedUrl.password = '';
      return parsedUrl.toString().replace(/\/+$/, '');
    }),
    autoRegisterSchemas: parsed[AUTO_REGISTER_SCHEMAS_CONFIG],
    useLatestVersion: parsed[USE_LATEST_VERSION_CONFIG],
    latestCompatibilityStrict: parsed[LATEST_COMPATIBILITY_STRICT_CONFIG],
    latestCacheTtlMs: ttl < 0 ? -1 : ttl * 1000,
    normalizeSchemas: parsed[NORMALIZE_SCHEMAS_CONFIG],
    maxSchemasPerSubject: parsed[MAX_SCHEMAS_PER_SUBJECT_CONFIG],
    keySubjectNameStrategy: parseSubjectNameStrategy(parsed[KEY_SUBJECT_NAME_STRATEGY_CONFIG]),
    valueSubjectNameStrategy: parseSubjectNameStrategy(parsed[VALUE_SUBJECT_NAME_STRATEGY_CONFIG]),
    basicAuthUserInfo,
    requestTimeoutMs: parsed[HTTP_CONNECT_TIMEOUT_MS_CONFIG] + parsed[HTTP_READ_TIMEOUT_MS_CONFIG],
    schemasCacheSize: parsed[SCHEMAS_CACHE_SIZE_CONFIG],
    enhancedAvroSchemaSupport: parsed[ENHANCED_AVRO_SCHEMA_SUPPORT_CONFIG],
    connectMetaData: parsed[CONNECT_META_DATA_CONFIG],
    ignoreDefaultForNullables: parsed[IGNORE_DEFAULT_FOR_NULLABLES_CONFIG],
    allowOptionalMapKeys: parsed[ALLOW_OPTIONAL_MAP_KEYS_CONFIG],
    flattenSingletonUnions: parsed[FLATTEN_SINGLETON_UNIONS_CONFIG],
  };
}
