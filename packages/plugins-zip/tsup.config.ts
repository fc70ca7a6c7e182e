import { defineConfig } from 'tsup';
import { dualPackage } from '../../scripts/tsup-dual.mjs';

// CommonJS build + ESM re-exports of it, .d.ts and .d.cts: see scripts/tsup-dual.mjs.
export default defineConfig(dualPackage({ entry: ['src/index.ts', 'src/zlib/index.ts'] }));
