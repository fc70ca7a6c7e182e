/**
 * coreOps(): the NOP / COPY / CRC32 operations of wd_soft.h's core opcode
 * range (0x00–0x0f). Their soft-device engines are the addon's built-ins.
 */
import { WD_MAX_REQ_LEN, WD_OP_COPY, WD_OP_CRC32, WD_OP_NOP, WD_SOFT_API_V1 } from '../abi.js';
import { WarpdriveError } from '../errors.js';
import type { BufferInput } from '../memory.js';
import { lengthOf } from '../kit/intrinsics.js';
import { requireLength, viewOf } from '../kit/bytes.js';
import { ownField } from '../kit/options.js';
import { definePlugin, type PinFn, type Plugin, type PluginHost } from '../plugin.js';
import type { Cqe } from '../cqe.js';
import type { SqeWriter } from '../sqe.js';

/** Request of the `copy` operation. */
export interface CopyRequest {
  /** Bytes to copy. */
  readonly src: BufferInput;
  /** Destination; must hold at least `src.byteLength` bytes. */
  readonly dst: BufferInput;
}

/** Request of the `crc32` operation. */
export interface Crc32Request {
  /** Bytes to checksum. */
  readonly data: BufferInput;
  /** Running CRC to continue from (like zlib's `crc32(data, value)`), default 0. */
  readonly seed?: number;
}

/** Methods coreOps() adds to a context. */
export interface CoreOpsMethods {
  /**
   * A request that does nothing: measures the queue round trip.
   * @throws WarpdriveError `ERR_CONTEXT_CLOSED`
   */
  nop(): Promise<void>;
  /**
   * Copy `src` into the start of `dst` on the device.
   * @returns bytes copied (`src.byteLength`)
   * @throws WarpdriveError `ERR_INVALID_ARGUMENT` (not buffers),
   *   `ERR_BUFFER_DETACHED`, `ERR_BUFFER_TOO_SMALL` (`dst` shorter than
   *   `src`, checked before submission), `ERR_OUTPUT_TOO_SMALL` (device
   *   answer), `ERR_CONTEXT_CLOSED`
   */
  copy(src: BufferInput, dst: BufferInput): Promise<number>;
  /**
   * CRC-32 (IEEE, reflected; the zlib/gzip CRC) of `data`.
   * @param seed - CRC to continue from, an unsigned 32-bit integer (default 0)
   * @returns the CRC as an unsigned 32-bit number
   * @throws WarpdriveError `ERR_INVALID_ARGUMENT`, `ERR_BUFFER_DETACHED`, `ERR_CONTEXT_CLOSED`
   */
  crc32(data: BufferInput, seed?: number): Promise<number>;
  /**
   * {@link CoreOpsMethods.copy} on the inline path: the calling thread runs the engine.
   * @throws WarpdriveError as `copy`, thrown synchronously
   */
  copySync(src: BufferInput, dst: BufferInput): number;
  /**
   * {@link CoreOpsMethods.crc32} on the inline path: the calling thread runs the engine.
   * @throws WarpdriveError as `crc32`, thrown synchronously
   */
  crc32Sync(data: BufferInput, seed?: number): number;
}

function requestObject(request: unknown): Record<string, unknown> {
  if (request === null || typeof request !== 'object') {
    throw new WarpdriveError('ERR_INVALID_ARGUMENT', '`request` must be an object', { details: { argument: 'request' } });
  }
  return request as Record<string, unknown>;
}


const nop = {
  prep(sqe: SqeWriter): void {
    sqe.opcode(WD_OP_NOP);
  },
};

const copy = {
  prep(sqe: SqeWriter, request: CopyRequest, pin: PinFn): void {
    const r = requestObject(request);
    // Each field is read once, as an own property (Object.prototype.dst is
    // not a destination), and turned into core's own view: a getter, a Proxy
    // or a lying `byteLength` cannot hand the length check one buffer and
    // pin() another. Lengths come from the views from here on.
    const src = viewOf(ownField(r, 'src'), 'src', { maxLength: WD_MAX_REQ_LEN });
    const dst = viewOf(ownField(r, 'dst'), 'dst');
    const srcLen = lengthOf(src);
    const dstLen = requireLength(dst, srcLen, 'dst');
    sqe.opcode(WD_OP_COPY)
      .srcAddr(pin(src, 'src', 'read'))
      .srcLen(srcLen)
      .dstAddr(pin(dst, 'dst', 'write'))
      .dstLen(Math.min(dstLen, WD_MAX_REQ_LEN));
  },
  complete(cqe: Cqe): number {
    return cqe.produced;
  },
};

const crc32 = {
  prep(sqe: SqeWriter, request: Crc32Request, pin: PinFn): void {
    const r = requestObject(request);
    const data = viewOf(ownField(r, 'data'), 'data', { maxLength: WD_MAX_REQ_LEN }); // as in copy
    const length = lengthOf(data);
    const seed = ownField(r, 'seed') ?? 0; // Object.prototype.seed is not a seed
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new WarpdriveError('ERR_INVALID_ARGUMENT', `\`seed\` must be an unsigned 32-bit integer, got ${String(seed)}`, {
        details: { argument: 'seed' },
      });
    }
    sqe.opcode(WD_OP_CRC32).srcAddr(pin(data, 'data', 'read')).srcLen(length).aux(seed);
  },
  complete(cqe: Cqe): number {
    return cqe.auxLow;
  },
};

/**
 * The built-in plugin with `nop`, `copy` and `crc32`.
 *
 * @example
 * const ctx = await createContext({ plugins: [coreOps()] });
 * await ctx.copy(src, dst);
 */
export function coreOps(): Plugin<CoreOpsMethods> {
  return definePlugin<CoreOpsMethods>({
    name: 'core',
    algorithms: ['nop', 'copy', 'crc32'],
    operations: {
      nop: { opcode: WD_OP_NOP, api: { [WD_SOFT_API_V1]: nop } },
      copy: { opcode: WD_OP_COPY, api: { [WD_SOFT_API_V1]: copy } },
      crc32: { opcode: WD_OP_CRC32, api: { [WD_SOFT_API_V1]: crc32 } },
    },
    extend(ctx: PluginHost): CoreOpsMethods {
      return {
        nop: () => ctx.run<void>('nop'),
        copy: (src, dst) => ctx.run<number>('copy', { src, dst }),
        crc32: (data, seed) => ctx.run<number>('crc32', seed === undefined ? { data } : { data, seed }),
        copySync: (src, dst) => ctx.runSync<number>('copy', { src, dst }),
        crc32Sync: (data, seed) => ctx.runSync<number>('crc32', seed === undefined ? { data } : { data, seed }),
      };
    },
  });
}

export default coreOps;
