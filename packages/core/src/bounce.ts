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
 */
import type { DataRegion, PinAccess } from './data-region.js';
import { WarpdriveError } from './errors.js';
import type { BufferInput } from './memory.js';

/** Thrown by place() when the region is full for now: the request waits. */
export const REGION_FULL: unique symbol = Symbol('warpdrive.regionFull');

const READ = 0;
const WRITE = 1;
const READWRITE = 2;
const ACCESS: Readonly<Record<PinAccess, number>> = { read: READ, write: WRITE, readwrite: READWRITE };

function bytesOf(buffer: BufferInput): Uint8Array {
  return ArrayBuffer.isView(buffer) ? new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength) : new Uint8Array(buffer);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

export class Bounce {
  /** Bytes copied into and out of the region so far. */
  bytesCopied = 0;
  private readonly views: Uint8Array[][];
  private readonly offsets: number[][];
  private readonly access: number[][];
  /** Extent lengths as placed (a view reads 0 once its buffer is detached). */
  private readonly lengths: number[][];
  private readonly slotBytes: Float64Array;
  private live = 0;

  constructor(private readonly region: DataRegion, slots: number) {
    this.views = Array.from({ length: slots }, () => []);
    this.offsets = Array.from({ length: slots }, () => []);
    this.access = Array.from({ length: slots }, () => []);
    this.lengths = Array.from({ length: slots }, () => []);
    this.slotBytes = new Float64Array(slots);
  }

  /**
   * Reserve region space for `buffer` (already validated by pin) and return
   * its offset for the SQE.
   * @throws REGION_FULL while other requests hold the space it needs;
   *   WarpdriveError `ERR_INVALID_ARGUMENT` if the request can never fit
   */
  place(slot: number, buffer: BufferInput, access: PinAccess, name: string): number {
    const view = bytesOf(buffer);
    const own = this.region.offsetOf(view);
    if (own >= 0) return own; // carved from the region: zero copy
    const length = view.byteLength;
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
    this.slotBytes[slot] = this.slotBytes[slot]! + length;
    this.live += length;
    return offset;
  }

  /** Copy the slot's buffers into the region (the encoder is done). */
  commit(slot: number): void {
    const views = this.views[slot]!;
    const offsets = this.offsets[slot]!;
    const bytes = this.region.bytes;
    for (let i = 0; i < views.length; i++) bytes.set(views[i]!, offsets[i]!); // pin checked them: none detached
    this.bytesCopied += this.slotBytes[slot]!;
  }

  /** Copy back what the device may have written (see the file comment). */
  copyOut(slot: number): void {
    const views = this.views[slot]!;
    if (views.length === 0) return;
    const offsets = this.offsets[slot]!;
    const access = this.access[slot]!;
    const bytes = this.region.bytes;
    const back: boolean[] = [];
    for (let i = 0; i < views.length; i++) {
      const v = views[i]!;
      const r = bytes.subarray(offsets[i]!, offsets[i]! + v.byteLength);
      back.push(access[i] === WRITE || (access[i] === READWRITE && !equal(r, v)));
    }
    for (let i = 0; i < views.length; i++) {
      const v = views[i]!;
      if (!back[i] || v.byteLength === 0) continue; // byteLength 0: detached meanwhile
      v.set(bytes.subarray(offsets[i]!, offsets[i]! + v.byteLength));
      this.bytesCopied += v.byteLength;
    }
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
    lengths.length = 0;
  }
}
