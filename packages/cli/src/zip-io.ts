/**
 * What `warpdrive compress` and `warpdrive decompress` share: argument
 * parsing, input/output files with atomic replacement, and the progress bar.
 */
import { createReadStream, createWriteStream, openSync, unlinkSync } from 'node:fs';
import { access, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { lengthOf } from '@warpdrive/core/plugin-kit';
import { UsageError, type CommandIo } from './command.js';

/** Parsed common options. */
export interface ZipArgs {
  readonly input: string | undefined; // undefined or '-' → stdin
  readonly output: string | undefined; // undefined → stdout
  readonly force: boolean;
  readonly progress: boolean | undefined; // undefined → auto (TTY + large input)
  readonly values: Record<string, string | boolean | undefined>;
}

/**
 * parseArgs with the shared flags plus `extra`; every mistake is a UsageError (exit 2).
 */
export function parseZipArgs(argv: readonly string[], extra: Record<string, { type: 'string'; short?: string }>): ZipArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        ...extra,
        output: { type: 'string', short: 'o' },
        force: { type: 'boolean', short: 'f' },
        progress: { type: 'boolean' },
        quiet: { type: 'boolean', short: 'q' },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new UsageError(`expected at most one input file, got ${positionals.length}`);
  const input = positionals[0] === '-' ? undefined : positionals[0];
  const output = values.output === '-' ? undefined : values.output;
  if (values.output === '') throw new UsageError('-o needs a file name');
  const progress = values.quiet ? false : values.progress ? true : undefined;
  return { input, output, force: values.force ?? false, progress, values: values as ZipArgs['values'] };
}

/** A one-line, user-facing failure (exit 1). */
export class CommandFailure extends Error {
  override readonly name = 'CommandFailure';
}

/** Input bytes at or above which the progress bar shows (on a TTY). */
export const PROGRESS_THRESHOLD = 16 * 1024 * 1024;

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** Counts bytes passing through and redraws a progress bar at most ~10×/s. */
function progressMeter(label: string, total: number | undefined, stderr: NodeJS.WritableStream): { meter: Transform; done(): void } {
  let seen = 0;
  let last = 0;
  const start = Date.now();
  const draw = (): void => {
    const secs = Math.max(0.001, (Date.now() - start) / 1000);
    const rate = `${formatBytes(seen / secs)}/s`;
    if (total && total > 0) {
      const frac = Math.min(1, seen / total);
      const width = 30;
      const fill = Math.round(frac * width);
      stderr.write(`\r${label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}%  ${formatBytes(seen)}  ${rate}   `);
    } else {
      stderr.write(`\r${label} ${formatBytes(seen)}  ${rate}   `);
    }
  };
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += lengthOf(chunk);
      const now = Date.now();
      if (now - last >= 100) {
        last = now;
        draw();
      }
      cb(null, chunk);
    },
  });
  return {
    meter,
    done() {
      draw();
      stderr.write('\n');
    },
  };
}

/** The output target: stdout, or a temp file renamed over `path` on success. */
interface Sink {
  readonly stream: Writable | NodeJS.WritableStream;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

async function fileSink(path: string, force: boolean): Promise<Sink> {
  if (!force) {
    const exists = await access(path).then(() => true, () => false);
    if (exists) throw new CommandFailure(`${path}: already exists (use --force to overwrite)`);
  }
  // Same directory, so the final rename is atomic and never crosses filesystems.
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const cleanup = (): void => {
    try {
      unlinkSync(tmp); // from a signal handler: must be synchronous
    } catch {
      /* not created yet, or already gone */
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanup();
    process.kill(process.pid, signal);
  };
  // Handlers first, and a synchronous create: a signal handled on this
  // thread then always sees the temp file if it exists.
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let fd: number;
  try {
    fd = openSync(tmp, 'wx', 0o644);
  } catch (err) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    throw new CommandFailure(`${path}: cannot create output (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const stream = createWriteStream('', { fd });
  const unhook = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  return {
    stream,
    async commit() {
      unhook();
      if (!force && (await access(path).then(() => true, () => false))) {
        await unlink(tmp).catch(() => {});
        throw new CommandFailure(`${path}: appeared while writing (use --force to overwrite)`);
      }
      await rename(tmp, path);
    },
    async abort() {
      unhook();
      if (!stream.destroyed) stream.destroy();
      await new Promise<void>((resolve) => (stream.closed ? resolve() : stream.once('close', () => resolve())));
      await unlink(tmp).catch(() => {});
    },
  };
}

function stdoutSink(io: CommandIo): Sink {
  return { stream: io.stdout, async commit() {}, async abort() {} };
}

/** Describes an error in one line for the user. */
export function oneLine(err: unknown, inputName: string): string {
  const e = err as NodeJS.ErrnoException & { code?: string };
  if (e?.name === 'CommandFailure') return e.message;
  switch (e?.code) {
    case 'ENOENT':
      return `${e.path ?? inputName}: no such file`;
    case 'EISDIR':
      return `${inputName}: is a directory`;
    case 'EACCES':
      return `${e.path ?? inputName}: permission denied`;
    case 'ERR_DATA_TRUNCATED':
      return `${inputName}: truncated input (unexpected end of compressed data) [${e.code}]`;
    case 'ERR_DATA_CORRUPT': {
      const reason = (e as { details?: { reason?: string } }).details?.reason;
      const what = reason === 'checksum' ? 'checksum mismatch' : reason === 'header' ? 'bad or unrecognized header' : reason === 'trailing-data' ? 'garbage after the compressed data' : 'invalid compressed data';
      return `${inputName}: corrupt input: ${what} [${e.code}]`;
    }
    default:
      return `${inputName}: ${(e?.message ?? String(err)).split('\n')[0]}${typeof e?.code === 'string' && e.code.startsWith('ERR_') ? ` [${e.code}]` : ''}`;
  }
}

/**
 * Streams `input` (file or stdin) through `transform` into the output
 * (file or stdout) with constant memory. On failure the output file is
 * never left behind.
 *
 * @returns the exit code
 */
export async function runStreaming(args: ZipArgs, label: string, transform: Transform, io: CommandIo): Promise<number> {
  const inputName = args.input ?? '(stdin)';
  let size: number | undefined;
  if (args.input !== undefined) {
    const st = await stat(args.input).catch((err: unknown) => {
      throw new CommandFailure(oneLine(err, args.input!));
    });
    if (st.isDirectory()) throw new CommandFailure(`${args.input}: is a directory`);
    size = st.isFile() ? st.size : undefined;
  }
  if (args.output === undefined && (io.stdout as { isTTY?: boolean }).isTTY && label === 'compress') {
    throw new CommandFailure('refusing to write compressed data to a terminal (use -o FILE or redirect stdout)');
  }
  const sink = args.output === undefined ? stdoutSink(io) : await fileSink(args.output, args.force);
  const source: Readable | NodeJS.ReadableStream = args.input === undefined ? process.stdin : createReadStream(args.input);
  const showProgress = args.progress ?? ((io.stderr as { isTTY?: boolean }).isTTY === true && (size ?? 0) >= PROGRESS_THRESHOLD);
  const progress = showProgress ? progressMeter(label, size, io.stderr) : undefined;
  try {
    const stages = progress ? [source, progress.meter, transform, sink.stream] : [source, transform, sink.stream];
    await (pipeline as (...s: unknown[]) => Promise<void>)(...stages);
    await sink.commit();
    progress?.done();
    return 0;
  } catch (err) {
    await sink.abort();
    if (progress) io.stderr.write('\n');
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return 1; // reader went away (e.g. `| head`)
    throw new CommandFailure(oneLine(err, inputName));
  }
}

/** Runs a command body, turning CommandFailure into one line on stderr and exit 1. */
export async function reportFailures(name: string, io: CommandIo, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof CommandFailure) {
      io.stderr.write(`warpdrive ${name}: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
}
