// A CommonJS consumer of every public entry (require), type-checked by
// scripts/consumer-typecheck.mjs and then run: it must print "cjs ok".
import nodeCrypto = require('node:crypto');
import nodeZlib = require('node:zlib');
import nativeModule = require('@warpdrive/native');
import core = require('@warpdrive/core');
import kit = require('@warpdrive/core/plugin-kit');
import zipModule = require('@warpdrive/plugin-zip');
import zlib = require('@warpdrive/plugin-zip/zlib');
import cryptoModule = require('@warpdrive/plugin-crypto');
// a type-only import resolves through the same `require` condition (.d.cts)
import type { WarpdriveErrorCode } from '@warpdrive/core';

async function main(): Promise<boolean> {
  const binding: nativeModule.NativeBinding = nativeModule.native;
  const ctx = core.createContextSync({ plugins: [core.coreOps(), zipModule.zip(), cryptoModule.crypto()], device: 'soft' });
  const asContext: core.Context = ctx;
  const crc: number = await ctx.crc32(Buffer.from('abc'));
  const gz: Buffer = ctx.compressSync(Buffer.from('abc'), { format: 'gzip' });
  const digest: Buffer = ctx.digestSync(Buffer.from('abc'), { alg: 'sha256' });
  let code: WarpdriveErrorCode | undefined;
  try {
    ctx.decompressSync(Buffer.from('not gzip'), { format: 'gzip' });
  } catch (err) {
    if (err instanceof core.WarpdriveError && core.isWarpdriveError(err)) code = err.code;
  }
  await asContext.close();
  const options: zlib.ZlibOptions = { level: 1 };
  const facade: Buffer = zlib.gunzipSync(zlib.gzipSync('facade', options));
  const viaDefault: Buffer = zlib.default.gzipSync('d');
  return (
    binding === nativeModule.default && crc === 0x352441c2 && nodeZlib.gunzipSync(gz).toString() === 'abc' &&
    digest.equals(nodeCrypto.createHash('sha256').update('abc').digest()) && code === 'ERR_DATA_CORRUPT' &&
    facade.toString() === 'facade' && nodeZlib.gunzipSync(viaDefault).toString() === 'd' &&
    kit.lengthOf(new Uint16Array(2)) === 4 && zipModule.default === zipModule.zip && cryptoModule.default === cryptoModule.crypto
  );
}

main().then((ok) => {
  console.log(ok ? 'cjs ok' : 'cjs FAILED');
  if (!ok) process.exitCode = 1;
}, (err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
