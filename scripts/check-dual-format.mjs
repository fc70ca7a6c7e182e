#!/usr/bin/env node
/**
 * Checks that every public entry point loads with `import` and with
 * `require()`, gives the same exports in name and behaviour both ways, and
 * that an app mixing the two holds one copy of each package (scripts/tsup-dual.mjs
 * says why and how). Run it after `pnpm build`.
 *
 *   node scripts/check-dual-format.mjs [--node PATH]... [--project DIR]
 *
 * --node     a node binary to run the probes with (repeatable; default: this node)
 * --project  a folder whose node_modules holds the @warpdrive packages (e.g. a
 *            project that installed the release tarballs); default: a
 *            .cache/dual-format/ project whose node_modules links to the
 *            workspace's packages/*. The probes are written into that folder.
 *
 * Per node binary:
 *  1. per entry, a process that only require()s it and one that only
 *     import()s it: the same names, the same kinds, the same results of a
 *     small workout (a context round trip, a gzip, a digest ...);
 *  2. one process that does both: every export is the very same object
 *     (identity), so there is one registry, one addon, one WarpdriveError;
 *     on a node that can require() ESM (20.19+, 22.12+), require() of the ESM
 *     entry file too (no top-level await: ERR_REQUIRE_ASYNC_MODULE otherwise);
 *     and `import` of the .cjs file itself sees every name (cjs-module-lexer);
 *  3. an ESM app with a CommonJS plugin module: the CJS side's plugin
 *     instance works in a context the ESM side opened, and errors thrown on
 *     either side are `instanceof WarpdriveError` on the other.
 * Prints one line per check and `N passed, N failed`; exits 1 on a failure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Public entry points, and the workspace folder of each package. */
export const PACKAGES = {
  '@warpdrive/native': 'packages/native',
  '@warpdrive/core': 'packages/core',
  '@warpdrive/plugin-zip': 'packages/plugins-zip',
  '@warpdrive/plugin-crypto': 'packages/plugins-crypto',
};
export const ENTRIES = [
  '@warpdrive/native',
  '@warpdrive/core',
  '@warpdrive/core/plugin-kit',
  '@warpdrive/plugin-zip',
  '@warpdrive/plugin-zip/zlib',
  '@warpdrive/plugin-crypto',
];

// The workout of each entry. `load(name)` loads another entry the same way
// (require or import) as the probe loads the one under test. Results are JSON.
const WORKOUT = String.raw`
const nodeZlib = require('node:zlib');
const nodeCrypto = require('node:crypto');

async function errorOf(fn) {
  try { await fn(); } catch (e) { return e; }
  throw new Error('expected an error');
}

exports.workouts = {
  async '@warpdrive/native'(m) {
    return {
      defaultIsNative: m.default === m.native,
      abi: Object.keys(m.native.abi).sort(),
      address: typeof m.native.addressOf(new Uint8Array(8)),
      cpus: m.native.availableCpus() > 0,
    };
  },
  async '@warpdrive/core'(m) {
    const ctx = await m.createContext({ plugins: [m.coreOps()], device: 'soft' });
    const data = Buffer.from('warpdrive dual format');
    const crc = await ctx.crc32(data);
    const copied = Buffer.alloc(data.length);
    await ctx.copy(data, copied);
    await ctx.close();
    const e = await errorOf(() => m.createContextSync({ plugins: 5 }));
    return {
      crc, nodeCrc: nodeZlib.crc32(data), copied: copied.equals(data),
      error: { code: e.code, wd: e instanceof m.WarpdriveError, is: m.isWarpdriveError(e), name: e.name },
      abi: typeof m.abi, nop: m.WD_OP_NOP,
    };
  },
  async '@warpdrive/core/plugin-kit'(m) {
    return {
      length: m.lengthOf(new Uint16Array(3)),
      typed: m.isTypedArray(new Uint8Array(1)),
      described: m.describeValue(42),
      argumentError: m.argumentError.length,
    };
  },
  async '@warpdrive/plugin-zip'(m, load) {
    const core = await load('@warpdrive/core');
    const ctx = await core.createContext({ plugins: [m.default()], device: 'soft' });
    const data = Buffer.from('warpdrive '.repeat(100));
    const gz = ctx.compressSync(data, { format: 'gzip', level: 1 });
    const back = await ctx.decompress(gz, { format: 'gzip' });
    const e = await errorOf(() => ctx.decompress(Buffer.from('not gzip at all'), { format: 'gzip' }));
    await ctx.close();
    return {
      defaultIsZip: m.default === m.zip, nodeReads: nodeZlib.gunzipSync(gz).equals(data), back: back.equals(data),
      error: { code: e.code, wd: e instanceof core.WarpdriveError }, engine: typeof m.ENGINE_LIBRARY,
    };
  },
  async '@warpdrive/plugin-zip/zlib'(m) {
    const gz = m.gzipSync('hello, facade');
    const viaPromise = await m.promises.gunzip(gz);
    const viaCallback = await new Promise((res, rej) => m.deflate('abc', (err, out) => (err ? rej(err) : res(out))));
    return {
      defaultIsFacade: m.default.gzipSync === m.gzipSync,
      roundTrip: m.gunzipSync(gz).toString(), nodeReads: nodeZlib.gunzipSync(gz).toString(),
      viaPromise: viaPromise.toString(), viaCallback: nodeZlib.inflateSync(viaCallback).toString(),
      constants: m.constants.Z_BEST_SPEED, stream: typeof m.createGzip().pipe,
    };
  },
  async '@warpdrive/plugin-crypto'(m, load) {
    const core = await load('@warpdrive/core');
    const ctx = await core.createContext({ plugins: [m.crypto()], device: 'soft' });
    const data = Buffer.from('abc');
    const sum = await ctx.digest(data, { alg: 'sha256' });
    const e = await errorOf(() => ctx.digest(data, { alg: 'md5' }));
    await ctx.close();
    return {
      defaultIsCrypto: m.default === m.crypto,
      sha256: sum.toString('hex'), node: nodeCrypto.createHash('sha256').update(data).digest('hex'),
      error: { code: e.code, wd: e instanceof core.WarpdriveError },
    };
  },
};

/** Names and kinds of a module's exports (CJS: own enumerable keys). */
exports.shape = (m) => Object.fromEntries(Object.keys(m).sort().map((k) => [k, typeof m[k]]));
`;

const PROBE_CJS = String.raw`
const { workouts, shape } = require('./workout.cjs');
const entry = process.argv[2];
const m = require(entry);
const load = async (name) => require(name);
workouts[entry](m, load).then((result) => {
  process.stdout.write(JSON.stringify({ shape: shape(m), result }));
}, (err) => { console.error(err); process.exit(1); });
`;

const PROBE_MJS = String.raw`
import { createRequire } from 'node:module';
const { workouts, shape } = createRequire(import.meta.url)('./workout.cjs');
const entry = process.argv[2];
const m = await import(entry);
const load = (name) => import(name);
const result = await workouts[entry](m, load);
process.stdout.write(JSON.stringify({ shape: shape(m), result }));
`;

// One process, both ways: identity of every export.
const MIXED_MJS = String.raw`
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
const require = createRequire(import.meta.url);
const entries = JSON.parse(process.argv[2]);
const out = [];
for (const entry of entries) {
  const esm = await import(entry);
  const cjs = require(entry);
  const names = Object.keys(esm);
  const differ = names.filter((k) => (k === 'default' ? esm.default !== cjs.default : esm[k] !== cjs[k]));
  const missing = Object.keys(cjs).filter((k) => !(k in esm));
  // node's own ESM view of the .cjs file (cjs-module-lexer): every name too
  const direct = await import(pathToFileURL(require.resolve(entry)).href);
  const unseen = Object.keys(cjs).filter((k) => !(k in direct));
  let requireEsm = 'n/a (this node cannot require() ESM)';
  if (process.features.require_module) {
    const file = fileURLToPath(import.meta.resolve(entry));
    const ns = require(file); // the ESM entry itself, through require(esm)
    const bad = names.filter((k) => ns[k] !== esm[k]);
    requireEsm = bad.length === 0 ? 'same objects' : 'differs: ' + bad.join(',');
  }
  out.push({ entry, names: names.length, differ, missing, unseen, requireEsm });
}
process.stdout.write(JSON.stringify(out));
`;

// An ESM app and a CommonJS plugin module.
const PLUGIN_CJS = String.raw`
// A CommonJS module, as a third-party plugin or a CJS part of an app would be.
const core = require('@warpdrive/core');
const { crypto } = require('@warpdrive/plugin-crypto');
exports.core = core;
exports.makePlugin = () => crypto();
exports.fail = () => { throw new core.WarpdriveError('ERR_PLUGIN', 'thrown on the CommonJS side'); };
exports.digestWith = (ctx, data) => ctx.digestSync(data, { alg: 'sha256' });
exports.isContext = (ctx) => ctx instanceof core.Context;
`;

const APP_MJS = String.raw`
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { Context, WarpdriveError, createContext, isWarpdriveError } from '@warpdrive/core';
import zip from '@warpdrive/plugin-zip';
const plugin = createRequire(import.meta.url)('./plugin.cjs');
const checks = {};
const errorOf = async (fn) => { try { await fn(); } catch (e) { return e; } return undefined; };
// a plugin instance made by CJS code, registered by the ESM side's core
const ctx = await createContext({ plugins: [zip(), plugin.makePlugin()], device: 'soft' });
const data = Buffer.from('one copy per process');
checks.cjsPluginInEsmContext = (await ctx.digest(data, { alg: 'sha256' })).equals(createHash('sha256').update(data).digest());
checks.esmContextInCjsCode = plugin.isContext(ctx) && ctx instanceof Context && plugin.digestWith(ctx, data).length === 32;
const fromCjs = await errorOf(() => plugin.fail());
checks.cjsErrorIsEsmWarpdriveError = fromCjs instanceof WarpdriveError && isWarpdriveError(fromCjs) && fromCjs.code === 'ERR_PLUGIN';
const fromCjsPlugin = await errorOf(() => ctx.digest(data, { alg: 'md5' }));
checks.cjsPluginErrorIsEsmWarpdriveError = fromCjsPlugin instanceof WarpdriveError;
const fromEsm = await errorOf(() => ctx.decompress(Buffer.from('not gzip'), { format: 'gzip' }));
checks.esmErrorIsCjsWarpdriveError = fromEsm instanceof plugin.core.WarpdriveError && plugin.core.isWarpdriveError(fromEsm);
checks.oneClass = plugin.core.WarpdriveError === WarpdriveError && plugin.core.createContext === createContext;
await ctx.close();
process.stdout.write(JSON.stringify(checks));
`;

function parseArgs(argv) {
  const nodes = [];
  let project;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--node') nodes.push(resolve(argv[++i]));
    else if (argv[i] === '--project') project = resolve(argv[++i]);
    else throw new Error(`check-dual-format: unknown argument ${argv[i]}`);
  }
  return { nodes: nodes.length > 0 ? nodes : [process.execPath], project };
}

/** A project folder whose node_modules/@warpdrive/* link to the workspace packages. */
function workspaceProject() {
  const dir = join(repo, '.cache', 'dual-format');
  const scope = join(dir, 'node_modules', '@warpdrive');
  rmSync(scope, { recursive: true, force: true });
  mkdirSync(scope, { recursive: true });
  for (const [name, folder] of Object.entries(PACKAGES)) {
    const pkg = join(repo, folder);
    for (const built of ['dist/index.cjs', 'dist/index.js']) {
      if (!existsSync(join(pkg, built))) throw new Error(`check-dual-format: ${folder}/${built} is missing: run pnpm build first`);
    }
    symlinkSync(pkg, join(scope, name.slice('@warpdrive/'.length)), 'dir');
  }
  return dir;
}

function run(node, cwd, args) {
  const r = spawnSync(node, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NODE_OPTIONS: '' } });
  if (r.status !== 0) throw new Error(`${node} ${args.join(' ')} exited ${r.status ?? r.signal}:\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

const isDeepStrictEqual = (await import('node:util')).isDeepStrictEqual;

/** Runs every check with one node binary; returns [passed, failed]. */
export function checkWith(node, project, log = console.log) {
  let passed = 0;
  let failed = 0;
  const check = (name, ok, detail) => {
    if (ok) passed++;
    else failed++;
    log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || detail === undefined ? '' : `: ${detail}`}`);
  };
  const attempt = (name, fn) => {
    try {
      fn();
    } catch (err) {
      check(name, false, err instanceof Error ? err.message : String(err));
    }
  };
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  log(`# node ${version} (${node})`);
  for (const entry of ENTRIES) {
    attempt(`${entry}: require and import agree`, () => {
      const viaRequire = run(node, project, ['probe.cjs', entry]);
      const viaImport = run(node, project, ['probe.mjs', entry]);
      check(`${entry}: same export names and kinds (${Object.keys(viaImport.shape).length})`,
        isDeepStrictEqual(viaRequire.shape, viaImport.shape),
        `require ${JSON.stringify(viaRequire.shape)}\nimport  ${JSON.stringify(viaImport.shape)}`);
      check(`${entry}: same behaviour`, isDeepStrictEqual(viaRequire.result, viaImport.result),
        `require ${JSON.stringify(viaRequire.result)}\nimport  ${JSON.stringify(viaImport.result)}`);
    });
  }
  attempt('mixed process', () => {
    for (const r of run(node, project, ['mixed.mjs', JSON.stringify(ENTRIES)])) {
      check(`${r.entry}: import and require() give the same objects (${r.names} exports); require(esm): ${r.requireEsm}`,
        r.differ.length === 0 && r.missing.length === 0 && !r.requireEsm.startsWith('differs'), JSON.stringify(r));
      check(`${r.entry}: node's cjs-module-lexer sees every export of the .cjs file`, r.unseen.length === 0, JSON.stringify(r.unseen));
    }
  });
  attempt('ESM app with a CommonJS plugin', () => {
    for (const [name, ok] of Object.entries(run(node, project, ['app.mjs']))) check(`ESM app + CJS plugin: ${name}`, ok === true);
  });
  return [passed, failed];
}

/** Writes the probes into `project` (a folder that resolves @warpdrive/*). */
export function writeProbes(project) {
  mkdirSync(project, { recursive: true });
  // "type" is left to each file's extension: .cjs and .mjs
  writeFileSync(join(project, 'workout.cjs'), WORKOUT);
  writeFileSync(join(project, 'probe.cjs'), PROBE_CJS);
  writeFileSync(join(project, 'probe.mjs'), PROBE_MJS);
  writeFileSync(join(project, 'mixed.mjs'), MIXED_MJS);
  writeFileSync(join(project, 'plugin.cjs'), PLUGIN_CJS);
  writeFileSync(join(project, 'app.mjs'), APP_MJS);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { nodes, project: given } = parseArgs(process.argv.slice(2));
  const project = given ?? workspaceProject();
  writeProbes(project);
  let passed = 0;
  let failed = 0;
  for (const node of nodes) {
    const [p, f] = checkWith(node, project);
    passed += p;
    failed += f;
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 ? 0 : 1;
}
