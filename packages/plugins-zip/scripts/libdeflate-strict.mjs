// libdeflate's decompressor, made to accept exactly what zlib accepts.
//
// libdeflate 1.14 deliberately accepts some streams that zlib (and so
// node:zlib) rejects: a static-Huffman litlen symbol 286/287 decodes as a
// length-258 match and offset symbols 30/31 as 24577+; an incomplete code
// with one codeword gets both codewords; an empty offset code decodes every
// offset as symbol 0; a dynamic header may announce 287/288 litlen or 31/32
// offset symbols, a code-length repeat may run past the end, the
// end-of-block symbol may have no code, and a one-codeword precode is
// allowed. The plugin promises node:zlib's results, so "invalid" must mean
// the same thing for the one-shot decoder as for node (issue 16).
//
// The edits below (to a copy of the source under build/, never to the
// cached tree) make the header checks zlib's, with no change to the decode
// loops, and record in `lenient_used` whether the stream used a construct
// whose validity only a full decode can tell: a static block, or an
// incomplete (one-codeword or empty) litlen/offset code. For such a stream
// the engine re-decodes with zlib and takes zlib's verdict
// (libdeflate_wd_lenient(), engine/oneshot.c). Each edit names the exact
// text it expects, so a different libdeflate version fails the build
// instead of being patched wrongly.
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** [file, anchor, replacement] — the anchor must occur exactly once. */
const edits = [
  // the flag, in the decompressor
  ['lib/deflate_decompress.c', '\tbool static_codes_loaded;\n\tunsigned litlen_tablebits;\n};',
    '\tbool static_codes_loaded;\n\tunsigned litlen_tablebits;\n\tbool lenient_used;\t/* warpdrive: see libdeflate_wd_lenient() */\n};'],
  // an incomplete precode is invalid (zlib: "invalid code lengths set");
  // an incomplete litlen/offset code is reported to the caller
  ['lib/deflate_decompress.c', '\t\t   u16 *sorted_syms,\n\t\t   unsigned *table_bits_ret)\n{',
    '\t\t   u16 *sorted_syms,\n\t\t   unsigned *table_bits_ret,\n\t\t   bool *incomplete_ret)\n{'],
  ['lib/deflate_decompress.c', '\tif (unlikely(codespace_used < (1U << max_codeword_len))) {\n\t\tu32 entry;\n\t\tunsigned i;\n',
    '\tif (unlikely(codespace_used < (1U << max_codeword_len))) {\n\t\tu32 entry;\n\t\tunsigned i;\n\n' +
    '\t\t/* warpdrive: zlib accepts no incomplete precode but the empty one */\n' +
    '\t\tif (incomplete_ret == NULL && codespace_used != 0)\n\t\t\treturn false;\n' +
    '\t\tif (incomplete_ret != NULL)\n\t\t\t*incomplete_ret = true;\n'],
  ['lib/deflate_decompress.c', '\t\t\t\t  PRECODE_TABLEBITS,\n\t\t\t\t  DEFLATE_MAX_PRE_CODEWORD_LEN,\n\t\t\t\t  d->sorted_syms,\n\t\t\t\t  NULL);',
    '\t\t\t\t  PRECODE_TABLEBITS,\n\t\t\t\t  DEFLATE_MAX_PRE_CODEWORD_LEN,\n\t\t\t\t  d->sorted_syms,\n\t\t\t\t  NULL, NULL);'],
  ['lib/deflate_decompress.c', '\t\t\t\t  d->sorted_syms,\n\t\t\t\t  &d->litlen_tablebits);',
    '\t\t\t\t  d->sorted_syms,\n\t\t\t\t  &d->litlen_tablebits, &d->lenient_used);'],
  ['lib/deflate_decompress.c', '\t\t\t\t  OFFSET_TABLEBITS,\n\t\t\t\t  DEFLATE_MAX_OFFSET_CODEWORD_LEN,\n\t\t\t\t  d->sorted_syms,\n\t\t\t\t  NULL);',
    '\t\t\t\t  OFFSET_TABLEBITS,\n\t\t\t\t  DEFLATE_MAX_OFFSET_CODEWORD_LEN,\n\t\t\t\t  d->sorted_syms,\n\t\t\t\t  NULL, &d->lenient_used);'],
  // the accessor (hidden: the archive is linked into the engine only)
  ['lib/deflate_decompress.c', 'LIBDEFLATEEXPORT void LIBDEFLATEAPI\nlibdeflate_free_decompressor(',
    '/*\n * warpdrive: whether the last decompression that succeeded used a static\n' +
    ' * block or an incomplete litlen/offset code, whose validity libdeflate does\n' +
    ' * not check as zlib does (see scripts/libdeflate-strict.mjs).\n */\n' +
    'bool libdeflate_wd_lenient(const struct libdeflate_decompressor *d);\n' +
    'bool libdeflate_wd_lenient(const struct libdeflate_decompressor *d)\n{\n\treturn d->lenient_used;\n}\n\n' +
    'LIBDEFLATEEXPORT void LIBDEFLATEAPI\nlibdeflate_free_decompressor('],
  // reset per call
  ['lib/decompress_template.h', '\tu32 entry;\n\nnext_block:', '\tu32 entry;\n\n\td->lenient_used = false;\nnext_block:'],
  // zlib: "too many length or distance symbols"
  ['lib/decompress_template.h', '\t\tnum_explicit_precode_lens = 4 + ((bitbuf >> 13) & BITMASK(4));\n',
    '\t\tnum_explicit_precode_lens = 4 + ((bitbuf >> 13) & BITMASK(4));\n\n' +
    '\t\t/* warpdrive: as zlib */\n\t\tSAFETY_CHECK(num_litlen_syms <= 286 && num_offset_syms <= 30);\n'],
  // zlib: "invalid bit length repeat" (overrun), "missing end-of-block"
  ['lib/decompress_template.h', '\t\t} while (i < num_litlen_syms + num_offset_syms);\n',
    '\t\t} while (i < num_litlen_syms + num_offset_syms);\n\n' +
    '\t\t/* warpdrive: as zlib */\n\t\tSAFETY_CHECK(i == num_litlen_syms + num_offset_syms);\n' +
    '\t\tSAFETY_CHECK(d->u.l.lens[256] != 0);\n'],
  // static blocks: symbols 286/287 and offsets 30/31 are checked by zlib only
  ['lib/decompress_template.h', '\t\tif (d->static_codes_loaded)\n\t\t\tgoto have_decode_tables;\n',
    '\t\td->lenient_used = true;\t/* warpdrive */\n\t\tif (d->static_codes_loaded)\n\t\t\tgoto have_decode_tables;\n'],
];

/**
 * A patched copy of the libdeflate tree `tree` under `into` (replaced on
 * every build); returns its directory.
 */
export function strictLibdeflate(tree, into) {
  rmSync(into, { recursive: true, force: true });
  cpSync(tree, into, { recursive: true, filter: (src) => !src.startsWith(join(tree, 'programs')) });
  for (const [file, anchor, replacement] of edits) {
    const path = join(into, file);
    const text = readFileSync(path, 'utf8');
    const at = text.indexOf(anchor);
    if (at < 0 || text.indexOf(anchor, at + 1) >= 0) {
      throw new Error(`libdeflate-strict: ${file}: expected text ${at < 0 ? 'not found' : 'found twice'}: ${JSON.stringify(anchor.slice(0, 60))}`);
    }
    writeFileSync(path, text.slice(0, at) + replacement + text.slice(at + anchor.length));
  }
  if (!existsSync(join(into, 'libdeflate.h'))) throw new Error('libdeflate-strict: no libdeflate.h in the tree');
  return into;
}
