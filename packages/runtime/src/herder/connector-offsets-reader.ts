import { parseOffsetJson } from '../storage/offset-json.js';
import { parseOffsetKey } from '../storage/offset-store.js';
import type { ConnectorType, Worker } from '../worker/worker.js';
import type { ConnectorOffsets } from './herder.js';

/**
 * A connector's committed offsets (`GET /connectors/{name}/offsets`): a source's partitions from
 * the offset store, a sink's topic partitions from its consumer group `connect-<name>`.
 */
export async function readConnectorOffsets(
  worker: Worker,
  name: string,
  type: ConnectorType,
  config: Readonly<Record<string, string>>,
): Promise<ConnectorOffsets> {
  if (type === 'source') {
    const keys = await worker.offsetStore.keys();
    const mine = keys.filter((k) => parseOffsetKey(k)?.connector === name);
    const values = await worker.offsetStore.get(mine);
    return {
      offsets: mine.map((k) => {
        const raw = values.get(k);
        return {
          partition: parseOffsetKey(k)?.partition ?? {},
          offset: raw === undefined ? null : (parseOffsetJson(raw) as Record<string, unknown>),
        };
      }),
    };
  }
  const admin = await worker.kafkaAdmin();
  const topics = (config.topics ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const regex = config['topics.regex'];
  if (regex) {
    const re = new RegExp(`^(?:${regex})$`);
    topics.push(...(await admin.listTopics()).filter((t) => re.test(t)));
  }
  const offsets = topics.length > 0 ? await admin.groupOffsets(`connect-${name}`, topics) : [];
  return {
    offsets: offsets
      .filter((o) => o.offset >= 0n)
      .map((o) => ({
        partition: { kafka_topic: o.topic, kafka_partition: o.partition },
        offset: { kafka_offset: Number(o.offset) },
      })),
  };
}
