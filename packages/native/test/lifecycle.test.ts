import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { native } from '../src/index.js';
import { RingDriver, type SqeFields } from './ring-driver.js';

const { abi, addressOf } = native;
const C = abi.constants;
const E = abi.errno;

/** Wait until every queue/device/thread/fd of this process is gone. */
async function expectResourcesFreed(): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const r = native.resources();
    if ((r.devices === 0 && r.queues === 0 && r.threads === 0 && r.fds === 0) || Date.now() > deadline) {
      expect(r).toEqual({ devices: 0, queues: 0, threads: 0, fds: 0 });
      return;
    }
    await new Promise((res) => setTimeout(res, 10));
  }
}

afterEach(async () => {
  await expectResourcesFreed();
});

describe('ring protocol under load', () => {
  it('wraps a depth-4 ring around 50,000 operations', async () => {
    const device = new native.SoftDevice({ workers: 2 });
    const d = new RingDriver(device, 4);
    const total = 50_000;
    const sqes: SqeFields[] = [];
    for (let i = 0; i < total; i++) sqes.push({ opcode: C.WD_OP_NOP!, userData: BigInt(i) });
    const cqes = await d.runAll(sqes);
    expect(cqes.length).toBe(total);
    expect(cqes.every((c) => c.status === 0)).toBe(true);
    const seen = new Set(cqes.map((c) => c.userData));
    expect(seen.size).toBe(total);
    expect(d.inFlight).toBe(0);
    await d.close();
    device.close();
  });

  it('runs 100,000 COPY/CRC32 operations on many queues with bounded memory', async () => {
    const device = new native.SoftDevice({ workers: 2 });
    const drivers = [0, 1, 2, 3].map(() => new RingDriver(device, 64));
    const src = randomBytes(256);
    const dsts = drivers.map(() => Buffer.alloc(256));
    const rss0 = process.memoryUsage().rss;
    await Promise.all(
      drivers.map((d, qi) => {
        const sqes: SqeFields[] = [];
        for (let i = 0; i < 25_000; i++) {
          sqes.push(
            i % 2
              ? { opcode: C.WD_OP_COPY!, userData: BigInt(i), srcAddr: addressOf(src), srcLen: 256, dstAddr: addressOf(dsts[qi]!), dstLen: 256 }
              : { opcode: C.WD_OP_CRC32!, userData: BigInt(i), srcAddr: addressOf(src), srcLen: 256 },
          );
        }
        return d.runAll(sqes).then((cqes) => {
          expect(cqes.length).toBe(25_000);
          expect(cqes.filter((c) => c.status !== 0)).toEqual([]);
        });
      }),
    );
    expect(process.memoryUsage().rss - rss0).toBeLessThan(200 << 20);
    await Promise.all(drivers.map((d) => d.close()));
    device.close();
  });

  it('lets two workers run two large requests of one queue in parallel', async () => {
    const device = new native.SoftDevice({ workers: 2, spinMicros: 0 });
    const d = new RingDriver(device, 4);
    const a = randomBytes(16 << 20);
    const b = randomBytes(16 << 20);
    const oa = Buffer.alloc(a.length);
    const ob = Buffer.alloc(b.length);
    // Batches stop at 32 SQEs, so put each big copy behind enough NOPs that
    // they land in different claims.
    const sqes: SqeFields[] = [];
    sqes.push({ opcode: C.WD_OP_COPY!, userData: 1n, srcAddr: addressOf(a), srcLen: a.length, dstAddr: addressOf(oa), dstLen: oa.length });
    sqes.push({ opcode: C.WD_OP_COPY!, userData: 2n, srcAddr: addressOf(b), srcLen: b.length, dstAddr: addressOf(ob), dstLen: ob.length });
    const cqes = await d.runAll(sqes);
    expect(cqes.map((c) => c.status)).toEqual([0, 0]);
    expect(oa.equals(a) && ob.equals(b)).toBe(true);
    await d.close();
    device.close();
  });

  it('serves several devices at once', async () => {
    const devices = [1, 2, 3].map((w) => new native.SoftDevice({ workers: w }));
    expect(native.resources().threads).toBe(6);
    const drivers = devices.flatMap((dev) => [new RingDriver(dev, 8), new RingDriver(dev, 16)]);
    await Promise.all(
      drivers.map(async (d, i) => {
        const sqes: SqeFields[] = [];
        for (let k = 0; k < 2000; k++) sqes.push({ opcode: C.WD_OP_NOP!, userData: BigInt(i * 1e6 + k) });
        const cqes = await d.runAll(sqes);
        expect(cqes.length).toBe(2000);
      }),
    );
    await Promise.all(drivers.map((d) => d.close()));
    for (const dev of devices) dev.close();
  });
});

describe('closing', () => {
  it('closes a queue with many requests in flight: one CQE each, onClosed once', async () => {
    const device = new native.SoftDevice({ workers: 2 });
    const d = new RingDriver(device, 256);
    const src = randomBytes(64 << 10);
    const dsts: Buffer[] = [];
    for (let i = 0; i < 256; i++) {
      const dst = Buffer.alloc(src.length);
      dsts.push(dst);
      d.push({ opcode: C.WD_OP_COPY!, userData: BigInt(i), srcAddr: addressOf(src), srcLen: src.length, dstAddr: addressOf(dst), dstLen: dst.length });
    }
    d.submit();
    let closedCalls = 0;
    const callbacksBefore = d.callbacks;
    await new Promise<void>((resolve) =>
      d.queue.close(() => {
        closedCalls++;
        resolve();
      }),
    );
    d.queue.close(() => closedCalls++); // second close: no-op
    d.queue.doorbell(); // after close: no-op
    expect(d.queue.closed).toBe(true);
    expect(closedCalls).toBe(1);
    expect(d.callbacks).toBeGreaterThan(callbacksBefore); // the final onCompletion ran
    expect(d.completions.length).toBe(256);
    const tags = new Set(d.completions.map((c) => c.userData));
    expect(tags.size).toBe(256);
    for (const c of d.completions) {
      expect([0, -E.ECANCELED!]).toContain(c.status);
      if (c.status === 0) expect(dsts[Number(c.userData)]!.equals(src)).toBe(true);
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(closedCalls).toBe(1);
    device.close();
  });

  it('cancels everything when the device never ran (close right after submit)', async () => {
    const device = new native.SoftDevice({ workers: 1, spinMicros: 0 });
    const d = new RingDriver(device, 8);
    for (let i = 0; i < 8; i++) d.push({ opcode: C.WD_OP_NOP!, userData: BigInt(i) });
    // Publish without the doorbell: the device never learns about them.
    Atomics.store(d.u32, d.view.getUint32(abi.offsets['wd_ring_info.sq_off']! + abi.offsets['wd_sq_offsets.tail']!, true) / 4, 8);
    await d.close();
    expect(d.completions.map((c) => c.status)).toEqual(new Array(8).fill(-E.ECANCELED!));
    device.close();
  });

  it('device.close() closes its open queues and joins the workers', async () => {
    const device = new native.SoftDevice({ workers: 2 });
    const d1 = new RingDriver(device, 32);
    const d2 = new RingDriver(device, 32);
    for (let i = 0; i < 32; i++) d1.push({ opcode: C.WD_OP_NOP!, userData: BigInt(i) });
    d1.submit();
    device.close();
    expect(device.closed).toBe(true);
    expect(d1.queue.closed && d2.queue.closed).toBe(true);
    expect(native.resources().threads).toBe(0);
    expect(() => device.openQueue({ sqEntries: 1, onCompletion() {} })).toThrow(/closed/);
    device.close(); // idempotent
    await expectResourcesFreed();
    expect(d1.completions.length).toBe(32);
    // close() after the device closed it: onClosed is not called again (already finished).
    d2.queue.close(() => {
      throw new Error('must not be called');
    });
  });

  it('an exception thrown by onCompletion surfaces as an uncaught exception', async () => {
    const device = new native.SoftDevice({ workers: 1 });
    const errors: unknown[] = [];
    const handler = (e: unknown) => errors.push(e);
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', handler);
    try {
      let calls = 0;
      const q = device.openQueue({
        sqEntries: 1,
        onCompletion() {
          calls++;
          throw new Error('boom from onCompletion');
        },
      });
      await new Promise<void>((resolve) => q.close(resolve));
      expect(calls).toBeGreaterThan(0);
      expect(errors.length).toBeGreaterThan(0);
      expect(String(errors[0])).toMatch(/boom/);
    } finally {
      process.off('uncaughtException', handler);
      for (const l of listeners) process.on('uncaughtException', l);
      device.close();
    }
  });

  it('unref() lets the process exit with an idle open queue; ref() restores it', async () => {
    const device = new native.SoftDevice({ workers: 1 });
    const d = new RingDriver(device, 2);
    d.queue.unref();
    d.queue.ref();
    expect((await d.run({ opcode: C.WD_OP_NOP!, userData: 5n })).status).toBe(0);
    await d.close();
    d.queue.ref(); // after close: no-op
    device.close();
  });
});

describe('completion signalling', () => {
  it('never loses a wakeup: 1,000,000 NOPs driven only by onCompletion', async () => {
    // Regression: the eventfd must be read before the signal is re-armed, or a
    // completion published during a callback leaves the queue silent forever.
    const device = new native.SoftDevice({ workers: 2 });
    const d = new RingDriver(device, 256);
    d.record = false;
    const total = 1_000_000;
    let submitted = 0;
    const deadline = Date.now() + 25_000;
    while (d.completed < total) {
      let n = 0;
      while (submitted < total && d.sqSpaceLeft() > 0) {
        d.push({ opcode: C.WD_OP_NOP!, userData: BigInt(submitted++) });
        n++;
      }
      if (n) d.submit();
      // onCompletion may fire without new CQEs (a coalesced signal), so
      // judge progress by time, not per callback.
      const before = d.completed;
      const since = Date.now();
      while (d.completed === before && Date.now() - since < 2000)
        await Promise.race([d.nextCompletion(), new Promise((r) => setTimeout(r, 100))]);
      if (d.completed === before) throw new Error(`no completion for 2 s at ${before}/${total} (lost wakeup) ${JSON.stringify(d.debugState())}`);
      expect(Date.now()).toBeLessThan(deadline);
    }
    expect(d.failed).toBe(0);
    await d.close();
    device.close();
  });
});
