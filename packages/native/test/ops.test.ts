import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { native } from '../src/index.js';
import { makeSgl, RingDriver } from './ring-driver.js';

const { abi, addressOf } = native;
const C = abi.constants;
const E = abi.errno;
const NOP = C.WD_OP_NOP!;
const COPY = C.WD_OP_COPY!;
const CRC32 = C.WD_OP_CRC32!;

describe('built-in engines through the ring', () => {
  const device = new native.SoftDevice({ workers: 2 });
  let d: RingDriver;
  let tag = 1n;
  beforeAll(() => {
    d = new RingDriver(device, 16);
  });
  afterAll(async () => {
    await d.close();
    device.close();
  });

  it('lists the core opcodes and features', () => {
    expect(device.opcodes).toEqual([0, 1, 2]);
    expect(device.features).toBe(C.WD_FEAT_SVA! | C.WD_FEAT_NEED_WAKEUP! | C.WD_FEAT_SGL! | C.WD_FEAT_CQ_EVENTFD!);
    expect(device.workers).toBe(2);
  });

  it('NOP completes with status 0 and returns user_data', async () => {
    const c = await d.run({ opcode: NOP, userData: 0xdead_beef_cafe_f00dn });
    expect(c).toMatchObject({ userData: 0xdead_beef_cafe_f00dn, status: 0, consumed: 0, produced: 0 });
  });

  it('COPY copies src to dst', async () => {
    const src = randomBytes(100_000);
    const dst = Buffer.alloc(100_000);
    const c = await d.run({ opcode: COPY, userData: tag++, srcAddr: addressOf(src), srcLen: src.length, dstAddr: addressOf(dst), dstLen: dst.length });
    expect(c.status).toBe(0);
    expect(c.consumed).toBe(src.length);
    expect(c.produced).toBe(src.length);
    expect(dst.equals(src)).toBe(true);
  });

  it('COPY honours byteOffset of subarrays', async () => {
    const src = Buffer.from('0123456789');
    const dst = Buffer.alloc(10, 0x2e);
    const c = await d.run({ opcode: COPY, userData: tag++, srcAddr: addressOf(src.subarray(2, 5)), srcLen: 3, dstAddr: addressOf(dst.subarray(4)), dstLen: 6 });
    expect(c.status).toBe(0);
    expect(dst.toString()).toBe('....234...');
  });

  it('COPY of zero bytes succeeds, even with NULL addresses', async () => {
    const c = await d.run({ opcode: COPY, userData: tag++ });
    expect(c).toMatchObject({ status: 0, consumed: 0, produced: 0 });
  });

  it('COPY into a too-small destination is -ENOSPC and writes nothing', async () => {
    const src = Buffer.alloc(64, 0xaa);
    const dst = Buffer.alloc(64, 0x55);
    const c = await d.run({ opcode: COPY, userData: tag++, srcAddr: addressOf(src), srcLen: 64, dstAddr: addressOf(dst), dstLen: 32 });
    expect(c.status).toBe(-E.ENOSPC!);
    expect(c.produced).toBe(0);
    expect(dst.every((b) => b === 0x55)).toBe(true);
  });

  it('COPY with SGL source and destination', async () => {
    const parts = [randomBytes(7), randomBytes(0), randomBytes(1000), randomBytes(33)];
    const outs = [Buffer.alloc(500), Buffer.alloc(0), Buffer.alloc(540)];
    const srcSgl = makeSgl(parts);
    const dstSgl = makeSgl(outs);
    const c = await d.run({
      opcode: COPY,
      flags: C.WD_SQE_F_SRC_SGL! | C.WD_SQE_F_DST_SGL!,
      userData: tag++,
      srcAddr: addressOf(srcSgl),
      srcLen: parts.length,
      dstAddr: addressOf(dstSgl),
      dstLen: outs.length,
    });
    expect(c.status).toBe(0);
    expect(c.consumed).toBe(1040);
    expect(Buffer.concat(outs)).toEqual(Buffer.concat(parts));
  });

  it('COPY into an SGL that is too small is -ENOSPC', async () => {
    const src = randomBytes(100);
    const outs = [Buffer.alloc(50, 1), Buffer.alloc(49, 1)];
    const dstSgl = makeSgl(outs);
    const c = await d.run({ opcode: COPY, flags: C.WD_SQE_F_DST_SGL!, userData: tag++, srcAddr: addressOf(src), srcLen: 100, dstAddr: addressOf(dstSgl), dstLen: 2 });
    expect(c.status).toBe(-E.ENOSPC!);
    expect(outs.every((o) => o.every((b) => b === 1))).toBe(true);
  });

  it('SGL entries with nonzero resv are -EINVAL, NULL entries -EFAULT', async () => {
    const buf = Buffer.alloc(16);
    const sgl = makeSgl([buf]);
    new DataView(sgl.buffer).setUint32(abi.offsets['wd_sgl_entry.resv']!, 1, true);
    let c = await d.run({ opcode: CRC32, flags: C.WD_SQE_F_SRC_SGL!, userData: tag++, srcAddr: addressOf(sgl), srcLen: 1 });
    expect(c.status).toBe(-E.EINVAL!);
    const nul = new Uint8Array(16);
    new DataView(nul.buffer).setUint32(abi.offsets['wd_sgl_entry.len']!, 5, true);
    c = await d.run({ opcode: CRC32, flags: C.WD_SQE_F_SRC_SGL!, userData: tag++, srcAddr: addressOf(nul), srcLen: 1 });
    expect(c.status).toBe(-E.EFAULT!);
    c = await d.run({ opcode: CRC32, flags: C.WD_SQE_F_SRC_SGL!, userData: tag++, srcAddr: 0n, srcLen: 3 });
    expect(c.status).toBe(-E.EFAULT!);
    c = await d.run({ opcode: CRC32, flags: C.WD_SQE_F_SRC_SGL!, userData: tag++, srcAddr: addressOf(nul), srcLen: 1_000_000 });
    expect(c.status).toBe(-E.EINVAL!);
  });

  it('CRC32 matches zlib.crc32 for random data, with and without a seed', async () => {
    for (const len of [0, 1, 3, 64, 1000, 65537]) {
      const data = randomBytes(len);
      const seed = len % 2 || len === 0 ? 0x12345678 : 0; // an empty input answers its seed, as zlib's does
      const c = await d.run({ opcode: CRC32, userData: tag++, srcAddr: len ? addressOf(data) : 0n, srcLen: len, aux: seed });
      expect(c.status).toBe(0);
      expect(c.consumed).toBe(len);
      // zlib (and node's zlib.crc32) answers 0 for a NULL buffer, its "initial value"
      // convention; a CRC continued over no bytes is its seed.
      expect(Number(c.aux)).toBe(len === 0 ? seed : zlib.crc32(data, seed));
    }
  });

  it('CRC32 chains across calls and SGL segments like zlib', async () => {
    const a = randomBytes(333);
    const b = randomBytes(4444);
    const first = await d.run({ opcode: CRC32, userData: tag++, srcAddr: addressOf(a), srcLen: a.length });
    const second = await d.run({ opcode: CRC32, userData: tag++, srcAddr: addressOf(b), srcLen: b.length, aux: Number(first.aux) });
    const sgl = makeSgl([a, b]);
    const whole = await d.run({ opcode: CRC32, flags: C.WD_SQE_F_SRC_SGL!, userData: tag++, srcAddr: addressOf(sgl), srcLen: 2 });
    expect(Number(second.aux)).toBe(zlib.crc32(Buffer.concat([a, b])));
    expect(whole.aux).toBe(second.aux);
    const withEmpty = await d.run({ opcode: CRC32, flags: C.WD_SQE_F_SRC_SGL!, userData: tag++, srcAddr: addressOf(makeSgl([a, Buffer.alloc(0), b])), srcLen: 3 });
    expect(withEmpty.aux).toBe(second.aux);
    expect(Number(await d.run({ opcode: CRC32, userData: tag++, srcAddr: addressOf(Buffer.from('123456789')), srcLen: 9 }).then((c) => c.aux))).toBe(0xcbf43926);
  });

  it('rejects unknown flags and nonzero resv0 with -EINVAL', async () => {
    for (const op of [NOP, COPY, CRC32, 0x99]) {
      expect((await d.run({ opcode: op, flags: 0x80, userData: tag++ })).status).toBe(-E.EINVAL!);
      expect((await d.run({ opcode: op, resv0: 1, userData: tag++ })).status).toBe(-E.EINVAL!);
    }
  });

  it('rejects fields a core opcode does not use with -EINVAL', async () => {
    expect((await d.run({ opcode: NOP, srcLen: 1, userData: tag++ })).status).toBe(-E.EINVAL!);
    expect((await d.run({ opcode: NOP, flags: C.WD_SQE_F_SRC_SGL!, userData: tag++ })).status).toBe(-E.EINVAL!);
    expect((await d.run({ opcode: COPY, opFlags: 1, userData: tag++ })).status).toBe(-E.EINVAL!);
    expect((await d.run({ opcode: CRC32, dstLen: 4, userData: tag++ })).status).toBe(-E.EINVAL!);
    expect((await d.run({ opcode: CRC32, paramAddr: 8n, userData: tag++ })).status).toBe(-E.EINVAL!);
  });

  it('answers an opcode without engine with -EOPNOTSUPP', async () => {
    for (const op of [0x03, 0x0f, 0x10, 0x40, 0xff]) {
      const c = await d.run({ opcode: op, userData: tag++ });
      expect(c.status, `opcode ${op}`).toBe(-E.EOPNOTSUPP!);
    }
  });

  it('reports NULL addresses with a length as -EFAULT', async () => {
    const dst = Buffer.alloc(8);
    expect((await d.run({ opcode: COPY, userData: tag++, srcAddr: 0n, srcLen: 8, dstAddr: addressOf(dst), dstLen: 8 })).status).toBe(-E.EFAULT!);
    expect((await d.run({ opcode: COPY, userData: tag++, srcAddr: addressOf(dst), srcLen: 8, dstAddr: 0n, dstLen: 8 })).status).toBe(-E.EFAULT!);
    expect((await d.run({ opcode: CRC32, userData: tag++, srcAddr: 0xffff_ffff_ffff_fff0n, srcLen: 64 })).status).toBe(-E.EFAULT!);
  });

  it('FENCE starts only after every earlier SQE completed', async () => {
    const big = randomBytes(8 << 20);
    const out = Buffer.alloc(big.length);
    const check = Buffer.alloc(big.length);
    // SQE 1 copies big -> out; the fenced SQE 2 copies out -> check, so it
    // must see the finished copy.
    const before = d.completions.length;
    d.push({ opcode: COPY, userData: 9001n, srcAddr: addressOf(big), srcLen: big.length, dstAddr: addressOf(out), dstLen: out.length });
    d.push({ opcode: COPY, flags: C.WD_SQE_F_FENCE!, userData: 9002n, srcAddr: addressOf(out), srcLen: out.length, dstAddr: addressOf(check), dstLen: check.length });
    d.submit();
    await d.waitFor(before + 2);
    const done = d.completions.slice(before);
    expect(done.map((c) => c.status)).toEqual([0, 0]);
    expect(done.map((c) => c.userData)).toEqual([9001n, 9002n]);
    expect(check.equals(big)).toBe(true);
  });
});

describe('execute() inline path', () => {
  const device = new native.SoftDevice({ workers: 1 });
  afterAll(() => device.close());
  const sqe = new Uint8Array(64);
  const cqe = new Uint8Array(32);
  const sv = new DataView(sqe.buffer);
  const cv = new DataView(cqe.buffer);

  it('runs CRC32 synchronously and fills the CQE', async () => {
    const { writeSqe, readCqe } = await import('./ring-driver.js');
    const data = randomBytes(4096);
    writeSqe(sv, 0, { opcode: CRC32, userData: 77n, srcAddr: addressOf(data), srcLen: data.length, aux: 5 });
    device.execute(sqe, cqe);
    expect(readCqe(cv, 0)).toMatchObject({ userData: 77n, status: 0, consumed: 4096, aux: BigInt(zlib.crc32(data, 5)) });
    writeSqe(sv, 0, { opcode: 0x77, userData: 78n });
    device.execute(sqe, cqe);
    expect(readCqe(cv, 0)).toMatchObject({ userData: 78n, status: -E.EOPNOTSUPP! });
  });

  it('COPY inline into a too-small dst is -ENOSPC', async () => {
    const { writeSqe, readCqe } = await import('./ring-driver.js');
    const src = Buffer.alloc(10, 1);
    const dst = Buffer.alloc(10, 2);
    writeSqe(sv, 0, { opcode: COPY, userData: 1n, srcAddr: addressOf(src), srcLen: 10, dstAddr: addressOf(dst), dstLen: 9 });
    device.execute(sqe, cqe);
    expect(readCqe(cv, 0).status).toBe(-E.ENOSPC!);
    expect(dst.every((b) => b === 2)).toBe(true);
  });
});
