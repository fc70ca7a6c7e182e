/**
 * The data region of a no-SVA queue: the part of the queue's DUS mapping the
 * kernel allocated and vetted for device access. On such a queue SQE
 * addresses are offsets into this region, never process addresses, so every
 * buffer a request references is either carved from the region (zero copy,
 * {@link DataRegion.allocBuffer}) or bounced through it (copied in before the
 * SQE is published and, if the device may have written it, copied back
 * before the decoder runs).
 *
 * The allocator is first-fit over a sorted free list of 64-byte-aligned
 * extents, coalesced on free: requests are few and short-lived, so
 * simplicity beats cleverness here. The first 64 bytes are never handed
 * out, so no buffer sits at offset 0 (the no-SVA spelling of NULL).
 */
import { WarpdriveError } from './errors.js';
import { FastBuffer, backingOf, isBufferInput, lengthOf, offsetOf, type BufferInput } from './kit/intrinsics.js';

const ALIGN = 64;

/** How an encoder lets the device use a pinned buffer (no-SVA copies follow it). */
export type PinAccess = 'read' | 'write' | 'readwrite';

const roundUp = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

export class DataRegion {
  /** The region's bytes (a view of the queue's DUS mapping). */
  readonly bytes: Uint8Array;
  /** Region size in bytes. */
  readonly size: number;
  /** Bytes handed out by allocBuffer and not yet freed. */
  private userBytes = 0;
  /** Sorted, disjoint, non-adjacent free extents [offset, end). */
  private readonly freeStart: number[] = [];
  private readonly freeEnd: number[] = [];
  /** Offsets and sizes of live allocBuffer() buffers, by their first byte. */
  private readonly userExtents = new Map<number, number>();

  constructor(ring: ArrayBuffer, offset: number, size: number) {
    this.bytes = new Uint8Array(ring, offset, size);
    this.size = size;
    // Offset 0 is never handed out: engines may then read an address of 0
    // as "no buffer" (as NULL with SVA) in both modes.
    this.freeStart.push(ALIGN);
    this.freeEnd.push(size - (size % ALIGN));
  }

  /** Bytes currently free (maybe fragmented). */
  get freeBytes(): number {
    let n = 0;
    for (let i = 0; i < this.freeStart.length; i++) n += this.freeEnd[i]! - this.freeStart[i]!;
    return n;
  }

  /** Largest single request the region can ever hold next to the caller's own buffers. */
  get capacity(): number {
    return this.size - (this.size % ALIGN) - ALIGN - this.userBytes;
  }

  /**
   * Reserve `length` bytes; returns the offset or -1 if no free extent is
   * large enough right now. A zero length takes no space (offset 0).
   */
  alloc(length: number): number {
    if (length === 0) return 0;
    const need = roundUp(length);
    for (let i = 0; i < this.freeStart.length; i++) {
      const start = this.freeStart[i]!;
      if (this.freeEnd[i]! - start < need) continue;
      if (this.freeEnd[i]! - start === need) {
        this.freeStart.splice(i, 1);
        this.freeEnd.splice(i, 1);
      } else {
        this.freeStart[i] = start + need;
      }
      return start;
    }
    return -1;
  }

  /** Return an extent obtained from {@link DataRegion.alloc}. */
  free(offset: number, length: number): void {
    if (length === 0) return;
    const end = offset + roundUp(length);
    let i = 0;
    while (i < this.freeStart.length && this.freeStart[i]! < offset) i++;
    const joinsPrev = i > 0 && this.freeEnd[i - 1] === offset;
    const joinsNext = i < this.freeStart.length && this.freeStart[i] === end;
    if (joinsPrev && joinsNext) {
      this.freeEnd[i - 1] = this.freeEnd[i]!;
      this.freeStart.splice(i, 1);
      this.freeEnd.splice(i, 1);
    } else if (joinsPrev) {
      this.freeEnd[i - 1] = end;
    } else if (joinsNext) {
      this.freeStart[i] = offset;
    } else {
      this.freeStart.splice(i, 0, offset);
      this.freeEnd.splice(i, 0, end);
    }
  }

  /**
   * A Buffer carved from the region: requests that reference it on this
   * queue are not copied. Free it with {@link DataRegion.freeBuffer}.
   * @throws WarpdriveError `ERR_INVALID_ARGUMENT` for a bad size,
   *   `ERR_DEVICE_NO_MEMORY` if no free extent is large enough
   */
  allocBuffer(size: number): Buffer {
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new WarpdriveError('ERR_INVALID_ARGUMENT', `\`size\` must be a positive integer, got ${String(size)}`, { details: { argument: 'size' } });
    }
    const offset = this.alloc(size);
    if (offset < 0) {
      throw new WarpdriveError('ERR_DEVICE_NO_MEMORY', `the queue's data region has no free extent of ${size} bytes (${this.freeBytes} of ${this.size} bytes free)`, {
        details: { argument: 'size', size, free: this.freeBytes, regionBytes: this.size },
      });
    }
    this.userExtents.set(offset, size);
    this.userBytes += roundUp(size);
    return new FastBuffer(backingOf(this.bytes), offsetOf(this.bytes) + offset, size);
  }

  /**
   * Give back a buffer from {@link DataRegion.allocBuffer}. It must not be
   * referenced by a request in flight; using it afterwards reads or
   * corrupts other requests' data.
   * @throws WarpdriveError `ERR_INVALID_ARGUMENT` if `buffer` is not a live
   *   buffer of this region (or is a sub-view of one)
   */
  freeBuffer(buffer: Buffer): void {
    const offset = isBufferInput(buffer) ? this.offsetOf(buffer) : -1;
    const size = offset < 0 ? undefined : this.userExtents.get(offset);
    if (size === undefined || size !== lengthOf(buffer)) {
      throw new WarpdriveError('ERR_INVALID_ARGUMENT', '`buffer` must be a live buffer returned by allocBuffer() of this queue', { details: { argument: 'buffer' } });
    }
    this.userExtents.delete(offset);
    this.userBytes -= roundUp(size);
    this.free(offset, size);
  }

  /** Offset of `view` inside the region, or -1 if it is not region memory. */
  offsetOf(view: BufferInput): number {
    if (backingOf(view) !== backingOf(this.bytes)) return -1;
    const offset = offsetOf(view) - offsetOf(this.bytes);
    return offset >= 0 && offset + lengthOf(view) <= this.size ? offset : -1;
  }
}
