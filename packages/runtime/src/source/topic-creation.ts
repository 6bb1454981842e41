import type { KafkaAdmin, NewTopic } from '../kafka/kafka-port.js';
import type { Logger } from '../logging/logger.js';

/** One `topic.creation.<group>` of a source connector (the `default` group last). */
export interface TopicCreationGroup {
  name: string;
  include: RegExp[];
  exclude: RegExp[];
  /** -1 = the broker's default. */
  replicationFactor: number;
  partitions: number;
  configs: Record<string, string>;
}

const GROUP_SETTINGS = new Set(['include', 'exclude', 'replication.factor', 'partitions']);

function regexList(value: string | undefined): RegExp[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => new RegExp(`^(?:${s})$`));
}

/**
 * Reads Kafka Connect's `topic.creation.*` settings of a source connector (KIP-158). Topic
 * creation is on for the connector when the worker allows it (`topic.creation.enable`) and
 * `topic.creation.default.replication.factor` and `.partitions` are set. Returns null when off.
 */
export function parseTopicCreation(
  config: Record<string, string>,
  workerEnabled: boolean,
): TopicCreationGroup[] | null {
  if (!workerEnabled) return null;
  const rf = config['topic.creation.default.replication.factor'];
  const partitions = config['topic.creation.default.partitions'];
  if (rf === undefined || partitions === undefined) return null;
  const groupNames = (config['topic.creation.groups'] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && s !== 'default');
  const group = (name: string, isDefault: boolean): TopicCreationGroup => {
    const prefix = `topic.creation.${name}.`;
    const configs: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) {
      if (k.startsWith(prefix) && !GROUP_SETTINGS.has(k.slice(prefix.length)))
        configs[k.slice(prefix.length)] = v;
    }
    return {
      name,
      include: isDefault ? [/^.*$/] : regexList(config[`${prefix}include`]),
      exclude: isDefault ? [] : regexList(config[`${prefix}exclude`]),
      replicationFactor: Number(config[`${prefix}replication.factor`] ?? rf),
      partitions: Number(config[`${prefix}partitions`] ?? partitions),
      configs: isDefault ? configs : { ...defaultConfigs(config), ...configs },
    };
  };
  return [...groupNames.map((n) => group(n, false)), group('default', true)];
}

function defaultConfigs(config: Record<string, string>): Record<string, string> {
  const prefix = 'topic.creation.default.';
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    if (k.startsWith(prefix) && !GROUP_SETTINGS.has(k.slice(prefix.length)))
      out[k.slice(prefix.length)] = v;
  }
  return out;
}

/** The group a topic falls in: the first listed group including and not excluding it, else `default`. */
export function groupFor(groups: TopicCreationGroup[], topic: string): TopicCreationGroup {
  for (const g of groups) {
    if (g.include.some((r) => r.test(topic)) && !g.exclude.some((r) => r.test(topic))) return g;
  }
  return groups[groups.length - 1] as TopicCreationGroup;
}

/** Creates each topic a source task writes to, once, before its first record is sent. */
export class TopicCreator {
  private readonly known = new Set<string>();
  private existing: Set<string> | null = null;

  constructor(
    private readonly groups: TopicCreationGroup[] | null,
    private readonly admin: KafkaAdmin | null,
    private readonly log: Logger,
  ) {}

  /**
   * Creates `topic` first if a creation group asks for it and it does not exist: a promise to
   * await then, undefined when there is nothing to do (creation is off, or the topic is known).
   */
  ensure(topic: string): Promise<void> | undefined {
    const { groups, admin } = this;
    if (!groups || !admin || this.known.has(topic)) return undefined;
    return this.create(topic, groups, admin);
  }

  private async create(
    topic: string,
    groups: TopicCreationGroup[],
    admin: KafkaAdmin,
  ): Promise<void> {
    if (!this.existing) this.existing = new Set(await admin.listTopics());
    if (!this.existing.has(topic)) {
      const g = groupFor(groups, topic);
      const request: NewTopic = {
        topic,
        numPartitions: g.partitions,
        replicationFactor: g.replicationFactor,
        configs: g.configs,
      };
      const created = await admin.createTopics([request]);
      if (created.length > 0) {
        this.log.info(
          {
            topic,
            group: g.name,
            partitions: g.partitions,
            replicationFactor: g.replicationFactor,
          },
          `Created topic ${topic} (topic creation group ${g.name})`,
        );
      }
      this.existing.add(topic);
    }
    this.known.add(topic);
  }
}
