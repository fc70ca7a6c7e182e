// SPDX-License-Identifier: MIT
/*
 * A third-party soft-device engine: byte histogram.
 *
 * Opcode 0xe0 (the third-party range). Counts how often each byte value
 * occurs in src and writes 256 little-endian __u32 counters to dst. The
 * engine trusts nothing: it checks the SQE fields it does not use are zero
 * and that dst can hold the whole table before writing a byte.
 */
#include <errno.h>
#include <string.h>
#include <warpdrive/engine.h>

#define HISTOGRAM_OPCODE 0xe0
#define HISTOGRAM_BINS 256

static void histogram_run(const struct wd_sqe *sqe, struct wd_cqe *cqe)
{
	const unsigned char *src = (const unsigned char *)(unsigned long)sqe->src_addr;
	__u32 counts[HISTOGRAM_BINS] = { 0 };
	__u32 i;

	if (sqe->flags || sqe->op_flags || sqe->ctx_addr || sqe->param_addr ||
	    sqe->param_len || sqe->aux) {
		cqe->status = -EINVAL;
		return;
	}
	if (sqe->dst_len < sizeof(counts)) {
		cqe->status = -ENOSPC;
		return;
	}
	if ((sqe->src_len && !src) || !sqe->dst_addr) {
		cqe->status = -EFAULT;
		return;
	}
	for (i = 0; i < sqe->src_len; i++)
		counts[src[i]]++;
	/* x86-64 and arm64 are little-endian, as the table's layout requires. */
	memcpy((void *)(unsigned long)sqe->dst_addr, counts, sizeof(counts));
	cqe->status = 0;
	cqe->consumed = sqe->src_len;
	cqe->produced = sizeof(counts);
}

static const struct wd_engine histogram_engine = {
	.abi_version = WD_ENGINE_ABI_VERSION,
	.first_opcode = HISTOGRAM_OPCODE,
	.last_opcode = HISTOGRAM_OPCODE,
	.name = "example-histogram",
	.run = histogram_run,
};

__attribute__((visibility("default")))
const struct wd_engine *histogram_engine_get(void)
{
	return &histogram_engine;
}
