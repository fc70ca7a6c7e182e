import { spawnSync } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { native } from '../src/index.js';
import { readCqe, RingDriver, writeSqe } from './ring-driver.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const collect = (): void => {
  for (let i = 0; i < 4; i++) gc();
};

const C = native.abi.constants;
const COPY = C.WD_OP_COPY!;
const CRC32 = C.WD_OP_CRC32!;
const forcedOff = !!process.env.WARPDRIVE_NO_BACKING_HOLD && process.env.WARPDRIVE_NO_BACKING_HOLD !== '0';
const hasTransfer = typeof (ArrayBuffer.prototype as { transfer?: unknown }).transfer === 'function';

/** The ways a caller can take a buffer's memory away from its ArrayBuffer. */
const detachers: Array<[string, (ab: ArrayBuffer) => void]> = [
  ['structuredClone(ab, { transfer })', (ab) => void structuredClone(ab, { transfer: [ab] })],
  ...(hasTransfer ? ([['ab.transfer()', (ab: ArrayBuffer) => void (ab as ArrayBuffer & { transfer(): ArrayBuffer }).transfer()]] as Array<[string, (ab: ArrayBuffer) => void]>) : []),
];

// Large enough that glibc serves (and on free, unmaps) it with mmap: a read
// of freed memory faults instead of finding stale bytes.
const BIG = 16 << 20;

describe('createBackingHolds', () => {
  it('is on in node on Linux (the V8 symbol resolved and passed the self-check)', () => {
    expect(native.holdsBackingStores).toBe(!forcedOff);
    expect(native.createBackingHolds(2).holding).toBe(native.holdsBackingStores);
  });

  it("pin gives arrayBufferAddress's answer and holds one backing store per pinned ArrayBuffer", () => {
    const holds = native.createBackingHolds(4);
    const a = new ArrayBuffer(64);
    const b = Buffer.alloc(100).buffer;
    expect(holds.pin(a, 1)).toBe(native.arrayBufferAddress(a));
    expect(holds.pin(b, 1)).toBe(native.arrayBufferAddress(b));
    expect(holds.pin(a, 3)).toBe(native.arrayBufferAddress(a));
    expect([holds.count(0), holds.count(1), holds.count(3)]).toEqual(forcedOff ? [0, 0, 0] : [0, 2, 1]);
    holds.release(1);
    expect([holds.count(1), holds.count(3)]).toEqual(forcedOff ? [0, 0] : [0, 1]);
    holds.release(3);
    holds.release(3); // idempotent
    expect(holds.count(3)).toBe(0);
  });

  it('holds nothing for what needs no hold: SharedArrayBuffers, non-buffers, empty and detached buffers', () => {
    const holds = native.createBackingHolds(1);
    const sab = new SharedArrayBuffer(16);
    expect(holds.pin(sab, 0)).toBeUndefined(); // shared memory lives while any agent holds it
    for (const other of [undefined, null, 1, 'x', {}, [], new Uint8Array(4)]) expect(holds.pin(other as never, 0)).toBeUndefined();
    expect(holds.pin(new ArrayBuffer(0), 0)).toBe(0);
    const d = new ArrayBuffer(8);
    structuredClone(d, { transfer: [d] });
    expect(holds.pin(d, 0)).toBe(0);
    expect(holds.count(0)).toBe(0);
  });

  it('refuses a slot outside the table and a bad size with RangeError/TypeError', () => {
    const holds = native.createBackingHolds(2);
    const ab = new ArrayBuffer(8);
    for (const slot of [2, -1, 1e9, Number.NaN, 'x', undefined]) {
      expect(() => holds.pin(ab, slot as never)).toThrow(/slot/);
      expect(() => holds.release(slot as never)).toThrow(RangeError);
    }
    expect(holds.count(0)).toBe(0);
    expect(() => native.createBackingHolds(0)).toThrow(RangeError);
    expect(() => native.createBackingHolds(65537)).toThrow(RangeError);
    expect(() => native.createBackingHolds(1.5)).toThrow(RangeError);
    expect(() => native.createBackingHolds('4' as never)).toThrow(TypeError);
  });
});

describe.skipIf(forcedOff)('a held backing store outlives its ArrayBuffer', () => {
  const device = new native.SoftDevice({ workers: 1 });
  afterAll(() => device.close());
  const sqe = new Uint8Array(64);
  const cqe = new Uint8Array(32);
  const sv = new DataView(sqe.buffer);
  const cv = new DataView(cqe.buffer);

  for (const [how, detach] of detachers) {
    it(`after ${how}, the new owner dropped and gc(): the device still reads the original bytes`, () => {
      const holds = native.createBackingHolds(1);
      let ab: ArrayBuffer | undefined = new ArrayBuffer(BIG);
      new Uint8Array(ab).fill(0x5a);
      const address = holds.pin(ab, 0)!;
      detach(ab);
      ab = undefined;
      collect();
      const junk = new Uint8Array(BIG).fill(0xa5); // would reuse freed memory
      const dst = Buffer.alloc(BIG);
      writeSqe(sv, 0, { opcode: COPY, userData: 1n, srcAddr: BigInt(address), srcLen: BIG, dstAddr: native.addressOf(dst), dstLen: BIG });
      device.execute(sqe, cqe);
      expect(readCqe(cv, 0).status).toBe(0);
      expect(dst.every((x) => x === 0x5a)).toBe(true);
      // …and writes to it land in memory nobody else owns.
      writeSqe(sv, 0, { opcode: COPY, userData: 2n, srcAddr: native.addressOf(junk), srcLen: BIG, dstAddr: BigInt(address), dstLen: BIG });
      device.execute(sqe, cqe);
      expect(readCqe(cv, 0).status).toBe(0);
      holds.release(0);
      expect(holds.count(0)).toBe(0);
    });
  }

  it('a queued CRC32 whose buffer is detached and collected before the CQE is reaped gives the right CRC', async () => {
    const d = new RingDriver(device, 8);
    try {
      const holds = native.createBackingHolds(8);
      const want: number[] = [];
      for (let i = 0; i < detachers.length * 3; i++) {
        let ab: ArrayBuffer | undefined = new ArrayBuffer(BIG);
        new Uint8Array(ab).fill(i + 1);
        want.push(zlib.crc32(new Uint8Array(ab)));
        const address = holds.pin(ab, i % 8)!;
        d.push({ opcode: CRC32, userData: BigInt(i), srcAddr: BigInt(address), srcLen: BIG });
        d.submit();
        detachers[i % detachers.length]![1](ab);
        ab = undefined;
        collect();
        new Uint8Array(BIG).fill(0xee);
        await d.waitFor(i + 1);
        holds.release(i % 8);
      }
      expect(d.completions.map((c) => [Number(c.userData), c.status, Number(c.aux)])).toEqual(want.map((crc, i) => [i, 0, crc]));
    } finally {
      await d.close();
    }
  });

  it('holds dropped with their table (finalizer) free the memory: no growth over many tables', async () => {
    collect();
    const before = process.memoryUsage().arrayBuffers;
    for (let i = 0; i < 32; i++) {
      const holds = native.createBackingHolds(1);
      const ab = new ArrayBuffer(1 << 20);
      holds.pin(ab, 0);
      structuredClone(ab, { transfer: [ab] });
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeGreaterThanOrEqual(32 << 20); // held, not freed
    // Node-API may defer finalizers to the loop: collect and yield until they ran.
    for (let i = 0; i < 20 && process.memoryUsage().arrayBuffers - before >= 8 << 20; i++) {
      collect();
      await new Promise((r) => setImmediate(r));
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(8 << 20);
  });
});

describe('without the V8 symbol (WARPDRIVE_NO_BACKING_HOLD=1)', () => {
  it('reports holdsBackingStores: false and pin still answers addresses', () => {
    const script = `
      const { native } = await import(${JSON.stringify(new URL('../dist/index.js', import.meta.url).href)});
      const h = native.createBackingHolds(1);
      const ab = new ArrayBuffer(64);
      console.log(JSON.stringify([native.holdsBackingStores, h.holding, h.pin(ab, 0) === native.arrayBufferAddress(ab), h.count(0)]));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, WARPDRIVE_NO_BACKING_HOLD: '1' },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([false, false, true, 0]);
  });
});
