import { describe, expect, it } from 'vitest';
import { CONSTANTS, OFFSETS, SIZES } from '../src/abi.js';
import { readRingLayout } from '../src/ring.js';

/** A well-formed ring region with a layout of our choosing. */
function makeRing(patch: (u32: Uint32Array) => void = () => {}): ArrayBuffer {
  const sqEntries = 4;
  const cqEntries = 8;
  const sqes = 512;
  const cqes = sqes + sqEntries * SIZES.wd_sqe;
  const ring = new ArrayBuffer(cqes + cqEntries * SIZES.wd_cqe);
  const u32 = new Uint32Array(ring);
  const put = (off: number, v: number) => (u32[off >>> 2] = v);
  put(OFFSETS['wd_ring_info.magic'], CONSTANTS.WD_RING_MAGIC);
  put(OFFSETS['wd_ring_info.version'], 1);
  put(OFFSETS['wd_ring_info.sqe_size'], SIZES.wd_sqe);
  put(OFFSETS['wd_ring_info.cqe_size'], SIZES.wd_cqe);
  put(OFFSETS['wd_ring_info.sq_entries'], sqEntries);
  put(OFFSETS['wd_ring_info.cq_entries'], cqEntries);
  const sq = OFFSETS['wd_ring_info.sq_off'];
  const cq = OFFSETS['wd_ring_info.cq_off'];
  put(sq + OFFSETS['wd_sq_offsets.head'], 256);
  put(sq + OFFSETS['wd_sq_offsets.tail'], 260);
  put(sq + OFFSETS['wd_sq_offsets.flags'], 264);
  put(sq + OFFSETS['wd_sq_offsets.dropped'], 268);
  put(sq + OFFSETS['wd_sq_offsets.ring_mask'], 272);
  put(sq + OFFSETS['wd_sq_offsets.sqes'], sqes);
  put(cq + OFFSETS['wd_cq_offsets.head'], 320);
  put(cq + OFFSETS['wd_cq_offsets.tail'], 324);
  put(cq + OFFSETS['wd_cq_offsets.flags'], 328);
  put(cq + OFFSETS['wd_cq_offsets.overflow'], 332);
  put(cq + OFFSETS['wd_cq_offsets.ring_mask'], 336);
  put(cq + OFFSETS['wd_cq_offsets.cqes'], cqes);
  put(272, sqEntries - 1);
  put(336, cqEntries - 1);
  patch(u32);
  return ring;
}

function nosva(u32: Uint32Array, offset: number, bytes: number): void {
  u32[OFFSETS['wd_ring_info.features'] >>> 2] = CONSTANTS.WD_FEAT_NOSVA;
  u32[OFFSETS['wd_ring_info.data_offset'] >>> 2] = offset;
  u32[OFFSETS['wd_ring_info.data_bytes'] >>> 2] = bytes;
}

describe('readRingLayout', () => {
  it('takes every position from the ring header', () => {
    const l = readRingLayout(makeRing());
    expect(l).toMatchObject({ sqEntries: 4, cqEntries: 8, sqHead: 256, sqTail: 260, sqFlags: 264, sqes: 512, cqHead: 320, cqTail: 324, cqes: 512 + 4 * 64 });
  });

  const bad: Array<[string, (u32: Uint32Array) => void, RegExp]> = [
    ['a wrong magic', (u) => (u[0] = 0xdeadbeef), /magic is 0xdeadbeef/],
    ['an unknown version', (u) => (u[1] = 2), /version is 2/],
    ['a different sqe_size', (u) => (u[OFFSETS['wd_ring_info.sqe_size'] >>> 2] = 128), /sqe_size is 128, expected 64/],
    ['a different cqe_size', (u) => (u[OFFSETS['wd_ring_info.cqe_size'] >>> 2] = 16), /cqe_size is 16, expected 32/],
    ['a non power-of-two depth', (u) => (u[OFFSETS['wd_ring_info.sq_entries'] >>> 2] = 3), /sq_entries is 3/],
    ['a misaligned index offset', (u) => (u[(OFFSETS['wd_ring_info.sq_off'] + OFFSETS['wd_sq_offsets.tail']) >>> 2] = 261), /sq.tail offset 261/],
    ['a CQE array beyond the region', (u) => (u[(OFFSETS['wd_ring_info.cq_off'] + OFFSETS['wd_cq_offsets.cqes']) >>> 2] = 1 << 20), /CQE array/],
    ['a mask that does not match', (u) => (u[272 >>> 2] = 0), /sq ring_mask 0 does not match/],
    ['a mask offset outside the region', (u) => (u[(OFFSETS['wd_ring_info.cq_off'] + OFFSETS['wd_cq_offsets.ring_mask']) >>> 2] = 1 << 24), /cq.ring_mask offset/],
    ['a no-SVA queue without a data region', (u) => (u[OFFSETS['wd_ring_info.features'] >>> 2] = CONSTANTS.WD_FEAT_NOSVA), /no-SVA mode .* but has no data region/],
    ['a data region on an SVA queue', (u) => { u[OFFSETS['wd_ring_info.data_offset'] >>> 2] = 1024; u[OFFSETS['wd_ring_info.data_bytes'] >>> 2] = 64; }, /data_bytes is 64 on an SVA queue/],
    ['a data region beyond the mapping', (u) => nosva(u, 1024, 1 << 20), /does not fit/],
    ['a data region overlapping the rings', (u) => nosva(u, 512, 64), /overlaps the rings/],
    ['a misaligned data region', (u) => nosva(u, 1000, 64), /misaligned/],
    ['a data size beyond 2^53', (u) => { nosva(u, 1024, 64); u[(OFFSETS['wd_ring_info.data_bytes'] >>> 2) + 1] = 0xffffffff; }, /does not fit/],
  ];
  for (const [what, patch, message] of bad) {
    it(`rejects ${what} with ERR_RING_LAYOUT`, () => {
      expect(() => readRingLayout(makeRing(patch))).toThrowError(expect.objectContaining({ code: 'ERR_RING_LAYOUT', message: expect.stringMatching(message) }));
    });
  }

  it('reads a no-SVA data region that follows the rings', () => {
    const ring = new ArrayBuffer(4096);
    new Uint8Array(ring).set(new Uint8Array(makeRing((u) => nosva(u, 1024, 3072))));
    expect(readRingLayout(ring)).toMatchObject({ dataOffset: 1024, dataBytes: 3072 });
  });

  it('rejects a region smaller than the header', () => {
    expect(() => readRingLayout(new ArrayBuffer(16))).toThrowError(expect.objectContaining({ code: 'ERR_RING_LAYOUT' }));
  });
});
