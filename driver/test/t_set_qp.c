// SPDX-License-Identifier: GPL-2.0
/* SET_QP validates its parameters and is refused once the rings exist. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "wd_test.h"

const char *wd_test_name = "set_qp";

static int set_qp(int fd, uint32_t entries, uint32_t feat, uint64_t data,
		  uint64_t resv)
{
	struct wd_soft_qp_params p = { entries, feat, data, { resv, 0 } };

	return ioctl(fd, WD_SOFT_IOCTL_SET_QP, &p) ? -errno : 0;
}

int main(void)
{
	struct wdq q;
	int fd;

	wd_require_device(0);
	fd = open("/dev/wd_soft-0", O_RDWR);
	CHECK(fd >= 0, "open");
	CHECK(set_qp(fd, 0, 0, 0, 0) == -EINVAL, "0 entries");
	CHECK(set_qp(fd, 3, 0, 0, 0) == -EINVAL, "not a power of two");
	CHECK(set_qp(fd, 65536, 0, 0, 0) == -EINVAL, "too deep");
	CHECK(set_qp(fd, 4, 0, 0, 1) == -EINVAL, "resv");
	CHECK(set_qp(fd, 4, WD_FEAT_NOSVA, 0, 0) == -EINVAL, "no-SVA, no data");
	CHECK(set_qp(fd, 4, 0, 4096, 0) == -EINVAL, "data region without no-SVA");
	CHECK(set_qp(fd, 4, WD_FEAT_NOSVA, 1ULL << 40, 0) == -EINVAL,
	      "data region too large");
	CHECK(set_qp(fd, 4, WD_FEAT_NOSVA, 4096, 0) == 0, "no-SVA");
	CHECK(ioctl(fd, WD_SOFT_IOCTL_SET_QP, (void *)16) && errno == EFAULT,
	      "bad pointer");
	CHECK(set_qp(fd, 32768, 0, 0, 0) == 0, "max depth");
	CHECK(set_qp(fd, 1, 0, 0, 0) == 0, "min depth, twice");
	CHECK(ioctl(fd, WD_SOFT_IOCTL_DOORBELL) && errno == EBADFD,
	      "doorbell before START_Q");
	close(fd);

	CHECK(!wd_queue_open(&q, 0, 32768), "max depth queue");
	CHECK(q.sq_entries == 32768 && q.info->ring_bytes <= q.ring_len, "max");
	CHECK(set_qp(q.fd, 4, 0, 0, 0) == -EBUSY, "SET_QP after mmap");
	wd_queue_close(&q);
	return T_PASS;
}
