// Runs the example on a generated 6 MiB file and checks that node:zlib
// decodes its output back to the input.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

const main = fileURLToPath(new URL('../main.mjs', import.meta.url));

test('compresses a file to a gzip that node:zlib decodes, reporting progress', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wd-compress-file-'));
  try {
    const lines = [];
    for (let i = 0; lines.length < 120_000; i++) lines.push(`${i}\tsome log line with value ${(i * 7919) % 1000}`);
    const input = join(dir, 'in.log');
    const data = Buffer.from(lines.join('\n'));
    writeFileSync(input, data);
    const r = execFileSync(process.execPath, [main, input], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    assert.match(r, /in\.log\.gz: \d+ bytes/);
    assert.ok(gunzipSync(readFileSync(`${input}.gz`)).equals(data));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('refuses to overwrite an existing output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wd-compress-file-'));
  try {
    writeFileSync(join(dir, 'a'), 'x');
    writeFileSync(join(dir, 'b'), 'keep');
    assert.throws(() => execFileSync(process.execPath, [main, join(dir, 'a'), join(dir, 'b')], { stdio: 'pipe' }));
    assert.equal(readFileSync(join(dir, 'b'), 'utf8'), 'keep');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
