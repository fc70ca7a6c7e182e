// An ESM consumer of every public entry (import), type-checked by
// scripts/consumer-typecheck.mjs and then run: it must print "esm ok".
import { createHash } from 'node:crypto';
import { gunzipSync as nodeGunzip } from 'node:zlib';
import nativeDefault, { native, type NativeBinding } from '@warpdrive/native';
import { Context, WarpdriveError, coreOps, createContext, isWarpdriveError, type WarpdriveErrorCode } from '@warpdrive/core';
import { lengthOf, isTypedArray } from '@warpdrive/core/plugin-kit';
import zip, { type ZipMethods, ZIP_OP } from '@warpdrive/plugin-zip';
import zlib, { gzipSync, promises, type ZlibOptions } from '@warpdrive/plugin-zip/zlib';
import crypto, { type CryptoMethods, HashSession } from '@warpdrive/plugin-crypto';

const binding: NativeBinding = native;
const same: boolean = nativeDefault === binding;
const ctx = await createContext({ plugins: [coreOps(), zip(), crypto()], device: 'soft' });
const asContext: Context = ctx;
const crc: number = await ctx.crc32(Buffer.from('abc'));
const gz: Buffer = await ctx.compress(Buffer.from('abc'), { format: 'gzip', level: 1 });
const digest: Buffer = await ctx.digest(Buffer.from('abc'), { alg: 'sha256' });
const zipMethods: ZipMethods['compressSync'] = ctx.compressSync;
const cryptoMethods: CryptoMethods['digestSync'] = ctx.digestSync;
const session: HashSession = await ctx.createHashSession({ alg: 'sha256' });
await session.close();
const options: ZlibOptions = { level: 1 };
const facade: Buffer = zlib.gunzipSync(gzipSync('facade', options));
const viaPromise: Buffer = await promises.gunzip(gzipSync('p'));
let code: WarpdriveErrorCode | undefined;
try {
  await ctx.decompress(Buffer.from('not gzip'), { format: 'gzip' });
} catch (err) {
  if (err instanceof WarpdriveError && isWarpdriveError(err)) code = err.code;
}
await asContext.close();
const n: number = lengthOf(new Uint8Array(3));
const ok =
  same && crc === 0x352441c2 && nodeGunzip(gz).toString() === 'abc' &&
  digest.equals(createHash('sha256').update('abc').digest()) && facade.toString() === 'facade' &&
  viaPromise.toString() === 'p' && code === 'ERR_DATA_CORRUPT' && n === 3 && isTypedArray(gz) &&
  typeof zipMethods === 'function' && typeof cryptoMethods === 'function' && typeof ZIP_OP === 'object';
console.log(ok ? 'esm ok' : 'esm FAILED');
if (!ok) process.exitCode = 1;
