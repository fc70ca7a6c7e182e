import { createContext } from '@warpdrive/core';
import type { ZipFormat, ZipLevel } from '@warpdrive/plugin-zip';
import { UsageError, type Command } from '../command.js';
import { parseZipArgs, reportFailures, runStreaming } from '../zip-io.js';

const usage = `Usage: warpdrive compress [--format gzip|zlib|deflate] [--level N] [-o OUT] [--force] [IN]

Compress IN (or stdin when IN is absent or '-') to OUT (or stdout), streaming
with constant memory through the zip plugin on the soft device.

Options:
  --format F    gzip (default), zlib (RFC 1950) or deflate (raw RFC 1951)
  --level N     0..9, or fastest / default / best (default: 6)
  -o, --output  output file; written to a temp file and renamed on success
  -f, --force   overwrite an existing output file
  --progress    always show the progress bar (default: only on a TTY for inputs ≥ 16 MiB)
  -q, --quiet   never show the progress bar
  -h, --help    show this help`;

const FORMATS: readonly ZipFormat[] = ['gzip', 'zlib', 'deflate'];

/** Parses `--level`: an integer 0..9 or a preset name. */
export function parseLevel(text: string | undefined): ZipLevel {
  if (text === undefined) return 'default';
  if (text === 'fastest' || text === 'default' || text === 'best') return text;
  if (!/^[0-9]$/.test(text)) throw new UsageError(`--level must be 0..9, fastest, default or best, got '${text}'`);
  return Number(text) as ZipLevel;
}

export const compressCommand: Command = {
  name: 'compress',
  summary: 'compress a file or stdin (gzip, zlib, raw deflate)',
  usage,
  async run(argv, io) {
    const args = parseZipArgs(argv, { format: { type: 'string' }, level: { type: 'string', short: 'l' } });
    const format = (args.values.format as string | undefined) ?? 'gzip';
    if (!FORMATS.includes(format as ZipFormat)) throw new UsageError(`--format must be gzip, zlib or deflate, got '${format}'`);
    const level = parseLevel(args.values.level as string | undefined);
    return reportFailures('compress', io, async () => {
      // loaded on demand: other commands never pay for the zip engines
      const { default: zip } = await import('@warpdrive/plugin-zip');
      const ctx = await createContext({ plugins: [zip()] });
      try {
        const stream = ctx.createCompressStream({ format: format as ZipFormat, level });
        return await runStreaming(args, 'compress', stream, io);
      } finally {
        await ctx.close();
      }
    });
  },
};
