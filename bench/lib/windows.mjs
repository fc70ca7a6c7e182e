// Timed measurement windows shared by the suites' contenders.
import { cpuNs, fullGc, nowNs } from './stats.mjs';

/**
 * Runs `pass()` (one pass over the requests) until `minMs` elapsed; returns
 * per-second figures. Each window pays for its own garbage and no one
 * else's: a full GC before it, and one inside it at its end.
 */
export async function timed(minMs, plainBytesPerPass, opsPerPass, pass) {
  let passes = 0;
  fullGc();
  const t0 = nowNs();
  const c0 = cpuNs();
  let elapsed;
  do {
    await pass();
    passes++;
    elapsed = nowNs() - t0;
  } while (elapsed < minMs * 1e6);
  fullGc();
  elapsed = nowNs() - t0;
  const cpu = cpuNs() - c0;
  return { mbps: (plainBytesPerPass * passes) / (elapsed / 1e9) / 1e6, opsPerSec: (opsPerPass * passes) / (elapsed / 1e9), cpuPerWall: cpu / elapsed };
}

/**
 * Like timed(), for asynchronous contenders: `window` requests stay in
 * flight for the whole window, cycling over the `n` inputs (`start(i)`
 * returns a promise), and drain once at its end. Restarting the window for
 * every pass over a few dozen inputs measured its ramp-up and drain bubbles
 * as much as the steady rate. `start(i, lane)` also gets its lane's index
 * (0 .. window-1): one request of a lane is in flight at a time.
 */
export async function timedWindow(minMs, plainBytesPerOp, n, window, start) {
  fullGc();
  const t0 = nowNs();
  const c0 = cpuNs();
  const deadline = t0 + minMs * 1e6;
  let next = 0;
  let ops = 0;
  const lane = async (_, index) => {
    while (nowNs() < deadline) {
      await start(next++ % n, index);
      ops++;
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  fullGc();
  const elapsed = nowNs() - t0;
  const cpu = cpuNs() - c0;
  return { mbps: (plainBytesPerOp * ops) / (elapsed / 1e9) / 1e6, opsPerSec: ops / (elapsed / 1e9), cpuPerWall: cpu / elapsed };
}

/** Keeps `window` requests in flight until `n` have run; `start(i)` returns a promise. */
export async function sliding(n, window, start) {
  let next = 0;
  const lane = async () => {
    while (next < n) await start(next++);
  };
  await Promise.all(Array.from({ length: Math.min(window, n) }, lane));
}
