// The README's main job: open the in-process soft device, run a batch of
// real operations through its queues and show what happened.
import { randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync, crc32 as zlibCrc32 } from 'node:zlib';
import { coreOps, createContext, listDevices } from '@warpdrive/core';
import zip from '@warpdrive/plugin-zip';

const MiB = 1024 * 1024;

console.log('devices:');
for (const d of await listDevices()) {
  const state = d.error ? `error: ${d.error.message}` : `api ${d.api}, sva ${d.sva}, algorithms ${d.algorithms.join(',')}`;
  console.log(`  ${d.name} (${d.backend}): ${state}`);
}

const ctx = await createContext({ plugins: [coreOps(), zip()], device: 'soft', queues: 2 });
try {
  const chunk = 1 * MiB;
  const src = randomFillSync(Buffer.alloc(64 * MiB));
  const dst = Buffer.alloc(src.length);

  const t0 = process.hrtime.bigint();
  const jobs = [];
  for (let off = 0; off < src.length; off += chunk) {
    jobs.push(ctx.copy(src.subarray(off, off + chunk), dst.subarray(off, off + chunk)));
  }
  await Promise.all(jobs);
  const copyNs = Number(process.hrtime.bigint() - t0);
  if (!src.equals(dst)) throw new Error('copy mismatch');
  console.log(`copied 64 MiB in 1 MiB descriptors: ${((64 * MiB) / (copyNs / 1e9) / 1e9).toFixed(2)} GB/s`);

  const crcs = await Promise.all(
    Array.from({ length: 64 }, (_, i) => ctx.crc32(src.subarray(i * chunk, (i + 1) * chunk))),
  );
  const expected = Array.from({ length: 64 }, (_, i) => zlibCrc32(src.subarray(i * chunk, (i + 1) * chunk)));
  const agree = crcs.every((c, i) => c === expected[i]);
  console.log(`crc32 of 64 chunks: ${agree ? 'all match node:zlib' : 'MISMATCH'}`);

  // gzip the node binary in 1 MiB requests at level 1, side by side with node:zlib.
  const elf = readFileSync(process.execPath).subarray(0, 32 * MiB);
  const parts = Array.from({ length: Math.ceil(elf.length / chunk) }, (_, i) => elf.subarray(i * chunk, (i + 1) * chunk));
  let t = process.hrtime.bigint();
  const gz = await Promise.all(parts.map((p) => ctx.compress(p, { format: 'gzip', level: 1 })));
  const wdNs = Number(process.hrtime.bigint() - t);
  t = process.hrtime.bigint();
  const nodeGz = parts.map((p) => gzipSync(p, { level: 1 }));
  const nodeNs = Number(process.hrtime.bigint() - t);
  const roundTrip = gz.every((g, i) => gunzipSync(g).equals(parts[i]));
  const size = (list) => list.reduce((n, b) => n + b.length, 0);
  console.log(
    `gzip level 1 of ${elf.length >> 20} MiB of ${process.execPath}: warpdrive ${(elf.length / (wdNs / 1e9) / 1e6).toFixed(0)} MB/s ` +
      `(ratio ${(elf.length / size(gz)).toFixed(2)}), node:zlib ${(elf.length / (nodeNs / 1e9) / 1e6).toFixed(0)} MB/s ` +
      `(ratio ${(elf.length / size(nodeGz)).toFixed(2)}); node:zlib decodes ours: ${roundTrip ? 'yes' : 'NO'}`,
  );

  const stats = ctx.stats();
  console.log(`stats: ${stats.ops} ops, ${stats.bytesIn} bytes in, ${stats.bytesOut} bytes out, ${stats.bytesCopied} bytes copied by the SDK`);
  if (!agree || !roundTrip) process.exitCode = 1;
} finally {
  await ctx.close();
}
