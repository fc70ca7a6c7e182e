// SPDX-License-Identifier: MIT
/*
 * frame.c - gzip (RFC 1952) and zlib (RFC 1950) framing, and stored blocks.
 *
 * The one-shot path compresses raw deflate with ISA-L or libdeflate and frames
 * it here (ISA-L appends its own trailer), so the same header writer and
 * parser serve both engines and the gzip header fields (name, comment, extra,
 * mtime, os, FHCRC) are handled once.
 */
#include <string.h>
#include <libdeflate.h>
#include "zip_engine.h"

#define GZ_FTEXT	0x01
#define GZ_FHCRC	0x02
#define GZ_FEXTRA	0x04
#define GZ_FNAME	0x08
#define GZ_FCOMMENT	0x10
#define GZ_FRESERVED	0xe0
#define STORED_MAX	65535u

uint32_t zip_load_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t zip_load_be32(const uint8_t *p)
{
	return (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
}

void zip_store_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void zip_store_be32(uint8_t *p, uint32_t v)
{
	p[3] = (uint8_t)v;
	p[2] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)(v >> 16);
	p[0] = (uint8_t)(v >> 24);
}

/* Skip a NUL-terminated field; returns its length + 1, or 0 if unterminated. */
static size_t cstr_span(const uint8_t *p, size_t len)
{
	const uint8_t *nul = memchr(p, 0, len);

	return nul ? (size_t)(nul - p) + 1 : 0;
}

/*
 * Parse one gzip member header at p. Returns 0, ZIP_DETAIL_TRUNCATED when the
 * input ends inside the header, or ZIP_DETAIL_HEADER when it is invalid
 * (magic, method, reserved flags, header CRC).
 */
int zip_gzip_parse(const uint8_t *p, size_t len, struct zip_gzip_header *h)
{
	size_t pos = 10, n;

	memset(h, 0, sizeof(*h));
	if (len >= 1 && p[0] != 0x1f)
		return ZIP_DETAIL_HEADER;
	if (len >= 2 && p[1] != 0x8b)
		return ZIP_DETAIL_HEADER;
	if (len >= 3 && p[2] != 8)
		return ZIP_DETAIL_HEADER;
	if (len >= 4 && (p[3] & GZ_FRESERVED))
		return ZIP_DETAIL_HEADER;
	if (len < 10)
		return ZIP_DETAIL_TRUNCATED;
	h->flags = p[3];
	h->mtime = zip_load_le32(p + 4);
	h->xfl = p[8];
	h->os = p[9];
	if (h->flags & GZ_FEXTRA) {
		if (len < pos + 2)
			return ZIP_DETAIL_TRUNCATED;
		h->extra_len = (uint16_t)(p[pos] | p[pos + 1] << 8);
		pos += 2;
		if (len - pos < h->extra_len)
			return ZIP_DETAIL_TRUNCATED;
		h->extra = p + pos;
		pos += h->extra_len;
	}
	if (h->flags & GZ_FNAME) {
		n = cstr_span(p + pos, len - pos);
		if (!n)
			return ZIP_DETAIL_TRUNCATED;
		h->name = (const char *)(p + pos);
		pos += n;
	}
	if (h->flags & GZ_FCOMMENT) {
		n = cstr_span(p + pos, len - pos);
		if (!n)
			return ZIP_DETAIL_TRUNCATED;
		h->comment = (const char *)(p + pos);
		pos += n;
	}
	if (h->flags & GZ_FHCRC) {
		if (len < pos + 2)
			return ZIP_DETAIL_TRUNCATED;
		/* CRC16 = low half of the CRC-32 of every header byte before it. */
		if ((libdeflate_crc32(0, p, pos) & 0xffff) != (uint32_t)(p[pos] | p[pos + 1] << 8))
			return ZIP_DETAIL_HEADER;
		pos += 2;
	}
	h->size = pos;
	return 0;
}

/* zlib's FLEVEL and gzip's XFL as zlib itself writes them for a level. */
size_t zip_header_default(unsigned format, unsigned level, uint8_t *out)
{
	if (format == ZIP_FMT_ZLIB) {
		unsigned flevel = level < 2 ? 0 : level < 6 ? 1 : level == 6 ? 2 : 3;
		unsigned cmf = 0x78, flg = flevel << 6;

		flg += 31 - (cmf * 256 + flg) % 31;
		out[0] = (uint8_t)cmf;
		out[1] = (uint8_t)flg;
		return 2;
	}
	if (format == ZIP_FMT_GZIP) {
		static const uint8_t hdr[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 };

		memcpy(out, hdr, sizeof(hdr));
		out[8] = level == 9 ? 2 : level < 2 ? 4 : 0;
		return sizeof(hdr);
	}
	return 0;
}

/* Returns 0, ZIP_DETAIL_TRUNCATED or ZIP_DETAIL_HEADER (incl. FDICT, unsupported). */
int zip_zlib_check(const uint8_t *p, size_t len)
{
	if (len >= 1 && ((p[0] & 0x0f) != 8 || (p[0] >> 4) > 7))
		return ZIP_DETAIL_HEADER;
	if (len < 2)
		return ZIP_DETAIL_TRUNCATED;
	if (((unsigned)p[0] * 256 + p[1]) % 31 || (p[1] & 0x20))
		return ZIP_DETAIL_HEADER;
	return 0;
}

/* Bytes of raw deflate stored blocks for n input bytes. */
size_t zip_stored_bound(size_t n)
{
	return n + 5 * (n / STORED_MAX + 1);
}

/* Level 0: raw deflate made of stored blocks; dst holds zip_stored_bound(n). */
size_t zip_stored_write(const uint8_t *src, size_t n, uint8_t *dst)
{
	uint8_t *out = dst;

	do {
		size_t len = n < STORED_MAX ? n : STORED_MAX;

		n -= len;
		out[0] = n == 0;	/* BFINAL, BTYPE 00 */
		out[1] = (uint8_t)len;
		out[2] = (uint8_t)(len >> 8);
		out[3] = (uint8_t)~len;
		out[4] = (uint8_t)(~len >> 8);
		if (len)
			memcpy(out + 5, src, len);
		out += 5 + len;
		src += len;
	} while (n);
	return (size_t)(out - dst);
}
