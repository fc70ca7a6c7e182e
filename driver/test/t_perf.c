// SPDX-License-Identifier: GPL-2.0
/*
 * Throughput of NOP and 4 KiB COPY at batch 1 and 64, with the ioctl doorbell
 * and with the kick eventfd, and the syscalls the submitter issued per op
 * (doorbells + polls). Under TCG absolute numbers mean little; the batch
 * effect and syscalls/op are the figures. Fails only if nothing completes.
 */
#include <string.h>

#include "wd_test.h"

const char *wd_test_name = "perf";

#define OPS 20000
#define MAX_SECS 1.5	/* TCG with an idle second vCPU can be very slow */

static void bench(bool copy, uint32_t batch, bool kick)
{
	static uint8_t src[4096], dst[64][4096];
	uint32_t done = 0, sent = 0, i;
	double elapsed = 0;
	struct wd_sqe *s;
	struct wd_cqe c;
	struct wdq q;
	double t0, dt;

	CHECK(!wd_queue_open(&q, 0, 64), "open");
	if (kick)
		CHECK(!wd_queue_use_kick(&q), "kick");
	wd_syscalls = 0;
	t0 = now_sec();
	while (done < OPS && elapsed < MAX_SECS) {
		for (i = 0; i < batch && (s = wd_get_sqe(&q)); i++, sent++) {
			if (copy)
				wd_prep_copy(s, src, 4096, dst[i], 4096, sent);
			else
				wd_prep_nop(s, sent);
		}
		CHECK(!wd_submit(&q), "submit");
		while (done < sent) {
			CHECK(!wd_wait_cqe(&q, &c, 20000), "wait");
			CHECK(!c.status, "status %d", c.status);
			done++;
		}
		elapsed = now_sec() - t0;
	}
	dt = now_sec() - t0;
	printf("PERF op=%s batch=%u doorbell=%s ops=%u ops_per_sec=%.0f "
	       "syscalls_per_op=%.3f\n", copy ? "copy4k" : "nop", batch,
	       kick ? "eventfd" : "ioctl", done, done / dt,
	       (double)wd_syscalls / done);
	wd_queue_close(&q);
}

int main(void)
{
	wd_require_device(0);
	bench(false, 1, false);
	bench(false, 64, false);
	bench(true, 1, false);
	bench(true, 64, false);
	bench(false, 1, true);
	bench(false, 64, true);
	bench(true, 1, true);
	bench(true, 64, true);
	return T_PASS;
}
