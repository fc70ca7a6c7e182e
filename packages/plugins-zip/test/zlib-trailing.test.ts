/**
 * Facade streams and bytes after the end of the data: createGunzip,
 * createInflate, createInflateRaw and createUnzip must end, error and
 * output exactly as node:zlib's streams do for the same writes (node 20
 * decides per write: zlib/raw data ignore what follows; gzip reads a
 * non-zero byte as another member and ignores a write's rest after 0x00
 * padding).
 */
import { Readable, Writable, type Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import nodeZlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import wdZlib from '../src/zlib/index.js';
import { realText } from './helpers.js';

const plain = realText(40 * 1024);
const gz = nodeZlib.gzipSync(plain);
const gz2 = nodeZlib.gzipSync(Buffer.from('a second member'));
const zl = nodeZlib.deflateSync(plain);
const raw = nodeZlib.deflateRawSync(plain);
const garbage = Buffer.from('garbage!');
const zeros = Buffer.alloc(9);

type Factory = 'createGunzip' | 'createInflate' | 'createInflateRaw' | 'createUnzip';
const CASES: [string, Factory, Buffer][] = [
  ['gzip + garbage', 'createGunzip', Buffer.concat([gz, garbage])],
  ['gzip + zero padding', 'createGunzip', Buffer.concat([gz, zeros])],
  ['gzip + padding + garbage', 'createGunzip', Buffer.concat([gz, zeros, garbage])],
  ['gzip + second member', 'createGunzip', Buffer.concat([gz, gz2])],
  ['gzip + second member + garbage', 'createGunzip', Buffer.concat([gz, gz2, garbage])],
  ['gzip + second member + padding', 'createGunzip', Buffer.concat([gz, gz2, zeros])],
  ['gzip + start of a member', 'createGunzip', Buffer.concat([gz, gz2.subarray(0, 5)])],
  ['gzip + 0x1f', 'createGunzip', Buffer.concat([gz, Buffer.from([0x1f])])],
  ['unzip gzip + garbage', 'createUnzip', Buffer.concat([gz, garbage])],
  ['unzip gzip + second member', 'createUnzip', Buffer.concat([gz, gz2])],
  ['unzip gzip + padding', 'createUnzip', Buffer.concat([gz, zeros])],
  ['unzip zlib + garbage', 'createUnzip', Buffer.concat([zl, garbage])],
  ['zlib + garbage', 'createInflate', Buffer.concat([zl, garbage])],
  ['zlib + zlib', 'createInflate', Buffer.concat([zl, zl])],
  ['zlib + zeros', 'createInflate', Buffer.concat([zl, zeros])],
  ['raw + garbage', 'createInflateRaw', Buffer.concat([raw, garbage])],
  ['raw + raw', 'createInflateRaw', Buffer.concat([raw, raw])],
];

interface Outcome {
  output: string;
  error: string | undefined;
}

async function outcome(stream: Transform, input: Buffer, chunk: number): Promise<Outcome> {
  const parts: Buffer[] = [];
  for (let off = 0; off < input.length; off += chunk) parts.push(input.subarray(off, off + chunk));
  const out: Buffer[] = [];
  let error: string | undefined;
  try {
    await pipeline(Readable.from(parts), stream, new Writable({ write(c: Buffer, _e, cb) { out.push(c); cb(); } }));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    error = `${e.code} ${e.errno} ${e.message}`;
  }
  const all = Buffer.concat(out);
  // compare lengths and a digest of the bytes (a diff of 40 KiB helps nobody)
  return { output: `${all.length}:${nodeZlib.crc32 ? nodeZlib.crc32(all) : all.toString('base64').slice(-32)}`, error };
}

describe('facade streams treat trailing data like node:zlib', () => {
  for (const chunk of [1 << 30, 4096, 7, 1]) {
    it(`writes of ${chunk >= 1 << 30 ? 'the whole input' : `${chunk} B`}`, async () => {
      for (const [name, factory, input] of CASES) {
        const expected = await outcome(nodeZlib[factory](), input, chunk);
        const got = await outcome(wdZlib[factory](), input, chunk);
        expect({ name, ...got }).toEqual({ name, ...expected });
      }
    }, 60_000);
  }
});

it('facade inflate streams with a chunkSize above the 4 MiB window and odd sizes match node:zlib', async () => {
  const big = Buffer.concat([gz, gz2, zeros, garbage]);
  for (const chunkSize of [64, 1000, 16 * 1024 * 1024 + 3]) {
    for (const factory of ['createGunzip', 'createUnzip'] as const) {
      const expected = await outcome(nodeZlib[factory]({ chunkSize }), big, 5000);
      const got = await outcome(wdZlib[factory]({ chunkSize }), big, 5000);
      expect({ chunkSize, factory, ...got }).toEqual({ chunkSize, factory, ...expected });
    }
  }
});

describe('facade one-shot calls treat trailing data like node:zlib', () => {
  type OneShot = 'gunzip' | 'unzip' | 'inflate' | 'inflateRaw';
  const fnOf: Record<Factory, OneShot> = { createGunzip: 'gunzip', createUnzip: 'unzip', createInflate: 'inflate', createInflateRaw: 'inflateRaw' };
  const settle = async (f: () => Buffer | Promise<Buffer>): Promise<string> => {
    try {
      const out = await f();
      return `ok ${out.length} ${nodeZlib.crc32(out)}`;
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      return `${e.code} ${e.errno} ${e.message}`;
    }
  };
  // a second set whose ratio (> 8×) sends the plugin's one-shot through its engine-stream redo
  const repetitive = Buffer.from('hello hello hello world '.repeat(4000));
  const rgz = nodeZlib.gzipSync(repetitive);
  const extra: [string, Factory, Buffer][] = [
    ['high ratio gzip + padding + garbage', 'createGunzip', Buffer.concat([rgz, zeros, garbage])],
    ['high ratio gzip + garbage', 'createGunzip', Buffer.concat([rgz, garbage])],
    ['high ratio zlib + garbage', 'createInflate', Buffer.concat([nodeZlib.deflateSync(repetitive), garbage])],
    ['gzip + 0x00 + a member', 'createGunzip', Buffer.concat([gz, Buffer.from([0]), gz2])],
    ['gzip + garbage + padding', 'createGunzip', Buffer.concat([gz, garbage, zeros])],
  ];
  it('sync and callback forms', async () => {
    for (const [name, factory, input] of [...CASES, ...extra]) {
      const fn = fnOf[factory];
      const sync = `${fn}Sync` as const;
      const expected = await settle(() => nodeZlib[sync](input));
      expect({ name, sync: await settle(() => wdZlib[sync](input)) }).toEqual({ name, sync: expected });
      const viaCallback = (z: typeof nodeZlib) => new Promise<Buffer>((res, rej) => z[fn](input, (e, out) => (e ? rej(e) : res(out))));
      expect({ name, async: await settle(() => viaCallback(wdZlib as unknown as typeof nodeZlib)) }).toEqual({ name, async: await settle(() => viaCallback(nodeZlib)) });
    }
  });
});
