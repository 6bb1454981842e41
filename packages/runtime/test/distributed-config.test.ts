import { ConfigException } from '@sluice/api';
import { describe, expect, it } from 'vitest';
import { parseDistributedConfig } from '../src/config/distributed-config.js';
import {
  decodeAssignment,
  decodeMetadata,
  encodeAssignment,
  encodeMetadata,
  parseTaskKey,
  taskKey,
} from '../src/distributed/connect-protocol.js';
import {
  newSessionKey,
  SIGNATURE_ALGORITHM_HEADER,
  SIGNATURE_HEADER,
  signatureHeaders,
  verifySignature,
} from '../src/distributed/request-signature.js';

const required = {
  'bootstrap.servers': 'localhost:9092',
  'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  'group.id': 'connect-cluster',
  'config.storage.topic': 'connect-configs',
  'offset.storage.topic': 'connect-offsets',
  'status.storage.topic': 'connect-status',
};

function problems(props: Record<string, string>): string[] {
  try {
    parseDistributedConfig(props);
  } catch (error) {
    if (error instanceof ConfigException) return error.problems.map((p) => p.key);
    throw error;
  }
  return [];
}

describe('distributed worker config', () => {
  it("takes Kafka's connect-distributed.properties keys with Kafka's defaults", () => {
    const c = parseDistributedConfig(required);
    expect(c).toMatchObject({
      groupId: 'connect-cluster',
      configTopic: 'connect-configs',
      offsetTopic: 'connect-offsets',
      statusTopic: 'connect-status',
      configReplicationFactor: 3,
      offsetPartitions: 25,
      offsetReplicationFactor: 3,
      statusPartitions: 5,
      statusReplicationFactor: 3,
      sessionTimeoutMs: 10_000,
      heartbeatIntervalMs: 3_000,
      rebalanceTimeoutMs: 60_000,
      workerSyncTimeoutMs: 3_000,
      workerUnsyncBackoffMs: 300_000,
      scheduledRebalanceMaxDelayMs: 300_000,
      signRequests: true,
      keyAlgorithm: 'HmacSHA256',
      keyTtlMs: 3_600_000,
      signatureAlgorithm: 'HmacSHA256',
      verificationAlgorithms: ['HmacSHA256'],
    });
    expect(
      parseDistributedConfig({ ...required, 'connect.protocol': 'compatible' }).signRequests,
    ).toBe(false);
  });

  it('lists every problem at once, each by its key', () => {
    expect(
      problems({
        'bootstrap.servers': 'localhost:9092',
        'offset.storage.topic': 'same',
        'status.storage.topic': 'same',
        'heartbeat.interval.ms': '20000',
        'connect.protocol': 'eager',
        'offset.storage.replication.factor': '0',
        'inter.worker.signature.algorithm': 'HmacSHA512',
      }).sort(),
    ).toEqual(
      [
        'config.storage.topic',
        'connect.protocol',
        'group.id',
        'heartbeat.interval.ms',
        'inter.worker.verification.algorithms',
        'key.converter',
        'offset.storage.replication.factor',
        'status.storage.topic',
        'value.converter',
      ].sort(),
    );
  });

  it('refuses by name the keys of features not built yet', () => {
    expect(problems({ ...required, 'exactly.once.source.support': 'enabled' })).toEqual([
      'exactly.once.source.support',
    ]);
  });
});

describe('the protocol between Sluice workers', () => {
  it('round-trips member metadata and assignments, offsets beyond 2^53 included', () => {
    const metadata = {
      url: 'http://w1:8083',
      configOffset: 9_007_199_254_740_993n,
      owned: { connectors: ['a'], tasks: ['a-0', 'my-connector-12'] },
      leaving: false,
    };
    expect(decodeMetadata(encodeMetadata(metadata))).toEqual(metadata);
    const assignment = {
      error: 'none' as const,
      leaderId: 'm-1',
      leaderUrl: 'http://w1:8083',
      configOffset: 42n,
      assigned: { connectors: ['b'], tasks: ['b-0'] },
      revoked: { connectors: [], tasks: ['a-1'] },
      delayMs: 0,
      members: ['http://w1:8083', 'http://w2:8083'],
    };
    expect(decodeAssignment(encodeAssignment(assignment))).toEqual(assignment);
  });

  it('names tasks as Kafka prints ConnectorTaskId, connector names with dashes included', () => {
    expect(taskKey('my-connector', 12)).toBe('my-connector-12');
    expect(parseTaskKey('my-connector-12')).toEqual({ connector: 'my-connector', task: 12 });
  });
});

describe('signed requests between workers', () => {
  const key = newSessionKey('HmacSHA256', null, 1_000);

  it('accepts a request signed with the session key, and only that exact body', () => {
    const body = '[{"task.class":"x"}]';
    const headers = signatureHeaders(key, 'HmacSHA256', body);
    expect(verifySignature(key, ['HmacSHA256'], headers, body)).toBeNull();
    expect(verifySignature(key, ['HmacSHA256'], headers, `${body} `)).toEqual({
      status: 403,
      message: 'Internal request contained invalid signature.',
    });
    expect(
      verifySignature(newSessionKey('HmacSHA256', null), ['HmacSHA256'], headers, body),
    ).toMatchObject({
      status: 403,
    });
  });

  it("answers Kafka's 400 for a missing signature and an algorithm it does not accept", () => {
    expect(verifySignature(key, ['HmacSHA256'], {}, '')).toEqual({
      status: 400,
      message: 'Internal request missing required signature',
    });
    const headers = signatureHeaders(key, 'HmacSHA512', 'x');
    expect(headers[SIGNATURE_ALGORITHM_HEADER]).toBe('HmacSHA512');
    expect(headers[SIGNATURE_HEADER]).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(verifySignature(key, ['HmacSHA256'], headers, 'x')?.status).toBe(400);
  });

  it('makes keys of the algorithm’s block size unless a size is given', () => {
    expect(Buffer.from(newSessionKey('HmacSHA256', null).key, 'base64')).toHaveLength(64);
    expect(Buffer.from(newSessionKey('HmacSHA512', null).key, 'base64')).toHaveLength(128);
    expect(Buffer.from(newSessionKey('HmacSHA256', 256).key, 'base64')).toHaveLength(32);
  });
});
