// One contender of the zip suite in a process of its own (forked by
// bench/suites/zip.mjs), so that no contender runs on a V8 heap another
// one shaped. The bench process's heap is small (about 8 MB live); after
// a window of node:zlib's, V8 had grown the young generation to its
// maximum and, with so little slack above the live heap, kept incremental
// marking running back to back (a mark-compact every ~14 ms instead of
// scavenges) for whoever ran next. An application runs one of the
// libraries, not both in turn.
//
// Protocol (IPC, one request at a time), after the child's {ready}: {op:'setup', ...} → {compressedBytes};
// {op:'window', ms} → {mbps, opsPerSec, cpuPerWall}; {op:'exit'}.
import { readFileSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { caseInputs } from './zip-inputs.mjs';
import { timed, timedWindow } from './windows.mjs';

const KiB = 1024;

function nodeCallback(fn, input, options) {
  return new Promise((resolve, reject) => fn(input, options, (err, out) => (err ? reject(err) : resolve(out))));
}

/** The contender's window function and its outputs for one pass (for ratios and the check). */
async function setup({ corpusPath, size, maxTotal, caseOp: op, level, contender }) {
  const compress = op === 'compress';
  const { plain, inputs, plainBytes } = caseInputs(readFileSync(corpusPath), size, maxTotal, op);
  const n = inputs.length;
  const nodeOpts = { level };
  let close = async () => {};
  let window;
  let outputs;
  if (contender === 'wd' || contender === 'wdOut') {
    const { createContext } = await import('@warpdrive/core');
    const { default: zip } = await import('@warpdrive/plugin-zip');
    const ctx = await createContext({ plugins: [zip()], queues: 1 });
    close = () => ctx.close();
    const options = { format: 'gzip', level };
    const inFlight = size <= 4 * KiB ? 64 : 8;
    // wdOut: decompress into one reused `out` per lane (the zero-garbage form)
    const outs = Array.from({ length: inFlight }, () => Buffer.allocUnsafe(size));
    const start =
      contender === 'wdOut'
        ? (i, lane = 0) => ctx.decompress(inputs[i], { format: 'gzip', out: outs[lane] })
        : (i) => (compress ? ctx.compress(inputs[i], options) : ctx.decompress(inputs[i], { format: 'gzip' }));
    window = (ms) => timedWindow(ms, plainBytes / n, n, inFlight, start);
    outputs = [];
    for (let i = 0; i < n; i++) outputs.push(Buffer.from(await start(i)));
  } else if (contender === 'nodeSync' || contender === 'facadeSync') {
    const lib = contender === 'nodeSync' ? zlib : (await import('@warpdrive/plugin-zip/zlib')).default;
    const fn = compress ? lib.gzipSync : lib.gunzipSync;
    const pass = async () => {
      for (const b of inputs) fn(b, nodeOpts);
    };
    window = (ms) => timed(ms, plainBytes, n, pass);
    outputs = inputs.map((b) => fn(b, nodeOpts));
  } else if (contender === 'nodeAsync' || contender === 'facadeAsync') {
    const lib = contender === 'nodeAsync' ? zlib : (await import('@warpdrive/plugin-zip/zlib')).default;
    const fn = compress ? lib.gzip : lib.gunzip;
    const start = (i) => nodeCallback(fn, inputs[i], nodeOpts);
    window = (ms) => timedWindow(ms, plainBytes / n, n, 4, start);
    outputs = await Promise.all(inputs.map((_, i) => start(i)));
  } else {
    throw new Error(`unknown contender '${contender}'`);
  }
  if (!compress && !outputs.every((b, i) => b.equals(plain[i]))) throw new Error(`${contender}: decompress output differs from the input`);
  if (compress && !outputs.every((b, i) => zlib.gunzipSync(b).equals(plain[i]))) throw new Error(`${contender}: compress output does not round-trip`);
  const compressedBytes = compress ? outputs.reduce((s, b) => s + b.length, 0) : inputs.reduce((s, b) => s + b.length, 0);
  return { window, close, reply: { compressedBytes, plainBytes, requests: n } };
}

let current;
process.on('message', async (msg) => {
  try {
    if (msg.op === 'setup') {
      current = await setup(msg);
      process.send({ ok: true, ...current.reply });
    } else if (msg.op === 'window') {
      process.send({ ok: true, ...(await current.window(msg.ms)) });
    } else if (msg.op === 'exit') {
      await current?.close();
      process.disconnect();
    }
  } catch (err) {
    process.send({ ok: false, error: err instanceof Error ? err.stack : String(err) });
  }
});
process.on('disconnect', () => process.exit(0));
// messages sent before the listener above existed would be lost: say when it does
process.send({ ok: true, ready: true });
