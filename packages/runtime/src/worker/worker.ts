import {
  ConfigException,
  type ConfigProblem,
  ConnectException,
  type Connector,
  type Converter,
  type HeaderConverter,
  missingPluginMethods,
  type SinkRecord,
  type SinkTask,
  type SourceRecord,
  type SourceTask,
} from '@sluice/api';
import type { ConfigTransformer } from '../config/config-providers.js';
import {
  baseDefOf,
  type CommonConnectorConfig,
  parseConnectorConfig,
} from '../config/connector-config.js';
import { CLIENT_PASSWORD_KEYS, configDefOf, passwordKeys } from '../config/password-keys.js';
import { pluginVersionProblems } from '../config/plugin-versions.js';
import { commonClientProps, type WorkerConfig, withPrefix } from '../config/worker-config.js';
import { DeadLetterQueueReporter } from '../errors/dead-letter-queue-reporter.js';
import type { ErrorHandlingConfig } from '../errors/error-handling-config.js';
import { pluginClassName } from '../errors/java-class-names.js';
import { LogReporter } from '../errors/log-reporter.js';
import type { ErrorReporter } from '../errors/processing-context.js';
import {
  newErrorCounters,
  RetryWithToleranceOperator,
} from '../errors/retry-with-tolerance-operator.js';
import { waitForBrokers } from '../kafka/broker-probe.js';
import { consumerSettings } from '../kafka/client-overrides.js';
import type { KafkaAdmin, KafkaClientFactory } from '../kafka/kafka-port.js';
import { connectWithRetry } from '../kafka/kafkajs-client.js';
import type { Logger } from '../logging/logger.js';
import {
  type PluginDescriptor,
  PluginNotFoundException,
  type PluginRegistry,
} from '../plugins/plugin-registry.js';
import { WorkerSinkTask } from '../sink/worker-sink-task.js';
import type { AbstractWorkerSourceTask } from '../source/abstract-worker-source-task.js';
import {
  type ExactlyOnceStartChecks,
  ExactlyOnceWorkerSourceTask,
} from '../source/exactly-once-worker-source-task.js';
import { parseTopicCreation, TopicCreator } from '../source/topic-creation.js';
import { WorkerSourceTask } from '../source/worker-source-task.js';
import {
  ConnectorOffsetStore,
  type SourceOffsets,
  type SourceOffsetTopics,
} from '../storage/connector-offset-store.js';
import type { OffsetBackingStore } from '../storage/offset-store.js';
import {
  buildTransformationChain,
  type PluginInstantiator,
} from '../transforms/transformation-chain.js';
import { closeLogged } from '../worker-task/close-logged.js';
import type { TaskConverters } from '../worker-task/converters-set.js';
import type { ConnectorTaskId, TaskStatusListener } from '../worker-task/task-status.js';

/** A running source or sink task. */
export type TaskRunner = AbstractWorkerSourceTask | WorkerSinkTask;

/** How an exactly-once source task starts (distributed mode with exactly-once source support). */
export interface ExactlyOnceTaskSetup extends ExactlyOnceStartChecks {
  /** Its producer's `transactional.id` (Kafka's `<group.id>-<connector>-<task>`). */
  transactionalId: string;
}

export type ConnectorType = 'source' | 'sink';

export interface WorkerOptions {
  config: WorkerConfig;
  plugins: PluginRegistry;
  clients: KafkaClientFactory;
  offsetStore: OffsetBackingStore;
  /** Distributed mode: connectors may keep their offsets in a topic of their own. */
  offsetTopics?: SourceOffsetTopics;
  configTransformer: ConfigTransformer;
  log: Logger;
}

/** A connector instance with what the worker knows about its plugin. */
export interface ConnectorInstance {
  connector: Connector;
  plugin: PluginDescriptor;
  type: ConnectorType;
  common: CommonConnectorConfig;
}

function problemsOf(error: unknown, key: string, value: unknown): ConfigProblem[] {
  if (error instanceof ConfigException && error.problems.length > 0) return [...error.problems];
  return [{ key, value, message: (error as Error).message ?? String(error) }];
}

/**
 * Builds what a herder runs: connector instances, and source/sink tasks with their converters,
 * transforms, error handling and Kafka clients, from connector configs. Holds the worker-wide
 * pieces (plugins, client factory, offset store, config providers); keeps no connector state.
 */
export class Worker {
  readonly config: WorkerConfig;
  readonly plugins: PluginRegistry;
  readonly offsetStore: OffsetBackingStore;
  readonly log: Logger;
  private readonly admin: KafkaAdmin;
  private adminConnected: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly o: WorkerOptions) {
    this.config = o.config;
    this.plugins = o.plugins;
    this.offsetStore = o.offsetStore;
    this.log = o.log;
    this.admin = o.clients.admin({
      clientId: `${o.config.clientId}-admin`,
      overrides: withPrefix(o.config.props, 'admin.'),
    });
  }

  /** Opens the offset store and connects to Kafka (retried, with a log line per failure). */
  async start(): Promise<void> {
    const up = await waitForBrokers(this.config.bootstrapServers, this.log, () => this.closed);
    if (!up) throw new ConnectException('The worker was stopped before Kafka became reachable');
    // After Kafka answers: in distributed mode the offset store is a topic.
    await this.offsetStore.start();
    await this.connectedAdmin();
    this.log.info({ brokers: this.config.bootstrapServers }, 'connected to Kafka');
  }

  private connectedAdmin(): Promise<KafkaAdmin> {
    this.adminConnected ??= connectWithRetry(
      'worker',
      this.config.bootstrapServers,
      () => this.admin.connect(),
      this.log,
      () => this.closed,
    );
    return this.adminConnected.then(() => this.admin);
  }

  async stop(): Promise<void> {
    this.closed = true;
    await this.o.offsetTopics?.stop();
    await this.offsetStore.stop();
    await this.admin.disconnect().catch(() => {});
  }

  /** The admin client, connected. */
  kafkaAdmin(): Promise<KafkaAdmin> {
    return this.connectedAdmin();
  }

  /** Resolves `${provider:path:key}` references (never log the result). */
  resolveConfig(props: Record<string, string>): Promise<Record<string, string>> {
    return this.o.configTransformer.transform(props);
  }

  /**
   * Every problem of a connector config, by key: the common keys, connector.class (with the
   * installed plugins when unknown), converters, transforms and predicates, and the connector's
   * own `validate`. Empty when the config can start.
   */
  async validateConnectorConfig(raw: Record<string, string>): Promise<ConfigProblem[]> {
    const problems: ConfigProblem[] = [];
    let props: Record<string, string>;
    try {
      props = await this.resolveConfig(raw);
    } catch (error) {
      return problemsOf(error, 'config.providers', undefined);
    }
    let plugin: PluginDescriptor | null = null;
    const cls = props['connector.class'];
    if (cls) {
      try {
        plugin = this.plugins.resolve('connector', cls, 'connector.class');
      } catch (error) {
        problems.push(...problemsOf(error, 'connector.class', cls));
      }
    }
    const type = plugin ? (plugin.kind as ConnectorType) : null;
    try {
      parseConnectorConfig(props, type);
    } catch (error) {
      problems.push(...problemsOf(error, 'name', props.name));
    }
    problems.push(...(await this.converterProblems(props)));
    try {
      const chain = await buildTransformationChain(props, this.instantiator());
      await chain.close(this.log);
    } catch (error) {
      problems.push(...problemsOf(error, 'transforms', props.transforms));
    }
    problems.push(...pluginVersionProblems(this.plugins, props, this.workerConverters()));
    if (plugin) {
      try {
        const cls = await plugin.load();
        const connector = new cls() as Connector;
        const result = (await connector.validate?.(props)) as
          | { configValues?: Array<{ name: string; value: unknown; errorMessages: string[] }> }
          | undefined;
        for (const v of result?.configValues ?? []) {
          // The common keys were checked above with the runtime's own definitions.
          if (problems.some((p) => p.key === v.name)) continue;
          for (const message of v.errorMessages)
            problems.push({ key: v.name, value: v.value, message });
        }
      } catch (error) {
        problems.push(...problemsOf(error, 'connector.class', cls));
      }
    }
    return problems;
  }

  /**
   * Problems of the worker's own converters (`key.converter`, `value.converter`,
   * `header.converter` with their `*.converter.*` settings), each created and configured once.
   */
  validateWorkerConverters(): Promise<ConfigProblem[]> {
    return this.converterProblems({});
  }

  /**
   * Problems of the converters a config uses (its own, else the worker's); a converter's own
   * settings are named with their prefix (`value.converter.schemas.enable`), as Kafka does.
   */
  private async converterProblems(props: Record<string, string>): Promise<ConfigProblem[]> {
    const problems: ConfigProblem[] = [];
    for (const role of ['key', 'value', 'header'] as const) {
      const k = `${role}.converter`;
      try {
        const c = await this.createConverter(role, props);
        // A converter that fails to close is still a valid config: logged, not a problem.
        await closeLogged(() => c.instance.close?.(), this.log, {
          converter: role,
          class: c.className,
        });
      } catch (error) {
        for (const p of problemsOf(error, k, props[k] ?? this.workerConverterClass(role)))
          problems.push(
            p.key === k || p.key.startsWith(`${k}.`) ? p : { ...p, key: `${k}.${p.key}` },
          );
      }
    }
    return problems;
  }

  /**
   * The keys of a connector config whose values are secret, the values the REST API hides: those
   * the connector's ConfigDef (or the framework's) declares PASSWORD, those its own converters,
   * transforms and predicates declare PASSWORD (under their prefix), and Kafka's client password
   * keys under `producer.override.` / `consumer.override.` / `admin.override.`. A plugin that
   * cannot be loaded adds nothing (such a config is refused anyway).
   */
  async connectorPasswordKeys(props: Record<string, string>): Promise<ReadonlySet<string>> {
    const keys = new Set<string>();
    for (const kind of ['producer', 'consumer', 'admin'])
      for (const k of CLIENT_PASSWORD_KEYS) keys.add(`${kind}.override.${k}`);
    /** The PASSWORD keys of the plugin named by `key`, under `prefix`. */
    const add = async (
      role: Parameters<PluginRegistry['instantiate']>[0],
      key: string,
      prefix: string,
    ) => {
      const name = props[key];
      if (!name) return;
      try {
        const { instance, plugin } = await this.plugins.instantiate(role, name, key);
        const base = role === 'connector' ? baseDefOf(plugin.kind) : null;
        for (const k of passwordKeys([configDefOf(instance), base], prefix)) keys.add(k);
      } catch {
        // Not loadable: the config is refused by validation.
      }
    };
    await add('connector', 'connector.class', '');
    await add('converter', 'key.converter', 'key.converter.');
    await add('converter', 'value.converter', 'value.converter.');
    await add('header-converter', 'header.converter', 'header.converter.');
    const aliases = (list: string | undefined) =>
      (list ?? '')
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean);
    for (const alias of aliases(props.transforms))
      await add('transform', `transforms.${alias}.type`, `transforms.${alias}.`);
    for (const name of aliases(props.predicates))
      await add('predicate', `predicates.${name}.type`, `predicates.${name}.`);
    return keys;
  }

  /** Instantiates the connector of a (resolved) config; throws a ConfigException when invalid. */
  async instantiateConnector(props: Record<string, string>): Promise<ConnectorInstance> {
    const plugin = this.plugins.resolve(
      'connector',
      props['connector.class'] ?? '',
      'connector.class',
    );
    const type = plugin.kind as ConnectorType;
    const common = parseConnectorConfig(props, type);
    const cls = await plugin.load();
    return { connector: new cls() as Connector, plugin, type, common };
  }

  /**
   * Where a source connector of this (resolved) config keeps its offsets (Kafka's
   * Worker.offsetStoreFor...): in distributed mode its own `offsets.storage.topic` over the
   * worker's (always for exactly-once tasks, whose offsets go in their transactions), else the
   * worker's store. Release it when the connector or task stops.
   */
  async sourceOffsets(props: Record<string, string>, exactlyOnce = false): Promise<SourceOffsets> {
    const topics = this.o.offsetTopics;
    const own = props['offsets.storage.topic']?.trim() || null;
    const topic = topics ? (own ?? (exactlyOnce ? topics.workerTopic : null)) : null;
    if (!topics || topic === null || topic === topics.workerTopic) {
      return {
        store: this.offsetStore,
        topic: topics ? topics.workerTopic : null,
        secondary: null,
        release: async () => {},
      };
    }
    const primary = await topics.acquire(topic);
    let released = false;
    return {
      store: new ConnectorOffsetStore(primary, this.offsetStore, (e) =>
        this.log.warn({ err: e, topic }, 'Failed to write offsets to secondary backing store'),
      ),
      topic,
      secondary: this.offsetStore,
      release: async () => {
        if (released) return;
        released = true;
        await topics.release(topic);
      },
    };
  }

  /** The worker's `key.converter`, `value.converter` and `header.converter`, as configured. */
  workerConverters(): Record<'key' | 'value' | 'header', string> {
    return {
      key: this.config.keyConverter,
      value: this.config.valueConverter,
      header: this.config.headerConverter,
    };
  }

  private workerConverterClass(role: 'key' | 'value' | 'header'): string {
    return role === 'key'
      ? this.config.keyConverter
      : role === 'value'
        ? this.config.valueConverter
        : this.config.headerConverter;
  }

  /**
   * A configured converter as Kafka picks it: the connector's `<role>.converter` with its
   * `<role>.converter.*` settings, else the worker's with the worker's settings.
   */
  private async createConverter(
    role: 'key' | 'value' | 'header',
    props: Record<string, string>,
  ): Promise<{ instance: Converter & HeaderConverter; className: string }> {
    const key = `${role}.converter`;
    const fromConnector = props[key];
    const className = fromConnector ?? this.workerConverterClass(role);
    const settings = withPrefix(fromConnector ? props : this.config.props, `${key}.`);
    const { instance, plugin } = await this.plugins.instantiate(
      role === 'header' ? 'header-converter' : 'converter',
      className,
      key,
    );
    const converter = instance as Converter & HeaderConverter;
    const configs = { ...settings, 'converter.type': role };
    if (role === 'header') await converter.configure(configs);
    else await converter.configure(configs, role === 'key');
    return { instance: converter, className: pluginClassName(plugin, className) };
  }

  private async converters(props: Record<string, string>): Promise<TaskConverters> {
    const key = await this.createConverter('key', props);
    const value = await this.createConverter('value', props);
    const header = await this.createConverter('header', props);
    return {
      key: key.instance,
      keyClass: key.className,
      value: value.instance,
      valueClass: value.className,
      header: header.instance,
      headerClass: header.className,
    };
  }

  private instantiator(): PluginInstantiator {
    return async (kind, className) => {
      try {
        const { instance, plugin } = await this.plugins.instantiate(kind, className, `${kind}s`);
        return { instance, className: pluginClassName(plugin, className) };
      } catch (error) {
        // The chain reports it under transforms.<alias>.type / predicates.<name>.type.
        if (error instanceof PluginNotFoundException) throw new ConnectException(error.reason);
        throw error;
      }
    };
  }

  /** `producer.*` of the worker with the connector's `producer.override.*` (policy permitting). */
  private clientOverrides(
    kind: 'producer' | 'consumer' | 'admin',
    props: Record<string, string>,
  ): Record<string, string> {
    const overrides = withPrefix(props, `${kind}.override.`);
    if (Object.keys(overrides).length > 0 && this.config.overridePolicy === 'None') {
      throw ConfigException.invalid(
        `${kind}.override.${Object.keys(overrides)[0]}`,
        Object.values(overrides)[0],
        'connector.client.config.override.policy=None forbids client overrides',
      );
    }
    return {
      ...commonClientProps(this.config.props),
      ...withPrefix(this.config.props, `${kind}.`),
      ...overrides,
    };
  }

  private async errorOperator(
    id: ConnectorTaskId,
    errors: ErrorHandlingConfig,
    props: Record<string, string>,
    log: Logger,
  ): Promise<RetryWithToleranceOperator> {
    const reporters: ErrorReporter[] = [];
    const counters = newErrorCounters();
    if (errors.logEnable)
      reporters.push(
        new LogReporter(log, `${id.connector}-${id.task}`, errors.logIncludeMessages, counters),
      );
    if (errors.dlqTopic) {
      const admin = await this.connectedAdmin();
      await DeadLetterQueueReporter.ensureTopic(
        admin,
        errors.dlqTopic,
        errors.dlqReplicationFactor,
        log,
      );
      const producer = this.o.clients.producer({
        clientId: `${this.config.clientId}-${id.connector}-dlq-${id.task}`,
        overrides: this.clientOverrides('producer', props),
        log,
      });
      await producer.connect();
      reporters.push(
        new DeadLetterQueueReporter(
          producer,
          errors.dlqTopic,
          id.connector,
          id.task,
          errors.dlqContextHeaders,
          log,
          counters,
        ),
      );
    }
    return new RetryWithToleranceOperator(errors, reporters, log, counters);
  }

  /**
   * The task configs of a started connector, as Kafka's Worker.connectorTaskConfigs makes them:
   * what the connector's `taskConfigs` returned (at most `tasks.max` unless `tasks.max.enforce`
   * is false), each with `task.class` (the task class, package-qualified) and the connector's
   * `topics` / `topics.regex` when it has them.
   */
  async connectorTaskConfigs(
    name: string,
    instance: ConnectorInstance,
    connectorProps: Readonly<Record<string, string>>,
  ): Promise<Array<Record<string, string>>> {
    const { tasksMax, tasksMaxEnforce } = instance.common;
    const configs = (await instance.connector.taskConfigs(tasksMax)) ?? [];
    if (configs.length > tasksMax && tasksMaxEnforce) {
      throw new ConnectException(
        `The connector ${name} has generated ${configs.length} tasks, which is greater than ${tasksMax}, the maximum number of tasks it is configured to create. This behaviour should be considered a bug and is disallowed. If necessary, it can be permitted by reconfiguring the connector with 'tasks.max.enforce' set to false; however, this option will be removed in a future release of Kafka Connect.`,
      );
    }
    const taskClass = `${instance.plugin.packageName}/${this.taskClassOf(instance).name}`;
    return configs.map((config) => {
      const task: Record<string, string> = { ...config, 'task.class': taskClass };
      for (const key of ['topics', 'topics.regex']) {
        const value = connectorProps[key];
        if (value !== undefined) task[key] = value;
      }
      return task;
    });
  }

  /** Checks what `taskClass()` returned against the task interface. */
  taskClassOf(instance: ConnectorInstance): new () => SourceTask | SinkTask {
    const cls = instance.connector.taskClass?.();
    const kind = instance.type === 'source' ? 'source-task' : 'sink-task';
    const missing = missingPluginMethods(kind, cls);
    if (typeof cls !== 'function' || missing.length > 0) {
      throw new ConfigException(
        `The task class of connector ${instance.plugin.qualifiedName} (package ${instance.plugin.packageName}) does not implement the ${kind} interface: missing ${missing.join(', ')}`,
      );
    }
    return cls as new () => SourceTask | SinkTask;
  }

  /**
   * Builds one task runner (not started). `connectorProps` and `taskProps` are resolved configs:
   * the connector's settings pick converters, transforms and error handling; the task gets
   * `taskProps` in `start`.
   */
  async buildTask(
    id: ConnectorTaskId,
    instance: ConnectorInstance,
    connectorProps: Record<string, string>,
    taskProps: Record<string, string>,
    status: TaskStatusListener,
    log: Logger,
    exactlyOnce?: ExactlyOnceTaskSetup,
  ): Promise<TaskRunner> {
    const cls = this.taskClassOf(instance);
    const taskClass = cls.name || instance.plugin.qualifiedName;
    const common = instance.common;
    const errorOperator = await this.errorOperator(id, common.errors, connectorProps, log);
    let offsets: SourceOffsets | null = null;
    try {
      const converters = await this.converters(connectorProps);
      if (instance.type === 'source') {
        const transforms = await buildTransformationChain<SourceRecord>(
          connectorProps,
          this.instantiator(),
        );
        const groups = parseTopicCreation(connectorProps, this.config.topicCreationEnable);
        const admin = groups ? await this.connectedAdmin() : null;
        offsets = await this.sourceOffsets(connectorProps, exactlyOnce !== undefined);
        const release = offsets.release;
        const clientId = `${this.config.clientId}-${id.connector}-${id.task}`;
        const overrides = this.clientOverrides('producer', connectorProps);
        const base = {
          id,
          task: new cls() as SourceTask,
          taskClass,
          taskConfig: taskProps,
          converters,
          transforms,
          offsetStore: offsets.store,
          releaseOffsets: release,
          topicCreator: new TopicCreator(groups, admin, log),
          errorOperator,
          errorConfig: common.errors,
          status,
          log,
        };
        if (exactlyOnce) {
          const { transactionalId, ...checks } = exactlyOnce;
          return new ExactlyOnceWorkerSourceTask({
            ...base,
            producer: this.o.clients.transactionalProducer({
              clientId,
              overrides,
              log,
              transactionalId,
            }),
            boundary: common.transactionBoundary,
            boundaryIntervalMs:
              common.transactionBoundaryIntervalMs ?? this.config.offsetFlushIntervalMs,
            offsetsTopic: offsets.topic as string,
            secondaryOffsetStore: offsets.secondary,
            checks,
          });
        }
        return new WorkerSourceTask({
          ...base,
          producer: this.o.clients.producer({ clientId, overrides, log }),
          offsetFlushIntervalMs: this.config.offsetFlushIntervalMs,
          offsetFlushTimeoutMs: this.config.offsetFlushTimeoutMs,
        });
      }
      const transforms = await buildTransformationChain<SinkRecord>(
        connectorProps,
        this.instantiator(),
      );
      const consumerProps = this.clientOverrides('consumer', connectorProps);
      return new WorkerSinkTask({
        id,
        task: new cls() as SinkTask,
        taskClass,
        taskConfig: taskProps,
        converters,
        transforms,
        consumer: this.o.clients.consumer({
          clientId: `${this.config.clientId}-${id.connector}-${id.task}`,
          groupId: `connect-${id.connector}`,
          overrides: consumerProps,
          log,
        }),
        topics: common.topics,
        topicsRegex: common.topicsRegex ? new RegExp(`^(?:${common.topicsRegex})$`) : null,
        errorOperator,
        errantRecordReporter: errorOperator.hasReporters,
        offsetCommitIntervalMs: this.config.offsetFlushIntervalMs,
        maxBatchRecords: consumerSettings(consumerProps).maxPollRecords,
        retryBackoffMaxMs: common.errors.retryDelayMaxMs,
        status,
        log,
      });
    } catch (error) {
      await errorOperator.close().catch(() => {});
      await offsets?.release();
      throw error;
    }
  }
}
