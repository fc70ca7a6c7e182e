// The zip suite's requests, built the same way by the suite and by each
// contender process (bench/lib/zip-contender.mjs).
import { gzipSync } from 'node:zlib';

/** Splits `data` into up to `maxTotal` bytes of `size`-byte requests. */
export function requests(data, size, maxTotal) {
  const out = [];
  for (let off = 0; off + size <= data.length && (out.length + 1) * size <= maxTotal; off += size) out.push(data.subarray(off, off + size));
  if (out.length === 0) out.push(data.subarray(0, Math.min(size, data.length)));
  return out;
}

/**
 * One case's inputs: the plain requests, and what the contenders are
 * given (the plain requests to compress, or node:zlib's gzip level 6 of
 * each to decompress; zlib's output is deterministic, so every process
 * builds the same bytes).
 */
export function caseInputs(data, size, maxTotal, op) {
  const plain = requests(data, size, maxTotal);
  const inputs = op === 'compress' ? plain : plain.map((b) => gzipSync(b, { level: 6 }));
  return { plain, inputs, plainBytes: plain.reduce((n, b) => n + b.length, 0) };
}
