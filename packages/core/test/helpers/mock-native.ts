/**
 * A pure-JS stand-in for @warpdrive/native used by unit tests of the queue
 * logic (vi.mock). It lays out the ring like a device would (own offsets,
 * deliberately different from the addon's, so hard-coded layouts fail),
 * consumes the SQ on a macrotask when the doorbell rings and executes
 * NOP/COPY/CRC32 against fake "addresses" that map back to ArrayBuffers.
 */
import { crc32 } from 'node:zlib';
import { CONSTANTS, ERRNO, OFFSETS, SIZES } from '../../src/abi.js';

const TWO_32 = 2 ** 32;
const buffers = new Map<number, ArrayBuffer>();
const ids = new WeakMap<ArrayBuffer, number>();
let nextId = 1;

export const mockState = {
  queues: 0,
  devices: 0,
  doorbells: 0,
  /** When true the device never sets NEED_WAKEUP and polls on its own. */
  polling: false,
  /** Hold completions until release() (to keep requests in flight). */
  hold: false,
  release: [] as Array<() => void>,
  refCalls: 0,
  unrefCalls: 0,
  /** > 0: queues opened from now on are no-SVA with a data region this large. */
  dataBytes: 0,
  /** src/dst fields of the SQEs executed (addresses or region offsets). */
  addresses: [] as number[],
  /** Backing-store holds alive (createBackingHolds tables). */
  holds: 0,
};

function addressOf(view: ArrayBufferView | ArrayBuffer): bigint {
  const ab = ArrayBuffer.isView(view) ? (view.buffer as ArrayBuffer) : view;
  let id = ids.get(ab);
  if (id === undefined) {
    id = nextId++;
    ids.set(ab, id);
    buffers.set(id, ab);
  }
  return BigInt(id) * 2n ** 32n + BigInt(ArrayBuffer.isView(view) ? view.byteOffset : 0);
}

function resolveAddress(addr: number, len: number): Uint8Array | null {
  const ab = buffers.get(Math.floor(addr / TWO_32));
  const off = addr % TWO_32;
  if (ab === undefined || off + len > ab.byteLength) return null;
  return new Uint8Array(ab, off, len);
}

class MockQueue {
  readonly ring: ArrayBuffer;
  private readonly data: Uint8Array | null;
  closed = false;
  private readonly u32: Uint32Array;
  private readonly l: Record<'sqHead' | 'sqTail' | 'sqFlags' | 'sqMask' | 'sqEntriesOff' | 'sqDropped' | 'cqHead' | 'cqTail' | 'cqFlags' | 'cqMask' | 'cqEntriesOff' | 'cqOverflow' | 'sqes' | 'cqes', number>;
  private scheduled = false;
  constructor(sqEntries: number, private readonly onCompletion: () => void) {
    const cqEntries = sqEntries * 2;
    // Layout: info, then padding, indices 64 bytes apart, then SQEs, then CQEs.
    const base = 256;
    const l = {
      sqHead: base + 64, sqTail: base + 128, sqFlags: base + 192, sqMask: base, sqEntriesOff: base + 4, sqDropped: base + 8,
      cqHead: base + 256, cqTail: base + 320, cqFlags: base + 12, cqMask: base + 16, cqEntriesOff: base + 20, cqOverflow: base + 24,
      sqes: base + 384,
      cqes: 0,
    };
    l.cqes = l.sqes + sqEntries * SIZES.wd_sqe;
    this.l = l;
    const ringEnd = l.cqes + cqEntries * SIZES.wd_cqe;
    const dataOffset = Math.ceil(ringEnd / 4096) * 4096;
    const dataBytes = mockState.dataBytes;
    this.ring = new ArrayBuffer(dataBytes > 0 ? dataOffset + dataBytes : ringEnd);
    this.data = dataBytes > 0 ? new Uint8Array(this.ring, dataOffset, dataBytes) : null;
    const u32 = (this.u32 = new Uint32Array(this.ring));
    const put = (off: number, v: number) => (u32[off >>> 2] = v);
    put(OFFSETS['wd_ring_info.magic'], CONSTANTS.WD_RING_MAGIC);
    put(OFFSETS['wd_ring_info.version'], CONSTANTS.WD_RING_VERSION);
    put(OFFSETS['wd_ring_info.features'], (dataBytes > 0 ? CONSTANTS.WD_FEAT_NOSVA : CONSTANTS.WD_FEAT_SVA) | CONSTANTS.WD_FEAT_NEED_WAKEUP);
    if (dataBytes > 0) {
      put(OFFSETS['wd_ring_info.data_offset'], dataOffset);
      put(OFFSETS['wd_ring_info.data_bytes'], dataBytes);
    }
    put(OFFSETS['wd_ring_info.info_size'], SIZES.wd_ring_info);
    put(OFFSETS['wd_ring_info.sqe_size'], SIZES.wd_sqe);
    put(OFFSETS['wd_ring_info.cqe_size'], SIZES.wd_cqe);
    put(OFFSETS['wd_ring_info.sq_entries'], sqEntries);
    put(OFFSETS['wd_ring_info.cq_entries'], cqEntries);
    const sq = OFFSETS['wd_ring_info.sq_off'];
    const cq = OFFSETS['wd_ring_info.cq_off'];
    put(sq + OFFSETS['wd_sq_offsets.head'], l.sqHead);
    put(sq + OFFSETS['wd_sq_offsets.tail'], l.sqTail);
    put(sq + OFFSETS['wd_sq_offsets.ring_mask'], l.sqMask);
    put(sq + OFFSETS['wd_sq_offsets.ring_entries'], l.sqEntriesOff);
    put(sq + OFFSETS['wd_sq_offsets.flags'], l.sqFlags);
    put(sq + OFFSETS['wd_sq_offsets.dropped'], l.sqDropped);
    put(sq + OFFSETS['wd_sq_offsets.sqes'], l.sqes);
    put(cq + OFFSETS['wd_cq_offsets.head'], l.cqHead);
    put(cq + OFFSETS['wd_cq_offsets.tail'], l.cqTail);
    put(cq + OFFSETS['wd_cq_offsets.ring_mask'], l.cqMask);
    put(cq + OFFSETS['wd_cq_offsets.ring_entries'], l.cqEntriesOff);
    put(cq + OFFSETS['wd_cq_offsets.flags'], l.cqFlags);
    put(cq + OFFSETS['wd_cq_offsets.overflow'], l.cqOverflow);
    put(cq + OFFSETS['wd_cq_offsets.cqes'], l.cqes);
    put(l.sqMask, sqEntries - 1);
    put(l.sqEntriesOff, sqEntries);
    put(l.cqMask, cqEntries - 1);
    put(l.cqEntriesOff, cqEntries);
    // Start the free-running indices near 2^32 so wrap-around of the counters is exercised too.
    const start = 0xffffffff - 5;
    for (const off of [l.sqHead, l.sqTail, l.cqHead, l.cqTail]) put(off, start);
    put(l.sqFlags, mockState.polling ? 0 : CONSTANTS.WD_SQ_NEED_WAKEUP);
    mockState.queues++;
    if (mockState.polling) this.schedule();
  }
  ref(): void {
    mockState.refCalls++;
  }
  unref(): void {
    mockState.unrefCalls++;
  }
  doorbell(): void {
    mockState.doorbells++;
    this.schedule();
  }
  close(onClosed: () => void): void {
    if (this.closed) return;
    this.closed = true;
    setImmediate(() => {
      this.process(true);
      this.onCompletion();
      mockState.queues--;
      onClosed();
    });
  }
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.closed) return;
      if (mockState.hold) {
        mockState.release.push(() => this.schedule());
        return;
      }
      this.process(false);
      this.onCompletion();
      if (mockState.polling) setTimeout(() => this.schedule(), 0);
    });
  }
  private process(cancel: boolean): void {
    const u32 = this.u32;
    const l = this.l;
    const sqMask = u32[l.sqMask >>> 2]!;
    const cqMask = u32[l.cqMask >>> 2]!;
    const cqEntries = cqMask + 1;
    let head = Atomics.load(u32, l.sqHead >>> 2);
    const tail = Atomics.load(u32, l.sqTail >>> 2);
    while (head !== tail) {
      const cqTail = Atomics.load(u32, l.cqTail >>> 2);
      if (((cqTail - Atomics.load(u32, l.cqHead >>> 2)) >>> 0) >= cqEntries) {
        Atomics.store(u32, l.cqOverflow >>> 2, 1); // a correct user never lets this happen
        break;
      }
      const s = (l.sqes + (head & sqMask) * SIZES.wd_sqe) >>> 2;
      const c = (l.cqes + (cqTail & cqMask) * SIZES.wd_cqe) >>> 2;
      const sqe = u32.slice(s, s + SIZES.wd_sqe / 4);
      const cqe = new Uint32Array(this.ring, c * 4, SIZES.wd_cqe / 4);
      cqe.fill(0);
      cqe[0] = sqe[2]!;
      cqe[1] = sqe[3]!;
      const status = cancel ? -ERRNO.ECANCELED : this.execute(sqe, cqe);
      new Int32Array(this.ring, c * 4, 8)[2] = status;
      head = (head + 1) >>> 0;
      Atomics.store(u32, l.sqHead >>> 2, head);
      Atomics.store(u32, l.cqTail >>> 2, (cqTail + 1) >>> 0);
    }
  }
  private execute(sqe: Uint32Array, cqe: Uint32Array): number {
    const opcode = sqe[0]! & 0xff;
    const src = sqe[4]! + sqe[5]! * TWO_32;
    const dst = sqe[6]! + sqe[7]! * TWO_32;
    const srcLen = sqe[8]!;
    const dstLen = sqe[9]!;
    if ((sqe[0]! >>> 16) !== 0) return -ERRNO.EINVAL;
    mockState.addresses.push(src, dst);
    // No-SVA: addresses are offsets into the data region, bounds-checked.
    const data = this.data;
    const resolve = data === null ? resolveAddress : (a: number, n: number) => (a + n <= data.byteLength ? data.subarray(a, a + n) : null);
    switch (opcode) {
      case CONSTANTS.WD_OP_NOP:
        return 0;
      case CONSTANTS.WD_OP_COPY: {
        if (dstLen < srcLen) return -ERRNO.ENOSPC;
        const s = resolve(src, srcLen);
        const d = resolve(dst, dstLen);
        if (s === null || d === null) return -ERRNO.EFAULT;
        d.set(s);
        cqe[4] = srcLen;
        cqe[5] = srcLen;
        return 0;
      }
      case CONSTANTS.WD_OP_CRC32: {
        const s = resolve(src, srcLen);
        if (s === null) return -ERRNO.EFAULT;
        cqe[4] = srcLen;
        cqe[6] = crc32(s, sqe[15]!);
        return 0;
      }
      default:
        return -ERRNO.EOPNOTSUPP;
    }
  }
}

class MockDevice {
  readonly workers: number;
  readonly opcodes = [0, 1, 2];
  readonly features = CONSTANTS.WD_FEAT_SVA | CONSTANTS.WD_FEAT_NEED_WAKEUP;
  closed = false;
  private readonly queues: MockQueue[] = [];
  constructor(options: { workers: number }) {
    this.workers = options.workers;
    mockState.devices++;
  }
  openQueue(options: { sqEntries: number; onCompletion: () => void }): MockQueue {
    const q = new MockQueue(options.sqEntries, options.onCompletion);
    this.queues.push(q);
    return q;
  }
  loadEngine(library: string, symbol: string): never {
    throw new Error(`mock device cannot load ${symbol} from ${library}`);
  }
  execute(): void {}
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const q of this.queues) q.close(() => {});
    mockState.devices--;
  }
}

/**
 * The addon's backing-store holds, modelled: a hold is a strong reference
 * (a JS stand-in cannot keep a detached buffer's memory); `mockState.holds`
 * counts the holds alive in every table, so tests see them taken and dropped.
 */
function createBackingHolds(slots: number) {
  const table: ArrayBuffer[][] = Array.from({ length: slots }, () => []);
  const check = (slot: number): ArrayBuffer[] => {
    const t = Number.isInteger(slot) ? table[slot] : undefined;
    if (t === undefined) throw new RangeError('backingHolds: `slot` must be an integer below the table\'s size');
    return t;
  };
  return {
    holding: true,
    pin(buffer: unknown, slot: number): number | undefined {
      const t = check(slot);
      if (!(buffer instanceof ArrayBuffer)) return undefined;
      if (buffer.byteLength === 0) return 0;
      t.push(buffer);
      mockState.holds++;
      return Number(addressOf(buffer));
    },
    release(slot: number): void {
      const t = check(slot);
      mockState.holds -= t.length;
      t.length = 0;
    },
    count: (slot: number): number => check(slot).length,
  };
}

export const native = {
  abi: { api: 'wd_soft_v1', sizes: SIZES, offsets: OFFSETS, constants: CONSTANTS, errno: ERRNO },
  addressOf,
  arrayBufferAddress: (buffer: unknown): number | undefined =>
    buffer instanceof ArrayBuffer ? Number(addressOf(buffer)) : undefined,
  holdsBackingStores: true,
  createBackingHolds,
  availableCpus: () => 2,
  SoftDevice: MockDevice,
  resources: () => ({ devices: mockState.devices, queues: mockState.queues, threads: 0, fds: 0 }),
  path: 'mock',
};
