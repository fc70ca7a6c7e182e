/**
 * Generators of hostile argument values for the hostile-argument suite
 * (`hostile.ts`): buffers that lie about themselves, buffers that change
 * under the call, and options that answer differently on each read.
 *
 * Every hostile buffer is built over memory laid out as
 * `[guard | window | guard]`: the window holds the argument's true bytes,
 * the guards a pattern nobody else writes. After the call, {@link
 * HostileValue.verify} checks that nothing outside the window (and, for an
 * input, nothing inside it) was written: a plugin that believed a lie and
 * wrote past the view is caught even when the write stayed inside the same
 * ArrayBuffer. The "true bytes" (what a correct implementation must treat
 * the argument as) come from the built-in getters captured here at load
 * time, never from the value itself.
 */
import { types } from 'node:util';

// Built-in getters, captured before any test can touch a prototype.
const TypedArrayProto = Object.getPrototypeOf(Uint8Array.prototype) as object;
const getter = (proto: object, key: string): ((this: unknown) => unknown) =>
  Object.getOwnPropertyDescriptor(proto, key)!.get as (this: unknown) => unknown;
const taBuffer = getter(TypedArrayProto, 'buffer');
const taOffset = getter(TypedArrayProto, 'byteOffset');
const taLength = getter(TypedArrayProto, 'byteLength');
const dvBuffer = getter(DataView.prototype, 'buffer');
const dvOffset = getter(DataView.prototype, 'byteOffset');
const dvLength = getter(DataView.prototype, 'byteLength');
const abLength = getter(ArrayBuffer.prototype, 'byteLength');
const sabLength = getter(SharedArrayBuffer.prototype, 'byteLength');
const abDetached = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached')?.get;
const abTransfer = (ArrayBuffer.prototype as { transfer?: (this: ArrayBuffer, n?: number) => ArrayBuffer }).transfer;
const abResize = (ArrayBuffer.prototype as { resize?: (this: ArrayBuffer, n: number) => void }).resize;
const sabGrow = (SharedArrayBuffer.prototype as { grow?: (this: SharedArrayBuffer, n: number) => void }).grow;
const U8 = Uint8Array;
const hasTransfer = typeof abTransfer === 'function';

/** Guard bytes on each side of a window. */
export const GUARD = 64;
const SECRET = 0xee;

/** The true bytes of `value` by the built-in getters (a view, no copy), or undefined for a non-buffer. */
export function trueView(value: unknown): Uint8Array | undefined {
  if (types.isProxy(value)) return undefined;
  const over = (b: ArrayBuffer | SharedArrayBuffer, offset: () => number, length: () => number) => (isDetachedBuffer(b) ? new U8(0) : new U8(b, offset(), length()));
  if (types.isTypedArray(value)) return over(taBuffer.call(value) as ArrayBuffer, () => taOffset.call(value) as number, () => taLength.call(value) as number);
  if (types.isDataView(value)) {
    const b = dvBuffer.call(value) as ArrayBuffer;
    // (a DataView's getters throw once its buffer is detached or it is out of bounds)
    try {
      return over(b, () => dvOffset.call(value) as number, () => dvLength.call(value) as number);
    } catch {
      return new U8(0);
    }
  }
  if (types.isArrayBuffer(value) || types.isSharedArrayBuffer(value)) return over(value, () => 0, () => lengthOfBuffer(value));
  return undefined;
}

/** A copy of the true bytes (or undefined for a non-buffer). */
export function trueBytes(value: unknown): Buffer | undefined {
  const v = trueView(value);
  return v === undefined ? undefined : Buffer.from(new U8(v));
}

/** True if `buffer` is a detached ArrayBuffer. */
export function isDetachedBuffer(buffer: ArrayBuffer | SharedArrayBuffer): boolean {
  if (types.isSharedArrayBuffer(buffer)) return false;
  if (abDetached !== undefined) return abDetached.call(buffer) as boolean;
  try {
    new U8(buffer);
    return false;
  } catch {
    return true;
  }
}

function lengthOfBuffer(b: ArrayBuffer | SharedArrayBuffer): number {
  return (types.isSharedArrayBuffer(b) ? sabLength.call(b) : abLength.call(b)) as number;
}

/** Detach `buffer` the way node 20 can (structuredClone with transfer), or with `transfer()` where present. */
export function detach(buffer: ArrayBuffer, how: 'structuredClone' | 'transfer' = 'structuredClone'): ArrayBuffer {
  if (how === 'transfer' && abTransfer !== undefined) return abTransfer.call(buffer);
  return structuredClone(buffer, { transfer: [buffer] });
}

/** Run the garbage collector if the process was started with --expose-gc. */
export function collect(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** One hostile value for one argument position, made when its case runs. */
export interface HostileValue {
  /** The value passed to the entry point. */
  readonly value: unknown;
  /**
   * What a correct implementation treats the argument as, one or more
   * acceptable readings: input bytes (a clean copy), the true output
   * window (a plain view of the real memory), or the value itself.
   */
  readonly cleans: readonly unknown[];
  /** Run right after the call returned, while the request is in flight. */
  readonly inFlight?: () => void;
  /** After the call settled: a problem (memory outside the argument written), or undefined. */
  readonly verify: () => string | undefined;
  /** The output window's bytes were moved away in flight (detach): a result view of it may read as empty. */
  readonly movedOut?: boolean;
  /** What node's Writable makes of it by the value's own getters, computed without calling them (getters with state). */
  readonly nodeView?: unknown;
}

/** A hostile buffer variant: its label and a factory. */
export interface BufferVariant {
  readonly label: string;
  /** Only for entry points whose call returns before the work is done. */
  readonly inFlightOnly?: boolean;
  make(base: Uint8Array, role: 'in' | 'out'): HostileValue;
}

/** The buffer classes, in suite order. */
export const BUFFER_CLASSES = [
  'own-property', 'subclass', 'proxy', 'fickle-getter', 'detached', 'detach-in-flight', 'resizable',
  'resize-in-flight', 'growable-shared', 'view-kinds', 'zero-length-end', 'not-a-buffer',
] as const;
export type BufferClass = (typeof BUFFER_CLASSES)[number];

/** Memory `[guard | window | guard]` holding `base`, and its verifier. */
class Arena {
  readonly host: ArrayBuffer | SharedArrayBuffer;
  readonly length: number;
  private readonly base: Uint8Array;
  private readonly role: 'in' | 'out';
  private readonly tail: number;
  readonly secret = new ArrayBuffer(1 << 16);
  readonly small = new ArrayBuffer(1);

  constructor(base: Uint8Array, role: 'in' | 'out', memory?: ArrayBuffer | SharedArrayBuffer, tail = GUARD) {
    this.base = base;
    this.role = role;
    this.length = taLength.call(base) as number;
    this.tail = tail;
    this.host = memory ?? new ArrayBuffer(GUARD + this.length + tail);
    const all = new U8(this.host);
    for (let i = 0; i < GUARD; i++) all[i] = 0xa5 ^ i;
    for (let i = 0; i < tail; i++) all[GUARD + this.length + i] = 0x5a ^ i;
    if (role === 'in') all.set(base, GUARD);
    new U8(this.secret).fill(SECRET);
  }

  /** A plain Uint8Array over the window. */
  window(): Uint8Array {
    return new U8(this.host, GUARD, this.length);
  }

  /** The clean reading of the window: a copy (input) or the live view (output). */
  clean(length = this.length): unknown {
    if (this.role === 'out') return new U8(this.host, GUARD, length);
    return Buffer.from(this.base.subarray(0, length));
  }

  verify(): string | undefined {
    const problems: string[] = [];
    if (!types.isSharedArrayBuffer(this.host) && isDetachedBuffer(this.host as ArrayBuffer)) return undefined;
    const all = new U8(this.host, 0, lengthOfBuffer(this.host));
    const n = taLength.call(all) as number;
    for (let i = 0; i < GUARD && i < n; i++) if (all[i] !== (0xa5 ^ i)) { problems.push(`guard byte ${i - GUARD} before the view was written`); break; }
    for (let i = 0; i < this.tail && GUARD + this.length + i < n; i++) {
      if (all[GUARD + this.length + i] !== (0x5a ^ i)) { problems.push(`guard byte ${i} after the view was written`); break; }
    }
    if (this.role === 'in') {
      for (let i = 0; i < this.length && GUARD + i < n; i++) if (all[GUARD + i] !== this.base[i]) { problems.push(`input byte ${i} was modified`); break; }
    }
    const s = new U8(this.secret);
    for (let i = 0; i < s.length; i++) if (s[i] !== SECRET) { problems.push('the ArrayBuffer a lying `buffer` property names was written'); break; }
    return problems.length === 0 ? undefined : problems.join('; ');
  }

  /** verify() for the bytes that moved to `moved` when the original host was detached. */
  verifyMovedTo(moved: ArrayBuffer): string | undefined {
    if (isDetachedBuffer(moved)) return undefined;
    const all = new U8(moved);
    const n = taLength.call(all) as number;
    for (let i = 0; i < GUARD && i < n; i++) if (all[i] !== (0xa5 ^ i)) return `guard byte ${i - GUARD} before the view was written (after the detach)`;
    for (let i = 0; i < this.tail && GUARD + this.length + i < n; i++) if (all[GUARD + this.length + i] !== (0x5a ^ i)) return `guard byte ${i} after the view was written (after the detach)`;
    if (this.role === 'in') for (let i = 0; i < this.length && GUARD + i < n; i++) if (all[GUARD + i] !== this.base[i]) return `input byte ${i} was modified (after the detach)`;
    return undefined;
  }
}

type Lie = 'larger' | 'smaller' | 'negative' | 'NaN';
type LieProp = 'byteLength' | 'byteOffset' | 'length' | 'buffer';
const LIES: readonly Lie[] = ['larger', 'smaller', 'negative', 'NaN'];
const LIE_PROPS: readonly (LieProp | 'all')[] = ['byteLength', 'byteOffset', 'length', 'buffer', 'all'];

function lieValue(a: Arena, prop: LieProp, lie: Lie): unknown {
  if (lie === 'negative') return -1;
  if (lie === 'NaN') return NaN;
  if (prop === 'buffer') return lie === 'larger' ? a.secret : a.small;
  if (prop === 'byteOffset') return lie === 'larger' ? GUARD + 8 : 0;
  return lie === 'larger' ? 1 << 20 : 1;
}

type ViewKind = 'Uint8Array' | 'DataView' | 'Int8Array';
function viewOver(kind: ViewKind, a: Arena, Ctor?: new (b: ArrayBuffer | SharedArrayBuffer, o: number, l: number) => ArrayBufferView): ArrayBufferView {
  if (Ctor !== undefined) return new Ctor(a.host, GUARD, a.length);
  if (kind === 'Int8Array') return new Int8Array(a.host, GUARD, a.length);
  return kind === 'DataView' ? new DataView(a.host, GUARD, a.length) : new U8(a.host, GUARD, a.length);
}

function plain(a: Arena, value: unknown, extra: Partial<HostileValue> = {}): HostileValue {
  return { value, cleans: [a.clean()], verify: () => a.verify(), ...extra };
}

function ownPropertyVariants(): BufferVariant[] {
  const out: BufferVariant[] = [];
  // (Int8Array too: a view that is not a Uint8Array takes other paths, e.g. node's own conversions)
  for (const kind of ['Uint8Array', 'DataView', 'Int8Array'] as const) {
    for (const prop of LIE_PROPS) {
      for (const lie of LIES) {
        out.push({
          label: `${kind} own ${prop} ${lie}`,
          make(base, role) {
            const a = new Arena(base, role);
            const v = viewOver(kind, a);
            for (const p of prop === 'all' ? (['byteLength', 'byteOffset', 'length', 'buffer'] as const) : [prop]) {
              Object.defineProperty(v, p, { value: lieValue(a, p, lie), configurable: true, enumerable: false, writable: true });
            }
            return plain(a, v);
          },
        });
      }
    }
    // a short view claiming to be as long as a valid one (a 16-byte key
    // posing as 32, an empty tags buffer posing as the batch's)
    for (const part of ['half', 'empty'] as const) {
      out.push({
        label: `${kind} of ${part === 'half' ? 'half' : 'none'} of the bytes, own byteLength and length claiming all of them`,
        make(base, role) {
          const a = new Arena(base, role);
          const n = part === 'half' ? a.length >> 1 : 0;
          const v = kind === 'DataView' ? new DataView(a.host, GUARD, n) : kind === 'Int8Array' ? new Int8Array(a.host, GUARD, n) : new U8(a.host, GUARD, n);
          for (const p of ['byteLength', 'length'] as const) Object.defineProperty(v, p, { value: a.length, configurable: true });
          return { value: v, cleans: [a.clean(n)], verify: () => a.verify() };
        },
      });
    }
  }
  return out;
}

function subclassVariants(): BufferVariant[] {
  const out: BufferVariant[] = [];
  for (const kind of ['Uint8Array', 'DataView'] as const) {
    for (const prop of LIE_PROPS) {
      for (const lie of LIES) {
        out.push({
          label: `${kind} subclass ${prop} ${lie}`,
          make(base, role) {
            const a = new Arena(base, role);
            const Base = (kind === 'DataView' ? DataView : Uint8Array) as unknown as new (b: ArrayBuffer | SharedArrayBuffer, o: number, l: number) => ArrayBufferView;
            class Lying extends Base {}
            for (const p of prop === 'all' ? (['byteLength', 'byteOffset', 'length', 'buffer'] as const) : [prop]) {
              const value = lieValue(a, p, lie);
              Object.defineProperty(Lying.prototype, p, { get: () => value, configurable: true });
            }
            return plain(a, viewOver(kind, a, Lying));
          },
        });
      }
    }
  }
  return out;
}

function proxyVariants(): BufferVariant[] {
  const bound = (t: object, p: string | symbol) => {
    const v = Reflect.get(t, p, t) as unknown;
    return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
  };
  return [
    { label: 'Proxy(Uint8Array) without traps', make: (b, r) => { const a = new Arena(b, r); return plain(a, new Proxy(a.window(), {})); } },
    {
      label: 'Proxy(Uint8Array) whose get trap lies about byteLength',
      make: (b, r) => {
        const a = new Arena(b, r);
        return plain(a, new Proxy(a.window(), { get: (t, p) => (p === 'byteLength' || p === 'length' ? 1 << 20 : bound(t, p)) }));
      },
    },
    {
      label: 'a revoked Proxy of a Uint8Array',
      make: (b, r) => {
        const a = new Arena(b, r);
        const { proxy, revoke } = Proxy.revocable(a.window(), {});
        revoke();
        return plain(a, proxy);
      },
    },
    { label: 'Proxy(DataView)', make: (b, r) => { const a = new Arena(b, r); return plain(a, new Proxy(new DataView(a.host, GUARD, a.length), {})); } },
    { label: 'Proxy(Buffer)', make: (b, r) => { const a = new Arena(b, r); return plain(a, new Proxy(Buffer.from(a.host, GUARD, a.length), {})); } },
    {
      label: 'Proxy(ArrayBuffer)',
      make: (b, r) => {
        const a = new Arena(b, r);
        const exact = new ArrayBuffer(a.length);
        if (r === 'in') new U8(exact).set(b);
        return { value: new Proxy(exact, {}), cleans: [r === 'in' ? Buffer.from(b) : new U8(exact)], verify: () => a.verify() };
      },
    },
  ];
}

function fickleVariants(): BufferVariant[] {
  const out: BufferVariant[] = [];
  for (const kind of ['Uint8Array', 'DataView'] as const) {
    for (const prop of ['byteLength', 'byteOffset', 'buffer'] as const) {
      for (const first of ['true', 'lie'] as const) {
        out.push({
          label: `${kind} own ${prop} getter alternating, ${first} first`,
          make(base, role) {
            const a = new Arena(base, role);
            const v = viewOver(kind, a);
            const truth = prop === 'buffer' ? a.host : prop === 'byteOffset' ? GUARD : a.length;
            const lie = lieValue(a, prop, 'larger');
            let reads = 0;
            Object.defineProperty(v, prop, { get: () => ((reads++ % 2 === 0) === (first === 'true') ? truth : lie), configurable: true });
            // node's Writable reads each getter once: the first answers
            let nodeView: unknown;
            try {
              const firstOf = (p: string, t: unknown) => (p === prop && first === 'lie' ? lie : t);
              nodeView = Buffer.from(new U8(firstOf('buffer', a.host) as ArrayBuffer, firstOf('byteOffset', GUARD) as number, firstOf('byteLength', a.length) as number));
            } catch {
              nodeView = undefined;
            }
            return plain(a, v, { nodeView });
          },
        });
      }
    }
  }
  return out;
}

function emptyClean(a: Arena, role: 'in' | 'out'): unknown {
  return role === 'out' ? new U8(0) : Buffer.alloc(0);
}

function detachedVariants(): BufferVariant[] {
  const out: BufferVariant[] = [
    { label: 'Uint8Array of an ArrayBuffer detached by structuredClone', make: (b, r) => { const a = new Arena(b, r); const v = a.window(); detach(a.host as ArrayBuffer); return { value: v, cleans: [emptyClean(a, r)], verify: () => a.verify() }; } },
    { label: 'DataView of a detached ArrayBuffer', make: (b, r) => { const a = new Arena(b, r); const v = new DataView(a.host, GUARD, a.length); detach(a.host as ArrayBuffer); return { value: v, cleans: [emptyClean(a, r)], verify: () => a.verify() }; } },
    { label: 'Buffer of a detached ArrayBuffer', make: (b, r) => { const a = new Arena(b, r); const v = Buffer.from(a.host, GUARD, a.length); detach(a.host as ArrayBuffer); return { value: v, cleans: [emptyClean(a, r)], verify: () => a.verify() }; } },
    { label: 'a detached ArrayBuffer itself', make: (b, r) => { const a = new Arena(b, r); detach(a.host as ArrayBuffer); return { value: a.host, cleans: [emptyClean(a, r)], verify: () => a.verify() }; } },
  ];
  if (hasTransfer) {
    out.push({ label: 'Uint8Array of an ArrayBuffer detached by transfer()', make: (b, r) => { const a = new Arena(b, r); const v = a.window(); detach(a.host as ArrayBuffer, 'transfer'); return { value: v, cleans: [emptyClean(a, r)], verify: () => a.verify() }; } });
  }
  return out;
}

function detachInFlightVariants(): BufferVariant[] {
  const out: BufferVariant[] = [];
  const hows: ('structuredClone' | 'transfer')[] = hasTransfer ? ['structuredClone', 'transfer'] : ['structuredClone'];
  for (const how of hows) {
    for (const keep of [true, false]) {
      for (const kind of ['Uint8Array', 'DataView'] as const) {
        if (kind === 'DataView' && !keep) continue;
        out.push({
          label: `${kind}: ArrayBuffer detached by ${how} while in flight, new owner ${keep ? 'kept' : 'dropped and collected'}`,
          inFlightOnly: true,
          make(base, role) {
            const a = new Arena(base, role);
            let owner: ArrayBuffer | undefined;
            return {
              value: viewOver(kind, a),
              cleans: [a.clean()],
              movedOut: role === 'out',
              inFlight: () => {
                owner = detach(a.host as ArrayBuffer, how);
                if (!keep) {
                  owner = undefined;
                  collect();
                }
              },
              verify: () => (owner === undefined ? a.verify() : a.verifyMovedTo(owner)),
            };
          },
        });
      }
    }
  }
  return out;
}


function resizableBuffer(bytes: number, max: number): ArrayBuffer {
  return new (ArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => ArrayBuffer)(bytes, { maxByteLength: max });
}
function growableShared(bytes: number, max: number): SharedArrayBuffer {
  return new (SharedArrayBuffer as unknown as new (n: number, o: { maxByteLength: number }) => SharedArrayBuffer)(bytes, { maxByteLength: max });
}
const resize = (b: ArrayBuffer, n: number): void => {
  abResize!.call(b, n);
};
/** Resize, tolerating a refusal (a pinned buffer may be made impossible to resize). */
const tryResize = (b: ArrayBuffer, n: number): void => {
  try {
    resize(b, n);
  } catch {
    /* refused: fine */
  }
};

function resizableVariants(): BufferVariant[] {
  const rab = (b: Uint8Array, r: 'in' | 'out', tail: number) => {
    const n = taLength.call(b) as number;
    return new Arena(b, r, resizableBuffer(GUARD + n + tail, GUARD + n + 8192), tail);
  };
  return [
    { label: 'fixed-length Uint8Array of a resizable ArrayBuffer', make: (b, r) => { const a = rab(b, r, GUARD); return plain(a, a.window()); } },
    { label: 'length-tracking Uint8Array of a resizable ArrayBuffer', make: (b, r) => { const a = rab(b, r, 0); return plain(a, new U8(a.host, GUARD)); } },
    { label: 'length-tracking DataView of a resizable ArrayBuffer', make: (b, r) => { const a = rab(b, r, 0); return plain(a, new DataView(a.host, GUARD)); } },
    {
      label: 'fixed-length view, buffer shrunk below it before the call (out of bounds)',
      make: (b, r) => { const a = rab(b, r, GUARD); const v = a.window(); resize(a.host as ArrayBuffer, GUARD + (a.length >> 1)); return { value: v, cleans: [emptyClean(a, r)], verify: () => a.verify() }; },
    },
    {
      label: 'length-tracking view, buffer shrunk to half before the call',
      make: (b, r) => { const a = rab(b, r, 0); const v = new U8(a.host, GUARD); resize(a.host as ArrayBuffer, GUARD + (a.length >> 1)); return { value: v, cleans: [a.clean(a.length >> 1)], verify: () => a.verify() }; },
    },
    {
      label: 'length-tracking view, buffer grown by 100 zero bytes before the call',
      make: (b, r) => {
        const a = rab(b, r, 0);
        const v = new U8(a.host, GUARD);
        resize(a.host as ArrayBuffer, GUARD + a.length + 100);
        const clean = r === 'out' ? new U8(a.host, GUARD) : Buffer.concat([Buffer.from(b), Buffer.alloc(100)]);
        return { value: v, cleans: [clean], verify: () => a.verify() };
      },
    },
  ];
}

function resizeInFlightVariants(): BufferVariant[] {
  const rab = (b: Uint8Array, r: 'in' | 'out', tail: number) => {
    const n = taLength.call(b) as number;
    return new Arena(b, r, resizableBuffer(GUARD + n + tail, GUARD + n + (1 << 20)), tail);
  };
  // A stream may take the chunk's bytes only when it gets to it, so the
  // bytes after the resize are a correct reading too.
  const grown = (a: Arena, b: Uint8Array, r: 'in' | 'out') => (r === 'out' ? new U8(a.host, GUARD) : Buffer.concat([Buffer.from(b), Buffer.alloc(1 << 20)]));
  return [
    // (an output shrunk away by the caller: the result view of it may read as empty)
    { label: 'fixed-length view, buffer shrunk to 0 while in flight', inFlightOnly: true, make: (b, r) => { const a = rab(b, r, GUARD); return plain(a, a.window(), { inFlight: () => tryResize(a.host as ArrayBuffer, 0), cleans: [a.clean(), emptyClean(a, r)], movedOut: r === 'out' }); } },
    { label: 'length-tracking view, buffer shrunk to the view start while in flight', inFlightOnly: true, make: (b, r) => { const a = rab(b, r, 0); return plain(a, new U8(a.host, GUARD), { inFlight: () => tryResize(a.host as ArrayBuffer, GUARD), cleans: [a.clean(), emptyClean(a, r)], movedOut: r === 'out' }); } },
    { label: 'length-tracking view, buffer grown by 1 MiB while in flight', inFlightOnly: true, make: (b, r) => { const a = rab(b, r, 0); return plain(a, new U8(a.host, GUARD), { inFlight: () => tryResize(a.host as ArrayBuffer, GUARD + a.length + (1 << 20)), cleans: [a.clean(), grown(a, b, r)] }); } },
  ];
}

function growableVariants(): BufferVariant[] {
  const gsab = (b: Uint8Array, r: 'in' | 'out', tail: number) => {
    const n = taLength.call(b) as number;
    return new Arena(b, r, growableShared(GUARD + n + tail, GUARD + n + (1 << 20)), tail);
  };
  const grow = (s: ArrayBuffer | SharedArrayBuffer, n: number) => {
    try {
      sabGrow!.call(s as SharedArrayBuffer, n);
    } catch {
      /* refused: fine */
    }
  };
  return [
    { label: 'fixed-length Uint8Array of a growable SharedArrayBuffer', make: (b, r) => { const a = gsab(b, r, GUARD); return plain(a, a.window()); } },
    { label: 'length-tracking Uint8Array of a growable SharedArrayBuffer', make: (b, r) => { const a = gsab(b, r, 0); return plain(a, new U8(a.host, GUARD)); } },
    {
      label: 'length-tracking view, growable SharedArrayBuffer grown by 100 bytes before the call',
      make: (b, r) => {
        const a = gsab(b, r, 0);
        const v = new U8(a.host, GUARD);
        grow(a.host, GUARD + a.length + 100);
        const clean = r === 'out' ? new U8(a.host, GUARD) : Buffer.concat([Buffer.from(b), Buffer.alloc(100)]);
        return { value: v, cleans: [clean], verify: () => a.verify() };
      },
    },
    {
      label: 'length-tracking view, growable SharedArrayBuffer grown by 1 MiB while in flight',
      inFlightOnly: true,
      make: (b, r) => {
        const a = gsab(b, r, 0);
        // a stream may read the chunk after the growth: that reading is correct too
        const later = r === 'out' ? new U8(a.host, GUARD) : Buffer.concat([Buffer.from(b), Buffer.alloc(1 << 20)]);
        return plain(a, new U8(a.host, GUARD), { inFlight: () => grow(a.host, GUARD + a.length + (1 << 20)), cleans: [a.clean(), later] });
      },
    },
  ];
}

const TYPED_ARRAYS: readonly (new (b: ArrayBuffer | SharedArrayBuffer, o: number, l: number) => ArrayBufferView & { BYTES_PER_ELEMENT?: number })[] = [
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
  ...((globalThis as { Float16Array?: never }).Float16Array !== undefined ? [(globalThis as unknown as { Float16Array: never }).Float16Array] : []),
];

function kindVariants(): BufferVariant[] {
  const out: BufferVariant[] = TYPED_ARRAYS.map((Ctor) => ({
    label: Ctor.name,
    make(base: Uint8Array, role: 'in' | 'out') {
      const a = new Arena(base, role);
      const size = (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      if (a.length % size !== 0) {
        // the window is not whole elements: the last bytes are left out of the view
        const n = Math.floor(a.length / size);
        return { value: new Ctor(a.host, GUARD, n), cleans: [a.clean(n * size)], verify: () => a.verify() };
      }
      return plain(a, new Ctor(a.host, GUARD, a.length / size));
    },
  }));
  out.push(
    { label: 'DataView', make: (b, r) => { const a = new Arena(b, r); return plain(a, new DataView(a.host, GUARD, a.length)); } },
    { label: 'Buffer', make: (b, r) => { const a = new Arena(b, r); return plain(a, Buffer.from(a.host, GUARD, a.length)); } },
    {
      label: 'a whole ArrayBuffer',
      make: (b, r) => {
        const a = new Arena(b, r);
        const exact = new ArrayBuffer(a.length);
        if (r === 'in') new U8(exact).set(b);
        return { value: exact, cleans: [r === 'in' ? Buffer.from(b) : new U8(exact)], verify: () => a.verify() };
      },
    },
    {
      label: 'a whole SharedArrayBuffer',
      make: (b, r) => {
        const a = new Arena(b, r);
        const exact = new SharedArrayBuffer(a.length);
        if (r === 'in') new U8(exact).set(b);
        return { value: exact, cleans: [r === 'in' ? Buffer.from(b) : new U8(exact)], verify: () => a.verify() };
      },
    },
    { label: 'Uint8Array of a SharedArrayBuffer', make: (b, r) => { const a = new Arena(b, r, new SharedArrayBuffer(GUARD + (taLength.call(b) as number) + GUARD)); return plain(a, a.window()); } },
  );
  return out;
}

function zeroLengthVariants(): BufferVariant[] {
  const empty = (value: (a: Arena) => unknown): BufferVariant['make'] => (b, r) => {
    const a = new Arena(b, r);
    return { value: value(a), cleans: [emptyClean(a, r)], verify: () => a.verify() };
  };
  return [
    { label: 'zero-length Uint8Array at the end of its ArrayBuffer', make: empty((a) => new U8(a.host, lengthOfBuffer(a.host), 0)) },
    { label: 'zero-length DataView at the end of its ArrayBuffer', make: empty((a) => new DataView(a.host, lengthOfBuffer(a.host), 0)) },
    { label: 'zero-length Buffer at the end of the window', make: empty((a) => Buffer.from(a.host, GUARD + a.length, 0)) },
    { label: 'Uint8Array of a zero-byte ArrayBuffer', make: empty(() => new U8(new ArrayBuffer(0))) },
    { label: 'a zero-byte ArrayBuffer', make: empty(() => new ArrayBuffer(0)) },
  ];
}

function notABufferVariants(): BufferVariant[] {
  const as = (label: string, value: (a: Arena) => unknown, clean?: (a: Arena) => unknown): BufferVariant => ({
    label,
    make(b, r) {
      const a = new Arena(b, r);
      const v = value(a);
      return { value: v, cleans: [clean === undefined ? v : clean(a)], verify: () => a.verify() };
    },
  });
  return [
    as('a string', () => 'not bytes', () => Buffer.from('not bytes')),
    as('a number', () => 42),
    as('null', () => null),
    as('an Array of numbers', () => [1, 2, 3]),
    as('an object shaped like a view', (a) => ({ buffer: a.host, byteOffset: GUARD, byteLength: a.length, length: a.length })),
    as('a boolean', () => true),
  ];
}

const VARIANTS: Record<BufferClass, () => BufferVariant[]> = {
  'own-property': ownPropertyVariants,
  subclass: subclassVariants,
  proxy: proxyVariants,
  'fickle-getter': fickleVariants,
  detached: detachedVariants,
  'detach-in-flight': detachInFlightVariants,
  resizable: resizableVariants,
  'resize-in-flight': resizeInFlightVariants,
  'growable-shared': growableVariants,
  'view-kinds': kindVariants,
  'zero-length-end': zeroLengthVariants,
  'not-a-buffer': notABufferVariants,
};

/** The variants of one buffer class. */
export function bufferVariants(cls: BufferClass): BufferVariant[] {
  return VARIANTS[cls]();
}

/** Hostile scalar/option values: each must be refused (typed) or read as what it is. */
export const HOSTILE_OPTION_VALUES: readonly { readonly label: string; readonly value: () => unknown }[] = [
  { label: '-1', value: () => -1 },
  { label: 'NaN', value: () => NaN },
  { label: 'Infinity', value: () => Infinity },
  { label: '-Infinity', value: () => -Infinity },
  { label: '1.5', value: () => 1.5 },
  { label: '2**53', value: () => 2 ** 53 },
  { label: 'BigInt 6n', value: () => 6n },
  { label: "string '6'", value: () => '6' },
  { label: 'empty string', value: () => '' },
  { label: 'null', value: () => null },
  { label: 'true', value: () => true },
  { label: '{}', value: () => ({}) },
  { label: '[]', value: () => [] },
  { label: 'a Symbol', value: () => Symbol('hostile') },
];

/**
 * A value of the same type as `valid` that must not be used once `valid`
 * was read: a buffer of the same length with other bytes, another number
 * out of every range, another string.
 */
export function evilTwin(valid: unknown): unknown {
  const v = trueView(valid);
  if (v !== undefined) return new U8(taLength.call(v) as number).fill(SECRET);
  if (typeof valid === 'number') return 2 ** 40 + 0.5;
  if (typeof valid === 'string') return 'hostile-value';
  if (typeof valid === 'boolean') return 'yes';
  if (valid === undefined) return 2 ** 40 + 0.5;
  return Symbol('hostile');
}
