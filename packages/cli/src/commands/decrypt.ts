import { UsageError, type Command } from '../command.js';
import { cryptoContext, parseCipherArgs, readInput, writeOutput } from './encrypt.js';

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
    const ctx = await cryptoContext();
    try {
      const gcm = a.alg.toLowerCase().endsWith('-gcm');
      const data = await readInput(a.input);
      if (gcm && data.length < a.tagLength) throw new UsageError(`input is shorter than the ${a.tagLength}-byte tag`);
      const ct = gcm ? data.subarray(0, data.length - a.tagLength) : data;
      const tag = gcm ? data.subarray(data.length - a.tagLength) : undefined;
      // in place: the plaintext overwrites the ciphertext, and is zeroed on a tag mismatch
      const plain = await ctx.decrypt(ct, { alg: a.alg, key: a.key, iv: a.iv, aad: a.aad, tag, out: ct, ...(a.padding ? {} : { padding: false }) });
      await writeOutput(a.output, plain, io);
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
