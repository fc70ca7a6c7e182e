/**
 * BufferPool: page-aligned, reusable Buffers for hot paths.
 *
 * On SVA hardware page faults dominate throughput, so the pool prefaults its
 * buffers once and hands the same pages out again instead of letting every
 * request fault fresh memory in.
 */
import { WarpdriveError } from './errors.js';
import { addressOf } from './memory.js';
import { bufferPoolOptionsSchema, parseOptions } from './validate.js';

/** Page size the pool aligns to. */
export const PAGE_SIZE = 4096;

/** Options of {@link BufferPool}. */
export interface BufferPoolOptions {
  /** Bytes of every buffer handed out (1..2^31). */
  readonly bufferSize: number;
  /** Most released buffers kept for reuse; more are dropped to the GC. Default 64. */
  readonly maxPooled?: number;
  /** Touch every page on allocation so first use does not fault. Default true. */
  readonly prefault?: boolean;
}

/** A pool of page-aligned Buffers of one size. */
export class BufferPool {
  /** Size of every buffer. */
  readonly bufferSize: number;
  /** Most released buffers kept. */
  readonly maxPooled: number;
  private readonly prefault: boolean;
  private readonly free: Buffer[] = [];
  // Buffers this pool created, and whether they are currently handed out.
  private readonly owned = new WeakMap<Buffer, { out: boolean }>();
  private allocatedCount = 0;

  /**
   * @param options - see {@link BufferPoolOptions}
   * @throws WarpdriveError `ERR_INVALID_ARGUMENT` naming the bad option
   */
  constructor(options: BufferPoolOptions) {
    const o = parseOptions(bufferPoolOptionsSchema, options, 'options');
    this.bufferSize = o.bufferSize;
    this.maxPooled = o.maxPooled;
    this.prefault = o.prefault;
  }

  /** Buffers allocated by this pool so far. */
  get allocated(): number {
    return this.allocatedCount;
  }
  /** Released buffers waiting for reuse. */
  get pooled(): number {
    return this.free.length;
  }

  /**
   * A page-aligned Buffer of `bufferSize` bytes (contents unspecified).
   * @throws WarpdriveError `ERR_NATIVE_UNAVAILABLE` if the addon is missing
   */
  acquire(): Buffer {
    const buf = this.free.pop() ?? this.allocate();
    this.owned.get(buf)!.out = true;
    return buf;
  }

  /**
   * Give `buffer` back. It must not be used (or be in flight) afterwards.
   * @throws WarpdriveError `ERR_INVALID_ARGUMENT` if `buffer` is not from this
   *   pool or was already released
   */
  release(buffer: Buffer): void {
    const state = this.owned.get(buffer);
    if (state === undefined || !state.out) {
      throw new WarpdriveError(
        'ERR_INVALID_ARGUMENT',
        state === undefined ? '`buffer` was not acquired from this pool' : '`buffer` was already released',
        { details: { argument: 'buffer' } },
      );
    }
    state.out = false;
    if (this.free.length < this.maxPooled) this.free.push(buffer);
  }

  private allocate(): Buffer {
    // Over-allocate by one page and carve an aligned view out of the slab.
    const slab = Buffer.allocUnsafeSlow(Math.max(this.bufferSize + PAGE_SIZE, PAGE_SIZE));
    const misalign = addressOf(slab, 'slab') % PAGE_SIZE;
    const start = misalign === 0 ? 0 : PAGE_SIZE - misalign;
    const buf = slab.subarray(start, start + this.bufferSize);
    if (this.prefault) buf.fill(0);
    this.owned.set(buf, { out: false });
    this.allocatedCount++;
    return buf;
  }
}
