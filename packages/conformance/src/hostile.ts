/**
 * The hostile-argument suite: every public entry point of a plugin ×
 * every argument position × every hostile class (`hostile-values.ts`,
 * `hostile-cases.ts`), on every backend. Each case must end in a correct
 * result or a typed `WarpdriveError` (stable `ERR_*` code; an argument error
 * names the argument) — never a crash, hang, wrong result, untyped error,
 * a write outside the argument's memory, or plaintext after an
 * authentication failure. Afterwards a fresh context must work and the
 * process must hold as many file descriptors as before.
 *
 * Crash isolation: the cases run in a child vitest process (the same test
 * file, `WD_HOSTILE_CHILD` set) that logs each case's start and outcome to
 * a file, synchronously. When the child dies (a SIGSEGV, an abort) or stops
 * logging (a synchronous hang), the parent records that case as a crash or
 * hang and starts a new child after it, so one crash hides nothing else.
 * `WD_HOSTILE_ISOLATE=0` runs the cases in the test process instead.
 *
 * The tally (cases, correct results, typed errors, failures, per class and
 * backend) is printed and written to `$WD_HOSTILE_REPORT_DIR` (default
 * `<tmpdir>/warpdrive-hostile`)/`<plugin>.json`.
 *
 * Environment: `WD_HOSTILE_CASE_MS` (per-case timeout, default 10000),
 * `WD_HOSTILE_HANG_MS` (child silence that counts as a hang, default 60000).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { inCi, needs } from '../needs.js';
import { HOSTILE_CLASSES, collect, enumerateCases, runCase, type CaseDef, type EntryPoint, type HostileClass, type Outcome } from './hostile-cases.js';

export * from './hostile-cases.js';
export { BUFFER_CLASSES, GUARD, HOSTILE_OPTION_VALUES, bufferVariants, detach, evilTwin, isDetachedBuffer, trueBytes, trueView, type BufferClass, type BufferVariant, type HostileValue } from './hostile-values.js';

/** What the suite needs of a context. */
export interface HostileContext {
  close(): Promise<void>;
}

/** One backend: how to open a context on it. */
export interface HostileBackend<C extends HostileContext> {
  readonly name: string;
  open(): Promise<C>;
  /** Skip this backend: the reason. */
  readonly skip?: string;
}

/** A plugin's public entry points, described once. */
export interface HostileTarget<C extends HostileContext> {
  readonly plugin: string;
  /** The calling test file (`import.meta.url`): the child process runs it again. */
  readonly file: string;
  readonly backends: readonly HostileBackend<C>[];
  readonly entries: readonly EntryPoint<C>[];
  /** Fields polluted onto Object.prototype besides {@link POLLUTED_FIELDS}. */
  readonly pollute?: readonly string[];
  /** Work done before the fd baseline (e.g. open a facade's process-wide context). */
  warmup?(): unknown;
  /** A fresh context still works (after the cases): throw if not. */
  sanity(ctx: C): Promise<void>;
  /** Per-case timeout in ms (default 10000; `WD_HOSTILE_CASE_MS` overrides). */
  readonly caseMs?: number;
}

/** Options of {@link defineHostileSuite}. */
export interface HostileSuiteOptions {
  /** false: register no per-class tests, only collect the report (for tests of the suite itself). */
  readonly assert?: boolean;
}

/** Per-backend result of the after-suite checks. */
interface BackendCheck {
  readonly fdBefore: number;
  readonly fdAfter: number;
  readonly sanity: string;
}

type ProgressLine =
  | { t: 'start'; i: number }
  | { t: 'end'; i: number; o: Outcome }
  | { t: 'backend'; name: string; check: BackendCheck }
  | { t: 'done' };

/** The tally of one class on one backend. */
export interface ClassTally {
  cases: number;
  correct: number;
  typed: number;
  failed: number;
  /** Typed error codes seen, and failure kinds (`fail:<kind>`), with counts. */
  codes: Record<string, number>;
  failures: { entry: string; where: string; label: string; code: string; why: string }[];
}

/** The whole report. */
export interface HostileReport {
  readonly plugin: string;
  readonly node: string;
  readonly tally: Record<string, Partial<Record<HostileClass, ClassTally>>>;
  readonly backends: Record<string, BackendCheck>;
  readonly errors: string[];
}

const HANG_MS = Number(process.env.WD_HOSTILE_HANG_MS ?? 60_000);

function fdCount(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return -1;
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function settleFds(): Promise<number> {
  collect();
  await pause(50);
  collect();
  await pause(20);
  return fdCount();
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

/** Run the cases from index `from` on, logging to `log` (the child's work). */
async function runCases<C extends HostileContext>(target: HostileTarget<C>, cases: readonly CaseDef<C>[], from: number, log: string): Promise<void> {
  const caseMs = Number(process.env.WD_HOSTILE_CASE_MS ?? target.caseMs ?? 10_000);
  const fd = openSync(log, 'a');
  const write = (line: ProgressLine) => writeSync(fd, `${JSON.stringify(line)}\n`);
  try {
    await target.warmup?.();
    for (const backend of target.backends) {
      const mine = cases.filter((c) => c.backend === backend.name && c.index >= from);
      if (backend.skip !== undefined || mine.length === 0) continue;
      const fdBefore = await settleFds();
      let ctx: C | undefined = await backend.open();
      for (const c of mine) {
        write({ t: 'start', i: c.index });
        let o: Outcome;
        try {
          o = await runCase(ctx, c, caseMs);
        } catch (err) {
          o = { k: 'fail', code: 'runner', why: String(err) };
        }
        write({ t: 'end', i: c.index, o });
      }
      let sanity = 'ok';
      try {
        await withTimeout(ctx.close(), 30_000, 'close() of the suite context');
        ctx = undefined;
        const fresh = await backend.open();
        try {
          await withTimeout(target.sanity(fresh), 30_000, 'the fresh context check');
        } finally {
          await withTimeout(fresh.close(), 30_000, 'close() of the fresh context');
        }
      } catch (err) {
        sanity = `failed: ${(err as Error).message}`;
      }
      write({ t: 'backend', name: backend.name, check: { fdBefore, fdAfter: await settleFds(), sanity } });
    }
    write({ t: 'done' });
  } finally {
    closeSync(fd);
  }
}

function readProgress(path: string): ProgressLine[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0).flatMap((l) => {
    try {
      return [JSON.parse(l) as ProgressLine];
    } catch {
      return [];
    }
  });
}

function packageDir(file: string): string {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** One child vitest run of the test file from case `from`; resolves when it exits. */
function runChild(file: string, from: number, log: string): Promise<{ code: number | null; signal: string | null; tail: string; silent: boolean }> {
  const cwd = packageDir(file);
  const vitest = join(dirname(createRequire(join(cwd, 'package.json')).resolve('vitest/package.json')), 'vitest.mjs');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [vitest, 'run', relative(cwd, file), '--reporter=dot'], {
      cwd,
      env: { ...process.env, WD_HOSTILE_CHILD: log, WD_HOSTILE_FROM: String(from), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let tail = '';
    const keep = (b: Buffer) => {
      tail = (tail + b.toString()).slice(-3000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let last = Date.now();
    let size = -1;
    let silent = false;
    const watch = setInterval(() => {
      const now = existsSync(log) ? readFileSync(log).length : 0;
      if (now !== size) {
        size = now;
        last = Date.now();
      } else if (Date.now() - last > HANG_MS && child.pid !== undefined) {
        silent = true;
        try {
          process.kill(-child.pid, 'SIGKILL'); // the child's own process group only
        } catch {
          /* already gone */
        }
      }
    }, 1000);
    child.on('close', (code, signal) => {
      clearInterval(watch);
      resolve({ code, signal, tail, silent });
    });
  });
}

function emptyTally(): ClassTally {
  return { cases: 0, correct: 0, typed: 0, failed: 0, codes: {}, failures: [] };
}

function tallyOf<C>(plugin: string, cases: readonly CaseDef<C>[], outcomes: readonly (Outcome | undefined)[], backends: Record<string, BackendCheck>, errors: string[]): HostileReport {
  const tally: HostileReport['tally'] = {};
  for (const c of cases) {
    const t = ((tally[c.backend] ??= {})[c.cls] ??= emptyTally());
    const o = outcomes[c.index] ?? { k: 'fail', code: 'not-run', why: 'the case never ran (the suite stopped early)' };
    t.cases++;
    if (o.k === 'correct') t.correct++;
    else if (o.k === 'typed') t.typed++;
    else t.failed++;
    const key = o.k === 'fail' ? `fail:${o.code ?? '?'}` : o.k === 'typed' ? o.code ?? '?' : 'correct';
    t.codes[key] = (t.codes[key] ?? 0) + 1;
    if (o.k === 'fail') t.failures.push({ entry: c.entry.name, where: c.where, label: c.label, code: o.code ?? '?', why: o.why ?? '' });
  }
  return { plugin, node: process.version, tally, backends, errors };
}

/** Run every case, in child processes (or here), and collect the report. */
async function collectReport<C extends HostileContext>(target: HostileTarget<C>, cases: readonly CaseDef<C>[]): Promise<HostileReport> {
  const outcomes: (Outcome | undefined)[] = [];
  const backends: Record<string, BackendCheck> = {};
  const errors: string[] = [];
  const dir = join(tmpdir(), `warpdrive-hostile-${target.plugin}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const isolate = process.env.WD_HOSTILE_ISOLATE !== '0';
  let from = 0;
  for (let run = 0; run < 10_000; run++) {
    const log = join(dir, `run-${run}.jsonl`);
    let exit: Awaited<ReturnType<typeof runChild>> | undefined;
    if (isolate) exit = await runChild(fileURLToPath(target.file), from, log);
    else await runCases(target, cases, from, log);
    let pending: number | undefined;
    let done = false;
    for (const line of readProgress(log)) {
      if (line.t === 'start') pending = line.i;
      else if (line.t === 'end') {
        outcomes[line.i] = line.o;
        pending = undefined;
      } else if (line.t === 'backend') backends[line.name] = line.check;
      else done = true;
    }
    if (done) break;
    const how = exit === undefined ? 'stopped' : exit.silent ? `hung (no progress for ${HANG_MS} ms; killed)` : `died (exit ${String(exit.code)}, signal ${String(exit.signal)})`;
    const tail = (exit?.tail ?? '').split('\n').filter((l) => /\S/.test(l)).slice(-12).join(' | ').slice(-1500);
    if (pending === undefined) {
      errors.push(`the case runner ${how} outside a case, after case ${from}: ${tail}`);
      break;
    }
    outcomes[pending] = { k: 'fail', code: exit?.silent === true ? 'hang' : 'crash', why: `the process ${how} in this case: ${tail}` };
    from = pending + 1;
    if (from >= cases.length) break;
  }
  rmSync(dir, { recursive: true, force: true });
  return tallyOf(target.plugin, cases, outcomes, backends, errors);
}

/**
 * In the driver's QEMU guest (WARPDRIVE_DEVICE names a wd_soft device) the
 * test output stays inside the guest: the tally also goes to the serial
 * console, one `HOSTILE ` line each, where the host's log keeps it.
 */
function toGuestConsole(text: string): void {
  if (process.env.WARPDRIVE_DEVICE?.startsWith('wd_soft-') !== true) return;
  try {
    const fd = openSync('/dev/console', 'a');
    try {
      writeSync(fd, text.split('\n').map((l) => `HOSTILE ${l}\n`).join(''));
    } finally {
      closeSync(fd);
    }
  } catch {
    /* no console to write to: the vitest output has the tally */
  }
}

/** The tally as a markdown table. */
export function formatTally(report: HostileReport): string {
  const rows = [`hostile-argument suite, ${report.plugin}, node ${report.node}`, '| backend | class | cases | correct | typed error | failed | outcomes |', '|---|---|---|---|---|---|---|'];
  for (const [backend, classes] of Object.entries(report.tally)) {
    for (const cls of HOSTILE_CLASSES) {
      const t = classes[cls];
      if (t === undefined) continue;
      const codes = Object.entries(t.codes).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
      rows.push(`| ${backend} | ${cls} | ${t.cases} | ${t.correct} | ${t.typed} | ${t.failed} | ${codes} |`);
    }
  }
  for (const [name, b] of Object.entries(report.backends)) rows.push(`${name}: fds ${b.fdBefore} → ${b.fdAfter}, fresh context ${b.sanity}`);
  for (const e of report.errors) rows.push(`error: ${e}`);
  return rows.join('\n');
}

function formatFailures(t: ClassTally, max = 40): string {
  const lines = t.failures.slice(0, max).map((f) => `${f.entry} ${f.where} [${f.label}] ${f.code}: ${f.why}`);
  if (t.failures.length > max) lines.push(`... and ${t.failures.length - max} more`);
  return lines.join('\n');
}

/**
 * Register the hostile-argument suite of `target`: one test per backend ×
 * class (every case of it ends in a correct result or a typed error) and
 * one per backend for the after-suite checks. Call at the top level of a
 * vitest test file, with `file: import.meta.url`.
 *
 * @returns the report once the suite's `beforeAll` has run (undefined before, and in the child run)
 */
export function defineHostileSuite<C extends HostileContext>(target: HostileTarget<C>, options: HostileSuiteOptions = {}): () => HostileReport | undefined {
  const cases = enumerateCases(target.backends, target.entries, target.pollute ?? []);
  let report: HostileReport | undefined;
  const childLog = process.env.WD_HOSTILE_CHILD;
  if (childLog !== undefined) {
    it(`hostile cases of ${target.plugin} (child run)`, async () => {
      await runCases(target, cases, Number(process.env.WD_HOSTILE_FROM ?? 0), childLog);
    }, 24 * 3600_000);
    return () => report;
  }
  const run = async () => {
    report = await collectReport(target, cases);
    const dir = process.env.WD_HOSTILE_REPORT_DIR ?? join(tmpdir(), 'warpdrive-hostile');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${target.plugin}.json`), JSON.stringify(report, null, 2));
    const text = formatTally(report);
    console.log(text);
    toGuestConsole(text);
  };
  if (options.assert === false) {
    beforeAll(run, 6 * 3600_000);
    return () => report;
  }
  describe(`hostile arguments: ${target.plugin}`, () => {
    beforeAll(run, 6 * 3600_000);
    for (const backend of target.backends) {
      if (backend.skip !== undefined) {
        // Under CI a backend that cannot run fails on its own (the others
        // still run); elsewhere it is skipped with the reason.
        const reason = backend.skip;
        if (inCi()) describe(backend.name, () => it('has what this backend needs', () => void needs(false, `${backend.name}: ${reason}`)));
        else describe.skip(`${backend.name} (skipped: ${reason})`, () => undefined);
        continue;
      }
      describe(backend.name, () => {
        const classes = HOSTILE_CLASSES.filter((cls) => cases.some((c) => c.backend === backend.name && c.cls === cls));
        for (const cls of classes) {
          const n = cases.filter((c) => c.backend === backend.name && c.cls === cls).length;
          // (the backend in the title too: the guest's report keeps only titles)
          it(`${backend.name}: ${cls}: ${n} cases end in a correct result or a typed error`, () => {
            expect(report, 'the suite did not run').toBeDefined();
            const t = report!.tally[backend.name]?.[cls] ?? emptyTally();
            expect(t.cases).toBe(n);
            expect(t.failed, formatFailures(t)).toBe(0);
          });
        }
        it(`${backend.name}: afterwards a fresh context works and the process holds as many fds as before`, () => {
          expect(report!.errors, report!.errors.join('\n')).toEqual([]);
          const b = report!.backends[backend.name];
          expect(b, 'the after-suite check did not run').toBeDefined();
          expect(b!.sanity).toBe('ok');
          expect(b!.fdAfter, `fds before ${b!.fdBefore}, after ${b!.fdAfter}`).toBe(b!.fdBefore);
        });
      });
    }
  });
  return () => report;
}

// ---------------------------------------------------------------- glue for entry points

/**
 * Write `chunk` to a fresh node Transform and end it; resolves to its whole
 * output. The write happens before this returns (for the in-flight classes).
 */
export function runNodeTransform(stream: NodeJS.ReadWriteStream & { destroy(err?: Error): unknown }, chunk: unknown): Promise<Buffer> {
  const out: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    stream.on('data', (b: Buffer) => out.push(b));
    stream.on('error', reject);
    stream.on('end', () => resolve(Buffer.concat(out)));
  });
  try {
    stream.write(chunk as Buffer);
    stream.end();
  } catch (err) {
    stream.destroy();
    done.catch(() => undefined);
    throw err;
  }
  return done.finally(() => stream.destroy());
}

/** Write `chunk` to a WHATWG TransformStream and close it; resolves to its whole output. */
export function runWebTransform(ts: TransformStream<Uint8Array, Uint8Array>, chunk: unknown): Promise<Buffer> {
  const writer = ts.writable.getWriter();
  const reader = ts.readable.getReader();
  const wrote = writer.write(chunk as Uint8Array);
  const closed = writer.close();
  const read = (async () => {
    const parts: Uint8Array[] = [];
    for (;;) {
      const r = await reader.read();
      if (r.done) return Buffer.concat(parts);
      parts.push(r.value);
    }
  })();
  const all = Promise.all([wrote, closed, read]).then(([, , out]) => out);
  all.catch(() => {
    reader.cancel().catch(() => undefined);
  });
  return all;
}

/** A Buffer copy of a result that must be bytes, or a message. */
export function bytesOf(value: unknown): Buffer | string {
  if (value instanceof Uint8Array) return Buffer.from(value);
  return `expected bytes, got ${value === null ? 'null' : typeof value}`;
}
