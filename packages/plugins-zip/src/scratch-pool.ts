/**
 * Reused output space for large compress requests.
 *
 * A compress request must offer the device the worst-case output size
 * (input + a little), but kernel text compresses 3–4×: handing the caller
 * a view of that fresh worst-case buffer keeps 3–4× the result's bytes
 * alive and makes V8 collect after every ~64 MB of them (its external-
 * memory trigger). Measured at 64 KiB requests, that garbage cost as much
 * CPU as the JS side of the request itself. Instead the device writes into
 * a pooled scratch buffer (hot in cache, its address cached by core), and
 * the result is copied into a Buffer of exactly the produced size. When the
 * output is more than half the scratch (incompressible data), the scratch
 * itself becomes the result and the pool allocates a new one later.
 */
import { lengthOf } from '@warpdrive/core/plugin-kit';

const GRAIN = 64 * 1024;
const MAX_CLASS = 8 * 1024 * 1024;
/** Scratch buffers kept per size class (a window of requests in flight). */
const KEEP = 16;
/** Bytes the pool may keep in all (per context). */
const KEEP_BYTES = 32 * 1024 * 1024;

/** Size classes: multiples of 64 KiB (a workload's requests are usually one size). */
function classOf(size: number): number {
  return Math.ceil(size / GRAIN) * GRAIN;
}

export class ScratchPool {
  private readonly free = new Map<number, Buffer[]>();
  private kept = 0;

  /** Does a request needing `size` output bytes use the pool? */
  static covers(size: number): boolean {
    return size <= MAX_CLASS;
  }

  /** A buffer of at least `size` bytes (the device may write all of it). */
  take(size: number): Buffer {
    const c = classOf(size);
    const reused = this.free.get(c)?.pop();
    if (reused === undefined) return Buffer.allocUnsafeSlow(c);
    this.kept -= c;
    return reused;
  }

  /**
   * The result of a request that wrote `produced` bytes into `scratch`
   * (taken from this pool and no longer in use by the device).
   */
  finish(scratch: Buffer, produced: number): Buffer {
    // Past `produced` such a scratch may still hold an earlier result of this
    // context, as a Buffer.allocUnsafe() may hold any old bytes.
    if (produced * 2 > lengthOf(scratch)) return scratch.subarray(0, produced);
    const out = Buffer.allocUnsafe(produced);
    scratch.copy(out, 0, 0, produced);
    this.give(scratch);
    return out;
  }

  /** Return an unused scratch (e.g. after a failed request the device is done with). */
  give(scratch: Buffer): void {
    const c = lengthOf(scratch);
    let list = this.free.get(c);
    if (list === undefined) this.free.set(c, (list = []));
    if (list.length < KEEP && this.kept + c <= KEEP_BYTES) {
      list.push(scratch);
      this.kept += c;
    }
  }
}
