/**
 * SlotTable: the per-request state of the promise layer, indexed by a small
 * integer that travels as the low word of `user_data`.
 *
 * Parallel arrays and an integer free-list instead of a Map or an object per
 * request: nothing is allocated per operation except the caller's promise.
 * Each slot also keeps every buffer its SQE points at ("pins") until the CQE
 * is reaped, so neither the GC nor the caller can free memory the device is
 * still reading or writing. Referencing the JS object is not enough for
 * that: `ab.transfer()` or `structuredClone(ab, { transfer: [ab] })`
 * detaches a pinned buffer and moves its memory to a new ArrayBuffer that V8
 * frees once it is collected. So on an SVA queue a pin also takes a hold on
 * the ArrayBuffer's backing store itself (the addon's `createBackingHolds`:
 * one N-API call answers the address and takes the hold), dropped with the
 * slot — when the CQE is reaped, or when the closed queue's device reports
 * that no engine can touch user memory any more. A no-SVA queue needs no
 * hold: the device only reaches the data region, and the copies through it
 * (bounce.ts) notice a buffer detached meanwhile.
 *
 * Cost (pin + its share of the slot's release, a 4 KiB Uint8Array, two pins
 * per slot, fastest of 21 interleaved runs of 2*10^5 on a loaded 2-vCPU VM;
 * Node 20 / 22 / 24): 127 / 125 / 149 ns with only the JS reference, 153 /
 * 145 / 175 ns with the hold, i.e. about +25 ns per pinned buffer. Most of
 * it is V8's GetBackingStore (five atomic reference-count operations); the
 * bare native call is ~85 ns against ~22 ns for arrayBufferAddress.
 */
import type { BackingHolds } from '@warpdrive/native';
import type { PinFn } from './plugin.js';
import type { BoundOperation } from './registry.js';
import { addressOf, checkedByteLength, pinnableAddress } from './memory.js';
import { getNative } from './native.js';
import { backingOf, isResizable, offsetOf, type BufferInput } from './kit/intrinsics.js';
import { Bounce } from './bounce.js';
import type { DataRegion } from './data-region.js';

/** The addon's hold table for `size` slots, or undefined if it cannot hold backing stores. */
function createHolds(size: number): BackingHolds | undefined {
  const native = getNative();
  const holds = typeof native.createBackingHolds === 'function' && native.holdsBackingStores ? native.createBackingHolds(size) : undefined;
  if (holds?.holding) return holds;
  if (!warned) {
    warned = true;
    process.emitWarning(
      'this runtime cannot hold ArrayBuffer backing stores (the addon reports holdsBackingStores: false): a buffer detached while its request is in flight (transfer(), structuredClone with transfer) can be freed under the device; do not detach buffers you passed to warpdrive before the promise settles',
      { code: 'WARPDRIVE_NO_BACKING_HOLD', type: 'WarpdriveWarning' },
    );
  }
  return undefined;
}
let warned = false;

/**
 * {@link pinnableAddress} that also holds the backing store of an
 * ArrayBuffer for `slot` (the same checks and errors; one N-API call).
 */
function heldAddress(value: BufferInput, name: string, holds: BackingHolds, slot: number, held: Uint8Array): number {
  const length = checkedByteLength(value, name); // not a buffer, detached: typed errors
  const backing = backingOf(value);
  if (isResizable(backing)) return pinnableAddress(value, name); // throws its typed error
  if (length === 0) return 0;
  const base = holds.pin(backing as ArrayBuffer, slot);
  // A SharedArrayBuffer: no hold (its memory lives while any agent has it).
  if (base === undefined) return addressOf(value, name);
  held[slot] = 1; // a live, non-empty ArrayBuffer: the table holds it now
  return base + offsetOf(value);
}

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
  /** SVA queues: backing-store holds per slot (undefined without SVA or where the addon cannot hold). */
  private readonly holds: BackingHolds | undefined;
  /** 1 where the slot took a hold since it was acquired (release only those). */
  private readonly held: Uint8Array;

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
    const holds = (this.holds = bounce === undefined ? createHolds(size) : undefined);
    const held = (this.held = new Uint8Array(size));
    this.pin = bounce !== undefined
      ? (buffer, name = 'buffer', access = 'readwrite') => {
          pinnableAddress(buffer, name); // the same checks as with SVA
          this.pins[this.current]!.push(buffer);
          return bounce.place(this.current, buffer, access, name);
        }
      : holds === undefined
      ? (buffer, name = 'buffer') => {
          const address = pinnableAddress(buffer, name);
          this.pins[this.current]!.push(buffer);
          return address;
        }
      : (buffer, name = 'buffer') => {
          const slot = this.current;
          const address = heldAddress(buffer, name, holds, slot, held);
          this.pins[slot]!.push(buffer);
          return address;
        };
    this.executor = (resolve, reject) => {
      this.resolve[this.current] = resolve;
      this.reject[this.current] = reject;
    };
  }

  /** True if pins of this table hold backing stores (an SVA queue and an addon that can). */
  get holdsBackingStores(): boolean {
    return this.holds !== undefined;
  }

  /** Backing stores held for `slot` (tests). */
  holdCount(slot: number): number {
    return this.holds?.count(slot) ?? 0;
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
    if (this.held[slot] !== 0) {
      // Callers release a slot only once no engine can touch its memory.
      this.held[slot] = 0;
      this.holds!.release(slot);
    }
    this.bounce?.release(slot);
    this.free[this.top++] = slot;
  }
}
