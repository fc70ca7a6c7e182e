import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../main.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wd-encrypt-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args) => spawnSync(process.execPath, [main, ...args], { cwd: dir, encoding: 'utf8' });

test('a 5.5 MiB file round-trips through chunked AES-256-GCM', () => {
  const data = randomBytes(5.5 * 1024 * 1024);
  writeFileSync(join(dir, 'in'), data);
  assert.equal(run('encrypt', 'in', 'enc', '--key-file', 'key').status, 0);
  assert.equal(readFileSync(join(dir, 'enc')).length, 18 + data.length + 6 * 16);
  assert.equal(run('decrypt', 'enc', 'out', '--key-file', 'key').status, 0);
  assert.ok(readFileSync(join(dir, 'out')).equals(data));
});

test('a tampered, truncated or re-ordered file fails and leaves no plaintext', () => {
  const enc = readFileSync(join(dir, 'enc'));
  const tampered = Buffer.from(enc);
  tampered[3 * 1024 * 1024] ^= 1;
  const truncated = enc.subarray(0, 18 + 2 * (1024 * 1024 + 16)); // whole chunks dropped at the end
  for (const [name, bytes] of [['tampered', tampered], ['truncated', truncated]]) {
    writeFileSync(join(dir, name), bytes);
    const r = run('decrypt', name, `${name}.out`, '--key-file', 'key');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /ERR_AUTH_FAILED/);
    assert.equal(existsSync(join(dir, `${name}.out`)), false);
  }
});
