/**
 * A third-party warpdrive plugin: `ctx.histogram(data)` counts byte values
 * on the device. It brings its own soft-device engine (engine/histogram.c,
 * built into build/histogram-engine.so) on opcode 0xe0, the first opcode of
 * the third-party range.
 */
import { fileURLToPath } from 'node:url';
import { definePlugin, type Cqe, type PinFn, type Plugin, type SqeWriter } from '@warpdrive/core';
import { argumentError, elementsOf, lengthOf, typedArrayName, viewOf } from '@warpdrive/core/plugin-kit';

/** Opcode of the histogram operation (third-party range 0xe0–0xff). */
export const HISTOGRAM_OPCODE = 0xe0;
const TABLE_ENTRIES = 256;
const TABLE_BYTES = TABLE_ENTRIES * 4;

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

/**
 * A request holds only views the kit made: whatever the caller's objects
 * say about their own length later, the SQE carries the true one.
 */
interface HistogramRequest {
  readonly data: Uint8Array;
  readonly table: Uint8Array;
  readonly out: Uint32Array;
}

/** Check the caller's arguments once, when the request is made. */
function histogramRequest(data: unknown, out: unknown): HistogramRequest {
  if (typedArrayName(out) !== 'Uint32Array') {
    throw argumentError('out', '`out` must be a Uint32Array');
  }
  const entries = elementsOf(out as Uint32Array);
  if (entries < TABLE_ENTRIES) {
    throw argumentError('out', `\`out\` must have at least ${TABLE_ENTRIES} entries, got ${entries}`, 'ERR_BUFFER_TOO_SMALL');
  }
  return { data: viewOf(data, 'data'), table: viewOf(out, 'out'), out: out as Uint32Array };
}

const wdSoftV1 = {
  prep(sqe: SqeWriter, request: HistogramRequest, pin: PinFn): void {
    const src = pin(request.data, 'data', 'read');
    const srcLen = lengthOf(request.data);
    sqe.opcode(HISTOGRAM_OPCODE).srcAddr(src).srcLen(srcLen).dstAddr(pin(request.table, 'out', 'write')).dstLen(TABLE_BYTES);
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
      histogram: async (data, out = new Uint32Array(TABLE_ENTRIES)) => ctx.run<Uint32Array>('histogram', histogramRequest(data, out)),
    }),
  });
}
