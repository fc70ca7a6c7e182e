// SPDX-License-Identifier: MIT
/*
 * zip_engine.c - entry point of the zip plugin's soft-device engine:
 * checks the fields every zip opcode shares, then dispatches.
 *
 * Common rules: sqe.flags (no SGL, no fence), resv0 and aux must be zero; a
 * non-zero length needs a non-NULL address; one-shot ops carry no ctx_addr.
 * Each opcode checks its own op_flags and parameter block.
 */
#include <errno.h>
#include <stdlib.h>
#include <zlib.h>
#include "zip_engine.h"

/* zlibVersion() of the zlib actually bound at run time, as 0xMmp0 (ZLIB_VERNUM style). */
static uint32_t zlib_vernum(void)
{
	const char *v = zlibVersion();
	char *end;
	unsigned long major = strtoul(v, &end, 10), minor = 0, patch = 0;

	if (*end == '.')
		minor = strtoul(end + 1, &end, 10);
	if (*end == '.')
		patch = strtoul(end + 1, &end, 10);
	return (uint32_t)(major << 12 | minor << 8 | patch << 4);
}

static int common_valid(const struct wd_sqe *sqe)
{
	if (sqe->flags || sqe->resv0 || sqe->aux)
		return 0;
	if ((sqe->src_len && !sqe->src_addr) || (sqe->dst_len && !sqe->dst_addr) ||
	    (sqe->param_len && !sqe->param_addr) || (!sqe->param_len && sqe->param_addr))
		return 0;
	return 1;
}

static void zip_info(const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	if (sqe->op_flags || sqe->src_addr || sqe->src_len || sqe->dst_addr || sqe->dst_len ||
	    sqe->ctx_addr || sqe->param_len)
		return zip_fail(cqe, -EINVAL, ZIP_DETAIL_NONE);
	cqe->status = 0;
	cqe->aux = zip_stream_live();
	cqe->consumed = zlib_vernum();
	cqe->produced = ZLIB_VERNUM;	/* the zlib.h compiled against */
}

static void zip_run(const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	if (!common_valid(sqe))
		return zip_fail(cqe, -EINVAL, ZIP_DETAIL_NONE);
	switch (sqe->opcode) {
	case ZIP_OP_COMPRESS:
	case ZIP_OP_DECOMPRESS:
		if (sqe->ctx_addr)
			return zip_fail(cqe, -EINVAL, ZIP_DETAIL_NONE);
		if (sqe->opcode == ZIP_OP_COMPRESS)
			return zip_compress(sqe, cqe);
		return zip_decompress(sqe, cqe);
	case ZIP_OP_STREAM_INIT:
		return zip_stream_init(sqe, cqe);
	case ZIP_OP_STREAM_DEFLATE:
		return zip_stream_deflate(sqe, cqe);
	case ZIP_OP_STREAM_INFLATE:
		return zip_stream_inflate(sqe, cqe);
	case ZIP_OP_STREAM_END:
		return zip_stream_end(sqe, cqe);
	case ZIP_OP_INFO:
		return zip_info(sqe, cqe);
	default:
		return zip_fail(cqe, -EOPNOTSUPP, ZIP_DETAIL_NONE);
	}
}

static const struct wd_engine zip_engine = {
	.abi_version = WD_ENGINE_ABI_VERSION,
	.first_opcode = ZIP_OP_FIRST,
	.last_opcode = ZIP_OP_LAST,
	.name = "zip",
	.run = zip_run,
};

__attribute__((visibility("default")))
const struct wd_engine *zip_engine_get(void)
{
	return &zip_engine;
}
