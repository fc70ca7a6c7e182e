#!/usr/bin/env node
// node main.mjs IN [OUT]: gzip IN into OUT (default IN.gz) as a stream, with
// a progress line on stderr. The only warpdrive-specific line is the import:
// the rest is plain node:zlib + node:stream code.
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from '@warpdrive/plugin-zip/zlib'; // was: import zlib from 'node:zlib';

const [input, output = `${input}.gz`] = process.argv.slice(2);
if (!input) {
  console.error('usage: node main.mjs IN [OUT]');
  process.exit(2);
}

const total = statSync(input).size;
const tty = process.stderr.isTTY;
const started = performance.now();
let seen = 0;
let lastDraw = 0;

function progress(final = false) {
  const secs = (performance.now() - started) / 1000;
  const pct = total ? ((seen / total) * 100).toFixed(1) : '100.0';
  const rate = secs > 0 ? (seen / 1e6 / secs).toFixed(1) : '-';
  const line = `gzip ${input}: ${(seen / 2 ** 20).toFixed(1)} / ${(total / 2 ** 20).toFixed(1)} MiB (${pct}%) ${rate} MB/s`;
  // On a terminal redraw one line; in a log, print a line now and then.
  if (tty) process.stderr.write(`\r${line}${final ? '\n' : ''}`);
  else if (final || performance.now() - lastDraw > 1000) process.stderr.write(`${line}\n`);
}

const meter = new Transform({
  transform(chunk, _encoding, callback) {
    seen += chunk.length;
    if (performance.now() - lastDraw > 100) {
      progress();
      lastDraw = performance.now();
    }
    callback(null, chunk);
  },
});

const gzip = zlib.createGzip({ level: zlib.constants.Z_BEST_SPEED });
// 'wx': never clobber an existing file
await pipeline(createReadStream(input, { highWaterMark: 1 << 20 }), meter, gzip, createWriteStream(output, { flags: 'wx' }));
progress(true);
const outSize = statSync(output).size;
console.log(`${output}: ${outSize} bytes (ratio ${(total / Math.max(1, outSize)).toFixed(2)})`);
