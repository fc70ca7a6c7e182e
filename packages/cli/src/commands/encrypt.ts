import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { createContext } from '@warpdrive/core';
import type { CipherSession } from '@warpdrive/plugin-crypto';
import { UsageError, type Command } from '../command.js';
import { fileSink, openInput, readSmallFile, stdoutSink, writeInto } from '../crypto-io.js';

/** A key file holds at most a 32-byte key as hex text, with room for whitespace. */
const KEY_FILE_MAX = 4096;
/** AAD is read whole into memory: bounded so an endless device is refused. */
const AAD_FILE_MAX = 64 << 20;

const usage = `Usage: warpdrive encrypt --alg ALG --key-file K --iv HEX [--aad-file F] [--tag-length N] [-o OUT] [IN]

Encrypt IN (or stdin) with the crypto plugin on the soft device and write
the ciphertext to OUT (or stdout). For GCM the tag (--tag-length bytes,
default 16) is appended to the ciphertext. The input is streamed through a
cipher session (memory stays bounded for any input size); OUT appears only
once complete (written to a temp file, renamed at the end).

Options:
  --alg ALG        aes-128|192|256-gcm, -ctr or -cbc
  --key-file K     raw key bytes (16, 24 or 32), or the same as hex text
  --iv HEX         the IV in hex (GCM: 12 bytes recommended; CTR/CBC: 16)
  --aad-file F     GCM additional authenticated data
  --tag-length N   GCM tag length: 4, 8, 12..16 (default 16)
  --no-padding     CBC without PKCS#7 padding
  -o, --output     output file; written to a temp file and renamed on success
  -h, --help       show this help`;

/** Arguments shared by encrypt and decrypt. */
export interface CipherArgs {
  readonly alg: string;
  readonly key: Buffer;
  readonly iv: Buffer;
  readonly aad: Buffer | undefined;
  readonly tagLength: number;
  readonly padding: boolean;
  readonly output: string | undefined;
  readonly input: string | undefined;
}

/** Parse the encrypt/decrypt command line (reads the key and AAD files). */
export async function parseCipherArgs(argv: readonly string[]): Promise<CipherArgs> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      alg: { type: 'string' },
      'key-file': { type: 'string' },
      iv: { type: 'string' },
      'aad-file': { type: 'string' },
      'tag-length': { type: 'string' },
      'no-padding': { type: 'boolean' },
      output: { type: 'string', short: 'o' },
    },
  });
  if (positionals.length > 1) throw new UsageError('at most one input file');
  if (values.alg === undefined) throw new UsageError('--alg is required');
  if (values['key-file'] === undefined) throw new UsageError('--key-file is required');
  if (values.iv === undefined || !/^([0-9a-fA-F]{2})+$/.test(values.iv)) throw new UsageError('--iv must be a non-empty even-length hex string');
  const tagText = values['tag-length'] ?? '16';
  if (!/^[0-9]+$/.test(tagText)) throw new UsageError(`--tag-length must be a number, got '${tagText}'`);
  let key = await readSmallFile(values['key-file'], '--key-file', KEY_FILE_MAX);
  const text = key.toString('latin1').trim();
  if (/^([0-9a-fA-F]{2}){16,32}$/.test(text) && [32, 48, 64].includes(text.length)) key = Buffer.from(text, 'hex');
  return {
    alg: values.alg,
    key,
    iv: Buffer.from(values.iv, 'hex'),
    aad: values['aad-file'] === undefined ? undefined : await readSmallFile(values['aad-file'], '--aad-file', AAD_FILE_MAX),
    tagLength: Number(tagText),
    padding: !values['no-padding'],
    output: values.output,
    input: positionals[0] === '-' ? undefined : positionals[0],
  };
}

/** A context with the crypto plugin (loaded on demand: other commands never pay for it). */
export async function cryptoContext() {
  const { default: crypto } = await import('@warpdrive/plugin-crypto');
  return createContext({ plugins: [crypto()] });
}

/**
 * Open the crypto context and a cipher session for `a`, run `body` on it,
 * and close both whatever happens. `check` runs before the session opens
 * (argument checks that need the plugin).
 */
export async function withCipherSession(
  a: CipherArgs,
  body: (session: CipherSession, gcm: boolean) => Promise<void>,
  check?: (gcm: boolean) => Promise<void>,
): Promise<number> {
  const ctx = await cryptoContext();
  try {
    const gcm = a.alg.toLowerCase().endsWith('-gcm');
    await check?.(gcm);
    const session = await ctx.createCipherSession({ alg: a.alg, key: a.key, ...(a.padding ? {} : { padding: false }) });
    try {
      await body(session, gcm);
    } finally {
      await session.close();
    }
    return 0;
  } finally {
    await ctx.close();
  }
}

export const encryptCommand: Command = {
  name: 'encrypt',
  summary: 'encrypt a file or stdin (AES-GCM/CTR/CBC)',
  usage,
  async run(argv, io) {
    const a = await parseCipherArgs(argv);
    return withCipherSession(a, async (session, gcm) => {
      const cipher = session.createEncryptStream({ iv: a.iv, aad: a.aad, ...(gcm ? { tagLength: a.tagLength } : {}) });
      const source = await openInput(a.input);
      const sink = a.output === undefined ? stdoutSink(io) : fileSink(a.output);
      await writeInto(sink, async (out) => {
        await pipeline(source, cipher, out, { end: false });
        if (gcm) await new Promise<void>((resolve, reject) => out.write(cipher.getAuthTag(), (err) => (err ? reject(err) : resolve())));
      });
    });
  },
};
