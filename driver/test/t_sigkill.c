// SPDX-License-Identifier: GPL-2.0
/* SIGKILL of a process with work in flight: everything is released. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "wd_test.h"

const char *wd_test_name = "sigkill";

static void victim(int wfd, int round)
{
	size_t len = 8 << 20;
	uint8_t *src = malloc(len), *dst = malloc(len);
	struct wd_sqe *s;
	struct wd_cqe c;
	struct wdq q;
	int i;

	memset(src, 3, len);
	if (wd_queue_open(&q, 0, 32))
		_exit(2);
	if (round & 1)
		wd_queue_use_kick(&q);
	for (;;) {
		for (i = 0; (s = wd_get_sqe(&q)); i++)
			wd_prep_copy(s, src, len, dst, len, i);
		wd_submit(&q);
		if (wfd >= 0) {
			write(wfd, "x", 1);
			close(wfd);
			wfd = -1;
		}
		while (wd_peek_cqe(&q, &c))
			;
	}
}

int main(void)
{
	int round, status, p[2];
	long avail;
	pid_t pid;
	char ch;

	wd_require_device(0);
	avail = wd_sysfs_long(0, "available_instances");
	for (round = 0; round < 20; round++) {
		CHECK(!pipe(p), "pipe");
		pid = fork();
		CHECK(pid >= 0, "fork");
		if (!pid) {
			close(p[0]);
			victim(p[1], round);
		}
		close(p[1]);
		CHECK(read(p[0], &ch, 1) == 1, "victim started");
		close(p[0]);
		if (round & 2)
			usleep(2000);
		kill(pid, SIGKILL);
		CHECK(waitpid(pid, &status, 0) == pid, "waitpid");
		CHECK(WIFSIGNALED(status), "victim exited by itself: %d",
		      status);
		for (int i = 0; i < 500; i++) {
			if (wd_sysfs_long(0, "available_instances") == avail)
				break;
			usleep(10000);
		}
		CHECK(wd_sysfs_long(0, "available_instances") == avail,
		      "round %d: not released", round);
	}
	return T_PASS;
}
