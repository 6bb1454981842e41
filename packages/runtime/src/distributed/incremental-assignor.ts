/**
 * The leader's assignment of connectors and tasks to workers, incremental and cooperative as
 * Kafka's IncrementalCooperativeAssignor (KIP-415): a pure function of the members (each with
 * what it runs now), the configured connectors and tasks, and the leader's memory of the last
 * round. Only what must move is revoked, and a revoked item is assigned elsewhere only in a later
 * round, once its owner reported it stopped, so no item ever runs twice.
 */

/** Connectors and tasks, by id (a task id is the herder's task key). */
export interface WorkSet {
  connectors: string[];
  tasks: string[];
}

export interface MemberState {
  id: string;
  /** What the member runs now (its last assignment, minus what it stopped). */
  owned: WorkSet;
  /** A member on its way out (graceful stop): it gets nothing, and what it gave up moves at once. */
  leaving?: boolean;
}

/** What the leader remembers between rounds (gone when leadership moves). */
export interface AssignorMemory {
  /** The owner of each item after the last round (`c:<connector>`, `t:<task>`). */
  owners: ReadonlyMap<string, string>;
  /** The members of the last round. */
  members: ReadonlySet<string>;
  /** When the work of departed members is given to the others, if it is being held. */
  scheduledAt: number | null;
}

export interface AssignInput {
  members: readonly MemberState[];
  connectors: readonly string[];
  tasks: readonly string[];
  memory: AssignorMemory | null;
  now: number;
  /** `scheduled.rebalance.max.delay.ms`. */
  maxDelayMs: number;
}

export interface MemberAssignment {
  assigned: WorkSet;
  revoked: WorkSet;
}

export interface AssignOutput {
  assignments: Map<string, MemberAssignment>;
  /** When > 0: work of departed members is held; every member rejoins after this long. */
  delayMs: number;
  memory: AssignorMemory;
}

type Kind = 'c' | 't';

const item = (kind: Kind, id: string) => `${kind}:${id}`;
const kindOf = (i: string) => i[0] as Kind;
const idOf = (i: string) => i.slice(2);

function emptyWorkSet(): WorkSet {
  return { connectors: [], tasks: [] };
}

function toWorkSet(items: Iterable<string>): WorkSet {
  const out = emptyWorkSet();
  for (const i of items) (kindOf(i) === 'c' ? out.connectors : out.tasks).push(idOf(i));
  out.connectors.sort();
  out.tasks.sort();
  return out;
}

/** Who owns each item, with per-member counts kept up to date (rounds run over 10,000s of items). */
class Ownership {
  private readonly owner = new Map<string, string>();
  private readonly counts = new Map<string, { c: number; t: number }>();

  get(i: string): string | undefined {
    return this.owner.get(i);
  }

  has(i: string): boolean {
    return this.owner.has(i);
  }

  set(i: string, member: string): void {
    this.delete(i);
    this.owner.set(i, member);
    this.countsOf(member)[kindOf(i)]++;
  }

  delete(i: string): void {
    const previous = this.owner.get(i);
    if (previous === undefined) return;
    this.owner.delete(i);
    this.countsOf(previous)[kindOf(i)]--;
  }

  count(member: string, kind: Kind): number {
    return this.counts.get(member)?.[kind] ?? 0;
  }

  total(member: string): number {
    const c = this.counts.get(member);
    return c ? c.c + c.t : 0;
  }

  itemsOf(member: string, kind: Kind): string[] {
    return [...this.owner].filter(([i, o]) => o === member && kindOf(i) === kind).map(([i]) => i);
  }

  entries(): Map<string, string> {
    return new Map(this.owner);
  }

  private countsOf(member: string): { c: number; t: number } {
    let c = this.counts.get(member);
    if (!c) {
      c = { c: 0, t: 0 };
      this.counts.set(member, c);
    }
    return c;
  }
}

/** One round of assignment. */
export function assign(input: AssignInput): AssignOutput {
  const { members, memory, now } = input;
  const present = new Set(members.map((m) => m.id));
  const assignable = members.filter((m) => !m.leaving).sort((a, b) => compare(a.id, b.id));
  const configured = new Set([
    ...input.connectors.map((c) => item('c', c)),
    ...input.tasks.map((t) => item('t', t)),
  ]);

  // Who runs what now; anything deleted, claimed twice, or held by a leaving member is revoked.
  const owner = new Ownership();
  const revoked = new Map<string, Set<string>>(members.map((m) => [m.id, new Set()]));
  const assigned = new Map<string, Set<string>>(members.map((m) => [m.id, new Set()]));
  for (const m of [...members].sort((a, b) => compare(a.id, b.id))) {
    for (const i of [
      ...m.owned.connectors.map((c) => item('c', c)),
      ...m.owned.tasks.map((t) => item('t', t)),
    ]) {
      if (!configured.has(i) || owner.has(i) || m.leaving) revoked.get(m.id)?.add(i);
      else owner.set(i, m.id);
    }
  }

  const unowned = [...configured].filter((i) => !owner.has(i)).sort(compare);
  // Work whose last owner left the group: held for it to come back, up to the delay.
  const lost = unowned.filter((i) => {
    const last = memory?.owners.get(i);
    return last !== undefined && !present.has(last);
  });
  let scheduledAt = lost.length > 0 ? (memory?.scheduledAt ?? null) : null;
  const held = new Set<string>();
  let delayMs = 0;
  if (lost.length > 0 && input.maxDelayMs > 0) {
    scheduledAt ??= now + input.maxDelayMs;
    const joined = assignable.filter((m) => memory !== null && !memory.members.has(m.id));
    if (now < scheduledAt && joined.length > 0) {
      // A worker joined while the work was held (often the one that left, back again): it
      // takes the held work now.
      for (const i of lost) giveToLeastLoaded(i, joined, owner, assigned);
      scheduledAt = null;
    } else if (now < scheduledAt) {
      for (const i of lost) held.add(i);
      delayMs = scheduledAt - now;
    } else {
      scheduledAt = null;
    }
  } else {
    scheduledAt = null;
  }

  for (const i of unowned) {
    if (owner.has(i) || held.has(i) || assignable.length === 0) continue;
    giveToLeastLoaded(i, assignable, owner, assigned);
  }

  // Balance within one connector and one task per worker: revoke what is over the share of the
  // most loaded; it is assigned in the next round, after its owner stopped it.
  if (held.size === 0 && assignable.length > 0) {
    for (const kind of ['c', 't'] as const) {
      const load = (m: MemberState) => owner.count(m.id, kind);
      const total = assignable.reduce((sum, m) => sum + load(m), 0);
      const share = Math.floor(total / assignable.length);
      const extra = total % assignable.length;
      const byLoad = [...assignable].sort((a, b) => load(b) - load(a) || compare(a.id, b.id));
      byLoad.forEach((m, index) => {
        let excess = load(m) - (index < extra ? share + 1 : share);
        if (excess <= 0) return;
        // Revoke what the member ran before this round, newest ids first.
        const candidates = owner
          .itemsOf(m.id, kind)
          .filter((i) => !assigned.get(m.id)?.has(i))
          .sort((a, b) => compare(b, a));
        for (const i of candidates) {
          if (excess-- <= 0) break;
          owner.delete(i);
          revoked.get(m.id)?.add(i);
        }
      });
    }
  }

  const owners = owner.entries();
  // Held work keeps its departed owner, so the next round still knows it is held.
  for (const i of held) {
    const last = memory?.owners.get(i);
    if (last !== undefined) owners.set(i, last);
  }
  const assignments = new Map<string, MemberAssignment>();
  for (const m of members) {
    assignments.set(m.id, {
      assigned: toWorkSet(assigned.get(m.id) ?? []),
      revoked: toWorkSet(revoked.get(m.id) ?? []),
    });
  }
  return { assignments, delayMs, memory: { owners, members: present, scheduledAt } };
}

/** Gives an item to the member with the fewest items of its kind (then fewest overall, then id). */
function giveToLeastLoaded(
  i: string,
  candidates: readonly MemberState[],
  owner: Ownership,
  assigned: Map<string, Set<string>>,
): void {
  const kind = kindOf(i);
  let best: MemberState | undefined;
  for (const m of candidates) {
    if (
      !best ||
      owner.count(m.id, kind) < owner.count(best.id, kind) ||
      (owner.count(m.id, kind) === owner.count(best.id, kind) &&
        owner.total(m.id) < owner.total(best.id))
    )
      best = m;
  }
  if (!best) return;
  owner.set(i, best.id);
  assigned.get(best.id)?.add(i);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
