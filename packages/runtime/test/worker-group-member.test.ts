import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROTOCOL_NAME, PROTOCOL_TYPE } from '../src/distributed/connect-protocol.js';
import {
  type GroupMemberListener,
  WorkerGroupMember,
} from '../src/distributed/worker-group-member.js';
import {
  type GroupCoordinatorClient,
  type GroupDescription,
  GroupRequestError,
  type JoinGroupRequest,
} from '../src/kafka/kafka-port.js';
import { silentLogger } from '../src/logging/logger.js';

/**
 * The member's state machine against a scripted coordinator (pure logic: the real coordinator
 * is exercised by the cluster tests in @sluice/worker). Timers are fake, so the timing is exact.
 */
class ScriptedCoordinator implements GroupCoordinatorClient {
  reachable = true;
  joins: JoinGroupRequest[] = [];
  heartbeats = 0;
  refuseJoin: GroupRequestError | null = null;
  refuseHeartbeat: GroupRequestError | null = null;
  group: GroupDescription = { state: 'Stable', protocolType: '', protocol: '', members: [] };

  private check(): void {
    if (!this.reachable) throw new GroupRequestError('coordinator', 'connection refused');
  }

  async connect(): Promise<void> {}
  async joinGroup(request: JoinGroupRequest) {
    this.check();
    if (this.refuseJoin) throw this.refuseJoin;
    this.joins.push(request);
    return {
      generationId: this.joins.length,
      memberId: 'member-1',
      leaderId: 'member-1',
      protocol: PROTOCOL_NAME,
      members: [
        { memberId: 'member-1', metadata: request.protocols[0]?.metadata ?? new Uint8Array() },
      ],
    };
  }
  async syncGroup() {
    this.check();
    return Buffer.from('assignment');
  }
  async heartbeat() {
    this.check();
    const refused = this.refuseHeartbeat;
    this.refuseHeartbeat = null;
    if (refused) throw refused;
    this.heartbeats++;
  }
  async leaveGroup() {}
  async describeGroup() {
    return this.group;
  }
  async disconnect() {}
}

function listener(overrides: Partial<GroupMemberListener> = {}) {
  const events: string[] = [];
  const l: GroupMemberListener = {
    metadata: () => Buffer.from('{}'),
    assign: async () => new Map([['member-1', Buffer.from('assignment')]]),
    onAssignment: async (_a, generation) => {
      events.push(`assigned ${generation}`);
    },
    onFenced: async () => {
      events.push('fenced');
    },
    onFatal: (error) => {
      events.push(`fatal: ${error.message}`);
    },
    ...overrides,
  };
  return { l, events };
}

const SESSION_MS = 10_000;
const HEARTBEAT_MS = 3_000;

function member(client: GroupCoordinatorClient, l: GroupMemberListener) {
  return new WorkerGroupMember({
    client,
    groupId: 'cluster',
    sessionTimeoutMs: SESSION_MS,
    rebalanceTimeoutMs: 60_000,
    heartbeatIntervalMs: HEARTBEAT_MS,
    listener: l,
    log: silentLogger(),
  });
}

beforeEach(() => {
  vi.useFakeTimers({
    toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval', 'Date'],
  });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('a worker in the Connect group', () => {
  it('joins with the connect protocol type and a protocol Java workers do not speak', async () => {
    const client = new ScriptedCoordinator();
    const { l, events } = listener();
    const m = member(client, l);
    m.start();
    await vi.advanceTimersByTimeAsync(10);
    expect(client.joins[0]).toMatchObject({
      groupId: 'cluster',
      protocolType: PROTOCOL_TYPE,
      sessionTimeoutMs: SESSION_MS,
    });
    expect(client.joins[0]?.protocols.map((p) => p.name)).toEqual([PROTOCOL_NAME]);
    expect(events).toEqual(['assigned 1']);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS * 3 + 10);
    expect(client.heartbeats).toBe(3);
    await m.leave();
  });

  it('stops its work after half a session without an answer, before the coordinator can expire it, and rejoins when it answers again', async () => {
    const client = new ScriptedCoordinator();
    const { l, events } = listener();
    const m = member(client, l);
    m.start();
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS + 10);
    const lastAnswered = Date.now() - 10;
    client.reachable = false;
    await vi.advanceTimersByTimeAsync(SESSION_MS / 2 - HEARTBEAT_MS - 500);
    expect(events).not.toContain('fenced');
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS + 1_000);
    expect(events).toContain('fenced');
    // Fenced before the coordinator could expire the member: a session after its last heartbeat.
    expect(Date.now()).toBeLessThan(lastAnswered + SESSION_MS);
    client.reachable = true;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(events.at(-1)).toBe('assigned 2');
    await m.leave();
  });

  it('stops its work before joining again when the coordinator no longer knows it', async () => {
    const client = new ScriptedCoordinator();
    const { l, events } = listener();
    const m = member(client, l);
    m.start();
    await vi.advanceTimersByTimeAsync(10);
    client.refuseHeartbeat = new GroupRequestError('unknown-member', 'UNKNOWN_MEMBER_ID');
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS + 10);
    expect(events).toEqual(['assigned 1', 'fenced', 'assigned 2']);
    expect(client.joins[1]?.memberId).toBe('');
    await m.leave();
  });

  it('keeps heartbeating while a slow assignment is applied, so the group keeps it', async () => {
    const client = new ScriptedCoordinator();
    const { l, events } = listener({
      onAssignment: (_a, generation) =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            events.push(`applied ${generation}`);
            resolve();
          }, SESSION_MS * 2),
        ),
    });
    const m = member(client, l);
    m.start();
    await vi.advanceTimersByTimeAsync(SESSION_MS * 2 + 100);
    expect(events).toEqual(['applied 1']);
    expect(client.heartbeats).toBeGreaterThanOrEqual(6);
    await m.leave();
  });

  it('stops with an error naming the group when Apache Kafka Connect workers own it', async () => {
    const client = new ScriptedCoordinator();
    client.refuseJoin = new GroupRequestError(
      'inconsistent-protocol',
      'INCONSISTENT_GROUP_PROTOCOL',
    );
    client.group = {
      state: 'Stable',
      protocolType: 'connect',
      protocol: 'sessioned',
      members: [{ memberId: 'java-1', clientId: 'connect-1', clientHost: '/127.0.0.1' }],
    };
    const { l, events } = listener();
    member(client, l).start();
    await vi.advanceTimersByTimeAsync(10);
    expect(events).toEqual([
      'fatal: group.id cluster is used by Apache Kafka Connect workers (protocol sessioned, 1 member(s)); Sluice workers cannot join a Java Connect cluster. To move that cluster to Sluice, stop all its Java workers first (their session ends after session.timeout.ms), then start Sluice workers on the same group.id and topics; to run both, give the Sluice cluster a group.id and internal topics of its own.',
    ]);
  });
});
