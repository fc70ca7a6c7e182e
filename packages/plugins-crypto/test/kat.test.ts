/**
 * Known-answer tests from NIST CAVP (AES GCM/CBC, SHA-1/SHA-2 byte
 * vectors), RFC 3686 (AES-CTR) and RFC 4231 (HMAC-SHA-2) as shipped by
 * Debian's python3-cryptography-vectors. Every vector runs on the inline
 * path (…Sync) and on the queue (async, batched).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hex, open, parseRsp, vec, vectorsDir, type CryptoContext, type RspRecord } from './helpers.js';
import { needs } from '../../conformance/needs.js';

const { dir, reason } = vectorsDir();
let ctx: CryptoContext;

beforeAll(async () => {
  ctx = await open({ queues: 2 });
});
afterAll(() => ctx?.close());

/** Run `check` on every record, in chunks of 256 in flight. */
async function inBatches<T>(items: readonly T[], check: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += 256) await Promise.all(items.slice(i, i + 256).map(check));
}

describe.skipIf(needs(dir !== undefined, reason ?? 'the NIST vectors'))(`NIST CAVP / RFC vectors${reason ? ` (skipped: ${reason})` : ''}`, () => {
  for (const bits of [128, 192, 256]) {
    const alg = `aes-${bits}-gcm`;
    it(`${alg} encrypt (gcmEncryptExtIV${bits}: every IV, AAD and tag length)`, async () => {
      const records = parseRsp(vec(dir!, 'ciphers/AES/GCM', `gcmEncryptExtIV${bits}.rsp`));
      expect(records.length).toBeGreaterThan(1000);
      const one = (r: RspRecord) => {
        const f = r.fields;
        return { data: hex(f.PT), o: { alg, key: hex(f.KEY), iv: hex(f.IV), aad: hex(f.AAD), tagLength: hex(f.TAG).length }, ct: hex(f.CT), tag: hex(f.TAG) };
      };
      for (const r of records) {
        const v = one(r);
        const got = ctx.encryptSync(v.data, v.o);
        expect(got.ciphertext.toString('hex'), `Count ${r.fields.COUNT} ${JSON.stringify(r.section)}`).toBe(v.ct.toString('hex'));
        expect(got.tag!.toString('hex')).toBe(v.tag.toString('hex'));
      }
      await inBatches(records, async (r) => {
        const v = one(r);
        const got = await ctx.encrypt(v.data, v.o);
        expect(got.ciphertext.equals(v.ct) && got.tag!.equals(v.tag)).toBe(true);
      });
    });

    it(`${alg} decrypt (gcmDecrypt${bits}: valid vectors and FAIL vectors)`, async () => {
      const records = parseRsp(vec(dir!, 'ciphers/AES/GCM', `gcmDecrypt${bits}.rsp`));
      const fails = records.filter((r) => r.fail).length;
      expect(fails).toBeGreaterThan(100);
      const run = async (r: RspRecord, sync: boolean) => {
        const f = r.fields;
        const ct = hex(f.CT);
        const out = Buffer.alloc(ct.length, 0xaa);
        const o = { alg, key: hex(f.KEY), iv: hex(f.IV), aad: hex(f.AAD), tag: hex(f.TAG), out };
        try {
          const pt = sync ? ctx.decryptSync(ct, o) : await ctx.decrypt(ct, o);
          expect(r.fail, `Count ${f.COUNT} must fail`).toBe(false);
          expect(pt.toString('hex')).toBe(hex(f.PT).toString('hex'));
        } catch (err) {
          if (!r.fail) throw err;
          expect((err as { code: string }).code).toBe('ERR_AUTH_FAILED');
          expect(out.every((b) => b === 0), 'out is zeroed').toBe(true);
        }
      };
      for (const r of records) await run(r, true);
      await inBatches(records, (r) => run(r, false));
    });
  }

  for (const bits of [128, 192, 256]) {
    const alg = `aes-${bits}-cbc`;
    it(`${alg} (CBC GFSbox, KeySbox, VarKey, VarTxt, MMT: encrypt and decrypt, no padding)`, async () => {
      let n = 0;
      for (const kind of ['GFSbox', 'KeySbox', 'VarKey', 'VarTxt', 'MMT']) {
        const records = parseRsp(vec(dir!, 'ciphers/AES/CBC', `CBC${kind}${bits}.rsp`));
        for (const r of records) {
          const f = r.fields;
          const o = { alg, key: hex(f.KEY), iv: hex(f.IV), padding: false };
          if (r.section.mode === 'ENCRYPT') {
            expect(ctx.encryptSync(hex(f.PLAINTEXT), o).ciphertext.toString('hex')).toBe(f.CIPHERTEXT!.toLowerCase());
            expect((await ctx.encrypt(hex(f.PLAINTEXT), o)).ciphertext.toString('hex')).toBe(f.CIPHERTEXT!.toLowerCase());
          } else {
            expect(ctx.decryptSync(hex(f.CIPHERTEXT), o).toString('hex')).toBe(f.PLAINTEXT!.toLowerCase());
            expect((await ctx.decrypt(hex(f.CIPHERTEXT), o)).toString('hex')).toBe(f.PLAINTEXT!.toLowerCase());
          }
          n++;
        }
      }
      expect(n).toBeGreaterThan(100);
    });

    const ctr = `aes-${bits}-ctr`;
    it(`${ctr} (RFC 3686 vectors)`, async () => {
      const records = parseRsp(vec(dir!, 'ciphers/AES/CTR', `${ctr}.txt`));
      expect(records.length).toBeGreaterThan(2);
      for (const r of records) {
        const f = r.fields;
        const o = { alg: ctr, key: hex(f.KEY), iv: hex(f.IV) };
        expect(ctx.encryptSync(hex(f.PLAINTEXT), o).ciphertext.toString('hex')).toBe(f.CIPHERTEXT!.toLowerCase());
        expect((await ctx.decrypt(hex(f.CIPHERTEXT), o)).toString('hex')).toBe(f.PLAINTEXT!.toLowerCase());
      }
    });
  }

  for (const [alg, file] of [['sha1', 'SHA1/SHA1'], ['sha224', 'SHA2/SHA224'], ['sha256', 'SHA2/SHA256'], ['sha384', 'SHA2/SHA384'], ['sha512', 'SHA2/SHA512']] as const) {
    it(`${alg} (CAVP ShortMsg + LongMsg byte vectors, one-shot and session)`, async () => {
      const records = ['ShortMsg', 'LongMsg'].flatMap((k) => parseRsp(vec(dir!, 'hashes', `${file}${k}.rsp`)));
      expect(records.length).toBeGreaterThan(100);
      const session = await ctx.createHashSession({ alg });
      for (const r of records) {
        const msg = hex(r.fields.MSG).subarray(0, Number(r.fields.LEN) / 8);
        const md = r.fields.MD!.toLowerCase();
        expect(ctx.digestSync(msg, { alg }).toString('hex')).toBe(md);
        expect((await ctx.digest(msg, { alg })).toString('hex')).toBe(md);
        await session.update(msg.subarray(0, 7));
        session.updateSync(msg.subarray(7));
        expect((await session.digest()).toString('hex')).toBe(md);
      }
      await session.close();
    });
  }

  for (const bits of [256, 384, 512]) {
    const alg = `hmac-sha${bits}`;
    it(`${alg} (RFC 4231 vectors, one-shot and keyed session)`, async () => {
      const records = parseRsp(vec(dir!, 'HMAC', `rfc-4231-sha${bits}.txt`));
      expect(records.length).toBeGreaterThan(4);
      for (const r of records) {
        const key = hex(r.fields.KEY);
        const md = r.fields.MD!.toLowerCase();
        expect((await ctx.hmac(hex(r.fields.MSG), { alg, key })).toString('hex')).toBe(md);
        const s = ctx.createHashSessionSync({ alg, key });
        for (let i = 0; i < 2; i++) {
          s.updateSync(hex(r.fields.MSG));
          expect(s.digestSync().toString('hex'), 'the key survives a digest').toBe(md);
        }
        s.closeSync();
      }
    });
  }
});
