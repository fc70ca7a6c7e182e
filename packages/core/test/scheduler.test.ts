import { describe, expect, it } from 'vitest';
import { createScheduler } from '../src/scheduler.js';

function queues(loads: number[]) {
  return loads.map((load, id) => ({ id, closed: false, load }));
}

describe('scheduler policies', () => {
  it('round-robin cycles through the queues in order', () => {
    const qs = queues([5, 0, 9]);
    const s = createScheduler('round-robin', qs);
    expect(Array.from({ length: 7 }, () => s.pick().id)).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('round-robin skips closed queues', () => {
    const qs = queues([0, 0, 0]);
    qs[1]!.closed = true;
    const s = createScheduler('round-robin', qs);
    expect(Array.from({ length: 4 }, () => s.pick().id)).toEqual([0, 2, 0, 2]);
  });

  it('least-in-flight picks the least loaded queue and follows load changes', () => {
    const qs = queues([3, 1, 2]);
    const s = createScheduler('least-in-flight', qs);
    expect(s.pick().id).toBe(1);
    qs[1]!.load = 10;
    expect(s.pick().id).toBe(2);
    qs[0]!.load = 0;
    expect(s.pick().id).toBe(0);
  });

  it('least-in-flight distributes a burst evenly when each pick adds load', () => {
    const qs = queues([0, 0, 0, 0]);
    const s = createScheduler('least-in-flight', qs);
    for (let i = 0; i < 400; i++) s.pick().load++;
    expect(qs.map((q) => q.load)).toEqual([100, 100, 100, 100]);
  });

  it('throws the given code when every queue is closed', () => {
    const qs = queues([0]);
    qs[0]!.closed = true;
    expect(() => createScheduler('least-in-flight', qs, 'ERR_CONTEXT_CLOSED').pick()).toThrowError(expect.objectContaining({ code: 'ERR_CONTEXT_CLOSED' }));
    expect(() => createScheduler('round-robin', qs).pick()).toThrowError(expect.objectContaining({ code: 'ERR_QUEUE_CLOSED' }));
  });
});

describe('createScheduler arguments', () => {
  it('an unknown policy or a non-array of queues → ERR_INVALID_ARGUMENT naming it', () => {
    expect(() => createScheduler('random' as never, queues([0]))).toThrowError(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'policy' } }),
    );
    expect(() => createScheduler('round-robin', null as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'queues' } }),
    );
  });
});
