/**
 * The crypto commands stream: inputs much larger than what the process
 * may hold (maximum RSS checked) through files and pipes, and a failed GCM
 * authentication leaves no plaintext anywhere (no OUT, no temp file, empty
 * stdout).
 */
import { spawn } from 'node:child_process';
import * as nc from 'node:crypto';
import { closeSync, createReadStream, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wd-cli-stream-'));
const staging = join(dir, 'staging'); // the children's TMPDIR: must be empty after every run
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MiB = 1024 * 1024;
const SIZE = 192 * MiB;
// A process that held the input would exceed this by far (base ~100 MiB +
// 192 MiB). The children run with a 64 MiB old space, which also makes V8
// collect spent chunk buffers promptly: without it node 24 lets garbage pile
// up to ~235 MiB (not held: a 384 MiB input then peaks lower than 192 MiB).
const RSS_LIMIT_KB = 160 * 1024;
const key = nc.randomBytes(32);
const ivHex = '0f1e2d3c4b5a69788796a5b4';
const iv = Buffer.from(ivHex, 'hex');
let plainSha = '';
let cipherSha = ''; // of ciphertext || tag

interface Run { code: number | null; stdoutSha: string; stdoutBytes: number; stderr: string; maxRssKb: number }

/** Run the CLI with stdin from `stdinFile`; stdout is hashed, not kept. */
function cli(args: string[], stdinFile?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=64', '--import', './rss.mjs', bin, ...args], { cwd: dir, env: { ...process.env, TMPDIR: staging } });
    const h = nc.createHash('sha256');
    let bytes = 0;
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => {
      bytes += c.length;
      h.update(c);
    });
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.stdin.on('error', () => {});
    if (stdinFile === undefined) child.stdin.end();
    else createReadStream(join(dir, stdinFile)).pipe(child.stdin);
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString();
      const rss = /MAXRSS_KB=(\d+)/.exec(stderr);
      resolve({ code, stdoutSha: h.digest('hex'), stdoutBytes: bytes, stderr, maxRssKb: rss ? Number(rss[1]) : Infinity });
    });
  });
}

const sha = (file: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const h = nc.createHash('sha256');
    createReadStream(join(dir, file)).on('data', (c) => h.update(c)).on('end', () => resolve(h.digest('hex'))).on('error', reject);
  });

beforeAll(() => {
  mkdirSync(staging);
  writeFileSync(join(dir, 'rss.mjs'), 'import { writeSync } from "node:fs";\nprocess.on("exit", () => writeSync(2, `MAXRSS_KB=${process.resourceUsage().maxRSS}\\n`));\n');
  writeFileSync(join(dir, 'key'), key);
  // The input and the expected results, written and computed chunk by chunk.
  const fd = openSync(join(dir, 'big'), 'w');
  const c = nc.createCipheriv('aes-256-gcm', key, iv);
  const hp = nc.createHash('sha256'), hc = nc.createHash('sha256');
  for (let at = 0; at < SIZE; at += 4 * MiB) {
    const chunk = nc.randomBytes(4 * MiB);
    writeSync(fd, chunk);
    hp.update(chunk);
    hc.update(c.update(chunk));
  }
  closeSync(fd);
  c.final();
  hc.update(c.getAuthTag());
  plainSha = hp.digest('hex');
  cipherSha = hc.digest('hex');
});


const gcm = ['--alg', 'aes-256-gcm', '--key-file', 'key', '--iv', ivHex];

describe('crypto commands stream large inputs', () => {
  it('encrypt file -> file and stdin -> stdout: node:crypto’s bytes, bounded memory', async () => {
    const toFile = await cli(['encrypt', ...gcm, '-o', 'big.ct', 'big']);
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(await sha('big.ct')).toBe(cipherSha);
    expect(toFile.maxRssKb).toBeLessThan(RSS_LIMIT_KB);
    const piped = await cli(['encrypt', ...gcm], 'big');
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdoutSha).toBe(cipherSha);
    expect(piped.maxRssKb).toBeLessThan(RSS_LIMIT_KB);
  });

  it('decrypt stdin -> stdout and file -> file restore the input, bounded memory, nothing left in TMPDIR', async () => {
    const piped = await cli(['decrypt', ...gcm], 'big.ct');
    expect(piped.code, piped.stderr).toBe(0);
    expect(piped.stdoutSha).toBe(plainSha);
    expect(piped.maxRssKb).toBeLessThan(RSS_LIMIT_KB);
    const toFile = await cli(['decrypt', ...gcm, '-o', 'big.pt', 'big.ct']);
    expect(toFile.code, toFile.stderr).toBe(0);
    expect(await sha('big.pt')).toBe(plainSha);
    expect(toFile.maxRssKb).toBeLessThan(RSS_LIMIT_KB);
    expect(readdirSync(staging)).toEqual([]);
    rmSync(join(dir, 'big.pt'));
  });

  it('digest of a large stdin and file, bounded memory', async () => {
    const piped = await cli(['digest', '--alg', 'sha256'], 'big');
    expect(piped.code, piped.stderr).toBe(0);
    const file = await cli(['digest', 'big']);
    for (const r of [piped, file]) expect(r.maxRssKb).toBeLessThan(RSS_LIMIT_KB);
    // stdout is `HEX  NAME\n`: compare against the expected line's hash
    expect(piped.stdoutSha).toBe(nc.createHash('sha256').update(`${plainSha}  -\n`).digest('hex'));
    expect(file.stdoutSha).toBe(nc.createHash('sha256').update(`${plainSha}  big\n`).digest('hex'));
  });

  it('a forged byte deep in a large input: exit 1, no OUT, no temp file, empty stdout, empty TMPDIR', async () => {
    // flip a bit of the byte there (the key is random per run: writing a
    // constant left the file unchanged one run in 256, and decryption passed)
    const fd = openSync(join(dir, 'big.ct'), 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, 150 * MiB);
    byte[0] = byte[0]! ^ 0x01;
    writeSync(fd, byte, 0, 1, 150 * MiB);
    closeSync(fd);
    const toFile = await cli(['decrypt', ...gcm, '-o', 'bad.pt', 'big.ct']);
    expect(toFile.code).toBe(1);
    expect(toFile.stderr).toMatch(/ERR_AUTH_FAILED/);
    const piped = await cli(['decrypt', ...gcm], 'big.ct');
    expect(piped.code).toBe(1);
    expect(piped.stdoutBytes).toBe(0);
    expect(readdirSync(dir).filter((f) => f.includes('bad.pt') || f.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(staging)).toEqual([]);
  });

  it('CTR streams stdin -> stdout; an input shorter than the GCM tag and a missing input file are typed errors', async () => {
    writeFileSync(join(dir, 'small'), nc.randomBytes(1000));
    const ctr = await cli(['encrypt', '--alg', 'aes-256-ctr', '--key-file', 'key', '--iv', `${ivHex}00000000`], 'small');
    expect(ctr.code, ctr.stderr).toBe(0);
    expect(ctr.stdoutBytes).toBe(1000);
    writeFileSync(join(dir, 'tiny'), Buffer.alloc(5));
    const short = await cli(['decrypt', ...gcm, '-o', 'tiny.pt', 'tiny']);
    expect(short.code).toBe(1);
    expect(short.stderr).toMatch(/shorter than the 16-byte tag/);
    const hugeTag = await cli(['decrypt', ...gcm, '--tag-length', '999999999999', '-o', 'tiny.pt', 'big.ct']);
    expect(hugeTag.code).toBe(2); // refused before reading: the tag is held back from the input's end
    expect(hugeTag.stderr).toMatch(/--tag-length must be one of 4, 8, 12/);
    const missing = await cli(['digest', 'no-such-file']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no-such-file: no such file/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp') || f.startsWith('tiny.pt'))).toEqual([]);
  });
});
