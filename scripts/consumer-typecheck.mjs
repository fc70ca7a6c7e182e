#!/usr/bin/env node
/**
 * Type-checks a TypeScript consumer of every public @warpdrive entry the way
 * a user's project would see the packages: scripts/consumer-typecheck/
 * (consumer.mts imports each entry, consumer.cts requires each; `module` and
 * `moduleResolution` nodenext, strict, skipLibCheck off so our .d.ts and
 * .d.cts are checked too), then runs what tsc emitted with node, so the
 * types are checked against what the packages export at run time.
 *
 *   node scripts/consumer-typecheck.mjs [--project DIR] [--tsc PATH] [--node PATH] [--no-run]
 *
 * --project  a folder whose node_modules already holds @warpdrive/*, @types/node
 *            (and typescript, or give --tsc), e.g. a project that installed the
 *            release tarballs; the template is copied into it. Default: a
 *            .cache/consumer-typecheck/ project whose node_modules links to the
 *            workspace's packages/* and its @types/node.
 * --tsc      the tsc to run (default: the project's node_modules/.bin/tsc, else
 *            the workspace's).
 * --node     the node that runs the emitted consumers (default: this node).
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PACKAGES } from './check-dual-format.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const template = join(repo, 'scripts', 'consumer-typecheck');

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : resolve(args[i + 1]);
};
const node = opt('--node') ?? process.execPath;
let project = opt('--project');

if (project === undefined) {
  // The workspace packages, linked as an install would place them.
  project = join(repo, '.cache', 'consumer-typecheck');
  const modules = join(project, 'node_modules');
  rmSync(modules, { recursive: true, force: true });
  mkdirSync(join(modules, '@warpdrive'), { recursive: true });
  mkdirSync(join(modules, '@types'), { recursive: true });
  for (const [name, folder] of Object.entries(PACKAGES)) {
    if (!existsSync(join(repo, folder, 'dist', 'index.d.cts'))) throw new Error(`consumer-typecheck: ${folder} is not built: run pnpm build first`);
    symlinkSync(join(repo, folder), join(modules, name), 'dir');
  }
  symlinkSync(join(repo, 'node_modules', '@types', 'node'), join(modules, '@types', 'node'), 'dir');
}
rmSync(join(project, 'out'), { recursive: true, force: true });
for (const file of ['package.json', 'tsconfig.json', 'consumer.mts', 'consumer.cts']) cpSync(join(template, file), join(project, file));

const ownTsc = join(project, 'node_modules', 'typescript', 'bin', 'tsc');
const tsc = opt('--tsc') ?? (existsSync(ownTsc) ? ownTsc : join(repo, 'node_modules', 'typescript', 'bin', 'tsc'));
try {
  execFileSync(node, [tsc, '-p', project], { cwd: project, stdio: 'inherit' });
} catch {
  console.error('consumer-typecheck: tsc reported errors (above)');
  process.exit(1);
}
console.log(`consumer-typecheck: tsc ${execFileSync(node, [tsc, '--version'], { encoding: 'utf8' }).trim()} passed (consumer.mts, consumer.cts)`);
if (!args.includes('--no-run')) {
  for (const out of ['out/consumer.mjs', 'out/consumer.cjs']) {
    execFileSync(node, [join(project, out)], { cwd: project, stdio: 'inherit' });
  }
}
