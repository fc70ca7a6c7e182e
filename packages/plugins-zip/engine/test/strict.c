// SPDX-License-Identifier: MIT
/*
 * strict.c - the one-shot decoder accepts exactly what zlib accepts
 * (issue 16: libdeflate alone takes static-block symbols 286/287 and
 * offsets 30/31, one-codeword and empty codes used with the missing
 * codeword, too many symbols, a repeat past the end, no end-of-block code).
 *
 * Each input is decoded by zlib (the reference, as node:zlib) and by the
 * engine's DECOMPRESS with format deflate, into a buffer with room to spare
 * and into one of exactly the reference's size, on a fresh thread state and
 * right after a highly compressible stream (static blocks and big outputs
 * seen before: the history the bug depended on). Verdicts and bytes must
 * agree. Inputs: hand-made streams of every class above (with a valid twin
 * each, so a decoder that rejects everything fails too), random bytes, and
 * valid zlib streams at every level and strategy, bit-flipped, overwritten
 * and truncated. Build/run: scripts/test-engine.mjs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "../zip_engine.h"

const struct wd_engine *zip_engine_get(void);

#define CAP (1u << 20)

static const struct wd_engine *eng;
static int failures, cases, rejected;
static uint8_t *refbuf, *outbuf, *zeros_z;
static size_t zeros_zlen;

static uint64_t seed = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
	seed ^= seed << 13;
	seed ^= seed >> 7;
	seed ^= seed << 17;
	return seed;
}

/* ---- a deflate bit writer -------------------------------------------- */

struct bw {
	uint8_t buf[65536];
	size_t n;
	unsigned acc, nbits;
};

static void bits(struct bw *w, unsigned v, unsigned n)	/* LSB first */
{
	while (n--) {
		w->acc |= (v & 1u) << w->nbits;
		v >>= 1;
		if (++w->nbits == 8) {
			w->buf[w->n++] = (uint8_t)w->acc;
			w->acc = 0;
			w->nbits = 0;
		}
	}
}

static void code(struct bw *w, unsigned c, unsigned len)	/* Huffman: MSB first */
{
	while (len--)
		bits(w, (c >> len) & 1u, 1);
}

static size_t finish(struct bw *w)
{
	if (w->nbits)
		w->buf[w->n++] = (uint8_t)w->acc;
	w->acc = 0;
	w->nbits = 0;
	return w->n;
}

static void fixed_lit(struct bw *w, unsigned sym)
{
	if (sym < 144)
		code(w, 0x30 + sym, 8);
	else if (sym < 256)
		code(w, 0x190 + sym - 144, 9);
	else if (sym < 280)
		code(w, sym - 256, 7);
	else
		code(w, 0xc0 + sym - 280, 8);
}

/* Canonical codes for lens[0..n) (RFC 1951 3.2.2). */
static void canon(const uint8_t *lens, unsigned n, unsigned *codes)
{
	unsigned count[16] = { 0 }, next[16] = { 0 }, c = 0, i;

	for (i = 0; i < n; i++)
		count[lens[i]]++;
	count[0] = 0;
	for (i = 1; i < 16; i++) {
		c = (c + count[i - 1]) << 1;
		next[i] = c;
	}
	for (i = 0; i < n; i++)
		codes[i] = lens[i] ? next[lens[i]]++ : 0;
}

static const uint8_t perm[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };

/*
 * A dynamic block header: nlit/ndist symbols with the given lengths, sent
 * literally through a precode where lengths 0..15 are 4 bits and 18 (a run
 * of zeros) is 4 bits too, unless `overrun` (the last zero run is sent as
 * one 18 that runs `overrun` entries past the end). lit/dist codes for the
 * data come back in lcode/dcode.
 */
static void dyn_header(struct bw *w, int final, const uint8_t *ll, unsigned nlit,
		       const uint8_t *dl, unsigned ndist, unsigned overrun,
		       unsigned *lcode, unsigned *dcode)
{
	uint8_t all[320 + 140], pre[19] = { 0 };
	unsigned pcode[19], i, n = nlit + ndist;

	memcpy(all, ll, nlit);
	memcpy(all + nlit, dl, ndist);
	/* precode, complete: 0..13 at 4 bits, 14, 15, 17, 18 at 5 */
	for (i = 0; i < 14; i++)
		pre[i] = 4;
	pre[14] = pre[15] = pre[17] = pre[18] = 5;
	canon(pre, 19, pcode);
	bits(w, (unsigned)final, 1);
	bits(w, 2, 2);
	bits(w, nlit - 257, 5);
	bits(w, ndist - 1, 5);
	bits(w, 19 - 4, 4);
	for (i = 0; i < 19; i++)
		bits(w, pre[perm[i]], 3);
	for (i = 0; i < n;) {
		unsigned run = 0;

		while (i + run < n && all[i + run] == 0 && run < 138)
			run++;
		if (run >= 11 || (overrun && run > 0 && i + run == n)) {
			unsigned count = run + (i + run == n ? overrun : 0);

			if (count > 138)
				count = 138;
			if (count < 11)
				count = 11;
			code(w, pcode[18], pre[18]);
			bits(w, count - 11, 7);
			i += run;
			continue;
		}
		code(w, pcode[all[i]], pre[all[i]]);
		i++;
	}
	canon(ll, nlit, lcode);
	canon(dl, ndist, dcode);
}

/* ---- the two decoders ------------------------------------------------ */

/* zlib: 0 ok (*outn, *used), 1 rejected. */
static int ref_inflate(const uint8_t *p, size_t n, size_t *outn, size_t *used)
{
	z_stream z;
	int r;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, -15) != Z_OK)
		abort();
	z.next_in = (Bytef *)p;
	z.avail_in = (uInt)n;
	z.next_out = refbuf;
	z.avail_out = CAP;
	r = inflate(&z, Z_FINISH);
	*outn = z.total_out;
	*used = z.total_in;
	inflateEnd(&z);
	return r == Z_STREAM_END ? 0 : 1;
}

static int engine_inflate(const uint8_t *p, size_t n, size_t cap, struct wd_cqe *cqe)
{
	struct wd_sqe sqe;

	memset(&sqe, 0, sizeof(sqe));
	memset(cqe, 0, sizeof(*cqe));
	sqe.opcode = ZIP_OP_DECOMPRESS;
	sqe.op_flags = ZIP_FMT_DEFLATE;
	sqe.src_addr = (uintptr_t)p;
	sqe.src_len = (uint32_t)n;
	sqe.dst_addr = (uintptr_t)outbuf;
	sqe.dst_len = (uint32_t)cap;
	eng->run(&sqe, cqe);
	return cqe->status;
}

/* Decompress the highly compressible stream: the "dirty" history. */
static void dirty(void)
{
	struct wd_cqe cqe;

	if (engine_inflate(zeros_z, zeros_zlen, CAP, &cqe) != 0 || cqe.produced != CAP / 2) {
		fprintf(stderr, "FAIL: zeros stream (status %d)\n", cqe.status);
		failures++;
	}
}

/* expect: 1 zlib must reject it, 0 must accept it (the hand-made streams,
 * so that a wrong writer cannot make a case vacuous), -1 either */
static void check(const char *what, const uint8_t *p, size_t n, int expect)
{
	size_t refn, used;
	int bad = ref_inflate(p, n, &refn, &used), pass;

	if (expect >= 0 && bad != expect) {
		fprintf(stderr, "FAIL: %s: zlib %s it (test input wrong)\n", what, bad ? "rejects" : "accepts");
		failures++;
	}
	cases++;
	rejected += bad;
	for (pass = 0; pass < 4; pass++) {
		struct wd_cqe cqe;
		size_t cap = pass & 1 && !bad ? refn : CAP;
		int st;

		if (pass & 2)
			dirty();
		st = engine_inflate(p, n, cap, &cqe);
		if (bad) {
			if (st != -EBADMSG || cqe.detail == ZIP_DETAIL_TRAILING) {
				fprintf(stderr, "FAIL: %s (%zu bytes, pass %d): zlib rejects, engine status %d detail %u produced %u\n",
					what, n, pass, st, cqe.detail, cqe.produced);
				failures++;
			}
		} else if (used < n) {
			if (st != -EBADMSG || cqe.detail != ZIP_DETAIL_TRAILING || cqe.consumed != used) {
				fprintf(stderr, "FAIL: %s (pass %d): zlib ends at %zu of %zu, engine status %d detail %u consumed %u\n",
					what, pass, used, n, st, cqe.detail, cqe.consumed);
				failures++;
			}
		} else if (st != 0 || cqe.produced != refn || cqe.consumed != n || memcmp(outbuf, refbuf, refn)) {
			fprintf(stderr, "FAIL: %s (pass %d): zlib accepts (%zu bytes out), engine status %d produced %u\n",
				what, pass, refn, st, cqe.produced);
			failures++;
		}
	}
}

/* ---- hand-made streams ------------------------------------------------ */

/* static block: 20 x 'a', then `sym` (a length: + offset symbol `dist`), EOB */
static void static_case(const char *what, unsigned sym, unsigned dist, size_t history, int expect)
{
	struct bw *w = calloc(1, sizeof(*w));
	size_t k;

	if (history) {		/* a stored block of `history` bytes first */
		bits(w, 0, 1);
		bits(w, 0, 2);
		finish(w);
		w->buf[w->n++] = (uint8_t)history;
		w->buf[w->n++] = (uint8_t)(history >> 8);
		w->buf[w->n++] = (uint8_t)~history;
		w->buf[w->n++] = (uint8_t)(~history >> 8);
		for (k = 0; k < history; k++)
			w->buf[w->n++] = (uint8_t)k;
	}
	bits(w, 1, 1);
	bits(w, 1, 2);
	for (k = 0; k < 20; k++)
		fixed_lit(w, 'a');
	fixed_lit(w, sym);
	if (sym > 256) {	/* extra bits as libdeflate reads them, all 0 */
		bits(w, 0, sym >= 265 && sym < 285 ? (sym - 261) / 4 : 0);
		code(w, dist, 5);
		bits(w, 0, dist < 4 ? 0 : dist >= 29 ? 13 : (dist - 2) / 2);
	}
	fixed_lit(w, 256);
	check(what, w->buf, finish(w), expect);
	free(w);
}

static void handmade(void)
{
	uint8_t ll[288], dl[32];
	unsigned lc[288], dc[32];
	struct bw *w = malloc(sizeof(*w));
	unsigned sym;

	/* static blocks: 286/287 invalid, 285 valid; offsets 30/31 invalid
	 * even with 30000 bytes of history, 29 valid */
	for (sym = 284; sym < 288; sym++)
		static_case("static litlen symbol", sym, 0, 0, sym >= 286);
	static_case("static offset 29", 257, 29, 30000, 0);
	static_case("static offset 30", 257, 30, 30000, 1);
	static_case("static offset 31", 257, 31, 30000, 1);
	static_case("static offset 30, no history", 257, 30, 0, 1);
	check("empty final static block", (const uint8_t *)"\x03\x00", 2, 0);

	/* dynamic: 'a' 'b' EOB 257 at 2 bits; offsets: 2 codes of 1 bit */
#define RESET() do { memset(w, 0, sizeof(*w)); memset(ll, 0, sizeof(ll)); memset(dl, 0, sizeof(dl)); } while (0)
#define BASE() do { ll['a'] = 2; ll['b'] = 2; ll[256] = 2; ll[257] = 2; dl[0] = 1; dl[1] = 1; } while (0)
#define DATA() do { code(w, lc['a'], 2); code(w, lc['b'], 2); code(w, lc[257], 2); code(w, dc[1], 1); \
		    code(w, lc[256], 2); } while (0)
	RESET(); BASE();
	dyn_header(w, 1, ll, 286, dl, 30, 0, lc, dc); DATA();
	check("dynamic, 286 litlen + 30 offset symbols (valid)", w->buf, finish(w), 0);
	RESET(); BASE();
	dyn_header(w, 1, ll, 287, dl, 30, 0, lc, dc); DATA();
	check("dynamic, 287 litlen symbols", w->buf, finish(w), 1);
	RESET(); BASE();
	dyn_header(w, 1, ll, 288, dl, 30, 0, lc, dc); DATA();
	check("dynamic, 288 litlen symbols", w->buf, finish(w), 1);
	RESET(); BASE();
	dyn_header(w, 1, ll, 286, dl, 31, 0, lc, dc); DATA();
	check("dynamic, 31 offset symbols", w->buf, finish(w), 1);
	RESET(); BASE();
	dyn_header(w, 1, ll, 286, dl, 32, 0, lc, dc); DATA();
	check("dynamic, 32 offset symbols", w->buf, finish(w), 1);
	RESET(); BASE();
	dyn_header(w, 1, ll, 258, dl, 3, 0, lc, dc); DATA();
	check("dynamic, zero run to the end (valid)", w->buf, finish(w), 0);
	for (sym = 1; sym <= 20; sym += 19) {
		RESET(); BASE();
		dyn_header(w, 1, ll, 258, dl, 3, sym, lc, dc); DATA();
		check("dynamic, zero run past the end", w->buf, finish(w), 1);
	}
	/* no end-of-block code: 'a' 'b' only */
	RESET(); ll['a'] = 1; ll['b'] = 1; dl[0] = 1; dl[1] = 1;
	dyn_header(w, 1, ll, 257, dl, 2, 0, lc, dc);
	code(w, lc['a'], 1); code(w, lc['b'], 1);
	check("dynamic, no end-of-block code", w->buf, finish(w), 1);
	/* a one-codeword litlen code (EOB alone): codeword 0 valid, 1 invalid */
	for (sym = 0; sym < 2; sym++) {
		RESET(); ll[256] = 1;
		dyn_header(w, 0, ll, 257, dl, 1, 0, lc, dc);
		bits(w, sym, 1);
		bits(w, 1, 1); bits(w, 1, 2); fixed_lit(w, 'z'); fixed_lit(w, 256);	/* a final static block */
		check(sym ? "one-codeword litlen code, codeword 1" : "one-codeword litlen code, codeword 0", w->buf, finish(w), sym != 0);
	}
	/* a one-codeword offset code: codeword 0 valid, 1 invalid */
	for (sym = 0; sym < 2; sym++) {
		RESET(); ll['a'] = 2; ll['b'] = 2; ll[256] = 2; ll[257] = 2; dl[0] = 1;
		dyn_header(w, 1, ll, 258, dl, 1, 0, lc, dc);
		code(w, lc['a'], 2); code(w, lc[257], 2); bits(w, sym, 1); code(w, lc[256], 2);
		check(sym ? "one-codeword offset code, codeword 1" : "one-codeword offset code, codeword 0", w->buf, finish(w), sym != 0);
	}
	/* an empty offset code: valid without matches, invalid with one */
	for (sym = 0; sym < 2; sym++) {
		RESET(); ll['a'] = 2; ll['b'] = 2; ll[256] = 2; ll[257] = 2;
		dyn_header(w, 1, ll, 258, dl, 1, 0, lc, dc);
		code(w, lc['a'], 2); code(w, lc['b'], 2);
		if (sym) {
			code(w, lc[257], 2);
			bits(w, 0, 1);
		}
		code(w, lc[256], 2);
		check(sym ? "empty offset code, a match" : "empty offset code, literals only", w->buf, finish(w), sym != 0);
	}
	free(w);
}

/* ---- mutated and random streams --------------------------------------- */

static void mutated(int iters)
{
	static const int strategies[] = { Z_DEFAULT_STRATEGY, Z_FIXED, Z_HUFFMAN_ONLY, Z_RLE, Z_FILTERED };
	uint8_t *text = malloc(1 << 16), *c = malloc(1 << 17);
	int i;

	for (i = 0; i < iters; i++) {
		size_t n = 1 + rng() % (i % 16 == 0 ? 1 << 16 : 4096), cl, k;
		unsigned kind = (unsigned)(rng() % 4), mode = (unsigned)(rng() % 5);
		z_stream z;

		for (k = 0; k < n; k++)
			text[k] = kind == 0 ? (uint8_t)rng() : kind == 1 ? (uint8_t)('a' + rng() % 3) :
				  kind == 2 ? (uint8_t)"hello world "[k % 12] : 0;
		if (mode == 0) {	/* random bytes */
			cl = 1 + rng() % 64;
			for (k = 0; k < cl; k++)
				c[k] = (uint8_t)rng();
			check("random bytes", c, cl, -1);
			continue;
		}
		memset(&z, 0, sizeof(z));
		if (deflateInit2(&z, (int)(rng() % 10), Z_DEFLATED, -15, 8, strategies[rng() % 5]) != Z_OK)
			abort();
		z.next_in = text;
		z.avail_in = (uInt)n;
		z.next_out = c;
		z.avail_out = 1 << 17;
		if (deflate(&z, Z_FINISH) != Z_STREAM_END)
			abort();
		cl = z.total_out;
		deflateEnd(&z);
		if (mode == 1) {	/* 1-3 bit flips */
			for (k = 0; k < 1 + rng() % 3; k++)
				c[rng() % cl] ^= (uint8_t)(1u << (rng() % 8));
		} else if (mode == 2) {	/* 1-3 bytes overwritten */
			for (k = 0; k < 1 + rng() % 3; k++)
				c[rng() % cl] = (uint8_t)rng();
		} else if (mode == 3) {	/* truncated */
			cl = rng() % cl;
		}			/* mode 4: valid */
		check(mode == 1 ? "bit flips" : mode == 2 ? "bytes overwritten" : mode == 3 ? "truncated" : "valid",
		      c, cl, mode == 4 ? 0 : -1);
	}
	free(text);
	free(c);
}

int main(int argc, char **argv)
{
	int iters = argc > 1 ? atoi(argv[1]) : 20000;
	z_stream z;

	eng = zip_engine_get();
	refbuf = malloc(CAP);
	outbuf = malloc(CAP);
	zeros_z = malloc(CAP);
	memset(refbuf, 0, CAP / 2);
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	z.next_in = refbuf;
	z.avail_in = CAP / 2;
	z.next_out = zeros_z;
	z.avail_out = CAP;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	zeros_zlen = z.total_out;
	deflateEnd(&z);

	handmade();
	mutated(iters);
	printf("%s: %d failures in %d inputs (%d rejected by zlib)\n", failures ? "FAIL" : "ok", failures, cases, rejected);
	free(refbuf);
	free(outbuf);
	free(zeros_z);
	return failures ? 1 : 0;
}
