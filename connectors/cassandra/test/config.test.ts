import { ConfigException } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { parseKcql, parseMapping, parseSinkConfig, parseSourceConfig } from '../src/index.js';

const base = {
  contactPoints: '10.0.0.1,10.0.0.2:9142',
  'loadBalancing.localDc': 'dc1',
  topics: 'orders',
  'topic.orders.shop.orders_by_id.mapping': 'id=key.id, total=value.total',
};

function problems(props: Record<string, string>): string[] {
  try {
    parseSinkConfig(props);
  } catch (error) {
    if (error instanceof ConfigException) return error.problems.map((p) => p.message);
    throw error;
  }
  return [];
}

describe('sink configuration', () => {
  it('reads a DataStax connector config with its defaults', () => {
    const config = parseSinkConfig(base);
    expect(config.connection.contactPoints).toEqual(['10.0.0.1:9042', '10.0.0.2:9142']);
    expect(config.connection.localDc).toBe('dc1');
    expect(config.connection.requestTimeoutMs).toBe(30_000);
    expect(config.connection.maxConcurrentRequests).toBe(500);
    expect(config.maxNumberOfRecordsInBatch).toBe(32);
    const [table] = config.topics.get('orders')?.tables ?? [];
    expect(table).toMatchObject({
      keyspace: 'shop',
      table: 'orders_by_id',
      consistency: 'LOCAL_ONE',
      ttl: -1,
      ttlTimeUnit: 'SECONDS',
      timestampTimeUnit: 'MICROSECONDS',
      nullToUnset: true,
      deletesEnabled: true,
      query: null,
    });
    expect(config.topics.get('orders')?.codec).toEqual({
      locale: 'en_US',
      timeZone: 'UTC',
      timestamp: 'CQL_TIMESTAMP',
      date: 'ISO_LOCAL_DATE',
      time: 'ISO_LOCAL_TIME',
      unit: 'MILLISECONDS',
    });
  });

  it('reads per-topic settings of topics whose names hold dots, and several tables per topic', () => {
    const config = parseSinkConfig({
      'loadBalancing.localDc': 'dc1',
      topics: 'shop.v1.orders',
      'topic.shop.v1.orders.ks.a.mapping': 'id=value.id',
      'topic.shop.v1.orders.ks.a.consistencyLevel': 'local_quorum',
      'topic.shop.v1.orders.ks."B".mapping': '"Id"=value.id',
      'topic.shop.v1.orders.ks."B".ttl': '60',
      'topic.shop.v1.orders.ks."B".ttlTimeUnit': 'MINUTES',
      'topic.shop.v1.orders.codec.locale': 'de_DE',
      'datastax-java-driver.basic.request.timeout': '5 seconds',
    });
    const tables = config.topics.get('shop.v1.orders')?.tables ?? [];
    expect(tables.map((t) => [t.table, t.consistency, t.ttl, t.ttlTimeUnit])).toEqual([
      ['a', 'LOCAL_QUORUM', -1, 'SECONDS'],
      ['B', 'LOCAL_ONE', 60, 'MINUTES'],
    ]);
    expect(config.topics.get('shop.v1.orders')?.codec.locale).toBe('de_DE');
    expect(config.connection.requestTimeoutMs).toBe(5_000);
    // No contact points: the driver's default, in the default data center.
    expect(config.connection.contactPoints).toEqual(['127.0.0.1:9042']);
  });

  it('refuses every bad setting at once, naming each key', () => {
    const found = problems({
      ...base,
      topics: 'orders,payments',
      'topic.orders.shop.orders_by_id.ttlTimeUnit': 'FORTNIGHTS',
      'topic.orders.shop.orders_by_id.consistencyLevel': 'SOME',
      'topic.orders.shop.other.mapping': 'id=val.id',
      'topic.orders.shop.third.mapping': 'id=value.id',
      'topic.orders.shop.third.query': 'INSERT INTO shop.third (id) VALUES (:id)',
      'topic.orders.mapping': 'x',
      'datastax-java-driver.advanced.heartbeat.interval': '10 seconds',
      maxNumberOfRecordsInBatch: '0',
    });
    expect(found.join('\n')).toMatch(/topic\.orders\.shop\.orders_by_id\.ttlTimeUnit/);
    expect(found.join('\n')).toMatch(/topic\.orders\.shop\.orders_by_id\.consistencyLevel/);
    expect(found.join('\n')).toMatch(/Invalid field name 'val\.id'/);
    expect(found.join('\n')).toMatch(
      /You cannot provide both topic\.orders\.shop\.third\.query and topic\.orders\.shop\.third\.deletesEnabled/,
    );
    expect(found.join('\n')).toMatch(/topic\.orders\.mapping: not a known per-topic setting/);
    expect(found.join('\n')).toMatch(
      /Missing topic settings \(topic\.payments\.\*\) for topic payments/,
    );
    expect(found.join('\n')).toMatch(/maxNumberOfRecordsInBatch/);
    // Connection problems are reported once the rest is right.
    expect(problems({ ...base, 'loadBalancing.localDc': '' })).toEqual([
      'Invalid value 10.0.0.1:9042,10.0.0.2:9142 for configuration contactPoints: When contact points is provided, loadBalancing.localDc must also be specified',
    ]);
    expect(
      problems({ ...base, 'datastax-java-driver.advanced.heartbeat.interval': '1s' })[0],
    ).toMatch(
      /datastax-java-driver\.advanced\.heartbeat\.interval: this Java driver setting is not supported/,
    );
    expect(problems({ ...base, 'auth.gssapi.keyTab': '/etc/k.keytab' })[0]).toMatch(/GSSAPI/);
  });

  it('chooses PLAIN authentication when a user name is given, and keeps the password secret', () => {
    const config = parseSinkConfig({ ...base, 'auth.username': 'app', 'auth.password': 's3cret' });
    expect(config.connection.username).toBe('app');
    expect(config.connection.password).toBe('s3cret');
    expect(problems({ ...base, 'auth.provider': 'PLAIN' })[0]).toMatch(/auth\.username/);
  });
});

describe('mapping', () => {
  it('parses every field form of the DataStax mapping syntax', () => {
    expect(
      parseMapping(
        'id=key, "Name"=value."full name", city=value.address.city, trace=header.trace-id, __ttl=value.ttl, __timestamp=value.ts, made=now()',
      ).map((m) => [m.column, m.source]),
    ).toEqual([
      ['id', { kind: 'key', path: [] }],
      ['Name', { kind: 'value', path: ['full name'] }],
      ['city', { kind: 'value', path: ['address', 'city'] }],
      ['trace', { kind: 'header', name: 'trace-id' }],
      ['__ttl', { kind: 'value', path: ['ttl'] }],
      ['__timestamp', { kind: 'value', path: ['ts'] }],
      ['made', { kind: 'now' }],
    ]);
  });

  it('names every mistake', () => {
    expect(() => parseMapping('a=value.x, a=value.y, b=body.z, c, =value.q')).toThrow(
      /Mapping already defined for column 'a'.*Invalid field name 'body\.z'.*'c' is not of the form column=field.*Column '' is not a valid identifier/,
    );
  });
});

describe('KCQL', () => {
  it('reads the statements of the stream-reactor Cassandra source', () => {
    const [a, b, c, d] = parseKcql(
      "INSERT INTO orders-topic SELECT * FROM orders PK created INCREMENTALMODE=TIMEUUID; INSERT INTO `events.v1` SELECT id, at, body FROM events PK at WITHKEY(id, at) KEYDELIMITER='|'; INSERT INTO all SELECT * FROM everything; INSERT INTO tok SELECT * FROM things PK id INCREMENTALMODE=TOKEN",
    );
    expect(a).toMatchObject({
      topic: 'orders-topic',
      table: 'orders',
      columns: [],
      mode: 'timeuuid',
      incrementalColumn: 'created',
    });
    expect(b).toMatchObject({
      topic: 'events.v1',
      columns: ['id', 'at', 'body'],
      mode: 'timestamp',
      incrementalColumn: 'at',
      keyColumns: ['id', 'at'],
      keyDelimiter: '|',
    });
    expect(c).toMatchObject({ mode: 'bulk', incrementalColumn: null });
    expect(d).toMatchObject({ mode: 'bulk', incrementalColumn: null });
  });

  it('refuses what it does not support, by name', () => {
    expect(() => parseKcql('INSERT INTO t SELECT * FROM x PK a WITHFORMAT JSON')).toThrow(
      /WITHFORMAT JSON/,
    );
    expect(() =>
      parseKcql('INSERT INTO t SELECT * FROM x PK a INCREMENTALMODE=DSESEARCHTIMESTAMP'),
    ).toThrow(/DSE Search/);
    expect(() => parseKcql('INSERT INTO t SELECT * FROM x INCREMENTALMODE=TIMEUUID')).toThrow(
      /needs the column to track/,
    );
    expect(() => parseKcql('SELECT * FROM x')).toThrow(/is not of the form INSERT INTO/);
  });
});

describe('source configuration', () => {
  it("reads stream-reactor's keys and defaults", () => {
    const config = parseSourceConfig({
      'connect.cassandra.contact.points': 'cass1',
      'connect.cassandra.port': '9043',
      'loadBalancing.localDc': 'dc1',
      'connect.cassandra.key.space': 'shop',
      'connect.cassandra.kcql': 'INSERT INTO o SELECT * FROM orders PK created',
      'connect.cassandra.username': 'reader',
      'connect.cassandra.password': 'pw',
    });
    expect(config.connection.contactPoints).toEqual(['cass1:9043']);
    expect(config.connection.username).toBe('reader');
    expect(config).toMatchObject({
      keyspace: 'shop',
      pollIntervalMs: 1000,
      batchSize: 100,
      fetchSize: 5000,
      sliceDelayMs: 30000,
      timeSliceMs: 0,
      initialOffsetMs: Date.UTC(1900, 0, 1),
      allowFiltering: true,
      consistency: 'LOCAL_ONE',
    });
  });

  it('refuses a table read twice, a bad initial offset and collections as JSON', () => {
    expect(() =>
      parseSourceConfig({
        'connect.cassandra.key.space': 'shop',
        'connect.cassandra.kcql': 'INSERT INTO a SELECT * FROM t; INSERT INTO b SELECT * FROM t',
        'connect.cassandra.initial.offset': 'yesterday',
        'connect.cassandra.mapping.collection.to.json': 'true',
      }),
    ).toThrow(/collections are always typed/);
    try {
      parseSourceConfig({
        'connect.cassandra.key.space': 'shop',
        'connect.cassandra.kcql': 'INSERT INTO a SELECT * FROM t; INSERT INTO b SELECT * FROM t',
        'connect.cassandra.initial.offset': 'yesterday',
      });
    } catch (error) {
      expect((error as ConfigException).problems.map((p) => p.key)).toEqual([
        'connect.cassandra.kcql',
        'connect.cassandra.initial.offset',
      ]);
    }
  });
});
