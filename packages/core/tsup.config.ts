import { defineConfig } from 'tsup';
import { dualPackage } from '../../scripts/tsup-dual.mjs';

// CommonJS build + ESM re-exports of it, .d.ts and .d.cts: see scripts/tsup-dual.mjs.
export default defineConfig(dualPackage({ entry: { index: 'src/index.ts', 'plugin-kit': 'src/kit/index.ts' } }));
