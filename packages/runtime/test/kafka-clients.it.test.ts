import { Kafka, logLevel } from '@sluice/kafkajs';
import { kafkaBrokers } from '@sluice/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import type { StandaloneHerder } from '../src/herder/standalone-herder.js';
import {
  capturingLogger,
  closeClients,
  createTopic,
  readTopic,
  startTrackedHerder,
  stopStartedHerders,
  text,
  topicSize,
  uniqueName,
  waitFor,
} from './harness.js';

const herder = startTrackedHerder;

afterAll(async () => {
  await stopStartedHerders();
  await closeClients();
});

function states(h: StandaloneHerder, name: string): string[] {
  const s = h.connectorStatus(name);
  return [s.connector.state, ...s.tasks.map((t) => t.state)];
}

/** kafkajs itself, to see what the broker sees (group members, record batches) beside the port. */
const kafka = new Kafka({
  clientId: 'kafka-clients-test',
  brokers: kafkaBrokers(),
  logLevel: logLevel.NOTHING,
});

describe('Kafka clients of the tasks', () => {
  it('writes to a topic that does not exist yet: the broker creates it on the producer metadata request (auto.create.topics.enable), and a restarted task goes on', async () => {
    // Kafka's connect-file-source.properties shape: a topic nobody created, no topic.creation.*.
    const topic = uniqueName('not-yet');
    const { herder: h } = await herder();
    const name = uniqueName('auto-topic');
    await h.putConnectorConfig(name, { 'connector.class': 'CountingSource', topic }, false);
    await waitFor('records in the auto-created topic', async () => (await topicSize(topic)) >= 20);
    expect(states(h, name)).toEqual(['RUNNING', 'RUNNING']);
    // Counted once the old task has stopped: its last records may still land during the stop.
    await h.restartTask(name, 0);
    const before = await topicSize(topic);
    await waitFor('records after the restart', async () => (await topicSize(topic)) >= before + 20);
    expect(states(h, name)).toEqual(['RUNNING', 'RUNNING']);
    await h.stopConnector(name);
    // A restart may repeat the uncommitted tail; nothing is skipped and the order holds.
    const numbers = (await readTopic(topic)).map((r) => Number(text(r.value)?.split('-').pop()));
    const distinct = [...new Set(numbers)];
    expect(distinct).toEqual(Array.from({ length: distinct.length }, (_, i) => i));
  });

  it("fails the task with Kafka's TimeoutException after producer.override.max.block.ms when the topic never appears", async () => {
    const base = uniqueName('clash');
    await createTopic(`${base}.x`);
    // Collides with `<base>.x` (Kafka forbids topics differing only in '.' vs '_'): the broker
    // accepts the metadata request but never creates it, so its metadata never comes.
    const topic = `${base}_x`;
    const { herder: h } = await herder();
    const name = uniqueName('no-metadata');
    await h.putConnectorConfig(
      name,
      { 'connector.class': 'CountingSource', topic, 'producer.override.max.block.ms': '3000' },
      false,
    );
    await waitFor('the task to fail', () => states(h, name)[1] === 'FAILED', 60_000);
    const trace = h.connectorStatus(name).tasks[0]?.trace ?? '';
    expect(trace).toContain(
      `TimeoutException: Topic ${topic} not present in metadata after 3000 ms.`,
    );
  });

  it('uses client.id from consumer.override.*, and warns by name about keys the runtime sets itself, as Kafka does', async () => {
    const topic = uniqueName('client-id');
    await createTopic(topic);
    const { log, lines } = capturingLogger('warn');
    const { herder: h } = await herder({}, log);
    const name = uniqueName('client-id-sink');
    const clientId = uniqueName('my-sink-client');
    await h.putConnectorConfig(
      name,
      {
        'connector.class': 'CollectingSink',
        topics: topic,
        'consumer.override.client.id': clientId,
        'consumer.override.enable.auto.commit': 'true',
        'consumer.override.group.id': 'elsewhere',
        // The same value as the runtime's: nothing to warn about.
        'consumer.override.key.deserializer':
          'org.apache.kafka.common.serialization.ByteArrayDeserializer',
      },
      false,
    );
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    try {
      await waitFor('the task in the group', async () => {
        const { groups } = await kafkaAdmin.describeGroups([`connect-${name}`]);
        return (groups[0]?.members.length ?? 0) > 0;
      });
      const { groups } = await kafkaAdmin.describeGroups([`connect-${name}`]);
      expect(groups[0]?.members.map((m) => m.clientId)).toEqual([clientId]);
    } finally {
      await kafkaAdmin.disconnect();
    }
    const messages = lines.map((l) => String(l.msg));
    expect(messages).toContain(
      "The value 'true' for the 'enable.auto.commit' property will be ignored as it cannot be overridden in Sluice. The value 'false' will be used instead.",
    );
    expect(messages).toContain(
      `The value 'elsewhere' for the 'group.id' property will be ignored as it cannot be overridden in Sluice. The value 'connect-${name}' will be used instead.`,
    );
    expect(messages.filter((m) => m.includes("'key.deserializer'"))).toEqual([]);
    expect(lines.find((l) => String(l.msg).includes("'group.id'"))).toMatchObject({
      connector: name,
      task: 0,
    });
  });

  it('keeps each record batch of a partition within producer batch.size', async () => {
    const topic = uniqueName('batch-size');
    await createTopic(topic);
    const { herder: h } = await herder();
    const name = uniqueName('small-batches');
    await h.putConnectorConfig(
      name,
      {
        'connector.class': 'CountingSource',
        topic,
        'producer.override.batch.size': '200',
        // Records wait long enough for every poll's ten records to be sent together.
        'producer.override.linger.ms': '200',
      },
      false,
    );
    await waitFor('records', async () => (await topicSize(topic)) >= 60);
    await h.stopConnector(name);
    const batches = new Map<string, number[]>();
    const consumer = kafka.consumer({ groupId: uniqueName('batch-reader') });
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    let seen = 0;
    await consumer.run({
      eachMessage: async ({ message }) => {
        // kafkajs keeps the record batch each message came in.
        const first = (message as { batchContext?: { firstOffset: string } }).batchContext
          ?.firstOffset;
        const list = batches.get(String(first)) ?? [];
        list.push((message.key?.length ?? 0) + (message.value?.length ?? 0));
        batches.set(String(first), list);
        seen++;
      },
    });
    const total = await topicSize(topic);
    await waitFor('every record read', () => seen >= total);
    await consumer.disconnect();
    const sizes = [...batches.values()];
    expect(sizes.length).toBeGreaterThan(1);
    for (const batch of sizes) {
      if (batch.length > 1) expect(batch.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(200);
    }
  });
});
