/**
 * Streaming input and output of the crypto commands (encrypt, decrypt,
 * digest): nothing holds a whole file in memory. Outputs that must not
 * appear unless the command succeeds go to a private temporary file that is
 * renamed (to `-o OUT`) or copied to stdout only after the last byte was
 * produced and, for GCM, the tag verified; on failure or a signal it is
 * removed.
 */
import { createReadStream, createWriteStream, mkdtempSync, openSync, rmSync, unlinkSync, type WriteStream } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { Transform, type Readable, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WarpdriveError } from '@warpdrive/core';
import { lengthOf } from '@warpdrive/core/plugin-kit';
import type { CommandIo } from './command.js';

function fileError(what: string, path: string, reason: string): WarpdriveError {
  const where = what === 'IN' ? path : `${what} ${path}`;
  return new WarpdriveError('ERR_INVALID_ARGUMENT', `${where}: ${reason}`, { details: { argument: what, file: path } });
}

function reasonOf(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file';
  if (e?.code === 'EISDIR') return 'is a directory';
  if (e?.code === 'EACCES') return 'permission denied';
  return `cannot read (${e?.code ?? (e as Error)?.message ?? String(err)})`;
}

/**
 * The input: a file or stdin. A file that cannot be opened, or a directory,
 * is a typed error before any output exists.
 */
export async function openInput(path: string | undefined): Promise<Readable | NodeJS.ReadableStream> {
  if (path === undefined) return process.stdin;
  const handle = await open(path, 'r').catch((err: unknown) => {
    throw fileError('IN', path, reasonOf(err));
  });
  const st = await handle.stat();
  if (st.isDirectory()) {
    await handle.close();
    throw fileError('IN', path, 'is a directory');
  }
  return handle.createReadStream();
}

/**
 * A small file read whole (a key, an AAD): at most `max` bytes, so an
 * endless device (/dev/zero) or a huge file is refused instead of read
 * until memory runs out.
 */
export async function readSmallFile(path: string, what: string, max: number): Promise<Buffer> {
  const handle = await open(path, 'r').catch((err: unknown) => {
    throw fileError(what, path, reasonOf(err));
  });
  try {
    if ((await handle.stat()).isDirectory()) throw fileError(what, path, 'is a directory');
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, max + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, lengthOf(chunk), null).catch((err: unknown) => {
        throw fileError(what, path, reasonOf(err));
      });
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > max) throw fileError(what, path, `is larger than ${max} bytes`);
    }
    return Buffer.concat(chunks, total);
  } finally {
    await handle.close();
  }
}

/** Where the output goes, and what to do once the command succeeded or failed. */
export interface Sink {
  readonly stream: Writable;
  /** The output is complete and valid: make it visible. */
  commit(): Promise<void>;
  /** The command failed: remove every trace of the output. */
  abort(): Promise<void>;
}

/**
 * Run `work` into `sink`, then publish it; on any failure abort it (no
 * partial output left behind) and rethrow.
 */
export async function writeInto(sink: Sink, work: (stream: Sink['stream']) => Promise<void>): Promise<void> {
  try {
    await work(sink.stream);
    await sink.commit();
  } catch (err) {
    await sink.abort();
    throw err;
  }
}

/** Write straight to stdout (output that may appear as it is produced). */
export function stdoutSink(io: CommandIo): Sink {
  return { stream: io.stdout as Writable, commit: async () => {}, abort: async () => {} };
}

/**
 * A temporary file, created exclusively with mode 0600 (it may hold
 * plaintext), removed on abort and on SIGINT/SIGTERM. `publish` runs on
 * commit with the finished temp file's path.
 */
function tempSink(tmp: string, publish: (tmp: string) => Promise<void>, removeDir?: string): Sink {
  const cleanup = (): void => {
    try {
      unlinkSync(tmp); // also from a signal handler: synchronous
    } catch {
      // not created, or already renamed/removed
    }
    if (removeDir !== undefined) rmSync(removeDir, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanup();
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const unhook = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  let stream: WriteStream;
  try {
    stream = createWriteStream('', { fd: openSync(tmp, 'wx', 0o600) });
  } catch (err) {
    unhook();
    cleanup();
    throw new WarpdriveError('ERR_INVALID_ARGUMENT', `cannot create the output (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { details: { argument: 'OUT' } });
  }
  const closed = (): Promise<void> => new Promise((resolve) => (stream.closed ? resolve() : stream.once('close', () => resolve())));
  return {
    stream,
    async commit() {
      try {
        await new Promise<void>((resolve, reject) => {
          stream.once('error', reject);
          stream.end(() => resolve());
        });
        await closed();
        await publish(tmp);
      } finally {
        unhook();
        cleanup(); // the temp is gone after a rename; a staged copy is removed here
      }
    },
    async abort() {
      unhook();
      if (!stream.destroyed) stream.destroy();
      await closed();
      cleanup();
    },
  };
}

/** `-o OUT`: a temp file next to OUT (same filesystem), renamed over it on commit. */
export function fileSink(path: string): Sink {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  return tempSink(tmp, (t) => rename(t, path));
}

/** Stdout, but only after success: staged in a private temp directory, then copied. */
export function stagedStdoutSink(io: CommandIo): Sink {
  const dir = mkdtempSync(join(tmpdir(), 'warpdrive-'));
  return tempSink(join(dir, 'out'), (t) => pipeline(createReadStream(t), io.stdout as Writable, { end: false }), dir);
}

/**
 * Passes everything but the last `n` bytes of its input through; the held
 * tail goes to `onTail` when the input ended, before this stream ends (so a
 * decrypt stream downstream has its tag before its own input ends).
 */
export class HoldTail extends Transform {
  private tail: Buffer = Buffer.alloc(0);

  constructor(private readonly n: number, private readonly onTail: (tail: Buffer) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const all = lengthOf(this.tail) === 0 ? chunk : Buffer.concat([this.tail, chunk]);
    const pass = lengthOf(all) - this.n;
    if (pass > 0) {
      this.tail = Buffer.from(all.subarray(pass)); // a copy: `all` may be a large chunk
      callback(null, all.subarray(0, pass));
    } else {
      this.tail = all;
      callback();
    }
  }

  override _flush(callback: TransformCallback): void {
    if (lengthOf(this.tail) < this.n) {
      callback(new WarpdriveError('ERR_INVALID_ARGUMENT', `the input is shorter than the ${this.n}-byte tag`, { details: { argument: 'IN' } }));
      return;
    }
    try {
      this.onTail(this.tail);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }
}
