// A short measurement behind the README's level → engine table: 1 MiB of
// /usr/include text, each level, ours vs node:zlib in the same run
// (interleaved, best of 3 rounds). Not the project benchmark (bench/ owns
// that); usage: node scripts/measure.mjs [--json]
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { createContext } from '@warpdrive/core';
import zip from '@warpdrive/plugin-zip';

const parts = [];
let total = 0;
for (const n of readdirSync('/usr/include').sort()) {
  const p = `/usr/include/${n}`;
  if (!n.endsWith('.h') || !statSync(p).isFile()) continue;
  parts.push(readFileSync(p));
  total += parts.at(-1).length;
  if (total > 1 << 20) break;
}
const data = Buffer.concat(parts).subarray(0, 1 << 20);
const ctx = await createContext({ plugins: [zip()] });
const gzipAsync = promisify(zlib.gzip);
const gunzipAsync = promisify(zlib.gunzip);

async function rate(fn, bytes, ms = 250) {
  let best = 0;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    let n = 0;
    while (performance.now() - t0 < ms / 3) n += await fn();
    best = Math.max(best, (n * bytes) / ((performance.now() - t0) / 1000) / 1e6);
  }
  return best;
}
const x4 = (f) => async () => (await Promise.all([f(), f(), f(), f()]), 4);
const one = (f) => async () => (f(), 1);

const rows = [];
for (let level = 0; level <= 9; level++) {
  const ours = ctx.compressSync(data, { level });
  const node = zlib.gzipSync(data, { level });
  const wdSync = await rate(one(() => ctx.compressSync(data, { level })), data.length);
  const nodeSync = await rate(one(() => zlib.gzipSync(data, { level })), data.length);
  const wdAsync = await rate(x4(() => ctx.compress(data, { level })), data.length);
  const nodeAsync = await rate(x4(() => gzipAsync(data, { level })), data.length);
  rows.push({
    level, wdSyncMBs: +wdSync.toFixed(0), wdAsync4MBs: +wdAsync.toFixed(0), nodeSyncMBs: +nodeSync.toFixed(0), nodeAsync4MBs: +nodeAsync.toFixed(0),
    speedup: +(Math.max(wdSync, wdAsync) / Math.max(nodeSync, nodeAsync)).toFixed(2),
    wdRatio: +(data.length / ours.length).toFixed(3), nodeRatio: +(data.length / node.length).toFixed(3),
  });
}
const gz = zlib.gzipSync(data, { level: 6 });
const dec = {
  wdSyncMBs: await rate(one(() => ctx.decompressSync(gz)), data.length),
  wdAsync4MBs: await rate(x4(() => ctx.decompress(gz)), data.length),
  nodeSyncMBs: await rate(one(() => zlib.gunzipSync(gz)), data.length),
  nodeAsync4MBs: await rate(x4(() => gunzipAsync(gz)), data.length),
};
const small = data.subarray(0, 4096);
const ops = {
  wdAsync4: await rate(x4(() => ctx.compress(small, { level: 1 })), 1),
  wdSync: await rate(one(() => ctx.compressSync(small, { level: 1 })), 1),
  nodeAsync4: await rate(x4(() => gzipAsync(small, { level: 1 })), 1),
  nodeSync: await rate(one(() => zlib.gzipSync(small, { level: 1 })), 1),
};
await ctx.close();
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ compress: rows, decompress: dec, ops4KiBPerSecond: ops }, null, 2));
} else {
  console.table(rows);
  console.log('decompress (gzip level 6 input) MB/s', Object.fromEntries(Object.entries(dec).map(([k, v]) => [k, +v.toFixed(0)])));
  console.log('4 KiB compress level 1, ops/s (×1e6)', Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, +v.toFixed(3)])));
}
