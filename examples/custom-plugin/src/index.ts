/**
 * A third-party warpdrive plugin: `ctx.histogram(data)` counts byte values
 * on the device. It brings its own soft-device engine (engine/histogram.c,
 * built into build/histogram-engine.so) on opcode 0xe0, the first opcode of
 * the third-party range.
 */
import { fileURLToPath } from 'node:url';
import { WarpdriveError, definePlugin, type Cqe, type PinFn, type Plugin, type SqeWriter } from '@warpdrive/core';

/** Opcode of the histogram operation (third-party range 0xe0–0xff). */
export const HISTOGRAM_OPCODE = 0xe0;
const TABLE_BYTES = 256 * 4;

/** Methods this plugin adds to a context. */
export interface HistogramMethods {
  /**
   * Count how often each byte value occurs in `data`.
   * @param data - any Buffer / TypedArray / DataView / ArrayBuffer
   * @param out - optional 256-entry Uint32Array to fill (zero-copy); a new one by default
   * @returns `out`, filled by the device
   * @throws WarpdriveError `ERR_INVALID_ARGUMENT`, `ERR_BUFFER_TOO_SMALL`, `ERR_BUFFER_DETACHED`, `ERR_CONTEXT_CLOSED`
   */
  histogram(data: ArrayBufferView | ArrayBuffer, out?: Uint32Array): Promise<Uint32Array>;
}

interface HistogramRequest {
  readonly data: ArrayBufferView | ArrayBuffer;
  readonly out: Uint32Array;
}

const wdSoftV1 = {
  prep(sqe: SqeWriter, request: HistogramRequest, pin: PinFn): void {
    if (!(request.out instanceof Uint32Array)) {
      throw new WarpdriveError('ERR_INVALID_ARGUMENT', '`out` must be a Uint32Array', { details: { argument: 'out' } });
    }
    if (request.out.byteLength < TABLE_BYTES) {
      throw new WarpdriveError('ERR_BUFFER_TOO_SMALL', `\`out\` must have at least 256 entries, got ${request.out.length}`, {
        details: { argument: 'out' },
      });
    }
    const src = pin(request.data, 'data');
    const srcLen = request.data.byteLength;
    sqe.opcode(HISTOGRAM_OPCODE).srcAddr(src).srcLen(srcLen).dstAddr(pin(request.out, 'out')).dstLen(TABLE_BYTES);
  },
  complete(_cqe: Cqe, request: HistogramRequest): Uint32Array {
    return request.out;
  },
};

/** The plugin factory: `createContext({ plugins: [histogram()] })`. */
export default function histogram(): Plugin<HistogramMethods> {
  return definePlugin<HistogramMethods>({
    name: 'example-histogram',
    algorithms: ['histogram'],
    operations: {
      histogram: { opcode: HISTOGRAM_OPCODE, api: { wd_soft_v1: wdSoftV1 } },
    },
    softEngines: [
      {
        library: fileURLToPath(new URL('../build/histogram-engine.so', import.meta.url)),
        symbol: 'histogram_engine_get',
      },
    ],
    extend: (ctx) => ({
      histogram: (data, out = new Uint32Array(256)) => ctx.run<Uint32Array>('histogram', { data, out }),
    }),
  });
}
