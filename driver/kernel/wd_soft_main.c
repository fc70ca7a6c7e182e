// SPDX-License-Identifier: GPL-2.0
/*
 * wd_soft - a uacce parent driver whose "hardware" is a kernel worker.
 *
 * Each instance registers /dev/wd_soft-<id> through the upstream uacce API.
 * open() gets a queue, mmap() maps its doorbell page (MMIO) and its rings
 * (DUS), the worker enters the owner's mm with kthread_use_mm() and reaches
 * the buffers a descriptor names by virtual address: software SVA.
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include "wd_soft_drv.h"

static unsigned int nr_devices = 2;
module_param(nr_devices, uint, 0444);
MODULE_PARM_DESC(nr_devices, "number of /dev/wd_soft-N instances (1-16)");

static unsigned int max_queues = 64;
module_param(max_queues, uint, 0444);
MODULE_PARM_DESC(max_queues, "queues per instance (1-1024)");

static unsigned int max_data_mb = 16;
module_param(max_data_mb, uint, 0444);
MODULE_PARM_DESC(max_data_mb, "largest no-SVA data region per queue, MiB (1-256)");

#define WD_SOFT_MAX_DEVICES	16

unsigned long wd_soft_max_data;

struct workqueue_struct *wd_soft_wq;
static struct wd_dev *wd_devs;

static int wd_get_available_instances(struct uacce_device *uacce)
{
	struct wd_dev *wdev = uacce->priv;

	return wdev->max_queues - atomic_read(&wdev->nr_queues);
}

static int wd_get_queue(struct uacce_device *uacce, unsigned long arg,
			struct uacce_queue *uq)
{
	struct wd_dev *wdev = uacce->priv;
	int ret;

	/* An open queue pins the module: rmmod is refused, not raced. */
	if (!try_module_get(THIS_MODULE))
		return -ENODEV;
	if (atomic_inc_return(&wdev->nr_queues) > wdev->max_queues) {
		ret = -EBUSY;
		goto err_count;
	}
	ret = wd_queue_create(wdev, uq);
	if (ret)
		goto err_count;
	return 0;

err_count:
	atomic_dec(&wdev->nr_queues);
	module_put(THIS_MODULE);
	return ret;
}

static void wd_put_queue(struct uacce_queue *uq)
{
	struct wd_queue *q = uq->priv;
	struct wd_dev *wdev = q->wdev;

	wd_queue_destroy(q);
	uq->priv = NULL;
	atomic_dec(&wdev->nr_queues);
	/*
	 * Our caller (uacce) holds uacce_device.mutex, which our module_exit
	 * path (uacce_remove) also takes: the module cannot go away before
	 * this function has returned.
	 */
	module_put(THIS_MODULE);
}

static int wd_start_queue(struct uacce_queue *uq)
{
	struct wd_queue *q = uq->priv;

	if (current->mm != q->mm)
		return -EPERM;
	return wd_queue_start(q);
}

static void wd_stop_queue(struct uacce_queue *uq)
{
	struct wd_queue *q = uq->priv;

	/*
	 * uacce calls this for PUT_Q and on release. A PUT_Q from another mm
	 * (a forked child) is ignored; on release wd_put_queue() stops the
	 * queue whoever the last closer is.
	 */
	if (current->mm != q->mm)
		return;
	wd_queue_stop(q);
}

static int wd_is_q_updated(struct uacce_queue *uq)
{
	return wd_queue_cq_pending(uq->priv);
}

static int wd_mmap(struct uacce_queue *uq, struct vm_area_struct *vma,
		   struct uacce_qfile_region *qfr)
{
	return wd_queue_mmap(uq->priv, vma, qfr->type);
}

static long wd_ioctl(struct uacce_queue *uq, unsigned int cmd,
		     unsigned long arg)
{
	return wd_queue_ioctl(uq->priv, cmd, arg);
}

static const struct uacce_ops wd_uacce_ops = {
	.get_available_instances = wd_get_available_instances,
	.get_queue	= wd_get_queue,
	.put_queue	= wd_put_queue,
	.start_queue	= wd_start_queue,
	.stop_queue	= wd_stop_queue,
	.is_q_updated	= wd_is_q_updated,
	.mmap		= wd_mmap,
	.ioctl		= wd_ioctl,
};

static size_t wd_max_ring_bytes(void)
{
	size_t sq = (size_t)WD_RING_MAX_ENTRIES * sizeof(struct wd_sqe);
	size_t cq = (size_t)2 * WD_RING_MAX_ENTRIES * sizeof(struct wd_cqe);

	/* info + constants line + five index lines, the two arrays, data */
	return PAGE_ALIGN(ALIGN(sizeof(struct wd_ring_info), WD_SOFT_CACHE_LINE) +
			  6 * WD_SOFT_CACHE_LINE + sq + cq) + wd_soft_max_data;
}

static int wd_dev_register(struct wd_dev *wdev, int id)
{
	struct uacce_interface iface = {
		.name = WD_SOFT_NAME,
		/*
		 * Not UACCE_DEV_SVA: in 6.1 uacce that flag means IOMMU SVA
		 * (iommu_sva_bind_device() on every open). Our SVA is done in
		 * software and reported in wd_ring_info.features.
		 */
		.flags = 0,
		.ops = &wd_uacce_ops,
	};
	struct uacce_device *uacce;
	int ret;

	wdev->max_queues = max_queues;
	wdev->pdev = platform_device_register_simple(WD_SOFT_NAME, id, NULL, 0);
	if (IS_ERR(wdev->pdev))
		return PTR_ERR(wdev->pdev);

	uacce = uacce_alloc(&wdev->pdev->dev, &iface);
	if (IS_ERR(uacce)) {
		ret = PTR_ERR(uacce);
		goto err_pdev;
	}
	uacce->priv = wdev;
	/* core, zip, then the crypto engine (names as the plugins spell them) */
	uacce->algs = "nop\ncopy\ncrc32\ndeflate\nzlib\ngzip\n"
		"aes-128-gcm\naes-192-gcm\naes-256-gcm\naes-128-ctr\naes-192-ctr\naes-256-ctr\n"
		"aes-128-cbc\naes-192-cbc\naes-256-cbc\nsha1\nsha224\nsha256\nsha384\nsha512\n"
		"hmac-sha256\nhmac-sha384\nhmac-sha512";
	uacce->api_ver = WD_SOFT_API_V1;
	uacce->qf_pg_num[UACCE_QFRT_MMIO] = 1;
	uacce->qf_pg_num[UACCE_QFRT_DUS] = wd_max_ring_bytes() >> PAGE_SHIFT;
	wdev->uacce = uacce;

	ret = uacce_register(uacce);
	if (ret)
		goto err_uacce;
	return 0;

err_uacce:
	uacce_remove(uacce);
	wdev->uacce = NULL;
err_pdev:
	platform_device_unregister(wdev->pdev);
	wdev->pdev = NULL;
	return ret;
}

static void wd_dev_unregister(struct wd_dev *wdev)
{
	if (wdev->uacce)
		uacce_remove(wdev->uacce);
	if (wdev->pdev)
		platform_device_unregister(wdev->pdev);
}

static int __init wd_soft_init(void)
{
	unsigned int i;
	int ret;

	if (nr_devices < 1 || nr_devices > WD_SOFT_MAX_DEVICES ||
	    max_queues < 1 || max_queues > 1024 ||
	    max_data_mb < 1 || max_data_mb > 256)
		return -EINVAL;
	wd_soft_max_data = (unsigned long)max_data_mb << 20;

	/*
	 * Per-CPU, so a doorbell runs the worker on the submitter's CPU (no
	 * cross-CPU wake-up per batch: 20x faster at batch 1 on 2 vCPUs);
	 * CPU_INTENSIVE, so a long request does not hold up other work items.
	 */
	wd_soft_wq = alloc_workqueue(WD_SOFT_NAME, WQ_CPU_INTENSIVE, 0);
	if (!wd_soft_wq)
		return -ENOMEM;

	wd_devs = kcalloc(nr_devices, sizeof(*wd_devs), GFP_KERNEL);
	if (!wd_devs) {
		ret = -ENOMEM;
		goto err_wq;
	}
	for (i = 0; i < nr_devices; i++) {
		ret = wd_dev_register(&wd_devs[i], i);
		if (ret)
			goto err_devs;
	}
	return 0;

err_devs:
	while (i--)
		wd_dev_unregister(&wd_devs[i]);
	kfree(wd_devs);
err_wq:
	destroy_workqueue(wd_soft_wq);
	return ret;
}

static void __exit wd_soft_exit(void)
{
	unsigned int i;

	for (i = 0; i < nr_devices; i++)
		wd_dev_unregister(&wd_devs[i]);
	kfree(wd_devs);
	destroy_workqueue(wd_soft_wq);
}

module_init(wd_soft_init);
module_exit(wd_soft_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("warpdrive software accelerator (uacce parent, software SVA)");
MODULE_SOFTDEP("pre: uacce");
