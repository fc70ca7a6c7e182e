import { createContext } from '@warpdrive/core';
import type { ZipFormat } from '@warpdrive/plugin-zip';
import { UsageError, type Command } from '../command.js';
import { parseZipArgs, reportFailures, runStreaming } from '../zip-io.js';

const usage = `Usage: warpdrive decompress [--format gzip|zlib|deflate|auto] [-o OUT] [--force] [IN]

Decompress IN (or stdin when IN is absent or '-') to OUT (or stdout),
streaming with constant memory. Concatenated gzip members are decoded like
gunzip does. Corrupt or truncated input: a one-line message, exit 1, and no
output file left behind.

Options:
  --format F    auto (default: gzip or zlib from the header), gzip, zlib, or deflate (raw, must be explicit)
  -o, --output  output file; written to a temp file and renamed on success
  -f, --force   overwrite an existing output file
  --progress    always show the progress bar (default: only on a TTY for inputs ≥ 16 MiB)
  -q, --quiet   never show the progress bar
  -h, --help    show this help`;

const FORMATS: ReadonlyArray<ZipFormat | 'auto'> = ['auto', 'gzip', 'zlib', 'deflate'];

export const decompressCommand: Command = {
  name: 'decompress',
  summary: 'decompress a file or stdin (gzip, zlib, raw deflate)',
  usage,
  async run(argv, io) {
    const args = parseZipArgs(argv, { format: { type: 'string' } });
    const format = (args.values.format as string | undefined) ?? 'auto';
    if (!FORMATS.includes(format as ZipFormat)) throw new UsageError(`--format must be auto, gzip, zlib or deflate, got '${format}'`);
    return reportFailures('decompress', io, async () => {
      // loaded on demand: other commands never pay for the zip engines
      const { default: zip } = await import('@warpdrive/plugin-zip');
      const ctx = await createContext({ plugins: [zip()] });
      try {
        const stream = ctx.createDecompressStream({ format: format as ZipFormat | 'auto' });
        return await runStreaming(args, 'decompress', stream, io);
      } finally {
        await ctx.close();
      }
    });
  },
};
