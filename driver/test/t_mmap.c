// SPDX-License-Identifier: GPL-2.0
/*
 * Region mapping rules: each region once, MMIO is one page, no exec, DUS no
 * larger than region_dus_size, and the part of a region_dus_size mapping
 * beyond the rings is not backed (SIGBUS, never someone else's memory).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/wait.h>

#include "wd_test.h"

const char *wd_test_name = "mmap";

static sigjmp_buf jb;
static volatile int got_sigbus;

static void on_sigbus(int sig)
{
	got_sigbus = 1;
	siglongjmp(jb, 1);
}

int main(void)
{
	long pg = getpagesize(), dus = wd_sysfs_long(0, "region_dus_size");
	struct wdq q;
	int fd, status;
	uint8_t *m;
	pid_t pid;

	wd_require_device(0);
	fd = open("/dev/wd_soft-0", O_RDWR);
	CHECK(fd >= 0, "open");
	CHECK(mmap(NULL, pg, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0) ==
	      MAP_FAILED && errno == EPERM, "exec mapping refused");
	CHECK(mmap(NULL, 2 * pg, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED &&
	      errno == EINVAL, "two-page MMIO refused");
	CHECK(mmap(NULL, dus + pg, PROT_READ, MAP_SHARED, fd, pg) ==
	      MAP_FAILED && errno == EINVAL, "oversized DUS refused");
	CHECK(mmap(NULL, pg, PROT_READ, MAP_SHARED, fd, 2 * pg) == MAP_FAILED,
	      "region 2 does not exist");
	close(fd);

	CHECK(!wd_queue_open(&q, 0, 4), "queue");
	CHECK(mmap(NULL, pg, PROT_READ, MAP_SHARED, q.fd, pg) == MAP_FAILED &&
	      errno == EEXIST, "DUS mapped twice");
	m = (uint8_t *)q.ring + ((q.info->ring_bytes + pg - 1) & ~(pg - 1));
	CHECK(m < (uint8_t *)q.ring + q.ring_len, "mapping has a tail");
	pid = fork();
	CHECK(pid >= 0, "fork");
	if (!pid) {
		/* the child has no mapping at all (VM_DONTCOPY) */
		signal(SIGSEGV, SIG_DFL);
		*(volatile uint8_t *)q.ring;
		_exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	      WTERMSIG(status) == SIGSEGV, "child touching the ring: %d", status);
	/* in the owner's mm, past ring_bytes: not backed, SIGBUS */
	signal(SIGBUS, on_sigbus);
	if (!sigsetjmp(jb, 1)) {
		(void)*(volatile uint8_t *)m;
		CHECK(0, "read past the rings did not fault");
	}
	CHECK(got_sigbus, "SIGBUS");
	wd_queue_close(&q);
	return T_PASS;
}
