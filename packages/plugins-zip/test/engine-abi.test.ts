/**
 * The engine trusts nothing: raw SQEs written with core's liburing-level
 * queue API (getSqe/submit/waitCqe) check every field — reserved and unused
 * fields, op_flags, lengths, parameter blocks, stream handles — and -ENOSPC
 * never writes beyond dst_len.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressOf, createContext, type SqeWriter } from '@warpdrive/core';
import zip, { ZIP_DETAIL, ZIP_OP } from '../src/index.js';
import { nodeCompress, realText } from './helpers.js';

const EINVAL = -22;
const ENOSPC = -28;
const EOPNOTSUPP = -95;
const EBUSY = -16;

const open = () => createContext({ plugins: [zip()] });
let ctx: Awaited<ReturnType<typeof open>>;
beforeAll(async () => {
  ctx = await open();
});
afterAll(() => ctx.close());

interface Result { status: number; detail: number; flags: number; consumed: number; produced: number; aux: bigint }

async function raw(fill: (sqe: SqeWriter) => void): Promise<Result> {
  const q = ctx.queues[0]!;
  const sqe = q.getSqe()!;
  fill(sqe);
  sqe.userData(7);
  q.submit();
  const cqe = await q.waitCqe();
  const r = { status: cqe.status, detail: cqe.detail, flags: cqe.flags, consumed: cqe.consumed, produced: cqe.produced, aux: cqe.aux };
  q.cqeSeen(cqe);
  return r;
}

const text = realText(64 * 1024);
const src = Buffer.from(text);
const dst = Buffer.alloc(128 * 1024);
const GZIP = 2;
const ZLIB = 1;

function compressSqe(sqe: SqeWriter, opFlags = GZIP | (6 << 4)): SqeWriter {
  return sqe.opcode(ZIP_OP.COMPRESS).opFlags(opFlags).srcAddr(addressOf(src)).srcLen(src.length).dstAddr(addressOf(dst)).dstLen(dst.length);
}

describe('one-shot SQE validation → -EINVAL', () => {
  const cases: [string, (s: SqeWriter) => void][] = [
    ['sqe.flags (SGL) set', (s) => compressSqe(s).flags(1)],
    ['aux set', (s) => compressSqe(s).aux(1)],
    ['ctx_addr set on a one-shot op', (s) => compressSqe(s).ctxAddr(64)],
    ['level 10', (s) => compressSqe(s, GZIP | (10 << 4))],
    ['format auto on compress', (s) => compressSqe(s, 3 | (6 << 4))],
    ['unknown op_flags bit', (s) => compressSqe(s, GZIP | (6 << 4) | (1 << 20))],
    ['param block with the zlib format', (s) => compressSqe(s, ZLIB).paramAddr(addressOf(src)).paramLen(10)],
    ['param_len without param_addr', (s) => compressSqe(s).paramLen(10)],
    ['a malformed gzip header block', (s) => compressSqe(s).paramAddr(addressOf(src)).paramLen(10)],
    ['src_len without src_addr', (s) => compressSqe(s).srcAddr(0)],
    ['decompress with a level', (s) => s.opcode(ZIP_OP.DECOMPRESS).opFlags(GZIP | (1 << 4)).srcAddr(addressOf(src)).srcLen(10).dstAddr(addressOf(dst)).dstLen(10)],
    ['info with a buffer', (s) => s.opcode(ZIP_OP.INFO).srcAddr(addressOf(src)).srcLen(1)],
  ];
  for (const [name, fill] of cases) {
    it(name, async () => {
      const r = await raw(fill);
      expect(r.status).toBe(EINVAL);
      expect(r.produced).toBe(0);
    });
  }
  it('an opcode of the zip range the engine does not implement → -EOPNOTSUPP', async () => {
    expect((await raw((s) => s.opcode(0x3f))).status).toBe(EOPNOTSUPP);
  });
});

describe('-ENOSPC writes nothing beyond dst_len', () => {
  it('compress into a too-small destination', async () => {
    const out = Buffer.alloc(4096, 0xee);
    const r = await raw((s) => compressSqe(s).dstAddr(addressOf(out)).dstLen(1000));
    expect(r.status).toBe(ENOSPC);
    expect(out.subarray(1000).every((b) => b === 0xee)).toBe(true);
  });
  it('decompress into a too-small destination', async () => {
    const gz = nodeCompress('gzip', text);
    const out = Buffer.alloc(text.length, 0xee);
    const r = await raw((s) => s.opcode(ZIP_OP.DECOMPRESS).opFlags(GZIP).srcAddr(addressOf(gz)).srcLen(gz.length).dstAddr(addressOf(out)).dstLen(text.length - 100));
    expect(r.status).toBe(ENOSPC);
    expect(out.subarray(text.length - 100).every((b) => b === 0xee)).toBe(true);
  });
  it('decompress of data followed by other bytes → -EBADMSG TRAILING with consumed = where the valid data ends', async () => {
    for (const [format, fmt, packed] of [['gzip', GZIP | (1 << 8), nodeCompress('gzip', text)], ['zlib', 1, nodeCompress('zlib', text)], ['deflate', 0, nodeCompress('deflate', text)]] as const) {
      const input = Buffer.concat([packed, Buffer.from([0, 1, 2, 0x41])]);
      const out = Buffer.alloc(text.length + 100);
      const r = await raw((s) => s.opcode(ZIP_OP.DECOMPRESS).opFlags(fmt).srcAddr(addressOf(input)).srcLen(input.length).dstAddr(addressOf(out)).dstLen(out.length));
      expect([format, r.status, r.detail, r.consumed, r.produced]).toEqual([format, -74, ZIP_DETAIL.TRAILING, packed.length, 0]);
    }
  });
});

describe('stream handles are validated, never dereferenced', () => {
  async function init(opFlags: number): Promise<bigint> {
    const r = await raw((s) => s.opcode(ZIP_OP.STREAM_INIT).opFlags(opFlags));
    expect(r.status).toBe(0);
    return r.aux;
  }
  const step = (handle: bigint | number, opcode: number = ZIP_OP.STREAM_DEFLATE) =>
    raw((s) => s.opcode(opcode).ctxAddr(handle).srcAddr(addressOf(src)).srcLen(100).dstAddr(addressOf(dst)).dstLen(dst.length));

  it('forged handles (0, a pointer-like value, a huge index) → -EINVAL BAD_HANDLE', async () => {
    for (const h of [0, addressOf(dst), 0xfffff00000001n, 12345]) {
      const r = await step(h);
      expect(r.status, String(h)).toBe(EINVAL);
      expect(r.detail).toBe(ZIP_DETAIL.BAD_HANDLE);
    }
  });
  it('a stale handle after STREAM_END and a double end → -EINVAL', async () => {
    const h = await init(GZIP | (1 << 4));
    expect((await step(h)).status).toBe(0);
    expect((await raw((s) => s.opcode(ZIP_OP.STREAM_END).ctxAddr(h))).status).toBe(0);
    expect((await step(h)).detail).toBe(ZIP_DETAIL.BAD_HANDLE);
    expect((await raw((s) => s.opcode(ZIP_OP.STREAM_END).ctxAddr(h))).status).toBe(EINVAL);
    // The slot is reused with a new generation: the old handle stays invalid.
    const h2 = await init(GZIP | (1 << 4));
    expect(h2 & 0xffffffffn).toBe(h & 0xffffffffn);
    expect(h2).not.toBe(h);
    expect((await step(h)).detail).toBe(ZIP_DETAIL.BAD_HANDLE);
    expect((await raw((s) => s.opcode(ZIP_OP.STREAM_END).ctxAddr(h2))).status).toBe(0);
  });
  it('a deflate step on an inflate stream (and vice versa) → -EINVAL DIRECTION', async () => {
    const inf = await init(GZIP | (1 << 9));
    const def = await init(GZIP);
    expect((await step(inf, ZIP_OP.STREAM_DEFLATE)).detail).toBe(ZIP_DETAIL.DIRECTION);
    expect((await step(def, ZIP_OP.STREAM_INFLATE)).detail).toBe(ZIP_DETAIL.DIRECTION);
    for (const h of [inf, def]) expect((await raw((s) => s.opcode(ZIP_OP.STREAM_END).ctxAddr(h))).status).toBe(0);
  });
  it('STREAM_INIT rejects bad flags: level on inflate, multi-member on deflate, header block on zlib', async () => {
    for (const f of [GZIP | (1 << 9) | (3 << 4), GZIP | (1 << 8), ZLIB | (1 << 31)]) {
      expect((await raw((s) => s.opcode(ZIP_OP.STREAM_INIT).opFlags(f))).status, f.toString(16)).toBe(EINVAL);
    }
    const hdr = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    expect((await raw((s) => s.opcode(ZIP_OP.STREAM_INIT).opFlags(ZLIB).paramAddr(addressOf(hdr)).paramLen(10))).status).toBe(EINVAL);
  });
  it('two requests driving one stream at once: one of them is -EBUSY or both run in turn, never both inside the engine', async () => {
    const h = await init(GZIP | (9 << 4));
    const big = realText(1 << 20);
    const outA = Buffer.alloc(2 << 20);
    const outB = Buffer.alloc(2 << 20);
    const q = ctx.queues[0]!;
    q.getSqe()!.opcode(ZIP_OP.STREAM_DEFLATE).ctxAddr(h).srcAddr(addressOf(big)).srcLen(big.length).dstAddr(addressOf(outA)).dstLen(outA.length).userData(1);
    q.getSqe()!.opcode(ZIP_OP.STREAM_DEFLATE).ctxAddr(h).srcAddr(addressOf(big)).srcLen(big.length).dstAddr(addressOf(outB)).dstLen(outB.length).userData(2);
    q.submit();
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) {
      const c = await q.waitCqe();
      statuses.push(c.status);
      q.cqeSeen(c);
    }
    for (const s of statuses) expect([0, EBUSY]).toContain(s);
    expect((await raw((s) => s.opcode(ZIP_OP.STREAM_END).ctxAddr(h))).status).toBe(0);
  });
});

describe('zlib binding', () => {
  it("the engine runs the running node's own zlib, ABI-compatible with the zlib.h it was compiled against", async () => {
    const r = await raw((s) => s.opcode(ZIP_OP.INFO));
    expect(r.status).toBe(0);
    // consumed = zlibVersion() bound at run time, produced = ZLIB_VERNUM of the header compiled against.
    // The engine is built once (with the build machine's node) and loaded by
    // every supported node (20, 22, 24), whose zlib patch level differs; the
    // z_stream ABI is fixed within a major.minor series, which deflateInit_()
    // also checks at run time.
    expect(r.consumed >> 8).toBe(r.produced >> 8);
    const [major, minor, patch] = process.versions.zlib.split(/[.-]/).map(Number);
    const nodeVernum = (major! << 12) | (minor! << 8) | (patch! << 4);
    if (process.env.ZIP_ENGINE_ZLIB !== 'static') expect(r.consumed).toBe(nodeVernum);
    else expect(r.consumed).toBe(r.produced);
  });
});
