/**
 * The CLI's file arguments with hostile files (the CLI part of the
 * hostile-argument suite): a path that does not exist, a directory, an
 * endless device (/dev/zero), a FIFO, in every file slot of every command
 * (input, -o, --key-file, --aad-file). Each run must end on its own (no
 * hang) with a clean one-line error (`warpdrive <command>: ...`) and a
 * non-zero exit — never a stack trace, an uncaught exception, a signal —
 * or, where the file is a valid input after all (a FIFO that delivers a
 * valid AAD), succeed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdirSync, mkdtempSync, open, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'wd-cli-hostile-'));
const fifos: string[] = [];
afterAll(() => {
  // a writer still waiting for a reader (the CLI refused the file first) is let go
  for (const f of fifos) {
    try {
      closeSync(openSync(f, constants.O_RDONLY | constants.O_NONBLOCK));
    } catch {
      /* gone */
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const RUN_MS = 15_000;
const key = join(dir, 'key');
const plain = join(dir, 'plain');
writeFileSync(key, Buffer.alloc(32, 7));
writeFileSync(plain, 'some plaintext\n');
const IV = '00112233445566778899aabb';
const cipher = ['--alg', 'aes-256-gcm', '--iv', IV];

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  timedOut: boolean;
}

function cli(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    child.stderr.on('data', (c: Buffer) => {
      stderr = (stderr + c.toString()).slice(-4000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, RUN_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, timedOut });
    });
  });
}

/** A FIFO whose writer (this process) writes `data` once the CLI opens it, then closes it. */
function fifo(name: string, data: Buffer): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  fifos.push(path);
  open(path, 'w', (err, fd) => {
    if (err) return;
    try {
      writeSync(fd, data);
    } catch {
      /* the reader went away */
    }
    closeSync(fd);
  });
  return path;
}

type Kind = 'nonexistent' | 'directory' | 'endless device' | 'FIFO';
interface Case {
  readonly kind: Kind;
  readonly slot: string;
  readonly args: () => string[];
  /** Success is correct here (the hostile file is valid input after all). */
  readonly mayPass?: boolean;
}

const missing = () => join(dir, 'no', 'such', 'file');
const aDir = () => {
  const d = join(dir, `d${Math.random().toString(36).slice(2)}`);
  mkdirSync(d);
  return d;
};
let n = 0;
const uniq = (s: string) => `${s}-${n++}`;
const garbage = Buffer.from('definitely not compressed or encrypted data\n'.repeat(100));

const cases: Case[] = [];
for (const kind of ['nonexistent', 'directory'] as const) {
  const path = kind === 'nonexistent' ? missing : aDir;
  cases.push(
    { kind, slot: 'compress IN', args: () => ['compress', path()] },
    { kind, slot: 'compress -o', args: () => ['compress', '-o', kind === 'nonexistent' ? missing() : path(), plain] },
    { kind, slot: 'decompress IN', args: () => ['decompress', path()] },
    { kind, slot: 'decompress -o', args: () => ['decompress', '-o', kind === 'nonexistent' ? missing() : path(), plain] },
    { kind, slot: 'digest IN', args: () => ['digest', path()] },
    { kind, slot: 'encrypt IN', args: () => ['encrypt', ...cipher, '--key-file', key, path()] },
    { kind, slot: 'encrypt --key-file', args: () => ['encrypt', ...cipher, '--key-file', path(), plain] },
    { kind, slot: 'encrypt --aad-file', args: () => ['encrypt', ...cipher, '--key-file', key, '--aad-file', path(), plain] },
    { kind, slot: 'encrypt -o', args: () => ['encrypt', ...cipher, '--key-file', key, '-o', kind === 'nonexistent' ? missing() : path(), plain] },
    { kind, slot: 'decrypt IN', args: () => ['decrypt', ...cipher, '--key-file', key, path()] },
    { kind, slot: 'decrypt --key-file', args: () => ['decrypt', ...cipher, '--key-file', path(), plain] },
    { kind, slot: 'decrypt --aad-file', args: () => ['decrypt', ...cipher, '--key-file', key, '--aad-file', path(), plain] },
  );
}
// An endless device where the CLI reads a whole file or must find an error
// in the data (never as the input of compress/digest/encrypt: streaming an
// endless input is what they are for).
cases.push(
  { kind: 'endless device', slot: 'decompress IN', args: () => ['decompress', '/dev/zero'] },
  { kind: 'endless device', slot: 'encrypt --key-file', args: () => ['encrypt', ...cipher, '--key-file', '/dev/zero', plain] },
  { kind: 'endless device', slot: 'encrypt --aad-file', args: () => ['encrypt', ...cipher, '--key-file', key, '--aad-file', '/dev/zero', plain] },
  { kind: 'endless device', slot: 'decrypt --key-file', args: () => ['decrypt', ...cipher, '--key-file', '/dev/zero', plain] },
  { kind: 'endless device', slot: 'decrypt --aad-file', args: () => ['decrypt', ...cipher, '--key-file', key, '--aad-file', '/dev/zero', plain] },
);
cases.push(
  { kind: 'FIFO', slot: 'decompress IN (garbage)', args: () => ['decompress', fifo(uniq('in'), garbage)] },
  { kind: 'FIFO', slot: 'decrypt IN (garbage)', args: () => ['decrypt', ...cipher, '--key-file', key, fifo(uniq('in'), garbage)] },
  { kind: 'FIFO', slot: 'encrypt --key-file (empty)', args: () => ['encrypt', ...cipher, '--key-file', fifo(uniq('key'), Buffer.alloc(0)), plain] },
  { kind: 'FIFO', slot: 'decrypt --key-file (5 bytes)', args: () => ['decrypt', ...cipher, '--key-file', fifo(uniq('key'), Buffer.from('short')), plain] },
  { kind: 'FIFO', slot: 'encrypt --aad-file (valid AAD)', args: () => ['encrypt', ...cipher, '--key-file', key, '--aad-file', fifo(uniq('aad'), Buffer.from('aad')), plain], mayPass: true },
  { kind: 'FIFO', slot: 'compress -o (an existing FIFO)', args: () => ['compress', '-o', fifo(uniq('out'), Buffer.alloc(0)), plain] },
);

/** What is wrong with a run (undefined: a clean error, or a success where allowed). */
function problem(c: Case, r: Run): string | undefined {
  if (r.timedOut) return `did not exit within ${RUN_MS} ms`;
  if (r.signal !== null) return `killed by ${r.signal}`;
  if (r.code === 0) return c.mayPass === true ? undefined : 'exit 0 for a file that cannot be used';
  const lines = r.stderr.trim().split('\n');
  if (/\n\s+at |node:internal|triggerUncaughtException|^Node\.js v/m.test(r.stderr)) return `not a clean error (stack trace or uncaught exception): ${lines.slice(0, 4).join(' | ')}`;
  if (!/^warpdrive \S+: /m.test(r.stderr)) return `no 'warpdrive <command>: ...' message: ${lines.slice(0, 3).join(' | ')}`;
  return undefined;
}

describe('CLI file arguments with hostile files: a clean error and a non-zero exit', () => {
  const tally = new Map<Kind, { cases: number; clean: number; failed: number }>();
  afterAll(() => {
    const rows = ['| kind | cases | clean error / success | failed |', '|---|---|---|---|'];
    for (const [kind, t] of tally) rows.push(`| ${kind} | ${t.cases} | ${t.clean} | ${t.failed} |`);
    console.log(`CLI hostile files\n${rows.join('\n')}`);
  });
  for (const c of cases) {
    it(`${c.kind}: ${c.slot}`, async () => {
      const r = await cli(c.args());
      const p = problem(c, r);
      const t = tally.get(c.kind) ?? { cases: 0, clean: 0, failed: 0 };
      t.cases++;
      if (p === undefined) t.clean++;
      else t.failed++;
      tally.set(c.kind, t);
      expect(p, r.stderr.slice(0, 600)).toBeUndefined();
    }, RUN_MS + 10_000);
  }
});
