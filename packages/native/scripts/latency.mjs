// Quick latency/throughput sanity check of the soft device (not a test, not
// the project benchmark): `node scripts/latency.mjs` after building.
import { native } from '../dist/index.js';

const { abi } = native;
const O = abi.offsets;

function driver(device, sqEntries) {
  const state = { done: 0, resolve: null };
  const q = device.openQueue({ sqEntries, onCompletion });
  const dv = new DataView(q.ring);
  const u32 = new Uint32Array(q.ring);
  const at = (o) => dv.getUint32(o, true);
  const sq = O['wd_ring_info.sq_off'];
  const cq = O['wd_ring_info.cq_off'];
  const sqTail = at(sq + O['wd_sq_offsets.tail']) / 4;
  const sqFlags = at(sq + O['wd_sq_offsets.flags']) / 4;
  const sqes = at(sq + O['wd_sq_offsets.sqes']);
  const cqHead = at(cq + O['wd_cq_offsets.head']) / 4;
  const cqTail = at(cq + O['wd_cq_offsets.tail']) / 4;
  const mask = sqEntries - 1;
  let tail = 0;
  const src = Buffer.alloc(1 << 20, 1);
  const dst = Buffer.alloc(1 << 20);
  const srcA = native.addressOf(src);
  const dstA = native.addressOf(dst);
  function onCompletion() {
    const h = Atomics.load(u32, cqHead);
    const t = Atomics.load(u32, cqTail);
    state.done += (t - h) >>> 0;
    Atomics.store(u32, cqHead, t);
    if (state.resolve && state.done >= state.target) {
      const r = state.resolve;
      state.resolve = null;
      r();
    }
  }
  function push(n, op = 0, len = 0) {
    for (let i = 0; i < n; i++) {
      const off = sqes + (tail & mask) * 64;
      dv.setUint8(off, op); // the slot's other fields stay zero / as set before
      if (op === 1) {
        dv.setBigUint64(off + 16, srcA, true);
        dv.setBigUint64(off + 24, dstA, true);
        dv.setUint32(off + 32, len, true);
        dv.setUint32(off + 36, len, true);
      }
      tail = (tail + 1) >>> 0;
    }
    Atomics.store(u32, sqTail, tail);
    if (Atomics.load(u32, sqFlags) & 1) q.doorbell();
  }
  function until(target) {
    state.target = target;
    if (state.done >= target) return Promise.resolve();
    return new Promise((r) => (state.resolve = r));
  }
  return { q, push, until, state };
}

const device = new native.SoftDevice({ workers: Math.max(1, native.availableCpus()) });
{
  const d = driver(device, 64);
  const lat = [];
  for (let i = 0; i < 20000; i++) {
    const t0 = process.hrtime.bigint();
    d.push(1);
    await d.until(i + 1);
    lat.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  lat.splice(0, 2000);
  lat.sort((a, b) => a - b);
  console.log(`NOP round trip: p50 ${lat[lat.length >> 1].toFixed(2)} µs, p99 ${lat[Math.floor(lat.length * 0.99)].toFixed(2)} µs`);
  await new Promise((r) => d.q.close(r));
}
for (const depth of [256, 1024]) {
  const d = driver(device, depth);
  const total = 2_000_000;
  const batch = depth;
  const t0 = process.hrtime.bigint();
  let submitted = 0;
  while (d.state.done < total) {
    const room = Math.min(batch, depth - (submitted - d.state.done), total - submitted);
    if (room > 0) {
      d.push(room);
      submitted += room;
    }
    await d.until(Math.min(total, d.state.done + 1));
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  console.log(`batched NOP (depth ${depth}): ${(total / s / 1e6).toFixed(2)} M ops/s`);
  await new Promise((r) => d.q.close(r));
}
{
  const d = driver(device, 4);
  const n = 2000;
  const t0 = process.hrtime.bigint();
  let submitted = 0;
  while (d.state.done < n) {
    const room = Math.min(2, n - submitted, 2 - (submitted - d.state.done));
    if (room > 0) {
      d.push(room, 1, 1 << 20);
      submitted += room;
    }
    await d.until(d.state.done + 1);
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  const src = Buffer.alloc(1 << 20, 1);
  const dst = Buffer.alloc(1 << 20);
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) src.copy(dst);
  const s1 = Number(process.hrtime.bigint() - t1) / 1e9;
  console.log(`COPY 1 MiB x2 in flight: ${((n * 1) / s / 1024).toFixed(2)} GiB/s; Buffer.copy same thread: ${((n * 1) / s1 / 1024).toFixed(2)} GiB/s`);
  await new Promise((r) => d.q.close(r));
}
device.close();
