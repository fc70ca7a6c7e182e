// A short side-by-side measurement for the README (the full suite is
// `pnpm bench crypto`, a later slice): AES-256-GCM and SHA-256 through the
// plugin vs node:crypto per operation and one long-lived stream, with
// `openssl speed -evp` as the ceiling. ~0.3 s per case: 2 shared vCPUs.
// Usage: node scripts/quick-bench.mjs [--json]
import { execFileSync } from 'node:child_process';
import * as nc from 'node:crypto';
import { createContext } from '@warpdrive/core';
import crypto from '@warpdrive/plugin-crypto';

const json = process.argv.includes('--json');
const TIME = Number(process.env.BENCH_MS ?? 300);
const key = nc.randomBytes(32);
const ivs = Array.from({ length: 256 }, () => nc.randomBytes(12));

function measure(bytes, fn) {
  fn(); // warm-up
  let ops = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < TIME) {
    ops += fn();
    t = performance.now();
  }
  const s = (t - t0) / 1000;
  return { opsPerSec: ops / s, mbps: (ops * bytes) / s / 1e6 };
}

async function measureAsync(bytes, fn) {
  await fn();
  let ops = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < TIME) {
    ops += await fn();
    t = performance.now();
  }
  const s = (t - t0) / 1000;
  return { opsPerSec: ops / s, mbps: (ops * bytes) / s / 1e6 };
}

function opensslSpeed(alg, bytes) {
  try {
    const text = execFileSync('openssl', ['speed', '-evp', alg, '-bytes', String(bytes), '-seconds', '1'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    const line = text.trim().split('\n').at(-1);
    const v = line.trim().split(/\s+/).at(-1); // e.g. 1234567.89k (1000s of bytes/s)
    return (parseFloat(v) * 1000) / 1e6;
  } catch {
    return undefined;
  }
}

const ctx = await createContext({ plugins: [crypto()], queues: 1 });
const session = await ctx.createCipherSession({ alg: 'aes-256-gcm', key });
const rows = [];
const row = (c, alg, bytes, r, baselineMbps) =>
  rows.push({ case: c, alg, bytes, mbps: +r.mbps.toFixed(1), opsPerSec: Math.round(r.opsPerSec), baselineMbps: baselineMbps && +baselineMbps.toFixed(1), speedup: baselineMbps && +(r.mbps / baselineMbps).toFixed(2) });

for (const bytes of [256, 4096, 1 << 20]) {
  const data = nc.randomBytes(bytes);
  const batch = bytes <= 4096 ? 64 : 2;
  const outs = Array.from({ length: batch }, () => Buffer.allocUnsafe(bytes));
  let k = 0;
  const nodeOp = measure(bytes, () => {
    for (let i = 0; i < batch; i++) {
      const c = nc.createCipheriv('aes-256-gcm', key, ivs[k++ & 255]);
      c.update(data);
      c.final();
      c.getAuthTag();
    }
    return batch;
  });
  row('node:crypto per op', 'aes-256-gcm', bytes, nodeOp);
  const stream = nc.createCipheriv('aes-256-gcm', key, ivs[0]);
  row('node:crypto one stream', 'aes-256-gcm', bytes, measure(bytes, () => (stream.update(data), 1)), nodeOp.mbps);
  row('session async, out given, batch', 'aes-256-gcm', bytes,
    await measureAsync(bytes, async () => (await Promise.all(outs.map((out) => session.encrypt(data, { iv: ivs[k++ & 255], out })))).length), nodeOp.mbps);
  row('session sync, out given', 'aes-256-gcm', bytes,
    measure(bytes, () => { for (let i = 0; i < batch; i++) session.encryptSync(data, { iv: ivs[k++ & 255], out: outs[i] }); return batch; }), nodeOp.mbps);
  row('one-shot async (key per op)', 'aes-256-gcm', bytes,
    await measureAsync(bytes, async () => (await Promise.all(outs.map((out) => ctx.encrypt(data, { alg: 'aes-256-gcm', key, iv: ivs[k++ & 255], out })))).length), nodeOp.mbps);
  const ceiling = opensslSpeed('aes-256-gcm', bytes);
  if (ceiling) rows.push({ case: 'openssl speed -evp (ceiling)', alg: 'aes-256-gcm', bytes, mbps: +ceiling.toFixed(1), opsPerSec: Math.round((ceiling * 1e6) / bytes), baselineMbps: +nodeOp.mbps.toFixed(1), speedup: +(ceiling / nodeOp.mbps).toFixed(2) });
}
{
  const bytes = 256;
  const data = nc.randomBytes(bytes);
  const outs = Array.from({ length: 64 }, () => Buffer.allocUnsafe(32));
  const nodeOp = measure(bytes, () => { for (let i = 0; i < 64; i++) nc.createHash('sha256').update(data).digest(); return 64; });
  row('node:crypto per op', 'sha256', bytes, nodeOp);
  row('digest async, out given, batch', 'sha256', bytes, await measureAsync(bytes, async () => (await Promise.all(outs.map((out) => ctx.digest(data, { alg: 'sha256', out })))).length), nodeOp.mbps);
  row('digestSync, out given', 'sha256', bytes, measure(bytes, () => { for (const out of outs) ctx.digestSync(data, { alg: 'sha256', out }); return 64; }), nodeOp.mbps);
}
await session.close();
await ctx.close();
if (json) for (const r of rows) console.log(JSON.stringify(r));
else console.table(rows);
