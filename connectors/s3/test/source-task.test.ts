import { describe, expect, it } from 'vitest';
import { S3SourceConnector } from '../src/source-connector.js';
import { ownsPartition } from '../src/source-task.js';

describe('S3 source task assignment', () => {
  it('gives every Kafka partition to exactly one task, spreading them', () => {
    const count = 3;
    const owners = Array.from({ length: 60 }, (_, p) =>
      Array.from({ length: count }, (_, i) => i).filter((i) =>
        ownsPartition('orders', p, i, count),
      ),
    );
    for (const o of owners) expect(o).toHaveLength(1);
    const perTask = [0, 1, 2].map((i) => owners.filter((o) => o[0] === i).length);
    for (const n of perTask) expect(n).toBeGreaterThan(5);
  });

  it('numbers the task configs so each task knows its share', () => {
    const connector = new S3SourceConnector();
    connector.start({ 's3.bucket.name': 'b', 'format.class': 'JsonFormat' });
    const configs = connector.taskConfigs(2);
    expect(configs.map((c) => [c['task.index'], c['task.count']])).toEqual([
      ['0', '2'],
      ['1', '2'],
    ]);
  });
});
