// SPDX-License-Identifier: MIT
/*
 * stream.c - deflate/inflate streams at every level (zlib, linked statically
 * with hidden symbols: see README "zlib symbols").
 *
 * Stream state lives here, never in JS memory: JS holds a handle
 * (generation << 32 | slot + 1) that is checked against the table on every
 * request, so a stale, forged or double-freed handle is -EINVAL, never a
 * pointer dereference. A stream is driven by one request at a time (a
 * second concurrent one gets -EBUSY). States are freed by STREAM_END, and
 * every leftover one when the library is unloaded (the device closed).
 *
 * Deflate streams at the levels one-shot compression gives to ISA-L run on
 * ISA-L's stateful API (never its level 0, which would expand incompressible
 * input): the header is written from a pending buffer, ISA-L writes the body
 * and the trailer (IGZIP_*_NO_HDR). Every other stream is zlib.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <isa-l/igzip_lib.h>
#include "zip_engine.h"

#define MAX_STREAMS	(1u << 20)
#define GEN_MASK	0xfffffu	/* handles stay below 2^53: exact as JS numbers */

struct zstate {
	z_stream z;
	unsigned inflate : 1, ended : 1, multi : 1, gzip_member : 1;
	unsigned format;
	gz_header gzh;		/* deflate + gzip: header fields, pointing into hdr */
	uint8_t *hdr;		/* copy of the parameter block, NUL-terminated fields */
	struct isal_zstream *isal;	/* set: an ISA-L stateful deflate stream */
	uint8_t *isal_buf;
	uint8_t *pend;		/* ISA-L: header bytes not yet written */
	uint32_t pend_len, pend_pos;
};

struct slot {
	struct zstate *s;	/* NULL when free */
	uint32_t gen;
	uint32_t busy;
	uint32_t next_free;	/* index + 1, 0 = none */
};

static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static struct slot *table;
static uint32_t table_size, first_free, live;

uint32_t zip_stream_live(void)
{
	uint32_t n;

	pthread_mutex_lock(&table_lock);
	n = live;
	pthread_mutex_unlock(&table_lock);
	return n;
}

static int table_grow(void)
{
	uint32_t n = table_size ? table_size * 2 : 64, i;
	struct slot *t;

	if (n > MAX_STREAMS)
		return -ENOMEM;
	t = realloc(table, n * sizeof(*t));
	if (!t)
		return -ENOMEM;
	for (i = table_size; i < n; i++) {
		t[i] = (struct slot){ .gen = 1, .next_free = i + 1 < n ? i + 2 : first_free };
	}
	first_free = table_size + 1;
	table = t;
	table_size = n;
	return 0;
}

static int table_add(struct zstate *s, uint64_t *handle)
{
	struct slot *e;
	uint32_t idx;
	int err = 0;

	pthread_mutex_lock(&table_lock);
	if (!first_free)
		err = table_grow();
	if (!err) {
		idx = first_free - 1;
		e = &table[idx];
		first_free = e->next_free;
		e->s = s;
		e->busy = 0;
		live++;
		*handle = (uint64_t)e->gen << 32 | (idx + 1);
	}
	pthread_mutex_unlock(&table_lock);
	return err;
}

/* Look up a handle and mark it busy. Returns the state or NULL with *detail. */
static struct zstate *stream_get(uint64_t handle, int *err, unsigned *detail)
{
	uint32_t idx = (uint32_t)handle - 1, gen = (uint32_t)(handle >> 32);
	struct zstate *s = NULL;

	pthread_mutex_lock(&table_lock);
	if ((uint32_t)handle == 0 || idx >= table_size || !table[idx].s || table[idx].gen != gen) {
		*err = -EINVAL;
		*detail = ZIP_DETAIL_BAD_HANDLE;
	} else if (table[idx].busy) {
		*err = -EBUSY;
		*detail = ZIP_DETAIL_BUSY;
	} else {
		table[idx].busy = 1;
		s = table[idx].s;
	}
	pthread_mutex_unlock(&table_lock);
	return s;
}

static void stream_put(uint64_t handle)
{
	pthread_mutex_lock(&table_lock);
	table[(uint32_t)handle - 1].busy = 0;
	pthread_mutex_unlock(&table_lock);
}

static void zstate_free(struct zstate *s)
{
	if (s->inflate)
		inflateEnd(&s->z);
	else if (!s->isal)
		deflateEnd(&s->z);
	free(s->isal);
	free(s->isal_buf);
	free(s->pend);
	free(s->hdr);
	free(s);
}

static uint32_t isal_buf_size(int level)
{
	return level == 1 ? ISAL_DEF_LVL1_DEFAULT : level == 2 ? ISAL_DEF_LVL2_DEFAULT : ISAL_DEF_LVL3_DEFAULT;
}

/* An ISA-L stateful deflate stream; the header goes out first from pend. */
static int isal_setup(struct zstate *s, unsigned format, unsigned level, int isal_level,
		      const uint8_t *param, uint32_t param_len)
{
	static const uint16_t flag[3] = { IGZIP_DEFLATE, IGZIP_ZLIB_NO_HDR, IGZIP_GZIP_NO_HDR };
	struct zip_gzip_header h;
	uint8_t def[10];

	if (param_len && (zip_gzip_parse(param, param_len, &h) || h.size != param_len))
		return -EINVAL;
	if (!param_len) {
		param_len = (uint32_t)zip_header_default(format, level, def);
		param = def;
	}
	s->isal = malloc(sizeof(*s->isal));
	s->isal_buf = malloc(isal_buf_size(isal_level));
	s->pend = malloc(param_len ? param_len : 1);
	if (!s->isal || !s->isal_buf || !s->pend)
		return -ENOMEM;
	memcpy(s->pend, param, param_len);
	s->pend_len = param_len;
	isal_deflate_init(s->isal);
	s->isal->level = (uint32_t)isal_level;
	s->isal->level_buf = s->isal_buf;
	s->isal->level_buf_size = isal_buf_size(isal_level);
	s->isal->gzip_flag = flag[format];
	return 0;
}

static int window_bits(unsigned format)
{
	static const int bits[4] = { -15, 15, 31, 47 };

	return bits[format];
}

/* Deflate + gzip: copy the header block and point zlib's gz_header into it. */
static int set_gzip_header(struct zstate *s, const uint8_t *param, uint32_t len)
{
	struct zip_gzip_header h;

	if (zip_gzip_parse(param, len, &h) || h.size != len)
		return -EINVAL;
	s->hdr = malloc(len);
	if (!s->hdr)
		return -ENOMEM;
	memcpy(s->hdr, param, len);
	s->gzh.time = h.mtime;
	s->gzh.os = h.os;
	s->gzh.hcrc = (h.flags & 0x02) != 0;
	s->gzh.text = h.flags & 0x01;
	if (h.extra) {
		s->gzh.extra = s->hdr + (h.extra - param);
		s->gzh.extra_len = h.extra_len;
	}
	if (h.name)
		s->gzh.name = s->hdr + ((const uint8_t *)h.name - param);
	if (h.comment)
		s->gzh.comment = s->hdr + ((const uint8_t *)h.comment - param);
	return deflateSetHeader(&s->z, &s->gzh) == Z_OK ? 0 : -EINVAL;
}

void zip_stream_init(const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	unsigned format = sqe->op_flags & ZIP_FMT_MASK;
	unsigned level = (sqe->op_flags & ZIP_LEVEL_MASK) >> ZIP_LEVEL_SHIFT;
	int inflating = (sqe->op_flags & ZIP_F_DECOMPRESS) != 0, err = 0, ret;
	struct zstate *s;
	uint64_t handle;

	if (sqe->src_addr || sqe->src_len || sqe->dst_addr || sqe->dst_len || sqe->ctx_addr ||
	    (sqe->op_flags & ~(ZIP_FMT_MASK | ZIP_LEVEL_MASK | ZIP_F_MULTI_MEMBER | ZIP_F_DECOMPRESS)) ||
	    (inflating && (level || sqe->param_len)) ||
	    (!inflating && (format == ZIP_FMT_AUTO || level > 9 || (sqe->op_flags & ZIP_F_MULTI_MEMBER))) ||
	    (sqe->param_len && format != ZIP_FMT_GZIP) || (!sqe->param_len && sqe->param_addr))
		return zip_fail(cqe, -EINVAL, ZIP_DETAIL_NONE);
	s = calloc(1, sizeof(*s));
	if (!s)
		return zip_fail(cqe, -ENOMEM, ZIP_DETAIL_NONE);
	s->inflate = inflating;
	s->format = format;
	s->multi = (sqe->op_flags & ZIP_F_MULTI_MEMBER) != 0;
	if (!inflating && zip_isal_level(level) > 0) {
		err = isal_setup(s, format, level, zip_isal_level(level), ZIP_PTR(sqe->param_addr), sqe->param_len);
		if (!err)
			err = table_add(s, &handle);
		if (err) {
			zstate_free(s);
			return zip_fail(cqe, err, err == -EINVAL ? ZIP_DETAIL_BAD_PARAM : ZIP_DETAIL_NONE);
		}
		cqe->status = 0;
		cqe->aux = handle;
		return;
	}
	if (inflating) {
		ret = inflateInit2(&s->z, window_bits(format));
		if (ret == Z_OK && format == ZIP_FMT_AUTO)
			inflateGetHeader(&s->z, &s->gzh);	/* tells gzip from zlib */
	}
	else
		ret = deflateInit2(&s->z, (int)level, Z_DEFLATED, window_bits(format), 8, Z_DEFAULT_STRATEGY);
	if (ret != Z_OK) {
		free(s);
		return zip_fail(cqe, ret == Z_MEM_ERROR ? -ENOMEM : -EINVAL, ZIP_DETAIL_NONE);
	}
	if (sqe->param_len)
		err = set_gzip_header(s, ZIP_PTR(sqe->param_addr), sqe->param_len);
	if (!err)
		err = table_add(s, &handle);
	if (err) {
		zstate_free(s);
		return zip_fail(cqe, err, err == -EINVAL ? ZIP_DETAIL_BAD_PARAM : ZIP_DETAIL_NONE);
	}
	cqe->status = 0;
	cqe->aux = handle;
}

static int stream_op_valid(const struct wd_sqe *sqe, uint32_t allowed_flags)
{
	return !(sqe->param_addr || sqe->param_len || (sqe->op_flags & ~allowed_flags) ||
		 (sqe->src_len && !sqe->src_addr) || (sqe->dst_len && !sqe->dst_addr));
}

static void isal_step(struct zstate *s, const struct wd_sqe *sqe, struct wd_cqe *cqe, unsigned flush)
{
	static const uint16_t isal_flush[4] = { NO_FLUSH, SYNC_FLUSH, FULL_FLUSH, NO_FLUSH };
	struct isal_zstream *z = s->isal;
	uint8_t *out = ZIP_PTR(sqe->dst_addr);
	uint32_t room = sqe->dst_len;

	cqe->status = 0;
	if (s->pend_pos < s->pend_len) {
		uint32_t n = s->pend_len - s->pend_pos < room ? s->pend_len - s->pend_pos : room;

		memcpy(out, s->pend + s->pend_pos, n);
		s->pend_pos += n;
		out += n;
		room -= n;
		if (s->pend_pos < s->pend_len) {
			cqe->produced = sqe->dst_len;
			cqe->flags = WD_CQE_F_MORE;
			return;
		}
	}
	z->next_in = ZIP_PTR(sqe->src_addr);
	z->avail_in = sqe->src_len;
	z->next_out = out;
	z->avail_out = room;
	z->flush = isal_flush[flush];
	if (flush == ZIP_FLUSH_FINISH)
		z->end_of_stream = 1;
	if (isal_deflate(z) != COMP_OK) {
		cqe->status = -EINVAL;
		return;
	}
	cqe->consumed = sqe->src_len - z->avail_in;
	cqe->produced = sqe->dst_len - z->avail_out;
	if (z->internal_state.state == ZSTATE_END) {
		s->ended = 1;
		cqe->aux = ZIP_AUX_END;
	} else if (z->avail_out == 0) {
		cqe->flags = WD_CQE_F_MORE;
	}
}

void zip_stream_deflate(const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	static const int flush_mode[4] = { Z_NO_FLUSH, Z_SYNC_FLUSH, Z_FULL_FLUSH, Z_FINISH };
	unsigned detail = 0, flush = sqe->op_flags & 3;
	struct zstate *s;
	int err = 0, ret;

	if (!stream_op_valid(sqe, 3))
		return zip_fail(cqe, -EINVAL, ZIP_DETAIL_NONE);
	s = stream_get(sqe->ctx_addr, &err, &detail);
	if (!s)
		return zip_fail(cqe, err, detail);
	if (s->inflate || s->ended) {
		stream_put(sqe->ctx_addr);
		return zip_fail(cqe, -EINVAL, s->inflate ? ZIP_DETAIL_DIRECTION : ZIP_DETAIL_ENDED);
	}
	if (s->isal) {
		isal_step(s, sqe, cqe, flush);
		stream_put(sqe->ctx_addr);
		return;
	}
	s->z.next_in = ZIP_PTR(sqe->src_addr);
	s->z.avail_in = sqe->src_len;
	s->z.next_out = ZIP_PTR(sqe->dst_addr);
	s->z.avail_out = sqe->dst_len;
	/* zlib's deflate() stops when the output is full; the caller repeats the
	 * request with the same flush mode while WD_CQE_F_MORE is set. */
	ret = deflate(&s->z, flush_mode[flush]);
	cqe->status = 0;
	cqe->consumed = sqe->src_len - s->z.avail_in;
	cqe->produced = sqe->dst_len - s->z.avail_out;
	if (ret == Z_STREAM_END) {
		s->ended = 1;
		cqe->aux = ZIP_AUX_END;
	} else if (ret != Z_OK && ret != Z_BUF_ERROR) {
		cqe->status = -EINVAL;
	} else if (s->z.avail_out == 0) {
		cqe->flags = WD_CQE_F_MORE;
	}
	stream_put(sqe->ctx_addr);
}

static unsigned inflate_detail(const z_stream *z)
{
	const char *m = z->msg ? z->msg : "";

	if (!strcmp(m, "incorrect data check") || !strcmp(m, "incorrect length check"))
		return ZIP_DETAIL_CHECKSUM;
	if (strstr(m, "header") || strstr(m, "compression method") || strstr(m, "window size"))
		return ZIP_DETAIL_HEADER;
	return ZIP_DETAIL_STREAM;
}

/*
 * Inflate as far as input and output allow. Returns 0 or -EBADMSG with
 * *detail. With stop_at_end, bytes after the end that start no new member
 * are left unconsumed for the caller to judge (node:zlib's rules differ per
 * format), instead of being an error here.
 */
static int inflate_run(struct zstate *s, int finish, int stop_at_end, unsigned *detail)
{
	for (;;) {
		int ret;

		if (s->ended) {
			if (s->z.avail_in == 0)
				return 0;
			/* Another gzip member may follow; anything else is trailing data. */
			if (!s->multi || !s->gzip_member || s->z.next_in[0] != 0x1f) {
				if (stop_at_end)
					return 0;
				*detail = ZIP_DETAIL_TRAILING;
				return -EBADMSG;
			}
			inflateReset(&s->z);
			if (s->format == ZIP_FMT_AUTO)
				inflateGetHeader(&s->z, &s->gzh);
			s->ended = 0;
		}
		if (s->z.avail_out == 0)
			return 0;
		ret = inflate(&s->z, Z_NO_FLUSH);
		if (ret == Z_STREAM_END) {
			s->ended = 1;
			/* In auto mode zlib sets gzh.done to 1 after a gzip header, -1 for zlib. */
			s->gzip_member = s->format == ZIP_FMT_GZIP ||
					 (s->format == ZIP_FMT_AUTO && s->gzh.done == 1);
			continue;
		}
		if (ret == Z_NEED_DICT) {
			*detail = ZIP_DETAIL_HEADER;
			return -EBADMSG;
		}
		if (ret == Z_DATA_ERROR) {
			*detail = inflate_detail(&s->z);
			return -EBADMSG;
		}
		if (ret == Z_MEM_ERROR)
			return -ENOMEM;
		/* Z_OK or Z_BUF_ERROR: out of input or output. */
		if (s->z.avail_in == 0) {
			if (finish && s->z.avail_out) {
				*detail = ZIP_DETAIL_TRUNCATED;
				return -EBADMSG;
			}
			return 0;
		}
	}
}

void zip_stream_inflate(const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	unsigned detail = 0;
	struct zstate *s;
	int err = 0;

	if (!stream_op_valid(sqe, ZIP_F_FINISH | ZIP_F_STOP_AT_END))
		return zip_fail(cqe, -EINVAL, ZIP_DETAIL_NONE);
	s = stream_get(sqe->ctx_addr, &err, &detail);
	if (!s)
		return zip_fail(cqe, err, detail);
	if (!s->inflate) {
		stream_put(sqe->ctx_addr);
		return zip_fail(cqe, -EINVAL, ZIP_DETAIL_DIRECTION);
	}
	s->z.next_in = ZIP_PTR(sqe->src_addr);
	s->z.avail_in = sqe->src_len;
	s->z.next_out = ZIP_PTR(sqe->dst_addr);
	s->z.avail_out = sqe->dst_len;
	err = inflate_run(s, (sqe->op_flags & ZIP_F_FINISH) != 0,
			  (sqe->op_flags & ZIP_F_STOP_AT_END) != 0, &detail);
	cqe->status = err;
	cqe->detail = (uint16_t)detail;
	cqe->consumed = sqe->src_len - s->z.avail_in;
	cqe->produced = sqe->dst_len - s->z.avail_out;
	if (!err && s->z.avail_out == 0)
		cqe->flags = WD_CQE_F_MORE;
	if (!err && s->ended && (s->z.avail_in == 0 || (sqe->op_flags & ZIP_F_STOP_AT_END)))
		cqe->aux = ZIP_AUX_END;
	stream_put(sqe->ctx_addr);
}

void zip_stream_end(const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	uint64_t handle = sqe->ctx_addr;
	uint32_t idx = (uint32_t)handle - 1, gen = (uint32_t)(handle >> 32);
	struct zstate *s = NULL;
	int err = 0;

	if (sqe->op_flags || sqe->src_addr || sqe->src_len || sqe->dst_addr || sqe->dst_len ||
	    sqe->param_addr || sqe->param_len)
		return zip_fail(cqe, -EINVAL, ZIP_DETAIL_NONE);
	pthread_mutex_lock(&table_lock);
	if ((uint32_t)handle == 0 || idx >= table_size || !table[idx].s || table[idx].gen != gen) {
		err = -EINVAL;
	} else if (table[idx].busy) {
		err = -EBUSY;
	} else {
		s = table[idx].s;
		table[idx].s = NULL;
		table[idx].gen = table[idx].gen % GEN_MASK + 1;
		table[idx].next_free = first_free;
		first_free = idx + 1;
		live--;
	}
	pthread_mutex_unlock(&table_lock);
	if (err)
		return zip_fail(cqe, err, err == -EINVAL ? ZIP_DETAIL_BAD_HANDLE : ZIP_DETAIL_BUSY);
	zstate_free(s);
	cqe->status = 0;
}

/* The library is unloaded once no device uses it: free what is left. */
__attribute__((destructor)) static void stream_table_free(void)
{
	uint32_t i;

	for (i = 0; i < table_size; i++)
		if (table[i].s)
			zstate_free(table[i].s);
	free(table);
	table = NULL;
	table_size = first_free = live = 0;
}
