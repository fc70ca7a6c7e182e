import { parseArgs } from 'node:util';
import { UsageError, type Command } from '../command.js';
import { openInput } from '../crypto-io.js';
import { cryptoContext } from './encrypt.js';

const usage = `Usage: warpdrive digest --alg ALG [IN...]

Print the digest of each IN (or stdin) as 'HEX  NAME', like sha256sum.
Inputs are streamed through a hash session (any size, bounded memory).

Options:
  --alg ALG    sha1, sha224, sha256 (default), sha384, sha512
  -h, --help   show this help`;

export const digestCommand: Command = {
  name: 'digest',
  summary: 'hash files or stdin (SHA-1, SHA-2)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, options: { alg: { type: 'string' } } });
    const alg = values.alg ?? 'sha256';
    if (alg.startsWith('hmac')) throw new UsageError('digest computes plain hashes; HMAC needs a key (use the API)');
    const ctx = await cryptoContext();
    try {
      const h = await ctx.createHashSession({ alg });
      for (const name of positionals.length === 0 ? ['-'] : positionals) {
        const path = name === '-' ? undefined : name;
        for await (const chunk of await openInput(path)) await h.update(chunk as Buffer);
        io.stdout.write(`${(await h.digest()).toString('hex')}  ${name}\n`);
      }
      await h.close();
      return 0;
    } finally {
      await ctx.close();
    }
  },
};
