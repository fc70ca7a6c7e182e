/**
 * Bad arguments of every public function → WarpdriveError ERR_INVALID_ARGUMENT
 * (or the specific buffer code) whose message names the argument.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('../src/native-module.js', () => import('./helpers/mock-native-module.js'));
const { createContext, coreOps, BufferPool, addressOf } = await import('../src/index.js');

function rejectsWith(p: Promise<unknown> | (() => unknown), code: string, message: string | RegExp) {
  const matcher = expect.objectContaining({ code, message: typeof message === 'string' ? message : expect.stringMatching(message) });
  if (typeof p === 'function') return expect(p).toThrowError(matcher);
  return expect(p).rejects.toEqual(matcher);
}

describe('createContext options', () => {
  const cases: Array<[string, unknown, string | RegExp]> = [
    ['non-object options', 'soft', '`options` must be an object, got "soft"'],
    ['missing options', undefined, '`options` must be an object, got undefined'],
    ['missing plugins', {}, '`options.plugins` must be an array of plugins (e.g. [coreOps()]), got undefined'],
    ['depth not a power of two', { plugins: [], depth: 3 }, '`options.depth` must be a power of two between 1 and 32768, got 3'],
    ['depth too large', { plugins: [], depth: 65536 }, '`options.depth` must be a power of two between 1 and 32768, got 65536'],
    ['depth a string', { plugins: [], depth: '256' }, '`options.depth` must be a power of two between 1 and 32768, got "256"'],
    ['queues 0', { plugins: [], queues: 0 }, '`options.queues` must be an integer between 1 and 64, got 0'],
    ['queues 65', { plugins: [], queues: 65 }, '`options.queues` must be an integer between 1 and 64, got 65'],
    ['workers 1.5', { plugins: [], workers: 1.5 }, '`options.workers` must be an integer between 1 and 256, got 1.5'],
    ['pollMicros too large', { plugins: [], pollMicros: 1001 }, '`options.pollMicros` must be an integer between 0 and 1000, got 1001'],
    ['unknown schedule', { plugins: [], schedule: 'random' }, "`options.schedule` must be one of 'round-robin', 'least-in-flight', got \"random\""],
    ['empty device', { plugins: [], device: '' }, '`options.device` must be \'auto\', \'soft\', \'uacce\' or a device name (non-empty string), got ""'],
    ['unknown option', { plugins: [], deph: 4 }, /^`options\.deph` is not a known option \(known: plugins, device, queues, depth/],
    ['a non-plugin in plugins', { plugins: [coreOps(), 7] }, /^`options\.plugins\.1` must be a plugin object/],
  ];
  for (const [what, options, message] of cases) {
    it(`${what} → ERR_INVALID_ARGUMENT`, async () => {
      await rejectsWith(createContext(options as never), 'ERR_INVALID_ARGUMENT', message);
    });
  }

  it('an unknown device → ERR_DEVICE_NOT_FOUND', async () => {
    await rejectsWith(createContext({ plugins: [], device: 'no-such-device-0' }), 'ERR_DEVICE_NOT_FOUND', /no device named 'no-such-device-0'/);
  });

  it('conflicting plugins → ERR_PLUGIN', async () => {
    await rejectsWith(createContext({ plugins: [coreOps(), coreOps()] }), 'ERR_PLUGIN', /already registered/);
  });

  it('a plugin method clashing with a Context member → ERR_PLUGIN', async () => {
    const bad = { name: 'bad', algorithms: [], operations: {}, extend: () => ({ close: () => 1 }) };
    await rejectsWith(createContext({ plugins: [bad] }), 'ERR_PLUGIN', /method 'close' conflicts with a Context member/);
  });

  it('an engine library that cannot load → ERR_PLUGIN with the cause', async () => {
    const p = { name: 'eng', algorithms: [], operations: {}, softEngines: [{ library: '/nonexistent.so', symbol: 'get' }] };
    await rejectsWith(createContext({ plugins: [p] }), 'ERR_PLUGIN', /cannot load soft engine get from \/nonexistent.so/);
  });
});

describe('operations', () => {
  let ctx: Awaited<ReturnType<typeof createContext<[ReturnType<typeof coreOps>]>>>;
  beforeAll(async () => {
    ctx = await createContext({ plugins: [coreOps()] });
  });
  afterAll(() => ctx.close());

  it('copy: non-buffer src/dst → ERR_INVALID_ARGUMENT naming it', async () => {
    await rejectsWith(ctx.copy('abc' as never, Buffer.alloc(3)), 'ERR_INVALID_ARGUMENT', '`src` must be a Buffer, TypedArray, DataView or ArrayBuffer, got string');
    await rejectsWith(ctx.copy(Buffer.alloc(3), [1, 2, 3] as never), 'ERR_INVALID_ARGUMENT', '`dst` must be a Buffer, TypedArray, DataView or ArrayBuffer, got Array');
    await rejectsWith(ctx.copy(Buffer.alloc(3), null as never), 'ERR_INVALID_ARGUMENT', '`dst` must be a Buffer, TypedArray, DataView or ArrayBuffer, got null');
  });

  it('copy: too-small destination → ERR_BUFFER_TOO_SMALL before submission', async () => {
    await rejectsWith(ctx.copy(Buffer.alloc(10), new Uint16Array(4)), 'ERR_BUFFER_TOO_SMALL', '`dst` must be at least 10 bytes, got 8');
    expect(ctx.queues[0]!.inFlight).toBe(0);
  });

  it('copy/crc32: detached buffers → ERR_BUFFER_DETACHED before submission', async () => {
    const src = new Uint8Array(64);
    structuredClone(src.buffer, { transfer: [src.buffer] });
    expect(src.buffer.byteLength).toBe(0);
    await rejectsWith(ctx.copy(src, Buffer.alloc(64)), 'ERR_BUFFER_DETACHED', '`src` is backed by a detached ArrayBuffer');
    await rejectsWith(ctx.crc32(src), 'ERR_BUFFER_DETACHED', '`data` is backed by a detached ArrayBuffer');
    const dst = new ArrayBuffer(64);
    structuredClone(dst, { transfer: [dst] });
    await rejectsWith(ctx.copy(Buffer.alloc(0), dst), 'ERR_BUFFER_DETACHED', '`dst` is backed by a detached ArrayBuffer');
  });

  it('crc32: bad seed → ERR_INVALID_ARGUMENT naming seed', async () => {
    for (const seed of [-1, 2 ** 32, 1.5, '1']) {
      await rejectsWith(ctx.crc32(Buffer.alloc(1), seed as never), 'ERR_INVALID_ARGUMENT', /^`seed` must be an unsigned 32-bit integer/);
    }
  });

  it('run: a non-object request → ERR_INVALID_ARGUMENT naming request', async () => {
    await rejectsWith(ctx.run('copy', 5), 'ERR_INVALID_ARGUMENT', '`request` must be an object');
  });

  it('run / queue.run: unknown operation → ERR_UNSUPPORTED_OPERATION; non-string → ERR_INVALID_ARGUMENT', async () => {
    await rejectsWith(ctx.run('deflate', {}), 'ERR_UNSUPPORTED_OPERATION', /operation 'deflate' is not provided .*available: nop, copy, crc32/);
    await rejectsWith(ctx.queues[0]!.run('deflate', {}), 'ERR_UNSUPPORTED_OPERATION', /operation 'deflate'/);
    await rejectsWith(ctx.run(42 as never), 'ERR_INVALID_ARGUMENT', '`operation` must be an operation name (string)');
  });

  it('SqeWriter setters reject values their field cannot hold, naming the field (no silent wrap)', () => {
    const q = ctx.queues[0]!;
    const sqe = q.getSqe()!;
    const cases: Array<[string, () => unknown, string]> = [
      ['opcode', () => sqe.opcode(256), 'opcode'],
      ['opcode', () => sqe.opcode(1.5), 'opcode'],
      ['flags', () => sqe.flags(-1), 'flags'],
      ['srcLen', () => sqe.srcLen(2 ** 32), 'src_len'],
      ['srcLen', () => sqe.srcLen(2 ** 32 + 5), 'src_len'],
      ['dstLen', () => sqe.dstLen(-1), 'dst_len'],
      ['dstLen', () => sqe.dstLen(NaN), 'dst_len'],
      ['paramLen', () => sqe.paramLen('4' as never), 'param_len'],
      ['opFlags', () => sqe.opFlags(2 ** 32), 'op_flags'],
      ['aux', () => sqe.aux(Infinity), 'aux'],
      ['userData', () => sqe.userData(-1), 'user_data'],
      ['userData', () => sqe.userData(2 ** 64), 'user_data'],
      ['userData', () => sqe.userData(2n ** 64n), 'user_data'],
      ['userData', () => sqe.userData(-1n), 'user_data'],
      ['userData', () => sqe.userData({} as never), 'user_data'],
      ['srcAddr', () => sqe.srcAddr(0.5), 'src_addr'],
      ['dstAddr', () => sqe.dstAddr('0' as never), 'dst_addr'],
      ['ctxAddr', () => sqe.ctxAddr(Number.MAX_SAFE_INTEGER + 1), 'ctx_addr'],
      ['paramAddr', () => sqe.paramAddr(-5n), 'param_addr'],
    ];
    for (const [, fn, field] of cases) {
      expect(fn).toThrowError(expect.objectContaining({ code: 'ERR_INVALID_ARGUMENT', details: { argument: field }, message: expect.stringMatching(new RegExp(`^\`${field}\` must be`)) }));
    }
    // Full ranges are accepted; int32 bit patterns are accepted for bitfields.
    sqe.opcode(255).flags(0).srcLen(2 ** 32 - 1).dstLen(0).opFlags(-1).aux(0xffffffff).userData(2n ** 64n - 1n).srcAddr(Number.MAX_SAFE_INTEGER);
    sqe.reset(); // left unsubmitted: close() takes it back
  });

  it('queue.cqeSeen with something else than the head CQE → ERR_INVALID_ARGUMENT', () => {
    rejectsWith(() => ctx.queues[0]!.cqeSeen(undefined as never), 'ERR_INVALID_ARGUMENT', /^`cqe` must be the CQE/);
  });
});

describe('memory helpers', () => {
  it('addressOf rejects non-buffers and detached buffers, naming the argument', () => {
    rejectsWith(() => addressOf({}, 'key'), 'ERR_INVALID_ARGUMENT', '`key` must be a Buffer, TypedArray, DataView or ArrayBuffer, got Object');
    const ab = new ArrayBuffer(8);
    structuredClone(ab, { transfer: [ab] });
    rejectsWith(() => addressOf(ab), 'ERR_BUFFER_DETACHED', '`buffer` is backed by a detached ArrayBuffer');
  });

  it('addressOf includes the view byteOffset', () => {
    const buf = new Uint8Array(64);
    expect(addressOf(buf.subarray(10))).toBe(addressOf(buf) + 10);
    expect(addressOf(new ArrayBuffer(0))).toBe(0);
  });

  it('BufferPool validates its options', () => {
    rejectsWith(() => new BufferPool(undefined as never), 'ERR_INVALID_ARGUMENT', '`options` must be an object, got undefined');
    rejectsWith(() => new BufferPool({ bufferSize: 0 }), 'ERR_INVALID_ARGUMENT', /^`options.bufferSize` must be an integer between 1 and/);
    rejectsWith(() => new BufferPool({ bufferSize: 4096, maxPooled: -1 }), 'ERR_INVALID_ARGUMENT', /^`options.maxPooled`/);
    rejectsWith(() => new BufferPool({ bufferSize: 4096, prefault: 'yes' } as never), 'ERR_INVALID_ARGUMENT', '`options.prefault` must be a boolean, got "yes"');
  });

  it('BufferPool.release rejects foreign and double-released buffers', () => {
    const pool = new BufferPool({ bufferSize: 4096, maxPooled: 2 });
    rejectsWith(() => pool.release(Buffer.alloc(4096)), 'ERR_INVALID_ARGUMENT', '`buffer` was not acquired from this pool');
    const b = pool.acquire();
    pool.release(b);
    rejectsWith(() => pool.release(b), 'ERR_INVALID_ARGUMENT', '`buffer` was already released');
  });
});
