/**
 * Views over a queue's ring region, computed from `struct wd_ring_info`.
 *
 * The device describes the ring (io_uring style): this module reads magic,
 * version, entry sizes and the byte offsets of every index from the header
 * and never assumes a layout. Only the positions of the header's own fields
 * come from the ABI mirror (abi.ts), and those are checked against the addon.
 */
import { CONSTANTS, OFFSETS, SIZES } from './abi.js';
import { WarpdriveError } from './errors.js';
import { backingOf, lengthOf } from './kit/intrinsics.js';

/** Where everything lives in one ring region, in bytes from its start. */
export interface RingLayout {
  /** `WD_FEAT_*` bits granted to the queue. */
  readonly features: number;
  /** SQ/CQ depths (powers of two) and entry sizes; the rest are byte offsets. */
  readonly sqEntries: number;
  readonly cqEntries: number;
  readonly sqeSize: number;
  readonly cqeSize: number;
  readonly sqHead: number;
  readonly sqTail: number;
  readonly sqFlags: number;
  readonly sqDropped: number;
  readonly sqes: number;
  readonly cqHead: number;
  readonly cqTail: number;
  readonly cqFlags: number;
  readonly cqOverflow: number;
  readonly cqes: number;
  /** No-SVA queues: byte offset and size of the data region (0 and 0 with SVA). */
  readonly dataOffset: number;
  readonly dataBytes: number;
}

function layoutError(message: string, details: Record<string, unknown> = {}): WarpdriveError {
  return new WarpdriveError('ERR_RING_LAYOUT', `invalid ring region: ${message}`, { details });
}

function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

/**
 * Read and validate the ring header at offset 0 of `ring`.
 *
 * @param ring - the queue's mapped ring region
 * @returns the layout, every offset checked to lie inside the region and be
 *   aligned for Atomics on a Uint32Array
 * @throws WarpdriveError `ERR_RING_LAYOUT` on a bad magic, version, entry
 *   size, depth, offset or a region too small for what the header claims
 */
export function readRingLayout(ring: ArrayBuffer): RingLayout {
  if (lengthOf(ring) < SIZES.wd_ring_info) {
    throw layoutError(`region is ${lengthOf(ring)} bytes, smaller than struct wd_ring_info (${SIZES.wd_ring_info})`);
  }
  const u32 = new Uint32Array(ring, 0, SIZES.wd_ring_info >>> 2);
  const field = (name: keyof typeof OFFSETS): number => u32[OFFSETS[name] >>> 2]!;
  const magic = field('wd_ring_info.magic');
  if (magic !== CONSTANTS.WD_RING_MAGIC) {
    throw layoutError(`magic is 0x${magic.toString(16)}, expected 0x${CONSTANTS.WD_RING_MAGIC.toString(16)}`, { magic });
  }
  const version = field('wd_ring_info.version');
  if (version !== CONSTANTS.WD_RING_VERSION) {
    throw layoutError(`version is ${version}, this build understands ${CONSTANTS.WD_RING_VERSION}`, { version });
  }
  const sqeSize = field('wd_ring_info.sqe_size');
  const cqeSize = field('wd_ring_info.cqe_size');
  if (sqeSize !== SIZES.wd_sqe) throw layoutError(`sqe_size is ${sqeSize}, expected ${SIZES.wd_sqe}`, { sqeSize });
  if (cqeSize !== SIZES.wd_cqe) throw layoutError(`cqe_size is ${cqeSize}, expected ${SIZES.wd_cqe}`, { cqeSize });
  const sqEntries = field('wd_ring_info.sq_entries');
  const cqEntries = field('wd_ring_info.cq_entries');
  if (!isPowerOfTwo(sqEntries) || sqEntries > CONSTANTS.WD_RING_MAX_ENTRIES) {
    throw layoutError(`sq_entries is ${sqEntries}, expected a power of two up to ${CONSTANTS.WD_RING_MAX_ENTRIES}`);
  }
  if (!isPowerOfTwo(cqEntries) || cqEntries < sqEntries) {
    throw layoutError(`cq_entries is ${cqEntries}, expected a power of two of at least sq_entries (${sqEntries})`);
  }
  const sqBase = OFFSETS['wd_ring_info.sq_off'];
  const cqBase = OFFSETS['wd_ring_info.cq_off'];
  const sq = (name: keyof typeof OFFSETS): number => u32[(sqBase + OFFSETS[name]) >>> 2]!;
  const cq = (name: keyof typeof OFFSETS): number => u32[(cqBase + OFFSETS[name]) >>> 2]!;
  const layout: RingLayout = {
    features: field('wd_ring_info.features'),
    sqEntries,
    cqEntries,
    sqeSize,
    cqeSize,
    sqHead: sq('wd_sq_offsets.head'),
    sqTail: sq('wd_sq_offsets.tail'),
    sqFlags: sq('wd_sq_offsets.flags'),
    sqDropped: sq('wd_sq_offsets.dropped'),
    sqes: sq('wd_sq_offsets.sqes'),
    cqHead: cq('wd_cq_offsets.head'),
    cqTail: cq('wd_cq_offsets.tail'),
    cqFlags: cq('wd_cq_offsets.flags'),
    cqOverflow: cq('wd_cq_offsets.overflow'),
    cqes: cq('wd_cq_offsets.cqes'),
    dataOffset: u64Field(u32, OFFSETS['wd_ring_info.data_offset']),
    dataBytes: u64Field(u32, OFFSETS['wd_ring_info.data_bytes']),
  };
  checkBounds(lengthOf(ring), layout, u32);
  checkDataRegion(lengthOf(ring), layout);
  return layout;
}

function u32Field(u32: Uint32Array, byteOffset: number): number {
  return u32[byteOffset >>> 2]!;
}

/** A little-endian u64 field; values past 2^53 become Infinity (then rejected as out of bounds). */
function u64Field(u32: Uint32Array, byteOffset: number): number {
  const hi = u32[(byteOffset >>> 2) + 1]!;
  return hi >= 0x200000 ? Infinity : hi * 2 ** 32 + u32[byteOffset >>> 2]!;
}

function checkDataRegion(size: number, l: RingLayout): void {
  const nosva = (l.features & CONSTANTS.WD_FEAT_NOSVA) !== 0;
  if (l.dataBytes === 0) {
    if (nosva) throw layoutError('the queue is in no-SVA mode (WD_FEAT_NOSVA) but has no data region');
    return;
  }
  if (!nosva) throw layoutError(`data_bytes is ${l.dataBytes} on an SVA queue (WD_FEAT_NOSVA not granted)`);
  if (l.dataOffset % 64 !== 0 || l.dataOffset + l.dataBytes > size) {
    throw layoutError(`data region at ${l.dataOffset} (${l.dataBytes} bytes) is misaligned or does not fit a ${size}-byte region`, { dataOffset: l.dataOffset, dataBytes: l.dataBytes });
  }
  const ringEnd = Math.max(l.sqes + l.sqEntries * l.sqeSize, l.cqes + l.cqEntries * l.cqeSize);
  if (l.dataOffset < ringEnd) throw layoutError(`data region at ${l.dataOffset} overlaps the rings (which end at ${ringEnd})`);
}

function checkBounds(size: number, l: RingLayout, u32: Uint32Array): void {
  const words: Array<[string, number]> = [
    ['sq.head', l.sqHead], ['sq.tail', l.sqTail], ['sq.flags', l.sqFlags], ['sq.dropped', l.sqDropped],
    ['cq.head', l.cqHead], ['cq.tail', l.cqTail], ['cq.flags', l.cqFlags], ['cq.overflow', l.cqOverflow],
  ];
  for (const [name, off] of words) {
    if (off % 4 !== 0 || off + 4 > size) throw layoutError(`${name} offset ${off} is misaligned or outside the region`);
  }
  // ring_mask/ring_entries are offsets of words holding the values (io_uring
  // style); the device writes them before the queue is handed out.
  const sqMaskOff = u32Field(u32, OFFSETS['wd_ring_info.sq_off'] + OFFSETS['wd_sq_offsets.ring_mask']);
  const cqMaskOff = u32Field(u32, OFFSETS['wd_ring_info.cq_off'] + OFFSETS['wd_cq_offsets.ring_mask']);
  for (const [name, off] of [['sq.ring_mask', sqMaskOff], ['cq.ring_mask', cqMaskOff]] as const) {
    if (off % 4 !== 0 || off + 4 > size) throw layoutError(`${name} offset ${off} is misaligned or outside the region`);
  }
  const region = new Uint32Array(backingOf(u32));
  const sqMask = region[sqMaskOff >>> 2]!;
  const cqMask = region[cqMaskOff >>> 2]!;
  if (sqMask !== l.sqEntries - 1) throw layoutError(`sq ring_mask ${sqMask} does not match sq_entries ${l.sqEntries}`);
  if (cqMask !== l.cqEntries - 1) throw layoutError(`cq ring_mask ${cqMask} does not match cq_entries ${l.cqEntries}`);
  if (l.sqes % 8 !== 0 || l.sqes + l.sqEntries * l.sqeSize > size) {
    throw layoutError(`SQE array at ${l.sqes} (${l.sqEntries} × ${l.sqeSize}) does not fit a ${size}-byte region`);
  }
  if (l.cqes % 8 !== 0 || l.cqes + l.cqEntries * l.cqeSize > size) {
    throw layoutError(`CQE array at ${l.cqes} (${l.cqEntries} × ${l.cqeSize}) does not fit a ${size}-byte region`);
  }
}
