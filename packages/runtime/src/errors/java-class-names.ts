import {
  AlreadyExistsException,
  ConfigException,
  ConnectException,
  DataException,
  IllegalWorkerStateException,
  NotFoundException,
  RetriableException,
  SchemaBuilderException,
  SchemaProjectorException,
} from '@sluice/api';
import { KafkaClientException } from '../kafka/kafka-port.js';
import type { PluginDescriptor } from '../plugins/plugin-registry.js';

const CONNECT_ERRORS = 'org.apache.kafka.connect.errors.';

/** Kafka's class for each @sluice/api error class. */
const API_ERRORS: ReadonlyArray<{ cls: typeof ConnectException; java: string }> = [
  { cls: ConnectException, java: `${CONNECT_ERRORS}ConnectException` },
  { cls: RetriableException, java: `${CONNECT_ERRORS}RetriableException` },
  { cls: DataException, java: `${CONNECT_ERRORS}DataException` },
  { cls: SchemaBuilderException, java: `${CONNECT_ERRORS}SchemaBuilderException` },
  { cls: SchemaProjectorException, java: `${CONNECT_ERRORS}SchemaProjectorException` },
  { cls: NotFoundException, java: `${CONNECT_ERRORS}NotFoundException` },
  { cls: AlreadyExistsException, java: `${CONNECT_ERRORS}AlreadyExistsException` },
  { cls: IllegalWorkerStateException, java: `${CONNECT_ERRORS}IllegalWorkerStateException` },
  { cls: ConfigException, java: 'org.apache.kafka.common.config.ConfigException' },
];

/**
 * The class name of an error as Kafka Connect writes it (`__connect.errors.exception.class.name`,
 * Kafka: `error.getClass().getName()`): an @sluice/api error is named by its Kafka counterpart
 * (`org.apache.kafka.connect.errors.DataException`), an error of the Kafka client by the exception
 * Kafka's Java client throws. Any other error keeps its own JavaScript class name (`TypeError`,
 * a connector's own class): it has no Java class, and inventing one would mislead whoever routes
 * by this header.
 */
export function exceptionClassName(error: unknown): string {
  if (error instanceof KafkaClientException) return error.javaClass;
  if (!(error instanceof Error)) return typeof error;
  const name = error.name && error.name !== 'Error' ? error.name : error.constructor?.name;
  // By name, so a subclass with a name of its own keeps it; `instanceof` (which also holds across
  // copies of @sluice/api) so an unrelated error named like an API class is not passed off as one.
  const api = API_ERRORS.find((e) => e.cls.brand === name);
  if (api && error instanceof api.cls) return api.java;
  return name || 'Error';
}

/** Matches a Java class name: a dotted lowercase package, then the class (`$` for nested ones). */
const JAVA_CLASS = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+\.[A-Z][\w$]*$/;

/**
 * The class name Kafka writes for a converter or transform (`__connect.errors.class.name`, Kafka:
 * the class's Java name whichever alias configured it): a plugin that stands for a Java class (one
 * of Kafka's built-ins, or another vendor's plugin it replaces) is named by that class, the one
 * configured when it has several; any other by the name it was configured with.
 */
export function pluginClassName(plugin: PluginDescriptor, configured: string): string {
  const name = configured.trim();
  const javaAliases = plugin.aliases.filter((a) => JAVA_CLASS.test(a));
  return javaAliases.includes(name) ? name : (javaAliases[0] ?? name);
}
