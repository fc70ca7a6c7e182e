// SPDX-License-Identifier: GPL-2.0
/* sysfs attributes are right, available_instances tracks open queues. */
#include <string.h>
#include <unistd.h>

#include "wd_test.h"

const char *wd_test_name = "sysfs";

int main(void)
{
	struct wdq q;
	char buf[512];	/* algorithms lists every engine's names */
	long avail;

	wd_require_device(0);
	CHECK(!wd_sysfs_str(0, "api", buf, sizeof(buf)), "api");
	CHECK(!strcmp(buf, WD_SOFT_API_V1 "\n"), "api is %s", buf);
	CHECK(!wd_sysfs_str(0, "algorithms", buf, sizeof(buf)), "algorithms");
	CHECK(strstr(buf, "nop") && strstr(buf, "copy") && strstr(buf, "crc32"),
	      "algorithms: %s", buf);
	CHECK(strstr(buf, "deflate") && strstr(buf, "zlib") && strstr(buf, "gzip"),
	      "zip algorithms: %s", buf);
	/* the crypto engine, named as plugins-crypto names them */
	CHECK(strstr(buf, "aes-256-gcm\n") && strstr(buf, "aes-128-cbc\n") &&
	      strstr(buf, "sha512\n") && strstr(buf, "hmac-sha512"),
	      "crypto algorithms: %s", buf);
	/* 6.1 uacce's UACCE_DEV_SVA means IOMMU SVA; ours is in the ring info */
	CHECK(wd_sysfs_long(0, "flags") == 0, "flags");
	CHECK(wd_sysfs_long(0, "region_mmio_size") == getpagesize(), "mmio size");
	CHECK(wd_sysfs_long(0, "region_dus_size") >= 4 << 20, "dus size");
	CHECK(wd_sysfs_long(1, "available_instances") > 0, "second instance");

	avail = wd_sysfs_long(0, "available_instances");
	CHECK(avail > 0, "available_instances %ld", avail);
	CHECK(!wd_queue_open(&q, 0, 64), "open");
	CHECK(wd_sysfs_long(0, "available_instances") == avail - 1, "decrement");

	CHECK(q.info->magic == WD_RING_MAGIC, "magic");
	CHECK(q.info->version == WD_RING_VERSION, "version");
	CHECK(q.info->info_size == sizeof(struct wd_ring_info), "info_size");
	CHECK(q.info->sqe_size == 64 && q.info->cqe_size == 32, "entry sizes");
	CHECK(q.sq_entries == 64 && q.cq_entries == 128, "entries");
	CHECK(q.sq_mask == 63 && q.cq_mask == 127, "masks");
	CHECK(q.info->features & WD_FEAT_SVA, "SVA feature");
	CHECK(q.info->features & WD_FEAT_KICK_EVENTFD, "kick feature");
	CHECK(!(q.info->features & WD_FEAT_NOSVA), "no-SVA not granted");
	CHECK(q.info->ring_bytes <= q.ring_len, "ring_bytes");
	/* every index on its own cache line */
	CHECK(q.info->sq_off.head / 64 != q.info->sq_off.tail / 64 &&
	      q.info->cq_off.head / 64 != q.info->cq_off.tail / 64 &&
	      q.info->sq_off.tail / 64 != q.info->sq_off.flags / 64, "lines");
	CHECK(*q.sq_flags & WD_SQ_NEED_WAKEUP, "device starts asleep");
	wd_queue_close(&q);
	CHECK(wd_sysfs_long(0, "available_instances") == avail, "restored");
	return T_PASS;
}
