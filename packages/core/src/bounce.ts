/**
 * Bounce buffers of a no-SVA queue: per request slot, the extents of the
 * data region (see data-region.ts) its pinned buffers were copied to.
 *
 * - `place` (from pin, while the encoder runs) reserves an extent and returns
 *   the offset the SQE must carry; nothing is copied yet, because encoders
 *   may still fill a buffer after pinning it (a parameter block).
 * - `commit` (after the encoder returned) copies every buffer in.
 * - `copyOut` (when the CQE is reaped, before the decoder runs) copies back
 *   what the device may have written: `write` buffers always, `readwrite`
 *   buffers only where the region now differs from the caller's buffer —
 *   decided for all of them before any is copied back, so an unchanged input
 *   that overlaps an output can never overwrite the output. `read` buffers
 *   are never copied back.
 * - `release` returns the extents.
 *
 * A buffer carved from the region itself is referenced in place (no copy).
 *
 * A caller may detach a pinned buffer (`transfer()`, `structuredClone(…,
 * { transfer })`) while its request waits or runs. The device never reaches
 * caller memory here, so that cannot corrupt anything; it only means a copy
 * has nowhere to go: `commit` refuses the request (ERR_BUFFER_DETACHED, the
 * encoder's user code detached it after pin) and `copyOut` answers the same
 * error for an output that was detached in flight, instead of dropping the
 * output silently or letting a TypeError of `set` escape.
 */
import type { DataRegion, PinAccess } from './data-region.js';
import { WarpdriveError } from './errors.js';
import type { BufferInput } from './memory.js';
import { FastBuffer, backingOf, isDetached, lengthOf, offsetOf } from './kit/intrinsics.js';
import { detachedError, viewOf } from './kit/bytes.js';

/** Thrown by place() when the region is full for now: the request waits. */
export const REGION_FULL: unique symbol = Symbol('warpdrive.regionFull');

const READ = 0;
const WRITE = 1;
const READWRITE = 2;
const ACCESS: Readonly<Record<PinAccess, number>> = { read: READ, write: WRITE, readwrite: READWRITE };

/** Core's own view over the bytes of `b` (lengths from the captured getters). */
function bufferOver(b: Uint8Array): Buffer {
  return new FastBuffer(backingOf(b), offsetOf(b), lengthOf(b));
}

/** True once the view no longer covers the `length` bytes it was placed with (detached meanwhile). */
function gone(view: Uint8Array, length: number): boolean {
  return lengthOf(view) !== length || isDetached(backingOf(view));
}

export class Bounce {
  /** Bytes copied into and out of the region so far. */
  bytesCopied = 0;
  private readonly views: Uint8Array[][];
  private readonly offsets: number[][];
  private readonly access: number[][];
  /** Extent lengths as placed (a view reads 0 once its buffer is detached). */
  private readonly lengths: number[][];
  /** Argument names, for the detached errors. */
  private readonly names: string[][];
  private readonly slotBytes: Float64Array;
  private live = 0;

  constructor(private readonly region: DataRegion, slots: number) {
    this.views = Array.from({ length: slots }, () => []);
    this.offsets = Array.from({ length: slots }, () => []);
    this.access = Array.from({ length: slots }, () => []);
    this.lengths = Array.from({ length: slots }, () => []);
    this.names = Array.from({ length: slots }, () => []);
    this.slotBytes = new Float64Array(slots);
  }

  /**
   * Reserve region space for `buffer` (already validated by pin) and return
   * its offset for the SQE.
   * @throws REGION_FULL while other requests hold the space it needs;
   *   WarpdriveError `ERR_INVALID_ARGUMENT` if the request can never fit
   */
  place(slot: number, buffer: BufferInput, access: PinAccess, name: string): number {
    const view = viewOf(buffer, name); // pin checked it: live, fixed-length
    const own = this.region.offsetOf(view);
    if (own >= 0) return own; // carved from the region: zero copy
    const length = lengthOf(view);
    if (length === 0) return 0;
    const kind = ACCESS[access];
    if (kind === undefined) {
      throw new WarpdriveError('ERR_PLUGIN', `pin access must be 'read', 'write' or 'readwrite', got ${String(access)}`, { details: { argument: 'access' } });
    }
    const offset = this.region.alloc(length);
    if (offset < 0) {
      const needed = this.slotBytes[slot]! + length;
      // Nothing else holds bounce space: waiting would never help.
      if (this.live === this.slotBytes[slot]) {
        throw new WarpdriveError('ERR_INVALID_ARGUMENT', `\`${name}\` needs ${needed} bytes of the queue's data region with the request's other buffers, but only ${this.region.capacity} can ever be free; open the context with a larger \`dataRegion\` or split the request`, {
          details: { argument: name, needed, regionBytes: this.region.size },
        });
      }
      throw REGION_FULL;
    }
    this.views[slot]!.push(view);
    this.offsets[slot]!.push(offset);
    this.access[slot]!.push(kind);
    this.lengths[slot]!.push(length);
    this.names[slot]!.push(name);
    this.slotBytes[slot] = this.slotBytes[slot]! + length;
    this.live += length;
    return offset;
  }

  /**
   * Copy the slot's buffers into the region (the encoder is done).
   * @throws WarpdriveError `ERR_BUFFER_DETACHED` if the encoder's user code
   *   (a getter) detached a buffer after it was pinned
   */
  commit(slot: number): void {
    const views = this.views[slot]!;
    const offsets = this.offsets[slot]!;
    const lengths = this.lengths[slot]!;
    const region = this.region.bytes;
    for (let i = 0; i < views.length; i++) {
      const v = views[i]!;
      if (gone(v, lengths[i]!)) throw detachedError(this.names[slot]![i]!);
      region.set(v, offsets[i]!);
    }
    this.bytesCopied += this.slotBytes[slot]!;
  }

  /**
   * Copy back what the device may have written (see the file comment).
   * @returns undefined, or `ERR_BUFFER_DETACHED` naming the first output
   *   (`write`/`readwrite`) buffer detached while the request was in flight:
   *   its bytes have nowhere to go (the other outputs are copied back)
   */
  copyOut(slot: number): WarpdriveError | undefined {
    const views = this.views[slot]!;
    if (views.length === 0) return undefined;
    const offsets = this.offsets[slot]!;
    const access = this.access[slot]!;
    const lengths = this.lengths[slot]!;
    const region = this.region.bytes;
    const extent = (i: number): Buffer => new FastBuffer(backingOf(region), offsetOf(region) + offsets[i]!, lengths[i]!);
    let error: WarpdriveError | undefined;
    const back: boolean[] = [];
    for (let i = 0; i < views.length; i++) {
      const v = views[i]!;
      if (access[i] === READ) {
        back.push(false);
      } else if (gone(v, lengths[i]!)) {
        error ??= detachedError(this.names[slot]![i]!);
        back.push(false);
      } else {
        back.push(access[i] === WRITE || !extent(i).equals(bufferOver(v)));
      }
    }
    for (let i = 0; i < views.length; i++) {
      if (!back[i] || lengths[i] === 0) continue;
      views[i]!.set(extent(i));
      this.bytesCopied += lengths[i]!;
    }
    return error;
  }

  /** Return the slot's extents to the region. */
  release(slot: number): void {
    const views = this.views[slot]!;
    if (views.length === 0) return;
    const offsets = this.offsets[slot]!;
    const lengths = this.lengths[slot]!;
    for (let i = 0; i < views.length; i++) this.region.free(offsets[i]!, lengths[i]!);
    this.live -= this.slotBytes[slot]!;
    this.slotBytes[slot] = 0;
    views.length = 0;
    offsets.length = 0;
    this.access[slot]!.length = 0;
    this.names[slot]!.length = 0;
    lengths.length = 0;
  }
}
