import { ConnectException, TopicPartitionMap } from '@sluice/api';
import type { StandaloneHerder } from '../herder/standalone-herder.js';
import { stringifyOffsetJson } from '../storage/offset-json.js';
import { offsetKey, parseOffsetKey } from '../storage/offset-store.js';
import type { Worker } from '../worker/worker.js';
import { badRequest } from './rest-exception.js';

/** A `{"message": ...}` answer (Kafka's Message entity). */
export interface Message {
  message: string;
}

interface Alteration {
  partition: Record<string, unknown>;
  offset: Record<string, unknown> | null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The entries of a `PATCH /connectors/{name}/offsets` body (`{"offsets": [{"partition",
 * "offset"}]}`); an empty list is refused at once, as Kafka does, the entries only once the
 * connector is known and stopped (`alterations`).
 */
export function alterOffsetsBody(body: unknown): unknown[] {
  const offsets = isObject(body) ? body.offsets : undefined;
  if (!Array.isArray(offsets) || offsets.length === 0)
    throw badRequest('Partitions / offsets need to be provided for an alter offsets request');
  return offsets;
}

/** Each entry as a partition object and an offset object (or null). */
function parseAlterations(entries: unknown[]): Alteration[] {
  return entries.map((entry) => {
    if (!isObject(entry) || !isObject(entry.partition))
      throw badRequest('The partition of a connector offset cannot be null or missing');
    if (entry.offset !== null && entry.offset !== undefined && !isObject(entry.offset))
      throw badRequest('The offset of a connector offset must be a JSON object or null');
    return { partition: entry.partition, offset: isObject(entry.offset) ? entry.offset : null };
  });
}

function integer(value: unknown, what: string): number {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw badRequest(what);
  return n;
}

/** Kafka's SinkUtils.parseSinkConnectorOffsets: topic, partition and offset of each entry. */
function sinkAlterations(
  alterations: Alteration[],
): Array<{ topic: string; partition: number; offset: number | null }> {
  return alterations.map(({ partition, offset }) => {
    if (!('kafka_topic' in partition) || !('kafka_partition' in partition))
      throw badRequest(
        "The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'",
      );
    if (partition.kafka_topic === null || partition.kafka_topic === undefined)
      throw badRequest('Kafka topic names must be valid strings and may not be null');
    if (partition.kafka_partition === null || partition.kafka_partition === undefined)
      throw badRequest('Kafka partitions must be valid numbers and may not be null');
    const p = integer(
      partition.kafka_partition,
      `Failed to parse the following Kafka partition value in the provided offsets: '${String(partition.kafka_partition)}'. Partition values for sink connectors need to be integers.`,
    );
    if (offset === null)
      return { topic: String(partition.kafka_topic), partition: p, offset: null };
    if (!('kafka_offset' in offset))
      throw badRequest(
        "The offset for a sink connector should either be null or contain the key 'kafka_offset'",
      );
    const o = integer(
      offset.kafka_offset,
      `Failed to parse the following Kafka offset value in the provided offsets: '${String(offset.kafka_offset)}'. Offset values for sink connectors need to be integers.`,
    );
    return { topic: String(partition.kafka_topic), partition: p, offset: o };
  });
}

function done(confirmed: boolean, reset: boolean): Message {
  const what = reset ? 'reset' : 'altered';
  return {
    message: confirmed
      ? `The offsets for this connector have been ${what} successfully`
      : `The Connect framework-managed offsets for this connector have been ${what} successfully. However, if this connector manages offsets externally, they will need to be manually ${what} in the system that the connector uses.`,
  };
}

/**
 * KIP-875 offset changes for a STOPPED connector: the connector's `alterOffsets` is asked first
 * (it may refuse by throwing), then source offsets are written to the offset store and sink
 * offsets committed for the connector's consumer group `connect-<name>`.
 */
export class ConnectorOffsetsAdmin {
  constructor(
    private readonly herder: StandaloneHerder,
    private readonly worker: Worker,
  ) {}

  /** Kafka's checks: the connector exists (404), and is STOPPED with no tasks (400). */
  private checkStopped(name: string): void {
    this.herder.connectorConfig(name);
    const status = this.herder.connectorStatus(name);
    if (status.connector.state !== 'STOPPED' || status.tasks.length > 0) {
      throw badRequest(
        `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`,
      );
    }
  }

  private async connectorFor(name: string) {
    const props = await this.worker.resolveConfig(this.herder.connectorConfig(name));
    return { props, instance: await this.worker.instantiateConnector(props) };
  }

  /**
   * The connector's `alterOffsets` verdict. A ConnectException it throws is the answer as it is
   * (its message is what the user reads, as in Kafka); anything else is wrapped.
   */
  private async confirm(name: string, type: string, call: () => unknown): Promise<boolean> {
    try {
      return (await call()) === true;
    } catch (error) {
      if (error instanceof ConnectException) throw error;
      throw new ConnectException(`Failed to modify offsets for ${type} connector ${name}`, {
        cause: error,
      });
    }
  }

  /** `PATCH /connectors/{name}/offsets`. */
  async alter(name: string, entries: unknown[]): Promise<Message> {
    this.checkStopped(name);
    const alterations = parseAlterations(entries);
    const { props, instance } = await this.connectorFor(name);
    const connector = instance.connector as {
      alterOffsets?: (props: Record<string, string>, offsets: unknown) => unknown;
    };
    if (instance.type === 'source') {
      const confirmed = await this.confirm(name, 'source', () =>
        connector.alterOffsets?.(props, alterations),
      );
      const entries = new Map<string, string | null>();
      for (const a of alterations)
        entries.set(
          offsetKey(name, a.partition),
          a.offset === null ? null : stringifyOffsetJson(a.offset),
        );
      await this.worker.offsetStore.set(entries);
      return done(confirmed, false);
    }
    const parsed = sinkAlterations(alterations);
    const confirmed = await this.confirm(name, 'sink', () =>
      connector.alterOffsets?.(
        props,
        new TopicPartitionMap(
          parsed.map((p) => [{ topic: p.topic, partition: p.partition }, p.offset]),
        ),
      ),
    );
    const admin = await this.worker.kafkaAdmin();
    const byTopic = new Map<string, Array<{ partition: number; offset: bigint }>>();
    for (const p of parsed) {
      let offset: bigint;
      if (p.offset === null) {
        // A removed committed offset makes the sink start where auto.offset.reset says: the
        // earliest record, as Kafka Connect configures its sink consumers.
        const ends = await admin.topicOffsets(p.topic);
        offset = ends.find((e) => e.partition === p.partition)?.low ?? 0n;
      } else offset = BigInt(p.offset);
      const list = byTopic.get(p.topic) ?? [];
      list.push({ partition: p.partition, offset });
      byTopic.set(p.topic, list);
    }
    for (const [topic, offsets] of byTopic)
      await admin.setGroupOffsets(`connect-${name}`, topic, offsets);
    return done(confirmed, false);
  }

  /** `DELETE /connectors/{name}/offsets`: every offset of the connector removed. */
  async reset(name: string): Promise<Message> {
    this.checkStopped(name);
    const { props, instance } = await this.connectorFor(name);
    const connector = instance.connector as {
      alterOffsets?: (props: Record<string, string>, offsets: unknown) => unknown;
    };
    const current = await this.herder.connectorOffsets(name);
    if (instance.type === 'source') {
      const keys = (await this.worker.offsetStore.keys()).filter(
        (k) => parseOffsetKey(k)?.connector === name,
      );
      const confirmed = await this.confirm(name, 'source', () =>
        connector.alterOffsets?.(
          props,
          current.offsets.map((o) => ({ partition: o.partition, offset: null })),
        ),
      );
      await this.worker.offsetStore.set(new Map(keys.map((k) => [k, null])));
      return done(confirmed, true);
    }
    const confirmed = await this.confirm(name, 'sink', () =>
      connector.alterOffsets?.(
        props,
        new TopicPartitionMap(
          current.offsets.map((o) => [
            {
              topic: String(o.partition.kafka_topic),
              partition: Number(o.partition.kafka_partition),
            },
            null,
          ]),
        ),
      ),
    );
    // Kafka deletes the whole consumer group; a group with no committed offsets has nothing to delete.
    if (current.offsets.length > 0) {
      const admin = await this.worker.kafkaAdmin();
      await admin.deleteGroups([`connect-${name}`]);
    }
    return done(confirmed, true);
  }
}
