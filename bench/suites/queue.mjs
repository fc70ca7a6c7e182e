// `pnpm bench queue`: the queue itself, on the in-process soft device.
//  - single-op round trip (submit → completion on the loop), p50/p99
//  - batched NOP ops/s (liburing-level API and promise API)
//  - COPY of 1 MiB buffers vs memcpy (Buffer#copy) measured in the same run
// Targets (issue 2, 2-core machine): NOP p50 ≤ 5 µs; batched NOP ≥ 1e6 ops/s;
// COPY 1 MiB ≥ 80% of memcpy bandwidth.
import { coreOps, createContext, WD_OP_NOP } from '@warpdrive/core';
import { cpuNs, nowNs, quantile, repeat } from '../lib/stats.mjs';

const MiB = 1024 * 1024;

async function roundTrip(label, n, once) {
  for (let i = 0; i < Math.min(2000, n); i++) await once(); // warm-up: JIT, worker spin
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = nowNs();
    await once();
    lat[i] = nowNs() - t0;
  }
  return { p50: quantile(lat, 0.5) / 1000, p99: quantile(lat, 0.99) / 1000, label };
}

/** NOPs through the liburing-level API: fill the SQ, one submit, drain the CQ. */
async function rawBatch(queue, total) {
  let submitted = 0;
  let reaped = 0;
  while (reaped < total) {
    let sqe;
    while (submitted < total && (sqe = queue.getSqe()) !== null) {
      sqe.opcode(WD_OP_NOP).userData(submitted);
      submitted++;
    }
    queue.submit();
    let cqe = queue.peekCqe() ?? (await queue.waitCqe());
    while (cqe !== null) {
      if (cqe.status !== 0) throw new Error(`NOP failed with status ${cqe.status}`);
      queue.cqeSeen(cqe);
      reaped++;
      cqe = queue.peekCqe();
    }
  }
}

async function promiseBatch(ctx, total, window) {
  const batch = new Array(window);
  for (let done = 0; done < total; done += window) {
    for (let i = 0; i < window; i++) batch[i] = ctx.nop();
    await Promise.all(batch);
  }
}

async function throughput(repeats, ops, fn) {
  return repeat(repeats, async () => {
    const t0 = nowNs();
    await fn();
    return ops / ((nowNs() - t0) / 1e9);
  });
}

/** The ceiling: memcpy (Buffer#copy) on one thread over the same buffer pairs the device copies. */
function memcpyGBps(srcs, dsts, iterations) {
  const t0 = nowNs();
  for (let i = 0; i < iterations; i++) {
    const k = i % srcs.length;
    srcs[k].copy(dsts[k], 0, 0, srcs[k].length);
  }
  return (srcs[0].length * iterations) / (nowNs() - t0);
}

/** COPY throughput with `srcs.length` requests kept in flight (a sliding window, one lane per buffer pair). */
async function copyGBps(ctx, srcs, dsts, iterations) {
  let issued = 0;
  const lane = async (k) => {
    while (issued < iterations) {
      issued++;
      await ctx.copy(srcs[k], dsts[k]);
    }
  };
  const t0 = nowNs();
  const c0 = cpuNs();
  await Promise.all(srcs.map((_, k) => lane(k)));
  const wall = nowNs() - t0;
  return { gbps: (srcs[0].length * iterations) / wall, cpuPerWall: (cpuNs() - c0) / wall };
}

export async function run({ quick, log }) {
  const repeats = quick ? 2 : 5;
  const rows = [];
  const ctx = await createContext({ plugins: [coreOps()], device: 'soft', queues: 1, depth: 4096 });
  try {
    const queue = ctx.queues[0];
    log('queue: NOP round trip');
    const promiseRt = await roundTrip('promise', quick ? 5000 : 20000, () => ctx.nop());
    const rawRt = await roundTrip('raw', quick ? 5000 : 20000, async () => {
      queue.getSqe().opcode(WD_OP_NOP);
      queue.submit();
      const cqe = queue.peekCqe() ?? (await queue.waitCqe());
      queue.cqeSeen(cqe);
    });
    for (const rt of [promiseRt, rawRt]) {
      rows.push({ case: `nop round trip (${rt.label})`, metric: 'p50', unit: 'µs', value: rt.p50, target: '≤ 5' });
      rows.push({ case: `nop round trip (${rt.label})`, metric: 'p99', unit: 'µs', value: rt.p99 });
    }

    log('queue: batched NOP');
    const total = quick ? 200_000 : 1_000_000;
    await rawBatch(queue, 50_000);
    const raw = await throughput(repeats, total, () => rawBatch(queue, total));
    rows.push({ case: 'nop batched (raw, depth 4096)', metric: 'ops/s', unit: 'ops/s', value: raw.median, min: raw.min, max: raw.max, target: '≥ 1,000,000' });
    await promiseBatch(ctx, 50_000, 1024);
    const prom = await throughput(repeats, total, () => promiseBatch(ctx, total, 1024));
    rows.push({ case: 'nop batched (promise, 1024/tick)', metric: 'ops/s', unit: 'ops/s', value: prom.median, min: prom.min, max: prom.max });

    log('queue: COPY 4 KiB round trip');
    const small = Buffer.alloc(4096, 1);
    const smallDst = Buffer.alloc(4096);
    const copyRt = await roundTrip('promise', quick ? 5000 : 20000, () => ctx.copy(small, smallDst));
    rows.push({ case: 'copy 4 KiB round trip', metric: 'p50', unit: 'µs', value: copyRt.p50 });
    rows.push({ case: 'copy 4 KiB round trip', metric: 'p99', unit: 'µs', value: copyRt.p99 });

    log('queue: COPY 1 MiB vs memcpy');
    const inFlight = 4;
    const srcs = Array.from({ length: inFlight }, (_, i) => Buffer.alloc(MiB, i + 1));
    const dsts = Array.from({ length: inFlight }, () => Buffer.alloc(MiB));
    const iterations = quick ? 256 : 1024;
    memcpyGBps(srcs, dsts, 64);
    await copyGBps(ctx, srcs, dsts, 64);
    const memcpy = await repeat(repeats, () => memcpyGBps(srcs, dsts, iterations));
    let cpu = 0;
    const copy = await repeat(repeats, async () => {
      const r = await copyGBps(ctx, srcs, dsts, iterations);
      cpu = r.cpuPerWall;
      return r.gbps;
    });
    rows.push({ case: `memcpy 1 MiB (baseline, 1 thread, same ${inFlight} buffer pairs)`, metric: 'GB/s', unit: 'GB/s', value: memcpy.median, min: memcpy.min, max: memcpy.max });
    rows.push({
      case: `copy 1 MiB (${inFlight} in flight)`,
      metric: 'GB/s',
      unit: 'GB/s',
      value: copy.median,
      min: copy.min,
      max: copy.max,
      baseline: memcpy.median,
      ratio: copy.median / memcpy.median,
      target: 'ratio ≥ 0.8',
      cpuPerWall: cpu,
    });
  } finally {
    await ctx.close();
  }
  return rows;
}
