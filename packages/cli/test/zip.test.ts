/**
 * `warpdrive compress` / `warpdrive decompress`, spawned as a user would run
 * them, checked against the system gzip and node:zlib.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as zlib from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { needs } from '../../conformance/needs.js';

// each test spawns node (and the soft device): generous on a loaded 2-vCPU machine
vi.setConfig({ testTimeout: 60_000 });

const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wd-cli-zip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Result {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}
function cli(args: string[], stdin?: Buffer): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString() }));
    child.stdin.on('error', () => {}); // the CLI may exit before reading stdin
    child.stdin.end(stdin ?? Buffer.alloc(0));
  });
}
function file(name: string, data?: Buffer): string {
  const p = join(dir, name);
  if (data) writeFileSync(p, data);
  return p;
}
function sample(bytes: number): Buffer {
  const lines: string[] = [];
  for (let i = 0, n = 0; n < bytes; i++) {
    const l = `line ${i}: ${'abcdefghij'.slice(i % 10)} ${(i * 2654435761) >>> 0}\n`;
    lines.push(l);
    n += l.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
}
const leftovers = (): string[] => readdirSync(dir).filter((f) => f.endsWith('.tmp'));
const hasGzip = spawnSync('gzip', ['--version']).status === 0;
const hasPython = spawnSync('python3', ['-c', 'import zlib']).status === 0;
/** Python's zlib with `wbits` (15 zlib, -15 raw, 31 gzip): 'd'ecompress or 'c'ompress stdin to stdout. */
function python(op: 'c' | 'd', wbits: number, input: Buffer): Buffer {
  const code = op === 'd'
    ? `import sys,zlib; sys.stdout.buffer.write(zlib.decompress(sys.stdin.buffer.read(), ${wbits}))`
    : `import sys,zlib; c=zlib.compressobj(6, zlib.DEFLATED, ${wbits}); sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read())+c.flush())`;
  const r = spawnSync('python3', ['-c', code], { input, maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(r.stderr.toString());
  return r.stdout;
}

describe('warpdrive compress / decompress', () => {
  const data = sample(3 * 1024 * 1024 + 123);
  const input = file('input.txt', data);

  it('round-trips a file through -o files, and system gzip reads our output', async () => {
    const c = await cli(['compress', '--level', '1', '-o', 'input.txt.gz', input]);
    expect(c.stderr).toBe('');
    expect(c.code, c.stderr).toBe(0);
    const gz = readFileSync(file('input.txt.gz'));
    expect(zlib.gunzipSync(gz).equals(data)).toBe(true);
    if (hasGzip) expect(spawnSync('gzip', ['-dc', file('input.txt.gz')], { maxBuffer: 64 << 20 }).stdout.equals(data)).toBe(true);
    const d = await cli(['decompress', '-o', 'back.txt', 'input.txt.gz']);
    expect(d.code, d.stderr).toBe(0);
    expect(readFileSync(file('back.txt')).equals(data)).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it('streams stdin to stdout both ways', async () => {
    const c = await cli(['compress'], data);
    expect(c.code, c.stderr).toBe(0);
    const d = await cli(['decompress', '-'], c.stdout);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout.equals(data)).toBe(true);
  });

  it.skipIf(needs(hasGzip, 'gzip (scripts/setup.sh installs it)'))('decodes what system gzip wrote, including concatenated members', async () => {
    const sys = spawnSync('gzip', ['-9', '-c', input], { maxBuffer: 64 << 20 }).stdout;
    const two = Buffer.concat([sys, zlib.gzipSync('tail member\n')]);
    const d = await cli(['decompress'], two);
    expect(d.code, d.stderr).toBe(0);
    expect(d.stdout.equals(Buffer.concat([data, Buffer.from('tail member\n')]))).toBe(true);
  });

  for (const [format, decode] of [
    ['zlib', zlib.inflateSync],
    ['deflate', zlib.inflateRawSync],
    ['gzip', zlib.gunzipSync],
  ] as const) {
    it(`--format ${format} writes ${format} data that node:zlib decodes, and reads it back`, async () => {
      const c = await cli(['compress', '--format', format, '--level', 'best'], data.subarray(0, 200_000));
      expect(c.code, c.stderr).toBe(0);
      expect(decode(c.stdout).equals(data.subarray(0, 200_000))).toBe(true);
      const d = await cli(['decompress', '--format', format], c.stdout);
      expect(d.stdout.equals(data.subarray(0, 200_000))).toBe(true);
    });
  }

  for (const [format, wbits] of [['zlib', 15], ['deflate', -15], ['gzip', 31]] as const) {
    it.skipIf(needs(hasPython, 'python3 (scripts/setup.sh installs it)'))(`interoperates with Python's zlib both ways (--format ${format})`, async () => {
      const part = data.subarray(0, 300_000);
      const c = await cli(['compress', '--format', format, '--level', '1'], part);
      expect(c.code, c.stderr).toBe(0);
      expect(python('d', wbits, c.stdout).equals(part)).toBe(true);
      const d = await cli(['decompress', '--format', format], python('c', wbits, part));
      expect(d.code, d.stderr).toBe(0);
      expect(d.stdout.equals(part)).toBe(true);
    });
  }

  it('compresses empty input to a valid empty gzip member', async () => {
    const c = await cli(['compress'], Buffer.alloc(0));
    expect(c.code, c.stderr).toBe(0);
    expect(zlib.gunzipSync(c.stdout).length).toBe(0);
  });

  const gz = zlib.gzipSync(data);
  const bad: Array<[string, Buffer, RegExp]> = [
    ['truncated', gz.subarray(0, gz.length >> 1), /truncated/],
    ['corrupt (flipped CRC)', Buffer.concat([gz.subarray(0, gz.length - 8), Buffer.from([0, 0, 0, 0]), gz.subarray(gz.length - 4)]), /corrupt/],
    ['not compressed at all', data.subarray(0, 5000), /corrupt/],
  ];
  for (const [name, payload, message] of bad) {
    it(`${name} input: one-line message, exit 1, no output file left behind`, async () => {
      const inPath = file(`bad-${name.length}.gz`, payload);
      const out = file(`bad-${name.length}.out`);
      const r = await cli(['decompress', '-o', out, inPath]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).toMatch(/^warpdrive decompress: /);
      expect(existsSync(out)).toBe(false);
      expect(leftovers()).toEqual([]);
    });
  }

  it('refuses to overwrite an existing output file unless --force', async () => {
    const out = file('exists.gz', Buffer.from('keep me'));
    const r = await cli(['compress', '-o', out, input]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/already exists.*--force/);
    expect(readFileSync(out).toString()).toBe('keep me');
    const f = await cli(['compress', '--force', '-o', out, input]);
    expect(f.code).toBe(0);
    expect(zlib.gunzipSync(readFileSync(out)).equals(data)).toBe(true);
  });

  it('removes its temp file when interrupted (SIGINT) mid-stream', async () => {
    const out = file('interrupted.gz');
    const child = spawn(process.execPath, [bin, 'compress', '-o', out], { cwd: dir, stdio: ['pipe', 'ignore', 'pipe'] });
    child.stdin.on('error', () => {}); // the pipe breaks when the child dies
    child.stdin.write(data.subarray(0, 1 << 20));
    // wait until the temp output exists, then interrupt with stdin still open
    for (let i = 0; i < 200 && leftovers().length === 0; i++) await new Promise((r) => setTimeout(r, 25));
    expect(leftovers()).toHaveLength(1);
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('close', (_code, signal) => resolve(signal)));
    child.kill('SIGINT');
    expect(await exited).toBe('SIGINT');
    expect(leftovers()).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });

  it('reports a missing input file in one line with exit 1', async () => {
    const r = await cli(['compress', '-o', 'x.gz', 'no-such-file']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no-such-file: no such file/);
    expect(existsSync(file('x.gz'))).toBe(false);
  });

  const usageErrors: string[][] = [
    ['compress', '--level', '12'],
    ['compress', '--level', 'fast'],
    ['compress', '--format', 'brotli'],
    ['decompress', '--format', 'lz4'],
    ['compress', 'a', 'b'],
    ['decompress', '--bogus'],
    ['compress', '--level'],
  ];
  for (const args of usageErrors) {
    it(`exits 2 with the usage for: ${args.join(' ')}`, async () => {
      const r = await cli(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`Usage: warpdrive ${args[0]}`));
    });
  }

  it('draws a progress bar on stderr only when asked (stderr is not a TTY here)', async () => {
    const quiet = await cli(['compress', '-o', 'p1.gz', input]);
    expect(quiet.stderr).toBe('');
    const loud = await cli(['compress', '--progress', '-o', 'p2.gz', input]);
    expect(loud.code).toBe(0);
    expect(loud.stderr).toMatch(/compress \[#+\.*\]\s+100%/);
  });

  it('lists both commands in --help', async () => {
    const r = await cli(['--help']);
    expect(r.stdout.toString()).toMatch(/compress\s+compress a file/);
    expect(r.stdout.toString()).toMatch(/decompress\s+decompress a file/);
  });
});
