/* SPDX-License-Identifier: MIT */
/*
 * zip_engine.h - the zip plugin's soft-device engine, opcodes 0x10-0x3f.
 *
 * The protocol (opcodes, op_flags, cqe.detail) is mirrored by
 * src/opcodes.ts; change both together.
 */
#ifndef ZIP_ENGINE_H
#define ZIP_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <warpdrive/engine.h>

enum zip_op {
	ZIP_OP_COMPRESS		= 0x10,	/* one-shot: src -> dst, op_flags = format | level << 4 */
	ZIP_OP_DECOMPRESS	= 0x11,	/* one-shot: src -> dst, op_flags = format | MULTI_MEMBER */
	ZIP_OP_STREAM_INIT	= 0x12,	/* new stream; handle in cqe.aux */
	ZIP_OP_STREAM_DEFLATE	= 0x13,	/* ctx_addr = handle, op_flags = flush */
	ZIP_OP_STREAM_INFLATE	= 0x14,	/* ctx_addr = handle, op_flags = FINISH */
	ZIP_OP_STREAM_END	= 0x15,	/* ctx_addr = handle: free it */
	ZIP_OP_INFO		= 0x16,	/* cqe.aux = live streams; consumed/produced = zlib run-time/compile-time version */
	ZIP_OP_FIRST		= ZIP_OP_COMPRESS,
	ZIP_OP_LAST		= ZIP_OP_INFO,
};

/* op_flags of COMPRESS / DECOMPRESS / STREAM_INIT */
#define ZIP_FMT_MASK		0x3u
#define ZIP_FMT_DEFLATE		0u
#define ZIP_FMT_ZLIB		1u
#define ZIP_FMT_GZIP		2u
#define ZIP_FMT_AUTO		3u	/* decompress only: gzip or zlib from the header */
#define ZIP_LEVEL_SHIFT		4
#define ZIP_LEVEL_MASK		(0xfu << ZIP_LEVEL_SHIFT)
#define ZIP_F_MULTI_MEMBER	(1u << 8)	/* decompress: concatenated gzip members */
#define ZIP_F_DECOMPRESS	(1u << 9)	/* STREAM_INIT: an inflate stream */

/* op_flags of STREAM_DEFLATE: the flush mode */
#define ZIP_FLUSH_NONE		0u
#define ZIP_FLUSH_SYNC		1u
#define ZIP_FLUSH_FULL		2u
#define ZIP_FLUSH_FINISH	3u
/* op_flags of STREAM_INFLATE */
#define ZIP_F_FINISH		1u	/* no input follows this request */
#define ZIP_F_STOP_AT_END	2u	/* bytes after the end that start no new member:
					 * stop there (consumed < src_len, aux END)
					 * instead of failing with DETAIL_TRAILING */

/* cqe.aux of stream ops: the stream reached its end (deflate: trailer written;
 * inflate: last member's trailer checked and no input pending, or with
 * ZIP_F_STOP_AT_END input left that starts no new member). */
#define ZIP_AUX_END		1u

/* cqe.detail of a failure */
enum zip_detail {
	ZIP_DETAIL_NONE		= 0,
	ZIP_DETAIL_HEADER	= 1,	/* bad magic, method, flags, header CRC, wrong format */
	ZIP_DETAIL_STREAM	= 2,	/* invalid deflate data */
	ZIP_DETAIL_CHECKSUM	= 3,	/* CRC32 / Adler-32 / ISIZE mismatch */
	ZIP_DETAIL_TRAILING	= 4,	/* bytes after the end of the stream (DECOMPRESS:
					 * cqe.consumed = where they start) */
	ZIP_DETAIL_TRUNCATED	= 5,	/* input ends before the end of the stream */
	ZIP_DETAIL_BAD_HANDLE	= 6,	/* stream handle unknown or stale */
	ZIP_DETAIL_BUSY		= 7,	/* another request drives this stream */
	ZIP_DETAIL_BAD_PARAM	= 8,	/* malformed parameter block (gzip header) */
	ZIP_DETAIL_DIRECTION	= 9,	/* deflate op on an inflate stream or vice versa */
	ZIP_DETAIL_ENDED	= 10,	/* stream already finished */
};

/* A parsed gzip member header (RFC 1952); pointers point into the input. */
struct zip_gzip_header {
	size_t size;			/* bytes of the whole header */
	uint32_t mtime;
	uint8_t flags, xfl, os;
	const uint8_t *extra;		/* FEXTRA payload or NULL */
	uint16_t extra_len;
	const char *name;		/* NUL-terminated inside the input, or NULL */
	const char *comment;
};

/* frame.c */
int zip_gzip_parse(const uint8_t *p, size_t len, struct zip_gzip_header *h);
size_t zip_header_default(unsigned format, unsigned level, uint8_t *out);
int zip_zlib_check(const uint8_t *p, size_t len);
size_t zip_stored_bound(size_t n);
size_t zip_stored_write(const uint8_t *src, size_t n, uint8_t *dst);
uint32_t zip_load_le32(const uint8_t *p);
uint32_t zip_load_be32(const uint8_t *p);
void zip_store_le32(uint8_t *p, uint32_t v);
void zip_store_be32(uint8_t *p, uint32_t v);

/* oneshot.c */
void zip_compress(const struct wd_sqe *sqe, struct wd_cqe *cqe);
void zip_decompress(const struct wd_sqe *sqe, struct wd_cqe *cqe);

/* stream.c */
void zip_stream_init(const struct wd_sqe *sqe, struct wd_cqe *cqe);
void zip_stream_deflate(const struct wd_sqe *sqe, struct wd_cqe *cqe);
void zip_stream_inflate(const struct wd_sqe *sqe, struct wd_cqe *cqe);
void zip_stream_end(const struct wd_sqe *sqe, struct wd_cqe *cqe);
uint32_t zip_stream_live(void);

/* scratch.c: per-thread compressor state */
struct libdeflate_compressor *zip_ldc(int level);
struct libdeflate_decompressor *zip_ldd(void);
uint8_t *zip_isal_buf(unsigned level, uint32_t *size);
struct isal_zstream *zip_isal_stream(void);
struct z_stream_s *zip_inflater(void);

/* The ISA-L level used for a nominal level by one-shot compression and
 * streams (-1: not ISA-L). */
int zip_isal_level(unsigned level);

static inline void zip_fail(struct wd_cqe *cqe, int status, unsigned detail)
{
	cqe->status = status;
	cqe->detail = (uint16_t)detail;
	cqe->consumed = 0;
	cqe->produced = 0;
}

#define ZIP_PTR(a) ((uint8_t *)(uintptr_t)(a))

#endif
