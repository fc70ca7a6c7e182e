// SPDX-License-Identifier: GPL-2.0-only
/*
 * Prints sizeof/offsetof of every wd_soft.h struct as JSON, so run.sh can
 * prove that the addon's exported table (which core's TS mirror is checked
 * against) describes the header as the C compiler sees it.
 */
#include <stdio.h>
#include <stddef.h>
#include <misc/wd_soft.h>

#define FIELD(s, f) printf("%s\"%s.%s\": %zu", sep(), #s, #f, offsetof(struct s, f))
#define SIZE(s) printf("%s\"%s\": %zu", sep(), #s, sizeof(struct s))

static int first = 1;

static const char *sep(void)
{
	if (first) {
		first = 0;
		return "";
	}
	return ", ";
}

static void dump_sizes(void)
{
	SIZE(wd_sq_offsets); SIZE(wd_cq_offsets); SIZE(wd_ring_info);
	SIZE(wd_sqe); SIZE(wd_sgl_entry); SIZE(wd_cqe); SIZE(wd_soft_qp_params);
}

static void dump_offsets(void)
{
	FIELD(wd_sqe, opcode); FIELD(wd_sqe, flags); FIELD(wd_sqe, resv0);
	FIELD(wd_sqe, op_flags); FIELD(wd_sqe, user_data); FIELD(wd_sqe, src_addr);
	FIELD(wd_sqe, dst_addr); FIELD(wd_sqe, src_len); FIELD(wd_sqe, dst_len);
	FIELD(wd_sqe, ctx_addr); FIELD(wd_sqe, param_addr); FIELD(wd_sqe, param_len);
	FIELD(wd_sqe, aux);
	FIELD(wd_cqe, user_data); FIELD(wd_cqe, status); FIELD(wd_cqe, flags);
	FIELD(wd_cqe, detail); FIELD(wd_cqe, consumed); FIELD(wd_cqe, produced);
	FIELD(wd_cqe, aux);
	FIELD(wd_sgl_entry, addr); FIELD(wd_sgl_entry, len); FIELD(wd_sgl_entry, resv);
	FIELD(wd_ring_info, magic); FIELD(wd_ring_info, version);
	FIELD(wd_ring_info, features); FIELD(wd_ring_info, info_size);
	FIELD(wd_ring_info, sqe_size); FIELD(wd_ring_info, cqe_size);
	FIELD(wd_ring_info, sq_entries); FIELD(wd_ring_info, cq_entries);
	FIELD(wd_ring_info, sq_off); FIELD(wd_ring_info, cq_off);
	FIELD(wd_ring_info, ring_bytes); FIELD(wd_ring_info, data_offset);
	FIELD(wd_ring_info, data_bytes);
	FIELD(wd_sq_offsets, head); FIELD(wd_sq_offsets, tail);
	FIELD(wd_sq_offsets, ring_mask); FIELD(wd_sq_offsets, ring_entries);
	FIELD(wd_sq_offsets, flags); FIELD(wd_sq_offsets, dropped);
	FIELD(wd_sq_offsets, sqes);
	FIELD(wd_cq_offsets, head); FIELD(wd_cq_offsets, tail);
	FIELD(wd_cq_offsets, ring_mask); FIELD(wd_cq_offsets, ring_entries);
	FIELD(wd_cq_offsets, flags); FIELD(wd_cq_offsets, overflow);
	FIELD(wd_cq_offsets, cqes);
}

int main(void)
{
	printf("{\"sizes\": {");
	dump_sizes();
	first = 1;
	printf("}, \"offsets\": {");
	dump_offsets();
	printf("}}\n");
	return 0;
}
