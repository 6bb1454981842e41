import { ConfigException } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { PostgresCdcSourceConnector, parseCdcConfig } from '../src/index.js';

const BASE = {
  'database.hostname': 'db.example',
  'database.user': 'cdc',
  'database.dbname': 'shop',
  'topic.prefix': 'shop',
};

/** The ConfigException `parseCdcConfig` throws for `props`, or a failure if it throws none. */
function refusal(props: Record<string, string>): ConfigException {
  try {
    parseCdcConfig({ ...BASE, ...props });
  } catch (error) {
    if (error instanceof ConfigException) return error;
    throw error;
  }
  throw new Error(`${JSON.stringify(props)} was accepted`);
}

describe('PostgreSQL CDC configuration', () => {
  it('accepts every Debezium key of the issue, with Debezium’s values', () => {
    const config = parseCdcConfig({
      ...BASE,
      'database.port': '5433',
      'database.password': 'secret',
      'plugin.name': 'pgoutput',
      'slot.name': 'shop_slot',
      'publication.name': 'shop_pub',
      'publication.autocreate.mode': 'filtered',
      'table.exclude.list': 'public\\.audit',
      'column.exclude.list': 'public\\.orders\\.secret',
      'snapshot.mode': 'when_needed',
      'snapshot.fetch.size': '500',
      'decimal.handling.mode': 'string',
      'time.precision.mode': 'connect',
      'binary.handling.mode': 'base64',
      'tombstones.on.delete': 'false',
      'heartbeat.interval.ms': '5000',
      'heartbeat.action.query': 'UPDATE hb SET ts = now()',
      'slot.drop.on.stop': 'true',
      'max.batch.size': '100',
      'max.queue.size': '400',
      'skipped.operations': 'none',
      'message.key.columns': 'public\\.orders:a,b;public\\.items:sku',
      'provide.transaction.metadata': 'true',
      'unavailable.value.placeholder': '__gone',
      'signal.data.collection': 'public.signals',
    });
    expect(config).toMatchObject({
      connection: { host: 'db.example', port: 5433, password: 'secret', database: 'shop' },
      slotName: 'shop_slot',
      publicationName: 'shop_pub',
      snapshotMode: 'when_needed',
      snapshotFetchSize: 500,
      decimalMode: 'string',
      timePrecisionMode: 'connect',
      binaryMode: 'base64',
      tombstonesOnDelete: false,
      heartbeatIntervalMs: 5000,
      dropSlotOnStop: true,
      maxBatchSize: 100,
      maxQueueSize: 400,
      provideTransactionMetadata: true,
      unavailableValuePlaceholder: '__gone',
      signalDataCollection: 'public.signals',
    });
    expect(config.skippedOperations.size).toBe(0);
    expect(config.messageKeyColumns.map((r) => r.columns)).toEqual([['a', 'b'], ['sku']]);
  });

  it('refuses unsupported Debezium keys by name, saying why', () => {
    const error = refusal({ 'database.server.name': 'old', 'snapshot.locking.mode': 'none' });
    expect(error.message).toMatch(
      /Configuration database\.server\.name is not supported by Sluice: .*topic\.prefix/,
    );
    expect(error.message).toMatch(/Configuration snapshot\.locking\.mode is not supported/);
  });

  it('accepts fixed keys at Debezium’s default only', () => {
    expect(parseCdcConfig({ ...BASE, 'topic.delimiter': '.' }).topicPrefix).toBe('shop');
    expect(refusal({ 'topic.delimiter': '_' }).message).toMatch(
      /topic\.delimiter.*only Debezium's default \. is supported/,
    );
  });

  it('refuses other decoding plugins, unknown snapshot modes, include and exclude lists together and a queue not above the batch, naming the key', () => {
    expect(refusal({ 'plugin.name': 'decoderbufs' }).message).toMatch(/plugin\.name/);
    expect(refusal({ 'snapshot.mode': 'never' }).message).toMatch(/snapshot\.mode/);
    expect(
      refusal({ 'table.include.list': 'a\\.b', 'table.exclude.list': 'a\\.c' }).message,
    ).toMatch(/table\.exclude\.list: table\.include\.list is set too/);
    expect(refusal({ 'max.batch.size': '500', 'max.queue.size': '500' }).message).toMatch(
      /max\.queue\.size: must be larger than max\.batch\.size \(500\)/,
    );
  });

  it('reports the same problems through validate, per key, for the REST API', () => {
    const values = new PostgresCdcSourceConnector().validate({
      ...BASE,
      'database.server.name': 'old',
    }).configValues;
    const errors = values.find((v) => v.name === 'database.server.name')?.errorMessages;
    expect(errors).toEqual([expect.stringMatching(/not supported by Sluice/)]);
  });
});
