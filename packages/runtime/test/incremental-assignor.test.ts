import { describe, expect, it } from 'vitest';
import {
  type AssignOutput,
  type AssignorMemory,
  assign,
  type MemberState,
  type WorkSet,
} from '../src/distributed/incremental-assignor.js';

const connectors = (n: number) => Array.from({ length: n }, (_, i) => `conn${i}`);
const tasks = (n: number, per = 3) =>
  connectors(n).flatMap((c) => Array.from({ length: per }, (_, t) => `${c}-${t}`));

/** Members that applied their assignments: they own what they were given, minus what was revoked. */
function apply(members: MemberState[], out: AssignOutput): MemberState[] {
  return members.map((m) => {
    const a = out.assignments.get(m.id);
    if (!a) return m;
    const keep = (owned: string[], revoked: string[], assigned: string[]) =>
      [...owned.filter((x) => !revoked.includes(x)), ...assigned].sort();
    return {
      ...m,
      owned: {
        connectors: keep(m.owned.connectors, a.revoked.connectors, a.assigned.connectors),
        tasks: keep(m.owned.tasks, a.revoked.tasks, a.assigned.tasks),
      },
    };
  });
}

const none = (): WorkSet => ({ connectors: [], tasks: [] });
const member = (id: string, owned: WorkSet = none()): MemberState => ({ id, owned });
const load = (m: MemberState) => m.owned.connectors.length + m.owned.tasks.length;

/** Rounds until nothing is revoked any more (members rejoin after revoking, as workers do). */
function settle(
  start: MemberState[],
  c: string[],
  t: string[],
  memory: AssignorMemory | null,
  now = 0,
  maxDelayMs = 0,
): { members: MemberState[]; memory: AssignorMemory; rounds: AssignOutput[] } {
  let members = start;
  let mem = memory;
  const rounds: AssignOutput[] = [];
  for (let i = 0; i < 10; i++) {
    const out = assign({ members, connectors: c, tasks: t, memory: mem, now, maxDelayMs });
    rounds.push(out);
    members = apply(members, out);
    mem = out.memory;
    const revoked = [...out.assignments.values()].some(
      (a) => a.revoked.connectors.length + a.revoked.tasks.length > 0,
    );
    if (!revoked) return { members, memory: mem, rounds };
  }
  throw new Error('did not settle in 10 rounds');
}

function everythingOnce(members: MemberState[], c: string[], t: string[]): void {
  const owned = members.flatMap((m) => [...m.owned.connectors, ...m.owned.tasks]).sort();
  expect(owned).toEqual([...c, ...t].sort());
}

describe('incremental cooperative assignor', () => {
  it('spreads a fresh cluster evenly, connectors and tasks each within one per worker', () => {
    const c = connectors(10);
    const t = tasks(10);
    const { members } = settle([member('a'), member('b'), member('c')], c, t, null);
    everythingOnce(members, c, t);
    const cs = members.map((m) => m.owned.connectors.length);
    const ts = members.map((m) => m.owned.tasks.length);
    expect(Math.max(...cs) - Math.min(...cs)).toBeLessThanOrEqual(1);
    expect(Math.max(...ts) - Math.min(...ts)).toBeLessThanOrEqual(1);
  });

  it('moves only what the joining worker needs: nothing else is revoked or reassigned', () => {
    const c = connectors(6);
    const t = tasks(6);
    const first = settle([member('a'), member('b'), member('c')], c, t, null);
    const before = new Map(first.members.map((m) => [m.id, m.owned]));
    const joined = settle([...first.members, member('d')], c, t, first.memory);
    everythingOnce(joined.members, c, t);
    // The first round only revokes (the excess of each worker); the second only assigns to d.
    const [revoking, assigning] = joined.rounds;
    for (const [id, a] of revoking?.assignments ?? []) {
      expect(a.assigned.connectors.length + a.assigned.tasks.length, id).toBe(0);
    }
    for (const [id, a] of assigning?.assignments ?? []) {
      if (id !== 'd') expect(a.assigned.tasks.length + a.assigned.connectors.length).toBe(0);
    }
    const moved = joined.members
      .filter((m) => m.id !== 'd')
      .reduce((sum, m) => {
        const was = before.get(m.id) as WorkSet;
        return (
          sum +
          was.connectors.filter((x) => !m.owned.connectors.includes(x)).length +
          was.tasks.filter((x) => !m.owned.tasks.includes(x)).length
        );
      }, 0);
    const d = joined.members.find((m) => m.id === 'd') as MemberState;
    expect(moved).toBe(load(d));
    expect(d.owned.tasks.length).toBeGreaterThanOrEqual(4);
  });

  it('holds the work of a departed worker for the delay, then gives it to the others', () => {
    const c = connectors(3);
    const t = tasks(3);
    const first = settle([member('a'), member('b'), member('c')], c, t, null, 0, 10_000);
    const survivors = first.members.filter((m) => m.id !== 'c');
    const held = assign({
      members: survivors,
      connectors: c,
      tasks: t,
      memory: first.memory,
      now: 1_000,
      maxDelayMs: 10_000,
    });
    expect(held.delayMs).toBe(10_000);
    for (const a of held.assignments.values()) {
      expect(a.assigned).toEqual(none());
      expect(a.revoked).toEqual(none());
    }
    // Another round during the delay still holds it, with the remaining time.
    const still = assign({
      members: survivors,
      connectors: c,
      tasks: t,
      memory: held.memory,
      now: 6_000,
      maxDelayMs: 10_000,
    });
    expect(still.delayMs).toBe(5_000);
    const after = settle(survivors, c, t, still.memory, 11_001, 10_000);
    everythingOnce(after.members, c, t);
    expect(after.rounds[0]?.delayMs).toBe(0);
  });

  it('gives held work to a worker that joins during the delay', () => {
    const c = connectors(2);
    const t = tasks(2);
    const first = settle([member('a'), member('b')], c, t, null, 0, 60_000);
    const gone = first.members.find((m) => m.id === 'b') as MemberState;
    const back = [first.members.find((m) => m.id === 'a') as MemberState, member('b2')];
    const out = assign({
      members: back,
      connectors: c,
      tasks: t,
      memory: first.memory,
      now: 5,
      maxDelayMs: 60_000,
    });
    expect(out.delayMs).toBe(0);
    const b2 = out.assignments.get('b2');
    expect([...(b2?.assigned.connectors ?? []), ...(b2?.assigned.tasks ?? [])].sort()).toEqual(
      [...gone.owned.connectors, ...gone.owned.tasks].sort(),
    );
  });

  it('moves a leaving worker’s work at once, without the delay', () => {
    const c = connectors(2);
    const t = tasks(2);
    const first = settle([member('a'), member('b')], c, t, null, 0, 60_000);
    const leaving = first.members.map((m) =>
      m.id === 'b' ? { id: 'b', owned: none(), leaving: true } : m,
    );
    const out = assign({
      members: leaving,
      connectors: c,
      tasks: t,
      memory: first.memory,
      now: 1,
      maxDelayMs: 60_000,
    });
    expect(out.delayMs).toBe(0);
    const a = apply(leaving, out).find((m) => m.id === 'a') as MemberState;
    expect([...a.owned.connectors, ...a.owned.tasks].sort()).toEqual([...c, ...t].sort());
    expect(out.assignments.get('b')?.assigned).toEqual(none());
  });

  it('revokes deleted connectors and tasks, and never assigns an item that is still running elsewhere', () => {
    const owned = { connectors: ['x', 'gone'], tasks: ['x-0', 'gone-0'] };
    const out = assign({
      members: [member('a', owned), member('b', { connectors: [], tasks: ['x-0'] })],
      connectors: ['x'],
      tasks: ['x-0', 'x-1'],
      memory: null,
      now: 0,
      maxDelayMs: 0,
    });
    expect(out.assignments.get('a')?.revoked).toEqual({ connectors: ['gone'], tasks: ['gone-0'] });
    // b claims x-0 too (it should not): it is revoked from b, a keeps running it.
    expect(out.assignments.get('b')?.revoked.tasks).toEqual(['x-0']);
    expect(out.assignments.get('b')?.assigned.tasks).toEqual(['x-1']);
  });

  it('assigns 100 workers × 10,000 tasks in one round, balanced', () => {
    const c = connectors(1_000);
    const t = tasks(1_000, 10);
    const members = Array.from({ length: 100 }, (_, i) => member(`w${String(i).padStart(3, '0')}`));
    const out = assign({ members, connectors: c, tasks: t, memory: null, now: 0, maxDelayMs: 0 });
    const after = apply(members, out);
    everythingOnce(after, c, t);
    for (const m of after) {
      expect(m.owned.tasks.length).toBe(100);
      expect(m.owned.connectors.length).toBe(10);
    }
  });
});
