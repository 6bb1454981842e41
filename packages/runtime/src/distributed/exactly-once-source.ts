import type { ConfigProblem, SourceConnector } from '@sluice/api';
import type { DistributedConfig } from '../config/distributed-config.js';
import type { Logger } from '../logging/logger.js';
import type { Worker } from '../worker/worker.js';

/** Kafka's `transactional.id` of an exactly-once source task's producer. */
export function taskTransactionalId(groupId: string, connector: string, task: number): string {
  return `${groupId}-${connector}-${task}`;
}

/**
 * Kafka's distributed-mode checks of a source connector's `exactly.once.support=required` and
 * `transaction.boundary=connector` (DistributedHerder.validateSourceConnectorConfig), with its
 * messages: the worker must have exactly-once source support enabled, and the connector must
 * say it can deliver exactly once (or define transaction boundaries) with this config. Keys that
 * already have a problem are not checked again.
 */
export async function exactlyOnceProblems(
  worker: Worker,
  raw: Record<string, string>,
  earlier: readonly ConfigProblem[],
  config: DistributedConfig,
  log: Logger,
): Promise<ConfigProblem[]> {
  const support = raw['exactly.once.support']?.trim().toLowerCase();
  const boundary = raw['transaction.boundary']?.trim().toLowerCase();
  const checkSupport =
    support === 'required' && !earlier.some((p) => p.key === 'exactly.once.support');
  const checkBoundary =
    boundary === 'connector' && !earlier.some((p) => p.key === 'transaction.boundary');
  if (!checkSupport && !checkBoundary) return [];
  let connector: SourceConnector;
  let props: Record<string, string>;
  try {
    const plugin = worker.plugins.resolve(
      'connector',
      raw['connector.class'] ?? '',
      'connector.class',
    );
    if (plugin.kind !== 'source') return [];
    props = await worker.resolveConfig(raw);
    connector = new (await plugin.load())() as SourceConnector;
  } catch {
    return []; // reported by the worker's own checks
  }
  const problems: ConfigProblem[] = [];
  const unexpected = (key: string, what: string, error: unknown) => {
    log.error({ err: error }, `Failed while validating connector support for ${what}`);
    const message = error instanceof Error ? error.message.trim() : '';
    problems.push({
      key,
      value: raw[key],
      message: message
        ? `An unexpected error occurred during validation: ${message}`
        : 'An unexpected error occurred during validation; please see the worker logs for more details.',
    });
  };
  if (checkSupport) {
    const key = 'exactly.once.support';
    const problem = (message: string) => problems.push({ key, value: raw[key], message });
    if (config.exactlyOnceSourceSupport !== 'enabled')
      problem('This worker does not have exactly-once source support enabled.');
    try {
      const answer =
        typeof connector.exactlyOnceSupport === 'function'
          ? await connector.exactlyOnceSupport(props)
          : null;
      if (answer === null || answer === undefined)
        problem(
          'The connector does not implement the API required for preflight validation of exactly-once source support. Please consult the documentation for the connector to determine whether it supports exactly-once semantics, and then consider reconfiguring the connector to use the value "requested" for this property (which will disable this preflight check and allow the connector to be created).',
        );
      else if (answer === 'UNSUPPORTED')
        problem(
          'The connector does not support exactly-once semantics with the provided configuration.',
        );
      else if (answer !== 'SUPPORTED')
        problem(
          `An unexpected error occurred during validation: Unexpected value returned from SourceConnector::exactlyOnceSupport: ${String(answer)}`,
        );
    } catch (error) {
      unexpected(key, 'exactly-once semantics', error);
    }
  }
  if (checkBoundary) {
    const key = 'transaction.boundary';
    try {
      const answer =
        typeof connector.canDefineTransactionBoundaries === 'function'
          ? await connector.canDefineTransactionBoundaries(props)
          : 'UNSUPPORTED';
      if (answer === null || answer === undefined)
        problems.push({
          key,
          value: raw[key],
          message:
            "This connector has returned a null value from its canDefineTransactionBoundaries method, which is not permitted. The connector will be treated as if it cannot define its own transaction boundaries, and cannot be configured with 'transaction.boundary' set to 'connector'.",
        });
      else if (answer !== 'SUPPORTED')
        problems.push({
          key,
          value: raw[key],
          message:
            'The connector does not support connector-defined transaction boundaries with the given configuration. Please reconfigure it to use a different transaction boundary definition.',
        });
    } catch (error) {
      unexpected(key, 'defining its own transaction boundaries', error);
    }
  }
  return problems;
}
