import { describe, expect, it } from 'vitest';
import {
  consumerSettings,
  forcedClientKeyWarnings,
  ignoredClientKeys,
  producerSettings,
} from '../src/kafka/client-overrides.js';

describe('client overrides', () => {
  it('reads batch.size, max.block.ms and enable.idempotence, with Kafka Connect defaults', () => {
    const defaults = producerSettings({});
    expect(defaults.batchSizeBytes).toBeNull();
    expect(defaults.maxBlockMs).toBe(Number.POSITIVE_INFINITY);
    expect(defaults.idempotent).toBe(true);
    const set = producerSettings({
      'batch.size': '32768',
      'max.block.ms': '5000',
      'enable.idempotence': 'false',
    });
    expect(set).toMatchObject({ batchSizeBytes: 32768, maxBlockMs: 5000, idempotent: false });
    // batch.size=0 disables batching in Kafka: one record a batch.
    expect(producerSettings({ 'batch.size': '0' }).batchSizeBytes).toBe(1);
    expect(() => producerSettings({ 'batch.size': '-1' })).toThrow(/batch.size/);
    expect(() => producerSettings({ 'enable.idempotence': 'yes' })).toThrow(
      /enable.idempotence: use true or false/,
    );
    expect(consumerSettings({ 'metadata.max.age.ms': '1000' }).metadataMaxAgeMs).toBe(1000);
  });

  it("warns with Kafka's message about keys the runtime sets itself, only when the value differs", () => {
    expect(
      forcedClientKeyWarnings({ acks: '1', 'client.id': 'x' }, 'producer').map((w) => w.message),
    ).toEqual([
      "The value '1' for the 'acks' property will be ignored as it cannot be overridden in Sluice. The value 'all' will be used instead.",
    ]);
    expect(forcedClientKeyWarnings({ acks: '-1' }, 'producer')).toEqual([]);
    expect(forcedClientKeyWarnings({ acks: 'ALL' }, 'producer')).toEqual([]);
    expect(
      forcedClientKeyWarnings(
        { 'group.id': 'other', 'enable.auto.commit': 'false' },
        'consumer',
        'connect-s',
      ),
    ).toMatchObject([{ key: 'group.id', value: 'other', used: 'connect-s' }]);
  });

  it('lists keys the client ignores, but not the honoured or forced ones', () => {
    expect(
      ignoredClientKeys(
        { 'client.id': 'x', 'batch.size': '1', acks: '1', 'buffer.memory': '1' },
        'producer',
      ),
    ).toEqual(['buffer.memory']);
    expect(
      ignoredClientKeys(
        { 'group.id': 'g', 'metadata.max.age.ms': '1', 'isolation.level': 'x' },
        'consumer',
      ),
    ).toEqual(['isolation.level']);
  });
});
