/**
 * The engine's own rules, checked below the TypeScript validation: a C
 * program (test/c/engine_rules.c) drives crypto_engine_get()->run with
 * malformed SQEs, forged and stale session handles, -ENOSPC/-EBADMSG output
 * hygiene, and 200k random SQEs. With CRYPTO_ENGINE_SANITIZE=1 the program
 * and the engine are built with ASan + UBSan.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { needs } from '../../conformance/needs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wd-crypto-rules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function hasCc(): boolean {
  try {
    execFileSync(process.env.CC ?? 'cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Build and run one test/c program against the engine; it prints nothing and exits 0 when every rule holds. */
function runC(name: string): void {
  const exe = join(dir, name);
  execFileSync(process.env.CC ?? 'cc', [
    '-std=gnu11', '-O1', '-g', '-Wall', '-Wextra', '-Werror',
    '-I', join(root, '../../driver/include/uapi'), '-I', join(root, '../native/include'),
    '-o', exe, join(root, `test/c/${name}.c`), '-ldl',
  ]);
  let out = '';
  try {
    out = execFileSync(exe, [join(root, process.env.WARPDRIVE_NATIVE_BUILD === 'asan' ? 'build-asan' : 'build', 'crypto-engine.so')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { status: number; stderr: string };
    expect.fail(`${name} exited ${e.status}:\n${e.stderr}`);
  }
  expect(out).toBe('');
}

describe.skipIf(needs(hasCc(), `a C compiler (${process.env.CC ?? 'cc'}; scripts/setup.sh installs gcc)`))('engine rules (C, below the TypeScript checks)', () => {
  it('malformed fields → -EINVAL, bad handles → -EBADF, ENOSPC writes nothing, EBADMSG wipes, random SQEs never crash', () => {
    runC('engine_rules');
  });

  it('batches: entries equal single messages, a bad entry fails alone, whole-SQE faults touch no entry', () => {
    runC('batch_rules');
  });
});
