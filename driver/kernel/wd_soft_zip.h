/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The zip plugin's opcodes (0x10-0x16) in the kernel device. The protocol
 * (op_flags, cqe.detail, handles) is the one of the in-process soft device's
 * engine, packages/plugins-zip/engine/zip_engine.h; change them together.
 */
#ifndef _WD_SOFT_ZIP_H
#define _WD_SOFT_ZIP_H

#include <linux/types.h>
#include <linux/xarray.h>
#include <linux/zlib.h>

#include "wd_soft_drv.h"

enum wd_zip_op {
	WD_ZIP_COMPRESS		= 0x10,
	WD_ZIP_DECOMPRESS	= 0x11,
	WD_ZIP_STREAM_INIT	= 0x12,
	WD_ZIP_STREAM_DEFLATE	= 0x13,
	WD_ZIP_STREAM_INFLATE	= 0x14,
	WD_ZIP_STREAM_END	= 0x15,
	WD_ZIP_INFO		= 0x16,
};

#define WD_ZIP_FMT_MASK		0x3u
#define WD_ZIP_FMT_DEFLATE	0u
#define WD_ZIP_FMT_ZLIB		1u
#define WD_ZIP_FMT_GZIP		2u
#define WD_ZIP_FMT_AUTO		3u
#define WD_ZIP_LEVEL_SHIFT	4
#define WD_ZIP_LEVEL_MASK	(0xfu << WD_ZIP_LEVEL_SHIFT)
#define WD_ZIP_F_MULTI		(1u << 8)
#define WD_ZIP_F_DECOMPRESS	(1u << 9)
#define WD_ZIP_FLUSH_FINISH	3u
#define WD_ZIP_F_FINISH		1u	/* STREAM_INFLATE: no input follows */
/* STREAM_INFLATE: stop before bytes after the end that start no new member */
#define WD_ZIP_F_STOP_AT_END	2u
#define WD_ZIP_AUX_END		1u

enum wd_zip_detail {
	WD_ZD_NONE = 0,
	WD_ZD_HEADER = 1,
	WD_ZD_STREAM = 2,
	WD_ZD_CHECKSUM = 3,
	WD_ZD_TRAILING = 4,
	WD_ZD_TRUNCATED = 5,
	WD_ZD_BAD_HANDLE = 6,
	WD_ZD_BUSY = 7,		/* unused here: one worker runs a queue's SQEs */
	WD_ZD_BAD_PARAM = 8,
	WD_ZD_DIRECTION = 9,
	WD_ZD_ENDED = 10,
};

/* Live streams per queue; each holds a zlib workspace (deflate: ~270 KiB). */
#define WD_ZIP_MAX_STREAMS	64
/* A gzip header parameter block is copied in; the soft engine has no bound. */
#define WD_ZIP_MAX_PARAM	(128 * 1024)
#define WD_ZIP_GEN_MASK		0xfffffu	/* handles stay below 2^53 */

/* Incremental gzip (RFC 1952) / zlib (RFC 1950) header parser. */
struct wd_zhdr {
	u8 fmt;			/* WD_ZIP_FMT_GZIP or _ZLIB */
	u8 state;
	u8 flags;
	u8 first;		/* zlib: CMF */
	u32 left;		/* bytes left in the current field */
	u32 crc;		/* gzip: CRC-32 of the header so far (FHCRC) */
};

/* Raw zlib inflate framed here: header, body with checksum, trailer. */
struct wd_zinf {
	z_stream z;
	u8 fmt;			/* as requested (AUTO allowed) */
	u8 cur;			/* this member's format */
	u8 stage;
	bool multi;
	struct wd_zhdr hdr;
	u32 sum, isize;
	u8 tlr[8];
	u32 tlr_have;
};

/* Raw zlib deflate framed here: pending header, body, trailer. */
struct wd_zdef {
	z_stream z;
	u8 fmt;
	u8 stage;
	u8 hdr[10];
	u8 *param;		/* caller's gzip header, or NULL: hdr */
	u32 hdr_len, hdr_pos;
	u32 sum, isize;
	u8 tlr[8];
	u32 tlr_len, tlr_pos;
};

struct wd_zstream {
	u32 gen;
	bool inflate;
	bool ended;		/* deflate: trailer written */
	union {
		struct wd_zinf inf;
		struct wd_zdef def;
	};
};

/* Per queue, created by the first zip request; freed by wd_zip_free(). */
struct wd_zip {
	struct xarray streams;	/* id -> struct wd_zstream */
	u32 live;
	u32 gen;
	void *def_ws, *inf_ws;	/* one-shot workspaces */
	struct wd_zdef oneshot_def;
	struct wd_zinf oneshot_inf;
	u8 *out;		/* output bounce (q->bounce is the input one) */
};

/* A bounded view of one request's user buffers. */
struct wd_zio {
	u64 src, dst;
	u32 src_len, dst_len;
	u32 in_pos, out_pos;	/* user bytes consumed / produced */
	u32 in_have, in_off;	/* bytes in q->bounce, and used of them */
};

#define WD_ZIP_CHUNK		WD_SOFT_BOUNCE_SIZE

/* wd_soft_zip.c */
void wd_zip_fail(struct wd_cqe *c, int status, unsigned int detail);
int wd_zip_state(struct wd_queue *q);
bool wd_zip_faults(struct wd_queue *q, const struct wd_sqe *s);
int wd_zip_param_load(struct wd_queue *q, const struct wd_sqe *s, u8 **out);

/* wd_soft_zip_frame.c */
u32 wd_zip_sum(u8 fmt, u32 sum, const u8 *p, u32 n);
u32 wd_zip_sum_init(u8 fmt);
size_t wd_zip_header_default(u8 fmt, unsigned int level, u8 *out);
int wd_zip_gzip_check(const u8 *p, u32 len);
int wd_zio_fill(struct wd_queue *q, struct wd_zio *io);
int wd_zio_put(struct wd_queue *q, struct wd_zio *io, const u8 *p, u32 n);
void wd_zinf_init(struct wd_zinf *f, u8 fmt, bool multi);
int wd_zinf_run(struct wd_queue *q, struct wd_zinf *f, struct wd_zio *io,
		bool oneshot, bool stop_at_end, unsigned int *detail);
bool wd_zinf_done(const struct wd_zinf *f);
void wd_zdef_init(struct wd_zdef *d, u8 fmt, unsigned int level,
		  u8 *param, u32 param_len);
int wd_zdef_run(struct wd_queue *q, struct wd_zdef *d, struct wd_zio *io,
		int flush, bool *done);
int wd_zdef_pending(struct wd_queue *q, struct wd_zio *io, const u8 *p,
		    u32 len, u32 *pos);
void wd_zdef_trailer(struct wd_zdef *d);

/* wd_soft_zip_stream.c */
void wd_zip_stream_init(struct wd_queue *q, const struct wd_sqe *s,
			struct wd_cqe *c);
void wd_zip_stream_step(struct wd_queue *q, const struct wd_sqe *s,
			struct wd_cqe *c);
void wd_zip_stream_end(struct wd_queue *q, const struct wd_sqe *s,
		       struct wd_cqe *c);

#endif /* _WD_SOFT_ZIP_H */
