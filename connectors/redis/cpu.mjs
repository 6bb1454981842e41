import { Schema, SinkRecord, SILENT_CONNECTOR_LOGGER } from '@sluice/api';
import { RedisSinkTask } from './dist/index.js';
import { Redis } from 'ioredis';
const url = process.env.U; const N = 50000, B = 500; const V = 'x'.repeat(100);
const recs = Array.from({ length: N }, (_, i) => new SinkRecord({ topic: 'cpu', kafkaPartition: 0, kafkaOffset: i, keySchema: Schema.STRING_SCHEMA, key: String(i), valueSchema: Schema.STRING_SCHEMA, value: V }));
const args = Array.from({ length: N }, (_, i) => [`cpuraw:${i}`, V]);
const task = new RedisSinkTask();
task.initialize({ errantRecordReporter: () => null, log: SILENT_CONNECTOR_LOGGER });
await task.start({ 'redis.uri': url, 'redis.type': 'STRING' });
const redis = new Redis(url, { protocol: 2 });
const measure = async (f) => { const c = process.cpuUsage(); const t = process.hrtime.bigint(); await f(); const d = process.cpuUsage(c); return [(d.user + d.system) / N, Number(process.hrtime.bigint() - t) / 1000 / N]; };
for (let r = 0; r < 6; r++) {
  const raw = await measure(async () => { for (let i = 0; i < N; i += B) { const p = redis.pipeline(); for (const a of args.slice(i, i + B)) p.call('SET', ...a); await p.exec(); } });
  const sl = await measure(async () => { for (let i = 0; i < N; i += B) await task.put(recs.slice(i, i + B)); });
  console.log(`raw cpu ${raw[0].toFixed(2)}µs wall ${raw[1].toFixed(2)}µs | sink cpu ${sl[0].toFixed(2)}µs wall ${sl[1].toFixed(2)}µs`);
}
await task.stop(); 
let cursor = '0'; do { const [n, keys] = await redis.scan(cursor, 'MATCH', 'cpu*', 'COUNT', 1000); cursor = n; if (keys.length) await redis.unlink(...keys); } while (cursor !== '0');
redis.disconnect();
