// Small statistics helpers shared by the suites.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The q-quantile (0..1) of an array of numbers (sorted copy, nearest rank). */
export function quantile(values, q) {
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/** Median, min and max of repeated measurements. */
export function summarize(samples) {
  return { median: quantile(samples, 0.5), min: Math.min(...samples), max: Math.max(...samples) };
}

/** Runs `fn` `repeats` times and summarizes what it returns. */
export async function repeat(repeats, fn) {
  const samples = [];
  for (let i = 0; i < repeats; i++) samples.push(await fn(i));
  return summarize(samples);
}

/** Monotonic time in nanoseconds as a number (safe for intervals < 104 days). */
export function nowNs() {
  return Number(process.hrtime.bigint());
}

/** CPU time (user + system) of this process in nanoseconds. */
export function cpuNs() {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

/**
 * A full garbage collection, for windows that pay for their own garbage
 * and no one else's: run it before a window (the previous case's garbage
 * is not collected during, and charged to, this one) and inside the
 * window at its end (a short window does not skip the major collections a
 * long run pays).
 */
export const fullGc = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
})();
