import type { Admin, Kafka } from '@sluice/kafkajs';
import {
  type GroupCoordinatorClient,
  type GroupDescription,
  type GroupErrorKind,
  GroupRequestError,
  type JoinGroupRequest,
  type JoinGroupResult,
} from './kafka-port.js';
import { type Cluster, type ClusterBroker, clusterOf } from './kafkajs-cluster.js';

/** Protocol errors meaning "the generation moved on: join again". */
const REJOIN = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION']);
/** Protocol errors meaning "find the coordinator again and retry". */
const COORDINATOR = new Set([
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'GROUP_LOAD_IN_PROGRESS',
  'REQUEST_TIMED_OUT',
]);

function classify(error: unknown): GroupRequestError {
  if (error instanceof GroupRequestError) return error;
  const type = (error as { type?: string }).type;
  const message = (error as Error).message ?? String(error);
  let kind: GroupErrorKind;
  if (type === undefined)
    kind = 'coordinator'; // no protocol answer: the connection failed
  else if (REJOIN.has(type)) kind = 'rejoin';
  else if (type === 'UNKNOWN_MEMBER_ID') kind = 'unknown-member';
  else if (COORDINATOR.has(type)) kind = 'coordinator';
  else if (type === 'INCONSISTENT_GROUP_PROTOCOL') kind = 'inconsistent-protocol';
  else kind = 'fatal';
  return new GroupRequestError(kind, message, { cause: error });
}

/** JoinGroup, SyncGroup, Heartbeat and LeaveGroup through kafkajs' broker connections. */
export class KafkajsGroupCoordinator implements GroupCoordinatorClient {
  private readonly cluster: Cluster;
  private coordinator: Promise<ClusterBroker> | null = null;

  constructor(
    kafka: Kafka,
    private readonly admin: Admin,
  ) {
    this.cluster = clusterOf(kafka);
  }

  async connect(): Promise<void> {
    try {
      await this.cluster.connect();
      await this.admin.connect();
    } catch (error) {
      throw classify(error);
    }
  }

  private async call<T>(groupId: string, request: (broker: ClusterBroker) => Promise<T>) {
    try {
      this.coordinator ??= this.cluster.findGroupCoordinator({ groupId });
      return await request(await this.coordinator);
    } catch (error) {
      const classified = classify(error);
      if (classified.kind === 'coordinator') this.coordinator = null;
      throw classified;
    }
  }

  async joinGroup(r: JoinGroupRequest): Promise<JoinGroupResult> {
    const res = await this.call(r.groupId, (b) =>
      b.joinGroup({
        groupId: r.groupId,
        sessionTimeout: r.sessionTimeoutMs,
        rebalanceTimeout: r.rebalanceTimeoutMs,
        memberId: r.memberId,
        protocolType: r.protocolType,
        groupProtocols: r.protocols.map((p) => ({
          name: p.name,
          metadata: Buffer.from(p.metadata),
        })),
      }),
    );
    return {
      generationId: res.generationId,
      memberId: res.memberId,
      leaderId: res.leaderId,
      protocol: res.groupProtocol,
      members: res.members.map((m) => ({ memberId: m.memberId, metadata: m.memberMetadata })),
    };
  }

  async syncGroup(r: {
    groupId: string;
    generationId: number;
    memberId: string;
    assignments: Array<{ memberId: string; assignment: Uint8Array }>;
  }): Promise<Uint8Array> {
    const res = await this.call(r.groupId, (b) =>
      b.syncGroup({
        groupId: r.groupId,
        generationId: r.generationId,
        memberId: r.memberId,
        groupAssignment: r.assignments.map((a) => ({
          memberId: a.memberId,
          memberAssignment: Buffer.from(a.assignment),
        })),
      }),
    );
    return res.memberAssignment ?? new Uint8Array(0);
  }

  async heartbeat(r: { groupId: string; generationId: number; memberId: string }): Promise<void> {
    await this.call(r.groupId, (b) =>
      b.heartbeat({ groupId: r.groupId, groupGenerationId: r.generationId, memberId: r.memberId }),
    );
  }

  async leaveGroup(r: { groupId: string; memberId: string }): Promise<void> {
    await this.call(r.groupId, (b) => b.leaveGroup(r));
  }

  async describeGroup(groupId: string): Promise<GroupDescription> {
    try {
      const { groups } = await this.admin.describeGroups([groupId]);
      const g = groups[0];
      return {
        state: g?.state ?? 'Dead',
        protocolType: g?.protocolType ?? '',
        protocol: g?.protocol ?? '',
        members: (g?.members ?? []).map((m) => ({
          memberId: m.memberId,
          clientId: m.clientId,
          clientHost: m.clientHost,
        })),
      };
    } catch (error) {
      throw classify(error);
    }
  }

  async disconnect(): Promise<void> {
    this.coordinator = null;
    await this.admin.disconnect().catch(() => {});
    await this.cluster.disconnect();
  }
}
