/**
 * The cases of the hostile-argument suite: a target's entry points ×
 * argument positions × hostile classes, each prepared on fresh arguments
 * and classified as a correct result, a typed error, or a failure (crash,
 * hang, wrong result, untyped error, memory outside an argument written,
 * plaintext released after an authentication failure). No vitest here: the
 * same code runs in the suite's child process.
 */
import { isWarpdriveError } from '@warpdrive/core';
import {
  BUFFER_CLASSES, HOSTILE_OPTION_VALUES, bufferVariants, collect, detach, evilTwin, trueBytes, trueView, type BufferClass, type HostileValue,
} from './hostile-values.js';

/** How an entry point is called. */
export type CallKind = 'async' | 'sync' | 'callback' | 'node-stream' | 'web-stream' | 'session' | 'batch' | 'facade-sync';

/** Where an argument is: `[0]` the first argument, `[1, 'out']` a field of the second, `[1, 'ivs', 2]` an array element. */
export type ArgPath = readonly (string | number)[];

/** A buffer argument (input bytes, or an output the entry point writes). */
export interface BufferPosition {
  readonly kind: 'buffer';
  readonly path: ArgPath;
  /** Default 'in'. An 'out' position's window is checked for writes past it; inputs must stay unmodified. */
  readonly role?: 'in' | 'out';
  /** Names a typed error may use for it (default: the last string of `path`). */
  readonly names?: readonly string[];
  /** Bytes of an 'out' window when the arguments have none at `path` (default 4096). */
  readonly size?: number | ((args: readonly unknown[]) => number);
}

/** An options object and its keys with a valid value each (undefined: absent in a valid call). */
export interface OptionsPosition {
  readonly kind: 'options';
  readonly path: ArgPath;
  readonly keys: Readonly<Record<string, unknown>>;
  readonly names?: readonly string[];
}

/** A scalar argument (e.g. crc32's seed) and its valid value. */
export interface ScalarPosition {
  readonly kind: 'scalar';
  readonly path: ArgPath;
  readonly valid: unknown;
  readonly names?: readonly string[];
}

/** An array argument of buffers (batch messages, IVs, outputs). */
export interface ArrayPosition {
  readonly kind: 'array';
  readonly path: ArgPath;
  /** 'out': the elements are outputs (a swapped element is then fresh memory, not another element). */
  readonly role?: 'in' | 'out';
  readonly names?: readonly string[];
}

export type Position = BufferPosition | OptionsPosition | ScalarPosition | ArrayPosition;

/** A call that must fail authentication: every `outs` window must read all zero afterwards. */
export interface AuthFailure {
  readonly label: string;
  readonly args: unknown[];
  readonly outs: readonly Uint8Array[];
}

/** One public entry point of a plugin, described for the suite. */
export interface EntryPoint<C> {
  /** e.g. `compress`, `zlib.gzipSync`, `session.update`. */
  readonly name: string;
  readonly kind: CallKind;
  /** Fresh valid arguments (same bytes every call). */
  args(): unknown[];
  /** Larger valid arguments for the in-flight classes (so the request is still running), default `args`. */
  inFlightArgs?(): unknown[];
  /**
   * Valid arguments with only the required options (defaults for the rest):
   * the pollution class runs on these too, where an inherited field would
   * be read in place of a missing own one.
   */
  minimalArgs?(): unknown[];
  readonly positions: readonly Position[];
  /** Per-case state made before the call (e.g. a session), handed to `call`. */
  setup?(ctx: C): Promise<unknown>;
  /** Release what `setup` made, after the case settled. */
  teardown?(state: unknown): Promise<void>;
  /** Call it; a promise for async forms (the work must be started before it returns). */
  call(ctx: C, args: unknown[], state: unknown): unknown;
  /** The result is correct for these clean arguments: undefined, else what is wrong. */
  check(result: unknown, args: readonly unknown[]): string | undefined;
  /** node-style errors (`code` ERR_* / Z_*) count as typed (the node:zlib facade, node streams' own checks). */
  readonly nodeErrors?: boolean;
  /** Backends it runs on (default all). */
  readonly backends?: readonly string[];
  /** Calls that must fail authentication without releasing plaintext. */
  authFailures?(): AuthFailure[];
}

/** Every class of the suite, in order. */
export const HOSTILE_CLASSES = [
  ...BUFFER_CLASSES, 'array-elements', 'option-values', 'option-getters', 'option-shapes', 'prototype-pollution', 'auth-failure',
] as const;
export type HostileClass = (typeof HOSTILE_CLASSES)[number];

/** Fields the pollution class sets on Object.prototype (always deleted again). */
export const POLLUTED_FIELDS = ['level', 'out', 'maxOutputLength', 'key', 'iv', 'aad', 'tag', 'format', 'tagLength', 'seed'] as const;

/** What a case may end in. */
type Accept = 'correct-or-typed' | 'correct' | 'auth';

/** A case prepared on live arguments. */
interface Prepared {
  /** Acceptable clean argument lists (any one correct is enough). */
  readonly cleans: readonly unknown[][];
  readonly accept: Accept;
  readonly names: readonly string[];
  readonly inFlight?: () => void;
  readonly verify?: () => string | undefined;
  /** Undo (prototype pollution): runs in finally, before the result is checked. */
  readonly after?: () => void;
  readonly movedOut?: boolean;
  /** Reads of a getter that must be read once. */
  readonly reads?: () => number;
  readonly authOuts?: readonly Uint8Array[];
  /** Appended to an untyped error's description. */
  readonly hint?: string;
}

/** One case: where, what, and how to prepare it. */
export interface CaseDef<C> {
  readonly index: number;
  readonly backend: string;
  readonly entry: EntryPoint<C>;
  readonly cls: HostileClass;
  /** The position, e.g. `args[1].out`. */
  readonly where: string;
  readonly label: string;
  readonly inFlight: boolean;
  prepare(args: unknown[], fresh: () => unknown[]): Prepared;
}

/** How a case ended. */
export interface Outcome {
  readonly k: 'correct' | 'typed' | 'fail';
  /** Error code (typed) or the kind of failure. */
  readonly code?: string;
  readonly why?: string;
}

// ---------------------------------------------------------------- paths

function getAt(root: unknown[], path: ArgPath): unknown {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || v === undefined) return undefined;
    v = (v as Record<string | number, unknown>)[k];
  }
  return v;
}

function setAt(root: unknown[], path: ArgPath, value: unknown): void {
  let v = root as unknown as Record<string | number, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    if (v[k] === undefined || v[k] === null || typeof v[k] !== 'object') v[k] = {};
    v = v[k] as Record<string | number, unknown>;
  }
  v[path[path.length - 1]!] = value;
}

function pathText(path: ArgPath): string {
  return `args${path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? `.${k}` : `.${k}`)).join('')}`;
}

function namesOf(p: Position): readonly string[] {
  if (p.names !== undefined) return p.names;
  const strings = p.path.filter((k): k is string => typeof k === 'string');
  const leaf = strings[strings.length - 1];
  return leaf === undefined ? ['options'] : [leaf];
}

function withClean(fresh: () => unknown[], path: ArgPath, value: unknown): unknown[] {
  const a = fresh();
  setAt(a, path, value);
  return a;
}

// ---------------------------------------------------------------- classes

const SYNC_KINDS: ReadonlySet<CallKind> = new Set(['sync', 'facade-sync']);

function bufferCases<C>(entry: EntryPoint<C>, cls: BufferClass, positions: readonly (BufferPosition & { from?: 'array' })[]): Omit<CaseDef<C>, 'index' | 'backend'>[] {
  const out: Omit<CaseDef<C>, 'index' | 'backend'>[] = [];
  for (const pos of positions) {
    const role = pos.role ?? 'in';
    for (const variant of bufferVariants(cls)) {
      if (variant.inFlightOnly === true && SYNC_KINDS.has(entry.kind)) continue;
      const inFlight = variant.inFlightOnly === true;
      out.push({
        entry, cls, where: pathText(pos.path), label: variant.label, inFlight,
        prepare(args, fresh) {
          const current = getAt(args, pos.path);
          const size = typeof pos.size === 'function' ? pos.size(args) : pos.size ?? 4096;
          const base = current === undefined ? new Uint8Array(size) : trueBytes(current);
          if (base === undefined) throw new Error(`args() has no buffer at ${pathText(pos.path)}`);
          const hv: HostileValue = variant.make(base, role);
          setAt(args, pos.path, hv.value);
          const cleans = hv.cleans.map((c) => withClean(fresh, pos.path, c));
          if (entry.kind === 'node-stream') {
            // node's Writable converts a non-Buffer Uint8Array itself (by its
            // own getters) before the plugin sees it: that reading is node's.
            const nodeView = 'nodeView' in hv ? hv.nodeView : nodeWritableView(hv.value);
            if (nodeView !== undefined) cleans.push(withClean(fresh, pos.path, nodeView));
          }
          const hint = entry.kind === 'node-stream' ? " (a node Transform's write() converts a non-Buffer view by the view's own getters unless the plugin's stream takes the chunk itself)" : undefined;
          return {
            cleans, accept: 'correct-or-typed', names: namesOf(pos), inFlight: hv.inFlight, verify: hv.verify, movedOut: hv.movedOut, ...(hint === undefined ? {} : { hint }),
          };
        },
      });
    }
  }
  return out;
}

/** What node's Writable makes of a non-Buffer view: `new FastBuffer(v.buffer, v.byteOffset, v.byteLength)`, by the view's own getters. */
function nodeWritableView(value: unknown): Buffer | undefined {
  try {
    if (!ArrayBuffer.isView(value) || Buffer.isBuffer(value)) return undefined;
    const v = value as { buffer: ArrayBuffer; byteOffset: number; byteLength: number };
    return Buffer.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
  } catch {
    return undefined;
  }
}

/** The bytes of `value` in a fresh ArrayBuffer of their own (safe to detach), or undefined. */
function ownCopy(value: unknown): Uint8Array | undefined {
  const t = trueView(value);
  if (t === undefined) return undefined;
  const own = new Uint8Array(t.byteLength);
  own.set(t);
  return own;
}

function arrayCases<C>(entry: EntryPoint<C>, pos: ArrayPosition): Omit<CaseDef<C>, 'index' | 'backend'>[] {
  const where = pathText(pos.path);
  const names = namesOf(pos);
  const mk = (label: string, build: (arr: unknown[]) => { value: unknown; cleans: unknown[]; reads?: () => number }) => ({
    entry, cls: 'array-elements' as const, where, label, inFlight: false,
    prepare(args: unknown[], fresh: () => unknown[]): Prepared {
      const arr = getAt(args, pos.path);
      if (!Array.isArray(arr) || arr.length === 0) throw new Error(`args() has no non-empty array at ${where}`);
      const r = build(arr as unknown[]);
      setAt(args, pos.path, r.value);
      return { cleans: r.cleans.map((c) => withClean(fresh, pos.path, c)), accept: 'correct-or-typed', names, ...(r.reads ? { reads: r.reads } : {}) };
    },
  });
  const last = (arr: unknown[]) => arr.length - 1;
  // another element (an input: e.g. a repeated IV must be refused), or fresh memory (an output)
  const other = (arr: unknown[]) => (pos.role === 'out' || arr.length < 2 ? evilTwin(arr[last(arr)]) : arr[0]);
  return [
    mk('element getter: the valid buffer on the first read, another after', (arr) => {
      const valid = arr[last(arr)];
      const evil = other(arr);
      let reads = 0;
      const copy = [...arr];
      Object.defineProperty(copy, last(arr), { get: () => (reads++ === 0 ? valid : evil), enumerable: true, configurable: true });
      return { value: copy, cleans: [[...arr]], reads: () => reads };
    }),
    mk('element getter: another buffer on the first read, the valid one after', (arr) => {
      const valid = arr[last(arr)];
      const evil = other(arr);
      let reads = 0;
      const copy = [...arr];
      Object.defineProperty(copy, last(arr), { get: () => (reads++ === 0 ? evil : valid), enumerable: true, configurable: true });
      const first = [...arr];
      first[last(arr)] = evil;
      return { value: copy, cleans: [first], reads: () => reads };
    }),
    mk('element getter that detaches the previous element', (arr) => {
      if (arr.length < 2) {
        const valid = arr[0];
        return { value: arr, cleans: [[valid]] };
      }
      const valid = arr[last(arr)];
      const copy = [...arr];
      const victim = ownCopy(arr[0]);
      copy[0] = victim;
      Object.defineProperty(copy, last(arr), {
        get: () => {
          if (victim !== undefined) detach(victim.buffer as ArrayBuffer);
          return valid;
        },
        enumerable: true, configurable: true,
      });
      // if the victim was read (and kept) before the detach, the call may succeed
      return { value: copy, cleans: [[...arr]] };
    }),
    mk('a Proxy of the array whose get trap changes the answer', (arr) => {
      let reads = 0;
      const evil = evilTwin(arr[0]);
      return { value: new Proxy([...arr], { get: (t, p) => (p === '0' ? (reads++ === 0 ? t[0] : evil) : Reflect.get(t, p)) }), cleans: [[...arr]] };
    }),
    mk('an array-like object (not an Array)', (arr) => {
      const like: Record<string, unknown> = { length: arr.length };
      arr.forEach((v, i) => (like[i] = v));
      return { value: like, cleans: [like] };
    }),
    mk('a sparse array (a hole)', (arr) => {
      const copy = [...arr];
      delete copy[last(arr)];
      return { value: copy, cleans: [copy] };
    }),
    mk('a Proxy claiming 2**32 elements', (arr) => ({ value: new Proxy([...arr], { get: (t, p) => (p === 'length' ? 2 ** 32 : Reflect.get(t, p)) }), cleans: [[...arr]] })),
    mk('a frozen array', (arr) => ({ value: Object.freeze([...arr]), cleans: [[...arr]] })),
  ];
}

function optionValueCases<C>(entry: EntryPoint<C>, pos: OptionsPosition | ScalarPosition): Omit<CaseDef<C>, 'index' | 'backend'>[] {
  const out: Omit<CaseDef<C>, 'index' | 'backend'>[] = [];
  const keys = pos.kind === 'options' ? Object.keys(pos.keys) : [undefined];
  for (const key of keys) {
    const path = key === undefined ? pos.path : [...pos.path, key];
    for (const v of HOSTILE_OPTION_VALUES) {
      out.push({
        entry, cls: 'option-values', where: pathText(path), label: v.label, inFlight: false,
        prepare(args, fresh) {
          const value = v.value();
          setAt(args, path, value);
          return { cleans: [withClean(fresh, path, value)], accept: 'correct-or-typed', names: key === undefined ? namesOf(pos) : [key] };
        },
      });
    }
  }
  return out;
}

function optionGetterCases<C>(entry: EntryPoint<C>, pos: OptionsPosition): Omit<CaseDef<C>, 'index' | 'backend'>[] {
  const out: Omit<CaseDef<C>, 'index' | 'backend'>[] = [];
  const victimPos = entry.positions.find((p): p is BufferPosition => p.kind === 'buffer' && (p.role ?? 'in') === 'in' && !p.path.slice(0, pos.path.length).every((k, i) => k === pos.path[i]));
  for (const key of Object.keys(pos.keys)) {
    const path = [...pos.path, key];
    const getterCase = (label: string, order: 'valid-first' | 'evil-first' | 'detach-data' | 'throws') => ({
      entry, cls: 'option-getters' as const, where: pathText(path), label, inFlight: false,
      prepare(args: unknown[], fresh: () => unknown[]): Prepared {
        const opts = getAt(args, pos.path);
        const target = (opts === undefined || opts === null ? (setAt(args, pos.path, {}), getAt(args, pos.path)) : opts) as object;
        const valid = getAt(args, path) ?? pos.keys[key];
        const evil = evilTwin(valid);
        let reads = 0;
        let get: () => unknown;
        const cleans: unknown[][] = [];
        if (order === 'detach-data') {
          // the victim gets memory of its own first (a pooled Buffer's ArrayBuffer is shared, or untransferable)
          const victim = victimPos === undefined ? undefined : ownCopy(getAt(args, victimPos.path));
          if (victimPos !== undefined && victim !== undefined) setAt(args, victimPos.path, victim);
          get = () => {
            reads++;
            if (victim !== undefined && victim.byteLength > 0) detach(victim.buffer as ArrayBuffer);
            return valid;
          };
          cleans.push(withClean(fresh, path, valid));
          if (victimPos !== undefined) {
            const c = withClean(fresh, path, valid);
            setAt(c, victimPos.path, Buffer.alloc(0));
            cleans.push(c);
          }
        } else if (order === 'throws') {
          get = () => {
            reads++;
            throw new Error('hostile getter');
          };
          cleans.push(withClean(fresh, path, valid));
        } else {
          const first = order === 'valid-first' ? valid : evil;
          const later = order === 'valid-first' ? evil : valid;
          get = () => (reads++ === 0 ? first : later);
          cleans.push(withClean(fresh, path, first));
        }
        Object.defineProperty(target, key, { get, enumerable: true, configurable: true });
        // (a detached victim may be what the error names)
        return { cleans, accept: 'correct-or-typed', names: [key, 'options', ...(order === 'detach-data' && victimPos !== undefined ? namesOf(victimPos) : [])], reads: () => reads };
      },
    });
    out.push(getterCase('getter: the valid value on the first read, another after', 'valid-first'));
    out.push(getterCase('getter: another value on the first read, the valid one after', 'evil-first'));
    if (victimPos !== undefined) out.push(getterCase(`getter with a side effect: detaches ${pathText(victimPos.path)} when read`, 'detach-data'));
    // the caller's exception must come back as a typed error (with it as the cause), not escape raw
    out.push(getterCase('getter that throws', 'throws'));
  }
  return out;
}

function optionShapeCases<C>(entry: EntryPoint<C>, pos: OptionsPosition): Omit<CaseDef<C>, 'index' | 'backend'>[] {
  const where = pathText(pos.path);
  const shape = (label: string, make: (opts: Record<string, unknown> | undefined) => { value: unknown; clean: unknown }, accept: Accept = 'correct-or-typed') => ({
    entry, cls: 'option-shapes' as const, where, label, inFlight: false,
    prepare(args: unknown[], fresh: () => unknown[]): Prepared {
      const opts = getAt(args, pos.path) as Record<string, unknown> | undefined;
      const r = make(opts);
      setAt(args, pos.path, r.value);
      // (a required key missing from the new shape may be the one named)
      return { cleans: [withClean(fresh, pos.path, r.clean)], accept, names: ['options', 'bogusKey', ...namesOf(pos), ...Object.keys(pos.keys)] };
    },
  });
  const own = (o: Record<string, unknown> | undefined) => ({ ...(o ?? {}) });
  return [
    shape('an unknown own key', (o) => ({ value: { ...own(o), bogusKey: 1 }, clean: own(o) })),
    shape('an unknown symbol key', (o) => ({ value: { ...own(o), [Symbol('bogus')]: 1 }, clean: own(o) })),
    shape('a null-prototype object', (o) => ({ value: Object.assign(Object.create(null) as object, own(o)), clean: own(o) })),
    shape('a frozen object', (o) => ({ value: Object.freeze(own(o)), clean: own(o) })),
    shape('a Proxy of the options', (o) => ({ value: new Proxy(own(o), {}), clean: own(o) })),
    shape('a revoked Proxy', (o) => {
      const { proxy, revoke } = Proxy.revocable(own(o), {});
      revoke();
      return { value: proxy, clean: own(o) };
    }),
    shape('every key non-enumerable', (o) => {
      const v = {};
      for (const [k, x] of Object.entries(own(o))) Object.defineProperty(v, k, { value: x, enumerable: false, configurable: true });
      return { value: v, clean: own(o) };
    }),
    shape('the keys only inherited (Object.create(options))', (o) => ({ value: Object.create(own(o)) as object, clean: {} })),
    shape('null', () => ({ value: null, clean: null })),
    shape('a number', () => ({ value: 42, clean: 42 })),
    shape('a string', () => ({ value: 'gzip', clean: 'gzip' })),
    shape('an Array', () => ({ value: [], clean: [] })),
    // (node's callback convention reads a function in the options place as the callback)
    ...(entry.kind === 'callback' ? [] : [shape('a function with the keys', (o) => ({ value: Object.assign(() => undefined, own(o)), clean: own(o) }))]),
  ];
}

/** The value Object.prototype[field] is polluted with, and how to see it was used. */
function pollutionValue(field: string): { value: unknown; verify?: () => string | undefined } {
  switch (field) {
    case 'out': case 'dst': case 'outs': {
      const evil = new Uint8Array(1 << 20);
      const v = field === 'outs' ? [evil, evil, evil, evil] : evil;
      return { value: v, verify: () => (evil.some((b) => b !== 0) ? `output landed in Object.prototype.${field}` : undefined) };
    }
    case 'key': return { value: new Uint8Array(32).fill(0xee) };
    case 'iv': return { value: new Uint8Array(16).fill(0xee) };
    case 'ivs': return { value: [new Uint8Array(16).fill(1), new Uint8Array(16).fill(2)] };
    case 'aad': return { value: new Uint8Array(16).fill(0xee) };
    case 'tag': case 'tags': return { value: new Uint8Array(64).fill(0xee) };
    case 'extra': return { value: new Uint8Array(40).fill(0xee) };
    case 'format': return { value: 'deflate' };
    case 'level': return { value: 9 };
    case 'maxOutputLength': return { value: 1 };
    case 'tagLength': return { value: 4 };
    case 'seed': return { value: 0x12345678 };
    case 'chunkSize': return { value: 64 };
    case 'multiMember': return { value: false };
    case 'padding': return { value: false };
    case 'decrypt': return { value: true };
    case 'verifiedOnly': return { value: true };
    case 'alg': return { value: 'aes-128-ctr' };
    case 'gzip': return { value: { name: 'polluted', extra: new Uint8Array(40).fill(0xee) } };
    case 'windowBits': return { value: 9 };
    case 'info': return { value: true };
    case 'dictionary': return { value: Buffer.from('polluted') };
    default: return { value: 'polluted' };
  }
}

function pollutionCases<C>(entry: EntryPoint<C>, fields: readonly string[]): Omit<CaseDef<C>, 'index' | 'backend'>[] {
  const forms: ('valid' | 'minimal')[] = entry.minimalArgs === undefined ? ['valid'] : ['valid', 'minimal'];
  return forms.flatMap((form) => fields.map((field) => ({
    entry, cls: 'prototype-pollution' as const, where: `Object.prototype.${field}`,
    label: `Object.prototype.${field} set during the call, ${form === 'valid' ? 'with the valid options' : 'with only the required options'}`, inFlight: false,
    prepare(args: unknown[], fresh: () => unknown[]): Prepared {
      if (form === 'minimal') {
        args.length = 0;
        args.push(...entry.minimalArgs!());
      }
      const cleans = [form === 'minimal' ? entry.minimalArgs!() : fresh()];
      const p = pollutionValue(field);
      const proto = Object.prototype as Record<string, unknown>;
      const had = Object.prototype.hasOwnProperty.call(proto, field);
      if (had) throw new Error(`Object.prototype.${field} is already set`);
      proto[field] = p.value;
      return {
        cleans, accept: 'correct', names: [], verify: p.verify,
        after: () => {
          delete proto[field];
        },
      };
    },
  })));
}

function authCases<C>(entry: EntryPoint<C>): Omit<CaseDef<C>, 'index' | 'backend'>[] {
  const list = entry.authFailures?.() ?? [];
  return list.map((a, i) => ({
    entry, cls: 'auth-failure' as const, where: 'tag', label: a.label, inFlight: false,
    prepare(args: unknown[]): Prepared {
      const fresh = entry.authFailures!()[i]!;
      args.length = 0;
      args.push(...fresh.args);
      return { cleans: [], accept: 'auth', names: [], authOuts: fresh.outs };
    },
  }));
}

/** Every case of `entries` on `backends` (deterministic order and indexes). */
export function enumerateCases<C>(backends: readonly { readonly name: string; readonly skip?: string }[], entries: readonly EntryPoint<C>[], pollute: readonly string[]): CaseDef<C>[] {
  const all: CaseDef<C>[] = [];
  const fields = [...new Set([...POLLUTED_FIELDS, ...pollute])];
  for (const backend of backends) {
    if (backend.skip !== undefined) continue;
    for (const entry of entries) {
      if (entry.backends !== undefined && !entry.backends.includes(backend.name)) continue;
      const buffers = entry.positions.filter((p): p is BufferPosition => p.kind === 'buffer');
      const options = entry.positions.filter((p): p is OptionsPosition => p.kind === 'options');
      const scalars = entry.positions.filter((p): p is ScalarPosition => p.kind === 'scalar');
      const arrays = entry.positions.filter((p): p is ArrayPosition => p.kind === 'array');
      const cases: Omit<CaseDef<C>, 'index' | 'backend'>[] = [];
      for (const cls of BUFFER_CLASSES) cases.push(...bufferCases(entry, cls, buffers));
      for (const a of arrays) cases.push(...arrayCases(entry, a));
      for (const o of [...options, ...scalars]) cases.push(...optionValueCases(entry, o));
      for (const o of options) cases.push(...optionGetterCases(entry, o));
      for (const o of options) cases.push(...optionShapeCases(entry, o));
      cases.push(...pollutionCases(entry, fields));
      cases.push(...authCases(entry));
      for (const c of cases) all.push({ ...c, index: all.length, backend: backend.name });
    }
  }
  return all;
}

// ---------------------------------------------------------------- running

const ARGUMENT_CODES = new Set([
  'ERR_INVALID_ARGUMENT', 'ERR_BUFFER_DETACHED', 'ERR_BUFFER_TOO_SMALL', 'ERR_OUTPUT_TOO_SMALL', 'ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE', 'ERR_OUT_OF_RANGE',
]);

function describeError(e: unknown): string {
  if (e instanceof Error) {
    const code = (e as { code?: unknown }).code;
    const arg = (e as { details?: { argument?: unknown } }).details?.argument;
    return `${e.name}${code === undefined ? '' : ` ${String(code)}`}${arg === undefined ? '' : ` (argument ${String(arg)})`}: ${e.message}`.slice(0, 400);
  }
  try {
    return `non-Error thrown: ${String(e)}`.slice(0, 200);
  } catch {
    return 'non-Error thrown';
  }
}

/** Typed: a WarpdriveError with a stable ERR_* code (or, where allowed, a node-style error with one). */
function typedCode(e: unknown, nodeErrors: boolean): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (isWarpdriveError(e)) return /^ERR_[A-Z0-9_]+$/.test(code) ? code : undefined;
  if (nodeErrors && e instanceof Error && /^(ERR_[A-Z0-9_]+|Z_[A-Z_]+)$/.test(code)) return code;
  return undefined;
}

function namesArgument(e: unknown, names: readonly string[]): boolean {
  if (names.length === 0) return true;
  const arg = (e as { details?: { argument?: unknown } }).details?.argument;
  const message = (e as Error).message ?? '';
  return names.some((n) => (typeof arg === 'string' && arg.includes(n)) || message.includes(n));
}

/** Some view in the result (up to 3 levels down) reads as empty: its memory was detached or shrunk by the caller. */
function hasEmptyView(result: unknown, depth = 0): boolean {
  const v = trueView(result);
  if (v !== undefined) return v.byteLength === 0;
  if (depth > 2 || result === null || typeof result !== 'object') return false;
  return Object.values(result).some((x) => hasEmptyView(x, depth + 1));
}

async function settle(value: unknown, ms: number): Promise<{ ok: true; result: unknown } | { ok: false; error: unknown } | { timeout: true }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<{ timeout: true }>((resolve) => {
    timer = setTimeout(() => resolve({ timeout: true }), ms);
  });
  try {
    return await Promise.race([Promise.resolve(value).then((result) => ({ ok: true as const, result }), (error: unknown) => ({ ok: false as const, error })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Run one case on `ctx`: never throws. */
export async function runCase<C>(ctx: C, c: CaseDef<C>, caseMs: number): Promise<Outcome> {
  const entry = c.entry;
  const fresh = () => (c.inFlight && entry.inFlightArgs !== undefined ? entry.inFlightArgs() : entry.args());
  const args = fresh();
  // Clean argument lists share the live output memory (a check reads what was written there).
  const outs = entry.positions.filter((q): q is BufferPosition => q.kind === 'buffer' && q.role === 'out').map((q) => [q.path, getAt(args, q.path)] as const);
  const cleanBase = () => {
    const a = fresh();
    for (const [path, v] of outs) if (v !== undefined) setAt(a, path, v);
    return a;
  };
  let state: unknown;
  if (entry.setup !== undefined) {
    const made = await settle(entry.setup(ctx), caseMs);
    if (!('ok' in made) || !made.ok) {
      return { k: 'fail', code: 'setup', why: `setup failed: ${'error' in made ? describeError(made.error) : 'timeout'}` };
    }
    state = made.result;
  }
  let p: Prepared;
  try {
    p = c.prepare(args, cleanBase);
  } catch (err) {
    if (entry.teardown !== undefined) await settle(entry.teardown(state).catch(() => undefined), caseMs);
    return { k: 'fail', code: 'setup', why: `the case could not be set up: ${describeError(err)}` };
  }
  let s: Awaited<ReturnType<typeof settle>>;
  try {
    let started: unknown;
    try {
      started = entry.call(ctx, args, state);
    } catch (err) {
      started = Promise.reject(err);
    }
    if (p.inFlight !== undefined) {
      try {
        p.inFlight();
      } catch {
        // the buffer could not be detached/resized while pinned: allowed
      }
    }
    s = await settle(started, caseMs);
  } finally {
    p.after?.();
  }
  if (entry.teardown !== undefined) await settle(entry.teardown(state).catch(() => undefined), caseMs);
  const memory = p.verify?.();
  const reads = p.reads?.() ?? 0;
  if ('timeout' in s) return { k: 'fail', code: 'hang', why: `did not settle within ${caseMs} ms` };
  let outcome: Outcome;
  if (!s.ok) {
    const code = typedCode(s.error, entry.nodeErrors === true);
    if (code === undefined) {
      outcome = { k: 'fail', code: 'untyped', why: `${describeError(s.error)}${p.hint ?? ''}` };
    }
    else if (p.accept === 'correct') outcome = { k: 'fail', code: 'refused', why: `a valid call was refused: ${describeError(s.error)}` };
    else if (p.accept === 'auth' && code !== 'ERR_AUTH_FAILED') outcome = { k: 'fail', code: 'wrong-error', why: `expected ERR_AUTH_FAILED: ${describeError(s.error)}` };
    else if (ARGUMENT_CODES.has(code) && !namesArgument(s.error, p.names)) outcome = { k: 'fail', code: 'unnamed', why: `the error does not name ${p.names.join(' or ')}: ${describeError(s.error)}` };
    else outcome = { k: 'typed', code };
    if (p.accept === 'auth') {
      const leaked = (p.authOuts ?? []).findIndex((o) => o.some((b) => b !== 0));
      if (leaked >= 0) {
        const o = p.authOuts![leaked]!;
        const nonzero = o.filter((b) => b !== 0).length;
        const prefill = o.filter((b) => b === o[0]).length;
        outcome = { k: 'fail', code: 'plaintext', why: `out #${leaked} is not all zero after the authentication failure: ${nonzero} of ${o.length} bytes non-zero (${prefill} equal 0x${o[0]!.toString(16)}) — ${describeError(s.error)}` };
      }
    }
  } else if (p.accept === 'auth') {
    outcome = { k: 'fail', code: 'resolved', why: 'resolved although the tag is wrong' };
  } else {
    let problem: string | undefined;
    for (const clean of p.cleans) {
      try {
        problem = entry.check(s.result, clean);
      } catch (err) {
        problem = `check threw: ${describeError(err)}`;
      }
      if (problem === undefined) break;
    }
    // the caller moved the output memory away in flight: a view of it reads
    // as empty and the check cannot read the window (the guards of the new
    // owner were verified instead)
    if (problem !== undefined && p.movedOut === true && (hasEmptyView(s.result) || hasEmptyView(p.cleans[0]) || problem.includes('detached'))) problem = undefined;
    outcome = problem === undefined ? { k: 'correct' } : { k: 'fail', code: 'wrong-result', why: problem };
  }
  if (memory !== undefined) outcome = { k: 'fail', code: 'memory', why: memory };
  else if (reads > 1 && outcome.k !== 'fail') outcome = { k: 'fail', code: 'read-twice', why: `a getter that must be read once was read ${reads} times` };
  return outcome;
}

export { collect };
