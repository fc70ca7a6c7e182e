/**
 * The tsup set-up of every published package (native, core, the plugins): one
 * CommonJS build holds the code, and each ESM entry only re-exports it.
 *
 * Why not two full builds: an app whose one part does `require()` and another
 * `import` (a CommonJS plugin in an ESM app, a CommonJS test runner ...) would
 * then hold two copies of each package: two plugin registries, two
 * WarpdriveError classes (`instanceof` fails across them), contexts of one
 * copy unknown to the other -- the "dual package hazard". With the ESM entry
 * a thin re-export of `./x.cjs`, node loads the one CommonJS copy for
 * both, and there is no state to key on globalThis.
 *
 * - cjs: `splitting` (tsup bundles as ESM, then sucrase turns every file
 *   into CommonJS), so that entries of one package (core and
 *   core/plugin-kit, plugin-zip and plugin-zip/zlib) share one copy of their
 *   common modules instead of one each. `import.meta.url` becomes the file
 *   URL of the output file that holds the code (as in an ESM build), made
 *   with pathToFileURL so that a path with `#`, `%` or spaces stays exact;
 *   `import.meta.dirname`/`filename` its `__dirname`/`__filename`; any other
 *   `import.meta` use fails the build.
 * - esm: only the entries are written, each replaced by its re-export: the
 *   names esbuild found in the entry, read from `createRequire(import.meta.url)('./x.cjs')`.
 *   Not `export { ... } from './x.cjs'`: a loader that runs modules itself
 *   (vitest runs files outside node_modules, such as linked workspace
 *   packages, through its own module runner) would evaluate the .cjs a
 *   second time, while node's require() always returns its one cached copy.
 *   `default` is `module.exports.default` (node's ESM view of a CommonJS
 *   module would give the whole `module.exports`). That node's
 *   cjs-module-lexer sees every name of the .cjs files too (for a direct
 *   import of one) is checked by scripts/check-dual-format.mjs.
 * - dts: `.d.ts` for the ESM entries, `.d.cts` for the CommonJS ones.
 * - No top-level await survives: esbuild rejects it in the bundle, and
 *   scripts/check-dual-format.mjs checks the outputs again.
 */
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const CJS_SHIM = fileURLToPath(new URL('./tsup-dual-cjs-shim.mjs', import.meta.url));

/** tsup plugin: the ESM entries re-export the CommonJS build. */
const esmReexportsCjs = {
  name: 'esm-reexports-cjs',
  renderChunk(_code, info) {
    if (this.format !== 'esm' || info.type !== 'chunk' || !info.path.endsWith('.js')) return undefined;
    if (!info.entryPoint) throw new Error(`tsup-dual: unexpected ESM chunk ${info.path} (ESM splitting is off)`);
    const cjs = `./${basename(info.path, '.js')}.cjs`;
    const names = (info.exports ?? []).filter((n) => n !== 'default');
    const lines = [
      '// ESM entry: re-exports the CommonJS build, loaded with node\'s own require() so that import',
      '// and require() share one copy of this package (its state, its classes) under any loader.',
      '// See scripts/tsup-dual.mjs in the warpdrive repository.',
      "import { createRequire as __createRequire } from 'node:module';",
      `const __cjs = __createRequire(import.meta.url)(${JSON.stringify(cjs)});`,
    ];
    if (names.length > 0) lines.push(`export const { ${names.join(', ')} } = __cjs;`);
    if (info.exports?.includes('default')) lines.push('export default __cjs.default;');
    return { code: `${lines.join('\n')}\n` };
  },
};

/** tsup plugin: an `import.meta` left in CommonJS output (a SyntaxError at load) fails the build. */
const noImportMetaInCjs = {
  name: 'no-import-meta-in-cjs',
  renderChunk(code, info) {
    if (this.format === 'cjs' && info.type === 'chunk' && /\bimport\.meta\b/.test(code)) {
      throw new Error(`tsup-dual: ${info.path} still uses import.meta (only .url, .dirname and .filename are shimmed for CommonJS)`);
    }
    return undefined;
  },
};

/**
 * tsup options of a dual package.
 * @param {import('tsup').Options} options entry and any extra options
 * @returns {import('tsup').Options}
 */
export function dualPackage(options) {
  return {
    format: ['cjs', 'esm'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    splitting: true,
    ...options,
    plugins: [esmReexportsCjs, noImportMetaInCjs, ...(options.plugins ?? [])],
    esbuildOptions(esbuild, context) {
      if (context.format === 'cjs') {
        esbuild.define = {
          ...esbuild.define,
          'import.meta.url': 'importMetaUrl',
          'import.meta.dirname': '__dirname',
          'import.meta.filename': '__filename',
        };
        esbuild.inject = [...(esbuild.inject ?? []), CJS_SHIM];
      } else {
        // the ESM build is only read for its entries' export names
        esbuild.splitting = false;
        esbuild.sourcemap = false;
      }
      options.esbuildOptions?.(esbuild, context);
    },
  };
}
