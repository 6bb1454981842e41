import { describe, expect, it } from 'vitest';
import { SubmittedRecords } from '../src/source/submitted-records.js';

describe('SubmittedRecords', () => {
  it('commits offsets only for acknowledged records with every earlier record acknowledged', () => {
    const s = new SubmittedRecords();
    const a = s.submit({ f: 'a' }, { pos: 1 });
    const b = s.submit({ f: 'b' }, { pos: 10 });
    const c = s.submit({ f: 'a' }, { pos: 2 });
    s.ack(c);
    s.ack(b);
    // The first record is not acknowledged: nothing after it may be committed.
    expect(s.takeCommittable().size).toBe(0);
    expect(s.inFlight).toBe(1);
    s.ack(a);
    const committable = s.takeCommittable();
    expect([...committable.values()]).toEqual([
      { partition: { f: 'a' }, offset: { pos: 2 } },
      { partition: { f: 'b' }, offset: { pos: 10 } },
    ]);
    expect(s.takeCommittable().size).toBe(0);
    expect(s.allAcked()).toBe(true);
  });

  it('keeps offsets whose write failed, newer offsets winning', () => {
    const s = new SubmittedRecords();
    s.ack(s.submit({ f: 'a' }, { pos: 1 }));
    const taken = s.takeCommittable();
    s.ack(s.submit({ f: 'a' }, { pos: 2 }));
    s.ack(s.submit({ f: 'b' }, { pos: 5 }));
    s.takeCommittable();
    // The write of `taken` fails after newer offsets became committable: those win.
    s.ack(s.submit({ f: 'a' }, { pos: 3 }));
    s.restore(taken);
    expect([...s.takeCommittable().values()].map((v) => v.offset)).toEqual([{ pos: 3 }]);
    s.restore(taken);
    expect([...s.takeCommittable().values()].map((v) => v.offset)).toEqual([{ pos: 1 }]);
  });

  it('treats partitions with the same keys in another order as one partition', () => {
    const s = new SubmittedRecords();
    s.ack(s.submit({ a: 1, b: 2 }, { pos: 1 }));
    s.ack(s.submit({ b: 2, a: 1 }, { pos: 2 }));
    expect([...s.takeCommittable().values()]).toEqual([
      { partition: { a: 1, b: 2 }, offset: { pos: 2 } },
    ]);
  });
});
