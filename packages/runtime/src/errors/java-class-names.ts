import { KafkaClientException } from '../kafka/kafka-port.js';
import type { PluginDescriptor } from '../plugins/plugin-registry.js';

const CONNECT_ERRORS = 'org.apache.kafka.connect.errors.';

/** Kafka's class for each @sluice/api error class (their names are the brands the API gives them). */
const API_ERRORS: Record<string, string> = {
  ConnectException: `${CONNECT_ERRORS}ConnectException`,
  RetriableException: `${CONNECT_ERRORS}RetriableException`,
  DataException: `${CONNECT_ERRORS}DataException`,
  SchemaBuilderException: `${CONNECT_ERRORS}SchemaBuilderException`,
  SchemaProjectorException: `${CONNECT_ERRORS}SchemaProjectorException`,
  NotFoundException: `${CONNECT_ERRORS}NotFoundException`,
  AlreadyExistsException: `${CONNECT_ERRORS}AlreadyExistsException`,
  IllegalWorkerStateException: `${CONNECT_ERRORS}IllegalWorkerStateException`,
  ConfigException: 'org.apache.kafka.common.config.ConfigException',
};

const BRANDS = Symbol.for('@sluice/api:error-brands');

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
  // A subclass outside the API that keeps the inherited name is still named as the API class
  // only when it really is one (branded, so this also holds across copies of @sluice/api).
  const brands = (error as { [BRANDS]?: unknown })[BRANDS];
  const java = name ? API_ERRORS[name] : undefined;
  if (java && Array.isArray(brands) && brands.includes(name)) return java;
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
