/**
 * Interop both ways with external implementations: the system gzip/zcat
 * CLI, Python's zlib module (child processes) and node:zlib — every format
 * and level, multi-member gzip, empty input, and gzip header fields.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@warpdrive/core';
import zip, { type ZipFormat } from '../src/index.js';
import { FORMATS, LEVELS, nodeCompress, nodeDecompress, realText } from './helpers.js';

const open = () => createContext({ plugins: [zip()] });
let ctx: Awaited<ReturnType<typeof open>>;
let dir: string;
beforeAll(async () => {
  ctx = await open();
  dir = mkdtempSync(join(tmpdir(), 'wd-zip-'));
});
afterAll(async () => {
  await ctx.close();
  rmSync(dir, { recursive: true, force: true });
});

const WBITS: Record<ZipFormat, number> = { deflate: -15, zlib: 15, gzip: 31 };
const text = realText(96 * 1024);
const inputs = [{ name: 'empty', data: Buffer.alloc(0) }, { name: '96 KiB text', data: text }];

function py(script: string, input: Buffer, ...args: string[]): Buffer {
  return execFileSync('python3', ['-c', `import sys, zlib\n${script}`, ...args], { input, maxBuffer: 64 << 20 });
}

// One python process per batch (its start-up dominates): files in, files out.
const PY_BATCH = `
import os, zlib
d, mode, wbits = sys.argv[1], sys.argv[2], int(sys.argv[3])
for f in sorted(os.listdir(d)):
    if not f.endswith('.in'): continue
    data = open(os.path.join(d, f), 'rb').read()
    if mode == 'd':
        out = zlib.decompress(data, wbits)
    else:
        c = zlib.compressobj(int(f.split('-')[0]), zlib.DEFLATED, wbits)
        out = c.compress(data) + c.flush()
    open(os.path.join(d, f[:-3] + '.out'), 'wb').write(out)
`;
function pyBatch(mode: 'c' | 'd', format: ZipFormat, items: readonly { key: string; data: Buffer }[]): Map<string, Buffer> {
  const sub = mkdtempSync(join(dir, `py${mode}-`));
  for (const { key, data } of items) writeFileSync(join(sub, `${key}.in`), data);
  py(PY_BATCH, Buffer.alloc(0), sub, mode, String(WBITS[format]));
  return new Map(items.map(({ key }) => [key, readFileSync(join(sub, `${key}.out`))]));
}
const gunzipCli = (data: Buffer) => execFileSync('gzip', ['-dc'], { input: data, maxBuffer: 64 << 20 });
const zcat = (data: Buffer) => execFileSync('zcat', [], { input: data, maxBuffer: 64 << 20 });

describe('our output is read by others', () => {
  for (const format of FORMATS) {
    it(`${format}, levels 0–9: python zlib and node:zlib decode it${format === 'gzip' ? ', and gzip -dc / zcat' : ''}`, async () => {
      const ours: { key: string; data: Buffer; input: Buffer }[] = [];
      for (const [i, { data }] of inputs.entries()) {
        for (const level of LEVELS) ours.push({ key: `${level}-${i}`, data: await ctx.compress(data, { format, level }), input: data });
      }
      const decoded = pyBatch('d', format, ours);
      for (const o of ours) expect(decoded.get(o.key)!.equals(o.input), `python ${o.key}`).toBe(true);
      for (const { name, data } of inputs) {
        for (const level of LEVELS) {
          const c = await ctx.compress(data, { format, level });
          expect(nodeDecompress(format, c).equals(data), `node ${name} level ${level}`).toBe(true);
          if (format === 'gzip') {
            expect(gunzipCli(c).equals(data), `gzip -dc ${name} level ${level}`).toBe(true);
            expect(zcat(c).equals(data), `zcat ${name} level ${level}`).toBe(true);
          }
        }
      }
    });
  }

  it('concatenated members of ours are read whole by gzip -dc and python', async () => {
    const a = await ctx.compress(text.subarray(0, 1000), { level: 1 });
    const b = await ctx.compress(Buffer.alloc(0));
    const c = await ctx.compress(text.subarray(1000), { level: 9 });
    const multi = Buffer.concat([a, b, c]);
    expect(gunzipCli(multi).equals(text)).toBe(true);
    const pyMulti = py('import gzip\nsys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))', multi);
    expect(pyMulti.equals(text)).toBe(true);
  });

  it('gzip header name and mtime are read by gzip -lvN and restored by gzip -dN', async () => {
    const mtime = 1_600_000_000;
    const c = await ctx.compress(text, { gzip: { name: 'hello-warpdrive.txt', mtime, comment: 'made by warpdrive' } });
    const listing = execFileSync('gzip', ['-lvN'], { input: c }).toString();
    expect(listing).toContain('hello-warpdrive.txt');
    const sub = mkdtempSync(join(dir, 'n-'));
    writeFileSync(join(sub, 'x.gz'), c);
    execFileSync('gzip', ['-dN', 'x.gz'], { cwd: sub });
    expect(readdirSync(sub)).toEqual(['hello-warpdrive.txt']);
    expect(readFileSync(join(sub, 'hello-warpdrive.txt')).equals(text)).toBe(true);
    expect(Math.round(statSync(join(sub, 'hello-warpdrive.txt')).mtimeMs / 1000)).toBe(mtime);
    // Python reads the mtime field too.
    const pyMtime = py('import gzip, io\nf = gzip.GzipFile(fileobj=io.BytesIO(sys.stdin.buffer.read()))\nf.read()\nprint(f.mtime)', c);
    expect(Number(pyMtime.toString())).toBe(mtime);
  });

  it('a Date mtime, extra field and os byte round trip through the header', async () => {
    const c = await ctx.compress(text, { gzip: { mtime: new Date(1_234_567_890_000), extra: Buffer.from('WD\x04\x00abcd', 'latin1'), os: 255 } });
    expect(c.readUInt32LE(4)).toBe(1_234_567_890);
    expect(c[9]).toBe(255);
    expect(c[3]! & 0x04).toBe(0x04);
    expect(gunzipCli(c).equals(text)).toBe(true);
    expect((await ctx.decompress(c)).equals(text)).toBe(true);
  });
});

describe("others' output is read by us", () => {
  for (const format of FORMATS) {
    it(`${format}: python zlib levels 0–9 and node:zlib levels 0–9`, async () => {
      const items = inputs.flatMap(({ data }, i) => LEVELS.map((level) => ({ key: `${level}-${i}`, data })));
      const fromPy = pyBatch('c', format, items);
      for (const { key, data } of items) {
        expect((await ctx.decompress(fromPy.get(key)!, { format })).equals(data), `python ${key}`).toBe(true);
      }
      for (const { name, data } of inputs) {
        for (const level of LEVELS) {
          const n = nodeCompress(format, data, level);
          expect(ctx.decompressSync(n, { format }).equals(data), `node ${name} level ${level}`).toBe(true);
        }
      }
    });
  }

  it('gzip CLI levels 1–9 with a file name (FNAME) and empty input', async () => {
    const file = join(dir, 'sample.txt');
    writeFileSync(file, text);
    for (let level = 1; level <= 9; level++) {
      const c = execFileSync('gzip', [`-${level}`, '-c', '-N', file]);
      expect(c[3]! & 0x08).toBe(0x08);
      expect((await ctx.decompress(c)).equals(text), `gzip -${level}`).toBe(true);
      expect((await ctx.decompress(c, { format: 'gzip' })).equals(text)).toBe(true);
    }
    const empty = execFileSync('gzip', ['-c'], { input: Buffer.alloc(0) });
    expect((await ctx.decompress(empty)).length).toBe(0);
  });

  it('multi-member gzip from the CLI is decoded whole (and only the first member with multiMember: false → trailing data)', async () => {
    const multi = Buffer.concat([
      execFileSync('gzip', ['-c'], { input: text.subarray(0, 5000) }),
      execFileSync('gzip', ['-c'], { input: Buffer.alloc(0) }),
      execFileSync('gzip', ['-9c'], { input: text.subarray(5000) }),
    ]);
    expect((await ctx.decompress(multi)).equals(text)).toBe(true);
    expect(ctx.decompressSync(multi, { format: 'gzip' }).equals(text)).toBe(true);
    await expect(ctx.decompress(multi, { multiMember: false })).rejects.toMatchObject({ code: 'ERR_DATA_CORRUPT', details: { reason: 'trailing-data' } });
    // node:zlib agrees on the whole content.
    expect(zlib.gunzipSync(multi).equals(text)).toBe(true);
  });

  it('multi-member gzip and empty members written by python are decoded whole', async () => {
    const multi = py('import gzip\nd = sys.stdin.buffer.read()\nsys.stdout.buffer.write(gzip.compress(d[:777], 1) + gzip.compress(b"", 6) + gzip.compress(d[777:], 9))', text);
    expect((await ctx.decompress(multi)).equals(text)).toBe(true);
    expect(ctx.decompressSync(multi, { format: 'gzip' }).equals(text)).toBe(true);
    const empty = py('import gzip\nsys.stdout.buffer.write(gzip.compress(b""))', Buffer.alloc(0));
    expect((await ctx.decompress(empty)).length).toBe(0);
  });

  it('a gzip header with FHCRC, FEXTRA, FNAME and FCOMMENT is validated and skipped', async () => {
    const body = zlib.deflateRawSync(text);
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(crc32(text), 0);
    trailer.writeUInt32LE(text.length, 4);
    const head = Buffer.concat([
      Buffer.from([0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3]),
      Buffer.from([4, 0]), Buffer.from('abcd'), Buffer.from('name\0'), Buffer.from('comment\0'),
    ]);
    const hcrc = Buffer.alloc(2);
    hcrc.writeUInt16LE(crc32(head) & 0xffff);
    const good = Buffer.concat([head, hcrc, body, trailer]);
    expect((await ctx.decompress(good)).equals(text)).toBe(true);
    expect(gunzipCli(good).equals(text)).toBe(true);
    const bad = Buffer.from(good);
    bad[head.length] = bad[head.length]! ^ 1;
    await expect(ctx.decompress(bad)).rejects.toMatchObject({ code: 'ERR_DATA_CORRUPT', details: { reason: 'header' } });
  });
});

function crc32(data: Buffer): number {
  let c = ~0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}
