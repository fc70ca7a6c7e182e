/**
 * Test-only userspace driver for a SoftQueue ring: the minimal liburing-style
 * protocol from wd_soft.h, written against the offsets the device publishes in
 * wd_ring_info (never hard-coded), using the addon's `abi` export.
 */
import { native, type SoftDevice, type SoftQueue } from '../src/index.js';

const { abi } = native;
const O = abi.offsets;
const C = abi.constants;

export interface SqeFields {
  opcode: number;
  flags?: number;
  resv0?: number;
  opFlags?: number;
  userData: bigint;
  srcAddr?: bigint;
  dstAddr?: bigint;
  srcLen?: number;
  dstLen?: number;
  ctxAddr?: bigint;
  paramAddr?: bigint;
  paramLen?: number;
  aux?: number;
}

export interface Cqe {
  userData: bigint;
  status: number;
  flags: number;
  detail: number;
  consumed: number;
  produced: number;
  aux: bigint;
}

const f = (s: string, field: string): number => {
  const v = O[`${s}.${field}`];
  if (v === undefined) throw new Error(`no offset ${s}.${field}`);
  return v;
};

/** Encode an SQE into `view` at `off` (little-endian, every field written). */
export function writeSqe(view: DataView, off: number, s: SqeFields): void {
  new Uint8Array(view.buffer, view.byteOffset + off, abi.sizes.wd_sqe!).fill(0);
  view.setUint8(off + f('wd_sqe', 'opcode'), s.opcode);
  view.setUint8(off + f('wd_sqe', 'flags'), s.flags ?? 0);
  view.setUint16(off + f('wd_sqe', 'resv0'), s.resv0 ?? 0, true);
  view.setUint32(off + f('wd_sqe', 'op_flags'), s.opFlags ?? 0, true);
  view.setBigUint64(off + f('wd_sqe', 'user_data'), s.userData, true);
  view.setBigUint64(off + f('wd_sqe', 'src_addr'), s.srcAddr ?? 0n, true);
  view.setBigUint64(off + f('wd_sqe', 'dst_addr'), s.dstAddr ?? 0n, true);
  view.setUint32(off + f('wd_sqe', 'src_len'), s.srcLen ?? 0, true);
  view.setUint32(off + f('wd_sqe', 'dst_len'), s.dstLen ?? 0, true);
  view.setBigUint64(off + f('wd_sqe', 'ctx_addr'), s.ctxAddr ?? 0n, true);
  view.setBigUint64(off + f('wd_sqe', 'param_addr'), s.paramAddr ?? 0n, true);
  view.setUint32(off + f('wd_sqe', 'param_len'), s.paramLen ?? 0, true);
  view.setUint32(off + f('wd_sqe', 'aux'), s.aux ?? 0, true);
}

export function readCqe(view: DataView, off: number): Cqe {
  return {
    userData: view.getBigUint64(off + f('wd_cqe', 'user_data'), true),
    status: view.getInt32(off + f('wd_cqe', 'status'), true),
    flags: view.getUint16(off + f('wd_cqe', 'flags'), true),
    detail: view.getUint16(off + f('wd_cqe', 'detail'), true),
    consumed: view.getUint32(off + f('wd_cqe', 'consumed'), true),
    produced: view.getUint32(off + f('wd_cqe', 'produced'), true),
    aux: view.getBigUint64(off + f('wd_cqe', 'aux'), true),
  };
}

/** Build a struct wd_sgl_entry[] over the given views; keep the result referenced. */
export function makeSgl(views: Uint8Array[]): Uint8Array {
  const size = abi.sizes.wd_sgl_entry!;
  const sgl = new Uint8Array(views.length * size);
  const dv = new DataView(sgl.buffer);
  views.forEach((v, i) => {
    dv.setBigUint64(i * size + f('wd_sgl_entry', 'addr'), native.addressOf(v), true);
    dv.setUint32(i * size + f('wd_sgl_entry', 'len'), v.byteLength, true);
  });
  return sgl;
}

export class RingDriver {
  readonly queue: SoftQueue;
  readonly view: DataView;
  readonly u32: Uint32Array;
  readonly sqEntries: number;
  readonly cqEntries: number;
  readonly completions: Cqe[] = [];
  /** Keep every CQE in `completions` (turn off for million-op runs). */
  record = true;
  /** CQEs reaped so far, and how many of them had a nonzero status. */
  completed = 0;
  failed = 0;
  callbacks = 0;
  private readonly sqHead: number;
  private readonly sqTail: number;
  private readonly sqFlags: number;
  private readonly cqHead: number;
  private readonly cqTail: number;
  private readonly sqes: number;
  private readonly cqes: number;
  private tail = 0;
  private inflight = 0;
  private waiters: Array<() => void> = [];

  constructor(device: SoftDevice, sqEntries: number) {
    this.queue = device.openQueue({ sqEntries, onCompletion: () => this.onCompletion() });
    const ring = this.queue.ring;
    this.view = new DataView(ring);
    this.u32 = new Uint32Array(ring);
    const info = (field: string) => this.view.getUint32(f('wd_ring_info', field), true);
    const sqOff = f('wd_ring_info', 'sq_off');
    const cqOff = f('wd_ring_info', 'cq_off');
    const sq = (field: string) => this.view.getUint32(sqOff + f('wd_sq_offsets', field), true);
    const cq = (field: string) => this.view.getUint32(cqOff + f('wd_cq_offsets', field), true);
    if (info('magic') !== C.WD_RING_MAGIC) throw new Error('bad ring magic');
    this.sqEntries = info('sq_entries');
    this.cqEntries = info('cq_entries');
    this.sqHead = sq('head') / 4;
    this.sqTail = sq('tail') / 4;
    this.sqFlags = sq('flags') / 4;
    this.sqes = sq('sqes');
    this.cqHead = cq('head') / 4;
    this.cqTail = cq('tail') / 4;
    this.cqes = cq('cqes');
  }

  /** Free SQ slots, also bounded so that in-flight never exceeds cq_entries. */
  sqSpaceLeft(): number {
    const sq = this.sqEntries - (this.tail - Atomics.load(this.u32, this.sqHead));
    return Math.min(sq, this.cqEntries - this.inflight);
  }

  /** Write one SQE into the next slot (not yet visible to the device). */
  push(s: SqeFields): boolean {
    if (this.sqSpaceLeft() <= 0) return false;
    const slot = this.tail & (this.sqEntries - 1);
    writeSqe(this.view, this.sqes + slot * abi.sizes.wd_sqe!, s);
    this.tail = (this.tail + 1) >>> 0;
    this.inflight++;
    return true;
  }

  /** Publish the tail; ring only if the device asked for it. */
  submit(): boolean {
    Atomics.store(this.u32, this.sqTail, this.tail); // seq_cst: full barrier before the flags test
    if (Atomics.load(this.u32, this.sqFlags) & C.WD_SQ_NEED_WAKEUP!) {
      this.queue.doorbell();
      return true;
    }
    return false;
  }

  /** Ring indices, for failure messages. */
  debugState(): Record<string, number> {
    const u = this.u32;
    return { sqHead: u[this.sqHead]!, sqTail: u[this.sqTail]!, sqFlags: u[this.sqFlags]!, cqHead: u[this.cqHead]!, cqTail: u[this.cqTail]!, tail: this.tail, inflight: this.inflight, callbacks: this.callbacks };
  }

  get inFlight(): number {
    return this.inflight;
  }

  private onCompletion(): void {
    this.callbacks++;
    let head = Atomics.load(this.u32, this.cqHead);
    const tail = Atomics.load(this.u32, this.cqTail);
    while (head !== tail) {
      const slot = head & (this.cqEntries - 1);
      const off = this.cqes + slot * abi.sizes.wd_cqe!;
      if (this.record) this.completions.push(readCqe(this.view, off));
      if (this.view.getInt32(off + f('wd_cqe', 'status'), true) !== 0) this.failed++;
      this.completed++;
      head = (head + 1) >>> 0;
      this.inflight--;
    }
    Atomics.store(this.u32, this.cqHead, head);
    const w = this.waiters;
    this.waiters = [];
    for (const fn of w) fn();
  }

  /** Resolves after the next onCompletion call. */
  nextCompletion(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Wait until `n` completions were collected in total. */
  async waitFor(n: number, timeoutMs = 10000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.completions.length < n) {
      if (Date.now() > deadline) throw new Error(`timeout: ${this.completions.length}/${n} completions`);
      await Promise.race([this.nextCompletion(), new Promise((r) => setTimeout(r, 50))]);
    }
  }

  /** Submit one SQE and wait for its CQE. */
  async run(s: SqeFields): Promise<Cqe> {
    const before = this.completions.length;
    if (!this.push(s)) throw new Error('SQ full');
    this.submit();
    await this.waitFor(before + 1);
    return this.completions.find((c) => c.userData === s.userData)!;
  }

  /** Run many SQEs, keeping the ring as full as the protocol allows. */
  async runAll(sqes: SqeFields[]): Promise<Cqe[]> {
    const start = this.completions.length;
    let next = 0;
    while (this.completions.length - start < sqes.length) {
      let pushed = 0;
      while (next < sqes.length && this.push(sqes[next]!)) {
        next++;
        pushed++;
      }
      if (pushed) this.submit();
      if (this.completions.length - start < sqes.length) await this.nextCompletion();
    }
    return this.completions.slice(start);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.queue.close(resolve));
  }
}
