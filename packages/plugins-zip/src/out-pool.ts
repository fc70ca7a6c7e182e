/**
 * Output slabs for small results (Node's Buffer pool idea, per context).
 *
 * A fresh small Buffer per request costs an allocation and an address
 * lookup through the addon (a new backing store each time) — more than the
 * compression of a few KiB itself. Small outputs are carved instead from a
 * 256 KiB slab whose address is looked up once; the result is a subarray of
 * the slab (zero copy), which keeps the slab alive while it is referenced,
 * as Node's own 8 KiB pool does.
 */
import { backingOf, lengthOf, offsetOf } from '@warpdrive/core/plugin-kit';
import { ScratchPool } from './scratch-pool.js';

const SLAB = 256 * 1024;
/** Requests whose worst-case output is at most this use the slab. */
export const SLAB_MAX = 32 * 1024;
const ALIGN = 8;

/** A bump allocator over slabs. */
export class OutputPool {
  /** Scratch output of compress requests above SLAB_MAX (see scratch-pool.ts). */
  readonly large = new ScratchPool();
  private slab: Buffer = Buffer.allocUnsafe(0);
  private slabSize = 0;
  private used = 0;
  /**
   * Decompression output guess for inputs without a size field (zlib, raw,
   * gzip with an implausible ISIZE): output ≈ input × ratioHint; adapted by
   * oneshot.ts's learnRatio.
   */
  ratioHint = 8;

  /**
   * A region of exactly `size` bytes (≤ SLAB_MAX) for the device to write
   * into. The next region starts aligned, but the padding is not part of
   * this one: the region's length is the request's output capacity, and a
   * capacity rounded up would let a result pass maxOutputLength.
   */
  take(size: number): Buffer {
    if (this.used + aligned(size) > this.slabSize) {
      this.slab = Buffer.allocUnsafeSlow(SLAB);
      this.slabSize = SLAB;
      this.used = 0;
    }
    const region = this.slab.subarray(this.used, this.used + size);
    this.used += aligned(size);
    return region;
  }

  /**
   * Give back the unused tail of the region last taken (only valid when no
   * other region was taken since: the sync path and a just-completed inline
   * request).
   */
  trim(region: Buffer, keep: number): void {
    const start = offsetOf(region) - offsetOf(this.slab);
    const length = lengthOf(region);
    if (backingOf(region) === backingOf(this.slab) && start + aligned(length) === this.used) {
      this.used = start + aligned(Math.min(keep, length));
    }
  }
}

/** `size` rounded up so successive regions stay aligned. */
function aligned(size: number): number {
  return (size + ALIGN - 1) & ~(ALIGN - 1);
}
