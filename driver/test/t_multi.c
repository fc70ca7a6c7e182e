// SPDX-License-Identifier: GPL-2.0
/*
 * Many queues at once: processes on both instances run verified COPY/CRC32
 * concurrently, and queue exhaustion is a clean -EBUSY with
 * available_instances 0, restored when the queues close.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>

#include "wd_test.h"

const char *wd_test_name = "multi";

#define PROCS 6
#define OPS 1500

static int worker(int id)
{
	uint8_t *src = malloc(65536), *dst = malloc(65536);
	uint32_t len, done = 0, sent = 0, crc[64];
	uint32_t lens[64];
	struct wd_sqe *s;
	struct wd_cqe c;
	struct wdq q;
	unsigned int i;

	for (i = 0; i < 65536; i++)
		src[i] = i * 7 + id;
	CHECK(!wd_queue_open(&q, id % 2, 8), "open %d", id);
	if (id & 2)
		CHECK(!wd_queue_use_kick(&q), "kick");
	while (done < OPS) {
		while (sent < OPS && sent - done < 8 && (s = wd_get_sqe(&q))) {
			i = sent % 8;
			len = 1 + (sent * 977 + id) % 8000;
			lens[i] = len;
			if (sent & 1)
				wd_prep_copy(s, src + i * 8192, len, dst + i * 8192,
					     8192, sent);
			else
				wd_prep_crc32(s, src + i * 8192, len, id, sent);
			crc[i] = ref_crc32(id, src + i * 8192, len);
			sent++;
		}
		CHECK(!wd_submit(&q), "submit");
		CHECK(!wd_wait_cqe(&q, &c, 30000), "wait");
		CHECK(c.user_data == done && !c.status, "cqe %u status %d", done,
		      c.status);
		i = done % 8;
		if (done & 1)
			CHECK(c.produced == lens[i] &&
			      !memcmp(dst + i * 8192, src + i * 8192, lens[i]),
			      "copy %u", done);
		else
			CHECK(c.aux == crc[i], "crc %u", done);
		done++;
	}
	wd_queue_close(&q);
	return T_PASS;
}

static void exhaustion(void)
{
	long avail = wd_sysfs_long(0, "available_instances");
	int *fds = malloc(sizeof(int) * (avail + 1));
	long i;

	for (i = 0; i < avail; i++) {
		fds[i] = open("/dev/wd_soft-0", O_RDWR);
		CHECK(fds[i] >= 0, "open %ld of %ld", i, avail);
	}
	CHECK(wd_sysfs_long(0, "available_instances") == 0, "none left");
	CHECK(open("/dev/wd_soft-0", O_RDWR) < 0 && errno == EBUSY,
	      "open past max_queues");
	CHECK(wd_sysfs_long(1, "available_instances") > 0, "other instance");
	for (i = 0; i < avail; i++)
		close(fds[i]);
	CHECK(wd_sysfs_long(0, "available_instances") == avail, "restored");
	free(fds);
}

int main(void)
{
	long a0, a1;
	int i, status, bad = 0;
	pid_t pid;

	wd_require_device(1);
	a0 = wd_sysfs_long(0, "available_instances");
	a1 = wd_sysfs_long(1, "available_instances");
	exhaustion();
	for (i = 0; i < PROCS; i++) {
		pid = fork();
		CHECK(pid >= 0, "fork");
		if (!pid)
			_exit(worker(i));
	}
	for (i = 0; i < PROCS; i++) {
		CHECK(wait(&status) > 0, "wait");
		bad += !WIFEXITED(status) || WEXITSTATUS(status);
	}
	CHECK(!bad, "%d workers failed", bad);
	CHECK(wd_sysfs_long(0, "available_instances") == a0 &&
	      wd_sysfs_long(1, "available_instances") == a1, "restored");
	return T_PASS;
}
