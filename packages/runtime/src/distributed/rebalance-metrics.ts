/**
 * Kafka's connect-worker-rebalance-metrics of one worker: rebalances completed, whether one is
 * under way, the group generation (epoch), and how long rebalances take.
 */
export class RebalanceMetrics {
  completedRebalances = 0;
  rebalancing = false;
  epoch = -1;
  leaderName = '';
  private startedAt: number | null = null;
  private lastCompletedAt: number | null = null;
  private totalMs = 0;
  private maxMs = 0;

  /** A round began (this worker rejoins the group). */
  started(now = Date.now()): void {
    if (this.rebalancing) return;
    this.rebalancing = true;
    this.startedAt = now;
  }

  /** The round's assignment was applied. */
  completed(epoch: number, leaderName: string, now = Date.now()): void {
    const took = this.startedAt === null ? 0 : now - this.startedAt;
    this.completedRebalances++;
    this.totalMs += took;
    this.maxMs = Math.max(this.maxMs, took);
    this.rebalancing = false;
    this.startedAt = null;
    this.lastCompletedAt = now;
    this.epoch = epoch;
    this.leaderName = leaderName;
  }

  /** Milliseconds since the last completed rebalance; -1 before the first (as Kafka). */
  timeSinceLastRebalanceMs(now = Date.now()): number {
    return this.lastCompletedAt === null ? -1 : now - this.lastCompletedAt;
  }

  avgTimeMs(): number {
    return this.completedRebalances === 0 ? 0 : this.totalMs / this.completedRebalances;
  }

  maxTimeMs(): number {
    return this.maxMs;
  }
}
