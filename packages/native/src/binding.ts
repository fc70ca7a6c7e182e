/**
 * Types of the compiled addon (`build/Release/warpdrive_native.node`).
 *
 * This file is the contract between the C++ addon and `@warpdrive/core`:
 * the addon implements exactly these shapes, core uses nothing else.
 */

/** Layout facts compiled from `driver/include/uapi/misc/wd_soft.h`. */
export interface AbiLayout {
  /** `WD_SOFT_API_V1`, the device api string. */
  readonly api: string;
  /** `sizeof` of every struct in the header, keyed by struct name (`wd_sqe`). */
  readonly sizes: Readonly<Record<string, number>>;
  /** `offsetof` of every field, keyed `struct.field` (`wd_sqe.user_data`). */
  readonly offsets: Readonly<Record<string, number>>;
  /** Every `#define`/enum constant of the header, keyed by its C name. */
  readonly constants: Readonly<Record<string, number>>;
  /** The errno values the device uses in `cqe.status` (positive), keyed by name (`EINVAL`). */
  readonly errno: Readonly<Record<string, number>>;
}

/** Options of {@link SoftDevice}. The addon re-validates them. */
export interface SoftDeviceOptions {
  /** Device worker threads, 1..256. */
  readonly workers: number;
  /**
   * How long (µs) an idle worker keeps polling a queue's SQ before it sets
   * `WD_SQ_NEED_WAKEUP` and sleeps. 0 disables polling. Default 50.
   */
  readonly spinMicros?: number;
}

/** Options of {@link SoftDevice.openQueue}. */
export interface SoftQueueOptions {
  /** SQ depth, a power of two in 1..WD_RING_MAX_ENTRIES. CQ depth is twice that. */
  readonly sqEntries: number;
  /**
   * Called on the opening thread's event loop (through `uv_poll` on the
   * queue's eventfd) when new CQEs may be in the CQ ring. Never re-entrant.
   */
  readonly onCompletion: () => void;
}

/** One queue of the in-process soft device. */
export interface SoftQueue {
  /**
   * The queue's ring region (the equivalent of uacce's DUS mapping):
   * `struct wd_ring_info` at offset 0, then the rings at the offsets it
   * names. External memory: never detached, stays valid while referenced.
   */
  readonly ring: ArrayBuffer;
  /** Wake the device after publishing `sq.tail` when `WD_SQ_NEED_WAKEUP` was set. */
  doorbell(): void;
  /**
   * Stop the queue. SQEs the device has not taken yet complete with
   * `-ECANCELED`; SQEs being executed finish. When no engine can touch user
   * memory any more, the addon calls `onCompletion` one last time (so the
   * final CQEs can be drained) and then `onClosed`, both on the loop.
   * A second call is a no-op.
   */
  close(onClosed: () => void): void;
  /** True once `close()` was called. */
  readonly closed: boolean;
  /**
   * Let the queue's completion watcher keep the event loop alive (the
   * default while open). Call when requests are in flight.
   */
  ref(): void;
  /**
   * Stop the completion watcher from keeping the event loop alive (an idle
   * open queue then does not hold the process open). Completions are still
   * delivered while the loop runs for other reasons.
   */
  unref(): void;
}

/** Options of {@link NativeBinding.openUacceQueue}. The addon re-validates them. */
export interface UacceQueueOptions {
  /** Device node, e.g. `/dev/wd_soft-0` (api `wd_soft_v1`). */
  readonly path: string;
  /**
   * Bytes to map of the DUS region: sysfs `region_dus_size`. uacce allows one
   * mapping per region and the ring size is only known once mapped, so the
   * whole region is mapped (pages past the rings are not backed).
   */
  readonly dusSize: number;
  /** SQ depth (`WD_SOFT_IOCTL_SET_QP`), a power of two in 1..WD_RING_MAX_ENTRIES. */
  readonly sqEntries: number;
  /**
   * How {@link UacceQueue.doorbell} wakes the driver: `'eventfd'` (default;
   * a `write()` to a kick eventfd registered with `WD_SOFT_IOCTL_SET_KICK`,
   * which does not take uacce's device-wide ioctl mutex) or `'ioctl'`
   * (`WD_SOFT_IOCTL_DOORBELL`).
   */
  readonly doorbell?: 'eventfd' | 'ioctl';
  /**
   * No-SVA mode: the size of the kernel-allocated data region (bytes, within
   * the device's limit), requested with `WD_FEAT_NOSVA` in SET_QP. SQE
   * addresses are then offsets into that region (`wd_ring_info.data_offset`
   * locates it in the ring mapping). 0 or absent: SVA mode.
   */
  readonly dataBytes?: number;
  /**
   * Called on the opening thread's event loop (through `uv_poll` on the
   * queue fd, readable while the CQ holds CQEs) when new CQEs may be in the
   * CQ ring. Never re-entrant.
   */
  readonly onCompletion: () => void;
}

/**
 * One queue of a uacce kernel device (`/dev/wd_soft-N`): the fd after
 * `SET_QP` (SVA), both regions mapped and `START_Q`. Same contract as
 * {@link SoftQueue}: `ring` is the DUS mapping (`struct wd_ring_info` at
 * offset 0); `close()` issues `PUT_Q` (the driver's worker is stopped when it
 * returns, SQEs it had not run complete with `-ECANCELED`), then on the loop
 * calls `onCompletion` one last time, unmaps, closes the fds and calls
 * `onClosed`. After that `ring` stays readable as zeroed memory (the device
 * pages are swapped for anonymous ones, so the kernel queue is freed at
 * close, not when the ArrayBuffer is collected).
 */
export interface UacceQueue extends SoftQueue {
  /** The doorbell in use. */
  readonly doorbellKind: 'eventfd' | 'ioctl';
}

/** A soft-device engine library loaded by {@link SoftDevice.loadEngine}. */
export interface EngineInfo {
  readonly name: string;
  readonly firstOpcode: number;
  readonly lastOpcode: number;
}

/** The in-process soft device: a pool of worker threads serving many queues. */
export interface SoftDevice {
  readonly workers: number;
  /** Opcodes with an engine (built-in NOP/COPY/CRC32 plus loaded ones). */
  readonly opcodes: readonly number[];
  /** SVA mode only: `WD_FEAT_*` bits this device reports. */
  readonly features: number;
  openQueue(options: SoftQueueOptions): SoftQueue;
  /**
   * dlopen() `library` and call `symbol` (a `wd_engine_get_fn`, see
   * `include/warpdrive/engine.h`) to register its engine for its opcode
   * range. Throws if the range overlaps an engine already registered.
   */
  loadEngine(library: string, symbol: string): EngineInfo;
  /**
   * Run one SQE synchronously on the calling thread (the device's inline
   * path) and write its CQE. `sqe` must be `wd_sqe` bytes, `cqe` `wd_cqe` bytes.
   */
  execute(sqe: Uint8Array, cqe: Uint8Array): void;
  /** Close every queue (as SoftQueue.close) and join the workers once they are idle. */
  close(): void;
  readonly closed: boolean;
}

export interface SoftDeviceConstructor {
  new (options: SoftDeviceOptions): SoftDevice;
}

/**
 * Per-queue holds on ArrayBuffer backing stores: what keeps the memory of
 * a queued request's buffers alive until its CQE is reaped, whatever
 * happens to the JS objects. Holding the ArrayBuffer object is not enough:
 * `ab.transfer()` or `structuredClone(ab, { transfer: [ab] })` detaches it
 * and moves its memory to a new ArrayBuffer, which V8 frees as soon as that
 * one is collected. A hold is V8's own shared owner of the backing store.
 * Use only on the thread (env) that created the table.
 */
export interface BackingHolds {
  /** {@link NativeBinding.holdsBackingStores} when the table was made. */
  readonly holding: boolean;
  /**
   * The base address of `buffer` as a Number, as
   * {@link NativeBinding.arrayBufferAddress} gives it, after holding its
   * backing store for `slot` (one N-API call for both). 0 and no hold for
   * a detached or empty ArrayBuffer; undefined (no hold) for anything that
   * is not an ArrayBuffer, a SharedArrayBuffer included (its memory lives
   * while any agent references it). RangeError for a slot outside the table.
   */
  pin(buffer: ArrayBuffer, slot: number): number | undefined;
  /** Drop every hold of `slot`: call once no engine can touch its memory (CQE reaped, or the queue quiescent). */
  release(slot: number): void;
  /** Holds of `slot` (tests). */
  count(slot: number): number;
}

/** Everything the addon exports. */
export interface NativeBinding {
  readonly abi: AbiLayout;
  /**
   * Virtual address of the first byte of `view` (plus `view.byteOffset`).
   * Throws a TypeError for a detached buffer.
   */
  addressOf(view: ArrayBufferView | ArrayBuffer): bigint;
  /**
   * Base address of an ArrayBuffer as a number (0 when detached); undefined
   * for anything else. A SharedArrayBuffer gives its address on Node
   * versions whose Node-API reads them (22+) and undefined on Node 20. The
   * cheap per-request form of {@link addressOf}.
   */
  arrayBufferAddress(buffer: unknown): number | undefined;
  /**
   * True if this process can keep ArrayBuffer backing stores alive
   * ({@link BackingHolds}): node exports V8's
   * `v8::ArrayBuffer::GetBackingStore` (Node 20, 22 and 24 on Linux do) and
   * it passed the addon's load-time self-check. False on a host without the
   * symbol (or with `WARPDRIVE_NO_BACKING_HOLD=1`): pins then only reference
   * the JS objects, and a buffer detached while its request is in flight
   * (`transfer()`, `structuredClone(…, { transfer })`) can be freed under
   * the device.
   */
  readonly holdsBackingStores: boolean;
  /**
   * A table of backing-store holds with `slots` slots (1..65536), one per
   * request a queue can have in flight. See {@link BackingHolds}.
   */
  createBackingHolds(slots: number): BackingHolds;
  /** Number of CPUs the process may run on (sched_getaffinity). */
  availableCpus(): number;
  readonly SoftDevice: SoftDeviceConstructor;
  /**
   * Open a queue of a uacce kernel device. Throws an Error whose message
   * names the failing step (`open /dev/wd_soft-0: Permission denied`,
   * `WD_SOFT_IOCTL_SET_QP: ...`) and whose `errno` property is the errno.
   */
  openUacceQueue(options: UacceQueueOptions): UacceQueue;
  /** Counters for leak tests: live soft devices, queues (soft and uacce), worker threads, open fds (eventfds, uacce queue fds). */
  resources(): { devices: number; queues: number; threads: number; fds: number };
  /** Absolute path of the loaded .node file. */
  readonly path: string;
}
