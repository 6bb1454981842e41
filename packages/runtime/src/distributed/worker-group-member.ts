import { ConnectException } from '@sluice/api';
import {
  type GroupCoordinatorClient,
  GroupRequestError,
  type JoinGroupResult,
} from '../kafka/kafka-port.js';
import type { Logger } from '../logging/logger.js';
import { Signal } from '../worker-task/task-status.js';
import { JAVA_PROTOCOLS, PROTOCOL_NAME, PROTOCOL_TYPE } from './connect-protocol.js';

/** What the member asks of the herder through a rebalance. */
export interface GroupMemberListener {
  /** The metadata to join with (what this worker runs now, its URL, its config position). */
  metadata(): Uint8Array;
  /** Leader only: every member's assignment. */
  assign(join: JoinGroupResult): Promise<Map<string, Uint8Array>>;
  /** This member's assignment of a generation: stop what is revoked, start what is assigned. */
  onAssignment(assignment: Uint8Array, generation: number, memberId: string): Promise<void>;
  /**
   * The coordinator has not answered for so long that the group may have moved this worker's
   * work elsewhere: stop everything now, before anyone else can start it.
   */
  onFenced(): Promise<void>;
  /** The worker cannot be a member of this group (e.g. a Java Connect group): it must stop. */
  onFatal(error: Error): void;
}

export interface WorkerGroupMemberOptions {
  client: GroupCoordinatorClient;
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  listener: GroupMemberListener;
  log: Logger;
}

const RETRY_BACKOFF_MS = 100;
const MAX_RETRY_BACKOFF_MS = 1_000;

/**
 * One worker's membership of the Connect group through Kafka's group coordinator: join, sync,
 * heartbeat, rejoin when asked or when the generation moves on, leave. Heartbeats go on while an
 * assignment is being applied. A worker cut off from the coordinator stops its work after half
 * a session timeout without an answer, before the coordinator can expire it (a full session
 * timeout) and before the leader can give its work to anyone else.
 */
export class WorkerGroupMember {
  private memberId = '';
  private generation = -1;
  private stopped = false;
  private rejoinRequested = true;
  private readonly wake = new Signal();
  private loop: Promise<void> | null = null;
  private applying: Promise<void> = Promise.resolve();
  /** True while an assignment (or a fence) is being applied. */
  private busy = false;
  /** When the last request that the coordinator answered was sent. */
  private lastContactAt = Date.now();
  /** When the JoinGroup now in flight was sent (the coordinator keeps a joining member). */
  private joiningSince: number | null = null;
  private fenced = false;
  private watchdog: NodeJS.Timeout | null = null;
  /** Rounds completed (the herder's rebalance count comes from its own side). */
  rounds = 0;

  constructor(private readonly o: WorkerGroupMemberOptions) {}

  /** This member's id and generation (empty / -1 before the first join). */
  get identity(): { memberId: string; generation: number } {
    return { memberId: this.memberId, generation: this.generation };
  }

  start(): void {
    this.loop = this.run();
    this.watchdog = setInterval(() => this.checkContact(), 250);
    this.watchdog.unref();
  }

  /** Asks for a new round (config changed, work revoked, a delay ran out). */
  requestRejoin(reason: string): void {
    if (!this.rejoinRequested) this.o.log.debug({ reason }, 'rejoining the group');
    this.rejoinRequested = true;
    this.wake.notify();
  }

  /** Leaves the group (LeaveGroup, so the others rebalance at once) and stops. */
  async leave(): Promise<void> {
    this.stopped = true;
    this.wake.notify();
    if (this.watchdog) clearInterval(this.watchdog);
    await this.loop;
    await this.applying;
    if (this.memberId) {
      await this.o.client
        .leaveGroup({ groupId: this.o.groupId, memberId: this.memberId })
        .catch((e: unknown) =>
          this.o.log.warn({ err: (e as Error).message }, 'leaving the group failed'),
        );
    }
  }

  /** Waits for the rounds in flight and the assignment being applied (tests, graceful stop). */
  async settled(): Promise<void> {
    await this.applying;
  }

  private checkContact(): void {
    if (this.fenced || this.stopped) return;
    const now = Date.now();
    const limit =
      this.joiningSince !== null
        ? this.joiningSince + this.o.rebalanceTimeoutMs / 2
        : this.lastContactAt + this.o.sessionTimeoutMs / 2;
    if (now <= limit) return;
    this.fenced = true;
    this.o.log.warn(
      { sinceContactMs: now - this.lastContactAt },
      'no answer from the group coordinator: stopping every connector and task of this worker so that no other worker can run them twice; they come back after the worker rejoins',
    );
    this.inBackground(
      () => this.o.listener.onFenced(),
      'stopping work after losing the group failed',
    );
    this.requestRejoin('lost contact with the coordinator');
  }

  private async run(): Promise<void> {
    let backoff = RETRY_BACKOFF_MS;
    let connected = false;
    while (!this.stopped) {
      try {
        if (!connected) {
          await this.o.client.connect();
          connected = true;
        }
        if (this.rejoinRequested) await this.round();
        backoff = RETRY_BACKOFF_MS;
        await this.heartbeatUntilRejoin();
      } catch (error) {
        if (this.stopped) break;
        this.rejoinRequested = true;
        if (!(error instanceof GroupRequestError)) {
          // The herder's side of a round failed (e.g. reading the config topic): try again.
          this.o.log.warn({ err: (error as Error).message }, 'a rebalance round failed; rejoining');
          await new Promise((r) => setTimeout(r, backoff));
          backoff = Math.min(backoff * 2, MAX_RETRY_BACKOFF_MS);
        } else if (error.kind === 'unknown-member') {
          // The coordinator dropped this member: the group may already have given its work to
          // others, so it stops everything before joining again as a new member.
          this.memberId = '';
          this.inBackground(
            () => this.o.listener.onFenced(),
            'stopping work after leaving the group failed',
          );
        } else if (error.kind === 'coordinator') {
          this.o.log.debug({ err: error.message }, 'group coordinator not available; retrying');
          await new Promise((r) => setTimeout(r, backoff));
          backoff = Math.min(backoff * 2, MAX_RETRY_BACKOFF_MS);
        } else if (error.kind === 'inconsistent-protocol') {
          this.o.listener.onFatal(await this.inconsistentGroup(error));
          return;
        } else if (error.kind === 'fatal') {
          this.o.listener.onFatal(
            new ConnectException(
              `The group coordinator refused this worker in group ${this.o.groupId}: ${error.message}`,
              { cause: error },
            ),
          );
          return;
        }
      }
    }
  }

  /** One rebalance round: join, (leader: assign), sync, then apply the assignment in the background. */
  private async round(): Promise<void> {
    // The metadata must say what this worker runs after the last assignment was applied.
    await this.applying;
    this.rejoinRequested = false;
    const sentAt = Date.now();
    this.joiningSince = sentAt;
    let join: JoinGroupResult;
    try {
      join = await this.o.client.joinGroup({
        groupId: this.o.groupId,
        memberId: this.memberId,
        sessionTimeoutMs: this.o.sessionTimeoutMs,
        rebalanceTimeoutMs: this.o.rebalanceTimeoutMs,
        protocolType: PROTOCOL_TYPE,
        protocols: [{ name: PROTOCOL_NAME, metadata: this.o.listener.metadata() }],
      });
    } finally {
      this.joiningSince = null;
    }
    this.contact(sentAt);
    this.memberId = join.memberId;
    this.generation = join.generationId;
    const assignments =
      join.leaderId === join.memberId ? await this.o.listener.assign(join) : new Map();
    const syncSent = Date.now();
    const mine = await this.o.client.syncGroup({
      groupId: this.o.groupId,
      generationId: join.generationId,
      memberId: join.memberId,
      assignments: [...assignments].map(([memberId, assignment]) => ({ memberId, assignment })),
    });
    this.contact(syncSent);
    this.fenced = false;
    this.rounds++;
    this.inBackground(
      () => this.o.listener.onAssignment(mine, join.generationId, join.memberId),
      'applying the assignment failed; rejoining',
    );
  }

  /** Runs herder work after the work before it, while heartbeats go on; a failure rejoins. */
  private inBackground(work: () => Promise<void>, failure: string): void {
    this.applying = this.applying.then(async () => {
      this.busy = true;
      try {
        await work();
      } catch (e) {
        this.o.log.error({ err: e }, failure);
        this.requestRejoin(failure);
      } finally {
        this.busy = false;
      }
    });
  }

  private async heartbeatUntilRejoin(): Promise<void> {
    let wait = this.o.heartbeatIntervalMs;
    while (!this.stopped && !this.rejoinRequested) {
      await this.wake.wait(wait);
      if (this.stopped || this.rejoinRequested) return;
      const sentAt = Date.now();
      try {
        await this.o.client.heartbeat({
          groupId: this.o.groupId,
          generationId: this.generation,
          memberId: this.memberId,
        });
        this.contact(sentAt);
        wait = this.o.heartbeatIntervalMs;
      } catch (error) {
        if (!(error instanceof GroupRequestError) || error.kind === 'coordinator') {
          // Try again soon: the session runs while the coordinator cannot be reached.
          wait = RETRY_BACKOFF_MS * 5;
          continue;
        }
        this.contact(sentAt);
        if (error.kind === 'rejoin') {
          // Keep the session alive while the assignment is still being applied.
          if (this.busy) {
            wait = Math.min(this.o.heartbeatIntervalMs, 1_000);
            continue;
          }
          this.requestRejoin('the group is rebalancing');
          return;
        }
        throw error;
      }
    }
  }

  private contact(sentAt: number): void {
    if (sentAt > this.lastContactAt) this.lastContactAt = sentAt;
  }

  private async inconsistentGroup(error: GroupRequestError): Promise<Error> {
    try {
      const group = await this.o.client.describeGroup(this.o.groupId);
      if (group.protocolType === PROTOCOL_TYPE && JAVA_PROTOCOLS.has(group.protocol)) {
        return new ConnectException(
          `group.id ${this.o.groupId} is used by Apache Kafka Connect workers (protocol ${group.protocol}, ${group.members.length} member(s)); Sluice workers cannot join a Java Connect cluster. To move that cluster to Sluice, stop all its Java workers first (their session ends after session.timeout.ms), then start Sluice workers on the same group.id and topics; to run both, give the Sluice cluster a group.id and internal topics of its own.`,
        );
      }
      return new ConnectException(
        `group.id ${this.o.groupId} is used by another kind of group (protocol type ${group.protocolType || 'unknown'}, protocol ${group.protocol || 'unknown'}); give the Sluice cluster a group.id of its own.`,
      );
    } catch {
      return new ConnectException(
        `group.id ${this.o.groupId} is used by a group with another protocol: ${error.message}. Give the Sluice cluster a group.id of its own.`,
      );
    }
  }
}
