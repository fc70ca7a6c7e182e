/**
 * SlotTable: the per-request state of the promise layer, indexed by a small
 * integer that travels as the low word of `user_data`.
 *
 * Parallel arrays and an integer free-list instead of a Map or an object per
 * request: nothing is allocated per operation except the caller's promise.
 * Each slot also holds strong references to every buffer its SQE points at
 * ("pins") until the CQE is reaped, so the GC cannot free memory the device
 * is still reading or writing.
 */
import type { PinFn } from './plugin.js';
import type { BoundOperation } from './registry.js';
import { pinnableAddress } from './memory.js';
import { Bounce } from './bounce.js';
import type { DataRegion } from './data-region.js';

type Settle = (value: unknown) => void;

/** Per-request state of one queue. */
export class SlotTable {
  /** Number of slots (the queue's in-flight limit). */
  readonly size: number;
  readonly op: (BoundOperation | undefined)[];
  readonly request: unknown[];
  readonly resolve: (Settle | undefined)[];
  readonly reject: (Settle | undefined)[];
  readonly pins: unknown[][];
  private readonly free: Int32Array;
  private top: number;
  /** Slot that `pin` attaches buffers to (set before calling an encoder). */
  current = 0;
  /** Pins a buffer to the current slot and returns its address; handed to encoders. */
  readonly pin: PinFn;
  /** Promise executor storing resolve/reject of the current slot (one closure per table, not per request). */
  readonly executor: (resolve: Settle, reject: Settle) => void;
  /** No-SVA queues: the copies through the data region (undefined with SVA). */
  readonly bounce: Bounce | undefined;

  constructor(size: number, region?: DataRegion) {
    this.size = size;
    this.op = new Array(size).fill(undefined);
    this.request = new Array(size).fill(undefined);
    this.resolve = new Array(size).fill(undefined);
    this.reject = new Array(size).fill(undefined);
    this.pins = Array.from({ length: size }, () => []);
    this.free = new Int32Array(size);
    for (let i = 0; i < size; i++) this.free[i] = size - 1 - i;
    this.top = size;
    const bounce = (this.bounce = region === undefined ? undefined : new Bounce(region, size));
    this.pin = bounce === undefined
      ? (buffer, name = 'buffer') => {
          const address = pinnableAddress(buffer, name);
          this.pins[this.current]!.push(buffer);
          return address;
        }
      : (buffer, name = 'buffer', access = 'readwrite') => {
          pinnableAddress(buffer, name); // the same checks as with SVA
          this.pins[this.current]!.push(buffer);
          return bounce.place(this.current, buffer, access, name);
        };
    this.executor = (resolve, reject) => {
      this.resolve[this.current] = resolve;
      this.reject[this.current] = reject;
    };
  }

  /** Slots in use. */
  get used(): number {
    return this.size - this.top;
  }
  /** Take a free slot and make it current; -1 if none. */
  acquire(): number {
    if (this.top === 0) return -1;
    const slot = this.free[--this.top]!;
    this.current = slot;
    return slot;
  }
  /** True if `slot` is a live request of this table. */
  isLive(slot: number): boolean {
    return slot < this.size && this.op[slot] !== undefined;
  }
  /** Forget the request in `slot`, drop its pins and return it to the free list. */
  release(slot: number): void {
    this.op[slot] = undefined;
    this.request[slot] = undefined;
    this.resolve[slot] = undefined;
    this.reject[slot] = undefined;
    const pins = this.pins[slot]!;
    if (pins.length !== 0) pins.length = 0;
    this.bounce?.release(slot);
    this.free[this.top++] = slot;
  }
}
