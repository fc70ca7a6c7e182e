// Is the released zip engine as fast as the workspace one? Runs the
// facade's gzip level 1 (the "Must hold" figure of issue 12) on the bench
// corpus's kernel.txt, 1 MiB requests, 4 in flight, alternating child
// processes: the workspace build (packages/*/build) and a release directory
// (its addon through WARPDRIVE_NATIVE_PATH; its zip engine through a copy
// of the plugin's dist/ under packages/plugins-zip/build/release-bench/,
// whose ../build/zip-engine.so is the released file).
//
//   node scripts/release/lib/bench-zip.mjs .release/binaries/linux-x64-gnu [corpus.txt]
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const zipPkg = join(repo, 'packages', 'plugins-zip');

if (process.argv[2] === '--child') {
  const [, , , facadeDir, corpus] = process.argv;
  const zlib = (await import(pathToFileURL(join(facadeDir, 'dist', 'zlib', 'index.js')).href)).default;
  const data = readFileSync(corpus);
  const MiB = 1 << 20;
  const chunks = [];
  for (let o = 0; o + MiB <= data.length; o += MiB) chunks.push(data.subarray(o, o + MiB));
  const pass = async (ms) => {
    const end = performance.now() + ms;
    let bytes = 0;
    let i = 0;
    const t0 = performance.now();
    const worker = async () => {
      while (performance.now() < end) {
        const c = chunks[i++ % chunks.length];
        await zlib.promises.gzip(c, { level: 1 });
        bytes += c.length;
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    return bytes / MiB / ((performance.now() - t0) / 1000);
  };
  await pass(1000); // warm-up
  console.log(JSON.stringify({ mbps: await pass(3000) }));
  process.exit(0);
}

const releaseDir = resolve(process.argv[2] ?? join(repo, '.release', 'binaries', `linux-${process.arch}-gnu`));
const corpus = resolve(process.argv[3] ?? join(repo, '.bench-corpus', 'kernel.txt'));
if (!existsSync(corpus)) throw new Error(`${corpus}: no corpus (node bench/corpus/build.mjs makes it)`);
const benchPkg = join(zipPkg, 'build', 'release-bench');
rmSync(benchPkg, { recursive: true, force: true });
cpSync(join(zipPkg, 'dist'), join(benchPkg, 'dist'), { recursive: true });
mkdirSync(join(benchPkg, 'build'), { recursive: true });
copyFileSync(join(releaseDir, 'zip-engine.so'), join(benchPkg, 'build', 'zip-engine.so'));
const variants = {
  workspace: { dir: zipPkg, env: {} },
  release: { dir: benchPkg, env: { WARPDRIVE_NATIVE_PATH: join(releaseDir, 'warpdrive_native.node') } },
};
const results = { workspace: [], release: [] };
for (let round = 0; round < 3; round++) {
  for (const [name, v] of Object.entries(variants)) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', v.dir, corpus],
      { env: { ...process.env, WARPDRIVE_NATIVE_PATH: '', ...v.env }, encoding: 'utf8' });
    results[name].push(JSON.parse(out.trim().split('\n').at(-1)).mbps);
  }
}
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const [name, r] of Object.entries(results)) console.log(`${name}: gzip level 1, MB/s per round ${r.map((x) => x.toFixed(0)).join(' ')}, median ${median(r).toFixed(0)}`);
console.log(`release / workspace: ${(median(results.release) / median(results.workspace)).toFixed(3)}`);
rmSync(benchPkg, { recursive: true, force: true });
