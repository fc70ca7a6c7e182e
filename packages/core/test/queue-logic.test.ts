/**
 * Queue logic against a pure-JS device (test/helpers/mock-native.ts): the
 * liburing layer, batching, backpressure, close and ref/unref, independent
 * of the addon. The same behaviours run against the real addon in the
 * integration tests.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../src/native-module.js', () => import('./helpers/mock-native-module.js'));

const { createContext, coreOps, isWarpdriveError, PROMISE_TAG } = await import('../src/index.js');
const { mockState } = await import('./helpers/mock-native.js');

type Ctx = Awaited<ReturnType<typeof open>>;
const open = (extra: Record<string, unknown> = {}) => createContext({ plugins: [coreOps()], depth: 4, ...extra });
let ctx: Ctx;

beforeEach(async () => {
  mockState.doorbells = 0;
  mockState.polling = false;
  mockState.hold = false;
  mockState.release = [];
  ctx = await open();
});
afterEach(async () => {
  mockState.hold = false;
  for (const r of mockState.release.splice(0)) r();
  await ctx.close();
});

function release(): void {
  mockState.hold = false;
  for (const r of mockState.release.splice(0)) r();
}

describe('busy-poll after submit (pollMicros)', () => {
  it('skips polling on the next flush after a poll window passed without a completion', async () => {
    const c = await open({ pollMicros: 200 });
    mockState.hold = true;
    const now = vi.spyOn(performance, 'now');
    try {
      const first = c.nop();
      await new Promise<void>((r) => queueMicrotask(r)); // the batch flush runs here
      const afterFirst = now.mock.calls.length;
      expect(afterFirst).toBeGreaterThan(1); // polled the CQ until the deadline
      const second = c.nop();
      await new Promise<void>((r) => queueMicrotask(r));
      expect(now.mock.calls.length).toBe(afterFirst); // backed off: no polling
      release();
      await Promise.all([first, second]);
    } finally {
      now.mockRestore();
      await c.close();
    }
  });
});

describe('raw queue (liburing vocabulary)', () => {
  it('getSqe returns null once the SQ is full and submit publishes them all with one doorbell', async () => {
    const q = ctx.queues[0]!;
    expect(q.sqEntries).toBe(4);
    expect(q.cqEntries).toBe(8);
    expect(q.sqSpaceLeft()).toBe(4);
    for (let i = 0; i < 4; i++) q.getSqe()!.opcode(0).userData(100 + i);
    expect(q.getSqe()).toBeNull();
    expect(q.sqSpaceLeft()).toBe(0);
    expect(q.submit()).toBe(4);
    expect(mockState.doorbells).toBe(1);
    expect(q.inFlight).toBe(4);
    const seen: bigint[] = [];
    for (let i = 0; i < 4; i++) {
      const cqe = await q.waitCqe();
      expect(cqe.status).toBe(0);
      seen.push(cqe.userData);
      q.cqeSeen(cqe);
    }
    expect(seen).toEqual([100n, 101n, 102n, 103n]);
    expect(q.inFlight).toBe(0);
  });

  it('never lets more requests than cq_entries be in flight', async () => {
    const q = ctx.queues[0]!;
    let submitted = 0;
    // Fill the SQ twice without reaping: the second batch exhausts the CQ budget.
    for (let round = 0; round < 3; round++) {
      let sqe;
      while ((sqe = q.getSqe()) !== null) sqe.opcode(0).userData(submitted++);
      q.submit();
      await new Promise((r) => setImmediate(r));
    }
    expect(submitted).toBe(8);
    expect(q.inFlight).toBe(8);
    expect(q.getSqe()).toBeNull();
    for (let i = 0; i < 8; i++) q.cqeSeen((await q.waitCqe()));
    expect(q.getSqe()).not.toBeNull();
    q.submit();
    q.cqeSeen(await q.waitCqe());
  });

  it('rings no doorbell while the device polls (NEED_WAKEUP clear)', async () => {
    await ctx.close();
    mockState.polling = true;
    ctx = await open();
    await Promise.all([ctx.nop(), ctx.nop(), ctx.copy(Buffer.from('ab'), Buffer.alloc(2))]);
    expect(mockState.doorbells).toBe(0);
  });

  it('peekCqe returns null when nothing completed and cqeSeen rejects a foreign CQE', async () => {
    const q = ctx.queues[0]!;
    expect(q.peekCqe()).toBeNull();
    expect(() => q.cqeSeen({} as never)).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT' }));
  });

  it('does not hand promise-layer CQEs to raw waiters when both are mixed', async () => {
    const q = ctx.queues[0]!;
    q.getSqe()!.opcode(0).userData(7);
    const copied = ctx.copy(Buffer.from('xyz'), Buffer.alloc(3));
    q.submit();
    const cqe = await q.waitCqe();
    expect(cqe.userData).toBe(7n);
    expect(cqe.userDataHigh).not.toBe(PROMISE_TAG);
    q.cqeSeen(cqe);
    expect(await copied).toBe(3);
  });
});

describe('raw user_data vs the promise layer', () => {
  it("a raw SQE cannot carry the promise layer's tag (its CQE would complete a promise-layer request early)", async () => {
    mockState.hold = true;
    const q = ctx.queues[0]!;
    const src = Buffer.alloc(8, 1);
    const copied = ctx.copy(src, Buffer.alloc(8));
    await new Promise((r) => setImmediate(r)); // the copy holds slot 0 in flight
    const sqe = q.getSqe()!;
    for (const v of [(BigInt(PROMISE_TAG) << 32n) | 0n, (BigInt(PROMISE_TAG) << 32n) | 5n, PROMISE_TAG * 2 ** 32]) {
      expect(() => sqe.userData(v)).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', details: { argument: 'user_data' } }));
    }
    sqe.userData((BigInt(PROMISE_TAG + 1) << 32n) | 0n); // any other high word is the raw user's
    q.submit();
    release();
    expect(await copied).toBe(8);
    const cqe = await q.waitCqe();
    expect(cqe.userDataHigh).toBe(PROMISE_TAG + 1);
    q.cqeSeen(cqe);
  });
});

describe('promise layer', () => {
  it('batches the requests of one tick behind a single doorbell', async () => {
    const results = await Promise.all([ctx.nop(), ctx.crc32(Buffer.from('hello')), ctx.copy(Buffer.from('abc'), Buffer.alloc(8))]);
    expect(results).toEqual([undefined, 0x3610a686, 3]);
    expect(mockState.doorbells).toBe(1);
  });

  it('backpressure: 10× the in-flight limit at once all complete, in-flight stays bounded', async () => {
    const q = ctx.queues[0]!;
    const n = 10 * q.limit;
    const srcs = Array.from({ length: n }, (_, i) => Buffer.from(`payload-${i}`));
    const dsts = srcs.map((s) => Buffer.alloc(s.length));
    const all = Promise.all(srcs.map((s, i) => ctx.copy(s, dsts[i]!)));
    expect(q.waiting).toBeGreaterThan(0);
    expect(q.inFlight + q.stats().waiting).toBeLessThanOrEqual(n);
    const sizes = await all;
    expect(sizes).toEqual(srcs.map((s) => s.length));
    dsts.forEach((d, i) => expect(d.toString()).toBe(`payload-${i}`));
    expect(q.stats().maxInFlight).toBeLessThanOrEqual(q.limit);
    expect(q.stats().waiting).toBe(0);
  });

  it('serves waiting callers in FIFO order', async () => {
    const order: number[] = [];
    const n = 40;
    await Promise.all(Array.from({ length: n }, (_, i) => ctx.nop().then(() => order.push(i))));
    expect(order).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('rejects an encoder error without consuming a ring slot', async () => {
    const q = ctx.queues[0]!;
    await expect(ctx.copy(Buffer.alloc(8), Buffer.alloc(4))).rejects.toMatchObject({ code: 'ERR_BUFFER_TOO_SMALL', message: '`dst` must be at least 8 bytes, got 4' });
    expect(q.sqSpaceLeft()).toBe(4);
    expect(q.inFlight).toBe(0);
    expect(await ctx.copy(Buffer.from('ok'), Buffer.alloc(2))).toBe(2);
  });

  it('maps a device error status to its code (unknown opcode → ERR_NOT_SUPPORTED_BY_DEVICE)', async () => {
    const c2 = await createContext({
      plugins: [{ name: 'x', algorithms: [], operations: { bogus: { opcode: 0xee, api: { wd_soft_v1: { prep: (sqe: { opcode(n: number): void }) => sqe.opcode(0xee) } } } } }],
    });
    await expect(c2.run('bogus')).rejects.toMatchObject({ code: 'ERR_NOT_SUPPORTED_BY_DEVICE', details: { errno: 95 } });
    expect(c2.stats().errors).toBe(1);
    await c2.close();
  });

  it('holds the loop (ref) only while requests are in flight', async () => {
    const refs = mockState.refCalls;
    const unrefs = mockState.unrefCalls;
    await ctx.nop();
    expect(mockState.refCalls).toBe(refs + 1);
    expect(mockState.unrefCalls).toBe(unrefs + 1);
  });
});

describe('requests issued from inside an encoder', () => {
  // A getter on a request runs user code while the encoder holds an SQE and
  // the current slot: a request started from there must not take the outer
  // request's pins, nor its SQE when the outer encoder fails.
  type Slots = { slots: { op: ({ name: string } | undefined)[]; pins: unknown[][] } };
  const pinsOf = (name: string) => {
    const s = (ctx.queues[0] as unknown as Slots).slots;
    // Encoders pin core's own views (viewOf) of the caller's buffers: compare the memory behind them.
    return s.op.flatMap((op, i) => (op?.name === name ? [s.pins[i]!.map((p) => (ArrayBuffer.isView(p) ? p.buffer : p))] : []));
  };

  it("the outer request's buffers stay pinned to the outer request", async () => {
    mockState.hold = true;
    const src = Buffer.alloc(16, 7);
    const dst = Buffer.alloc(16);
    let inner: Promise<void> | undefined;
    const outer = ctx.run<number>('copy', { get src() { inner ??= ctx.nop(); return src; }, dst });
    expect(inner).toBeDefined();
    expect(pinsOf('copy')).toEqual([[src.buffer, dst.buffer]]);
    await new Promise((r) => setImmediate(r)); // both are in flight now
    expect(ctx.queues[0]!.inFlight).toBe(2);
    expect(pinsOf('copy')).toEqual([[src.buffer, dst.buffer]]);
    expect(pinsOf('nop')).toEqual([[]]);
    release();
    await expect(outer).resolves.toBe(16);
    await expect(inner).resolves.toBeUndefined();
    expect(dst.equals(src)).toBe(true);
  });

  it('an outer encoder that fails after starting another request takes back its own SQE only', async () => {
    let inner: Promise<void> | undefined;
    const outer = ctx.run('copy', { get src() { inner ??= ctx.nop(); return Buffer.alloc(16); }, dst: Buffer.alloc(1) });
    await expect(outer).rejects.toMatchObject({ code: 'ERR_BUFFER_TOO_SMALL' });
    await expect(inner).resolves.toBeUndefined();
    expect(ctx.queues[0]!.inFlight).toBe(0);
    await expect(ctx.nop()).resolves.toBeUndefined(); // no stray CQE blocks the promise layer
  }, 5000);
});

describe('close with requests in flight', () => {
  it('rejects in-flight and waiting requests with ERR_CONTEXT_CLOSED and keeps buffers pinned until onClosed', async () => {
    mockState.hold = true;
    const n = 30; // > limit: some in flight, some waiting
    const promises = Array.from({ length: n }, () => ctx.copy(Buffer.alloc(16, 1), Buffer.alloc(16)));
    await new Promise((r) => setImmediate(r));
    const q = ctx.queues[0]!;
    expect(q.inFlight).toBeGreaterThan(0);
    expect(q.waiting).toBeGreaterThan(0);
    const settled = Promise.allSettled(promises);
    const pinned = () => (q as unknown as { slots: { pins: unknown[][] } }).slots.pins.reduce((n, p) => n + p.length, 0);
    expect(pinned()).toBe(2 * q.inFlight);
    const closing = ctx.close();
    expect(pinned()).toBeGreaterThan(0); // still pinned: the device has not confirmed the close
    const results = await settled;
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect(isWarpdriveError((r as PromiseRejectedResult).reason, 'ERR_CONTEXT_CLOSED')).toBe(true);
    }
    await closing;
    expect(pinned()).toBe(0);
    await ctx.close(); // idempotent
    await expect(ctx.nop()).rejects.toMatchObject({ code: 'ERR_CONTEXT_CLOSED' });
    expect(() => q.getSqe()).toThrowError(expect.objectContaining({ code: 'ERR_CONTEXT_CLOSED' }));
  });

  it('closing one queue rejects its requests with ERR_QUEUE_CLOSED; the scheduler moves on', async () => {
    await ctx.close();
    ctx = await open({ queues: 2, schedule: 'round-robin' });
    mockState.hold = true;
    const a = ctx.queues[0]!.run('nop');
    const closed = ctx.queues[0]!.close();
    await expect(a).rejects.toMatchObject({ code: 'ERR_QUEUE_CLOSED' });
    release();
    await closed;
    await expect(ctx.nop()).resolves.toBeUndefined();
    await expect(ctx.queues[0]!.run('nop')).rejects.toMatchObject({ code: 'ERR_QUEUE_CLOSED' });
  });
});

describe('closing from inside a decoder', () => {
  it('the rest of the reap batch settles with the close code, no exception escapes, close() settles', async () => {
    const { definePlugin } = await import('../src/index.js');
    let host: { close(): Promise<void> } | undefined;
    let closing: Promise<void> | undefined;
    const closer = definePlugin({
      name: 'closer',
      algorithms: ['closer'],
      operations: {
        closer: {
          opcode: 0x00,
          api: { wd_soft_v1: { prep: (sqe) => void sqe.opcode(0x00), complete: () => { closing ??= host!.close(); return 1; } } },
        },
      },
    });
    const c = await createContext({ plugins: [closer], depth: 4 });
    host = c;
    mockState.hold = true;
    const results = Array.from({ length: 4 }, () => c.run('closer'));
    await new Promise((r) => setImmediate(r));
    release(); // all four CQEs arrive in one reap
    const settled = await Promise.allSettled(results);
    // The first one's decoder ran to completion, but close() settled it first.
    expect([JSON.stringify({ status: 'fulfilled', value: 1 }), 'ERR_CONTEXT_CLOSED']).toContain(
      settled[0]!.status === 'fulfilled' ? JSON.stringify(settled[0]) : (settled[0] as PromiseRejectedResult).reason.code,
    );
    for (const r of settled.slice(1)) expect(r).toMatchObject({ status: 'rejected', reason: { code: 'ERR_CONTEXT_CLOSED' } });
    await closing;
  }, 5000);
});

describe('every queue closed, context open', () => {
  it('run() rejects (never throws) with ERR_QUEUE_CLOSED, as with a single queue', async () => {
    for (const queues of [1, 2]) {
      await ctx.close();
      ctx = await open({ queues });
      await Promise.all(ctx.queues.map((q) => q.close()));
      let p: Promise<unknown> | undefined;
      expect(() => { p = ctx.nop(); }).not.toThrow();
      await expect(p).rejects.toMatchObject({ code: 'ERR_QUEUE_CLOSED' });
    }
  });
});

describe('scheduling across queues', () => {
  it('round-robin spreads requests evenly', async () => {
    await ctx.close();
    ctx = await open({ queues: 4, schedule: 'round-robin' });
    await Promise.all(Array.from({ length: 40 }, () => ctx.nop()));
    expect(ctx.stats().perQueue.map((q) => q.ops)).toEqual([10, 10, 10, 10]);
  });

  it('least-in-flight prefers idle queues', async () => {
    await ctx.close();
    ctx = await open({ queues: 3, schedule: 'least-in-flight' });
    await Promise.all(Array.from({ length: 30 }, () => ctx.nop()));
    expect(ctx.stats().perQueue.map((q) => q.ops)).toEqual([10, 10, 10]);
    expect(ctx.stats().ops).toBe(30);
    expect(ctx.stats().perPath['soft:wd_soft_v1:soft']?.ops).toBe(30);
  });
});
