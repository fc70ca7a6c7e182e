import { pipeline } from 'node:stream/promises';
import { UsageError, type Command } from '../command.js';
import { fileSink, HoldTail, openInput, stagedStdoutSink, stdoutSink, writeInto } from '../crypto-io.js';
import { parseCipherArgs, withCipherSession } from './encrypt.js';

const usage = `Usage: warpdrive decrypt --alg ALG --key-file K --iv HEX [--aad-file F] [--tag-length N] [-o OUT] [IN]

Decrypt IN (or stdin), as written by 'warpdrive encrypt', to OUT (or
stdout). For GCM the last --tag-length bytes (default 16) of the input are
the tag; if it does not authenticate, the command exits 1 and writes no
plaintext at all (OUT is not created).

Options:
  --alg ALG        aes-128|192|256-gcm, -ctr or -cbc
  --key-file K     raw key bytes (16, 24 or 32), or the same as hex text
  --iv HEX         the IV in hex
  --aad-file F     GCM additional authenticated data
  --tag-length N   GCM tag length: 4, 8, 12..16 (default 16)
  --no-padding     CBC without PKCS#7 padding
  -o, --output     output file; written to a temp file and renamed on success
  -h, --help       show this help`;

export const decryptCommand: Command = {
  name: 'decrypt',
  summary: 'decrypt a file or stdin; a failed GCM authentication writes nothing',
  usage,
  async run(argv, io) {
    const a = await parseCipherArgs(argv);
    // Checked before reading: the tag is held back from the end of the input.
    const checkTagLength = async (gcm: boolean): Promise<void> => {
      const { GCM_TAG_LENGTHS } = await import('@warpdrive/plugin-crypto'); // loaded on demand, as in cryptoContext
      if (gcm && !GCM_TAG_LENGTHS.includes(a.tagLength)) throw new UsageError(`--tag-length must be one of ${GCM_TAG_LENGTHS.join(', ')}, got ${a.tagLength}`);
    };
    return withCipherSession(a, async (session, gcm) => {
      const decipher = session.createDecryptStream({ iv: a.iv, aad: a.aad });
      const source = await openInput(a.input);
      // GCM plaintext is unauthenticated until the end: never straight to stdout.
      const sink = a.output !== undefined ? fileSink(a.output) : gcm ? stagedStdoutSink(io) : stdoutSink(io);
      await writeInto(sink, (out) =>
        gcm
          ? pipeline(source, new HoldTail(a.tagLength, (tag) => decipher.setAuthTag(tag)), decipher, out, { end: false })
          : pipeline(source, decipher, out, { end: false }));
    }, checkTagLength);
  },
};
