#!/bin/sh
# /init of the test guest (busybox). @TESTS@ is filled in by run.sh.
# Every result is one console line "WDTEST <name> PASS|FAIL|SKIP".
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null || mdev -s
mount -t tmpfs tmpfs /tmp
tag=$(sed -n 's/.*WD_TAG=\([^ ]*\).*/\1/p' /proc/cmdline)
echo "WDRUN start $tag $(uname -r) cpus=$(grep -c ^processor /proc/cpuinfo)"

result() { echo "WDTEST $1@$tag $2"; }
# WD_CI=1 on the command line: the host run is CI, where a test that cannot
# find what it needs fails instead of skipping (the tests read CI).
if grep -q 'WD_CI=1' /proc/cmdline; then export CI=1; fi

# The crypto engine's kernel crypto modules (no modprobe in this guest).
for m in @CRYPTO_MODULES@; do
	insmod /lib/crypto/$m.ko || result "insmod:$m" FAIL
done
if insmod /lib/uacce.ko && insmod /lib/wd_soft.ko nr_devices=2; then
	result load PASS
else
	result load FAIL
fi
cd /tests
for t in @TESTS@; do
	echo "WDRUN run $t"
	start=$(cut -d. -f1 /proc/uptime)
	timeout 300 ./$t
	rc=$?
	secs=$(( $(cut -d. -f1 /proc/uptime) - start ))
	case $rc in
	0) result "$t" "PASS (${secs}s)" ;;
	77) if [ -n "${CI:-}" ]; then result "$t" "FAIL (skipped under CI)"; else result "$t" SKIP; fi ;;
	*) result "$t" "FAIL rc=$rc" ;;
	esac
done
# SDK stage (WD_SDK=1 on the command line): the host root, shared read-only
# over 9p, under a tmpfs overlay; host node runs the SDK's kernel-device tests.
sdk_stage() {
	for m in virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev \
		virtio_pci 9pnet 9pnet_virtio netfs fscache 9p overlay; do
		insmod /lib/sdk/$m.ko || { result sdk:mount "FAIL insmod $m"; return; }
	done
	mkdir -p /host /ovl /newroot
	if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,cache=loose,ro \
		hostroot /host || ! mount -t tmpfs -o size=512m tmpfs /ovl; then
		result sdk:mount FAIL
		return
	fi
	mkdir -p /ovl/upper /ovl/work
	if ! mount -t overlay overlay \
		-o lowerdir=/host,upperdir=/ovl/upper,workdir=/ovl/work /newroot; then
		result sdk:mount "FAIL overlay"
		return
	fi
	# No tmpfs on /newroot/tmp: the overlay's upper layer already makes it
	# writable, and a fresh tmpfs would hide a checkout that lives in /tmp.
	for d in proc sys dev; do mount -o bind /$d /newroot/$d; done
	result sdk:mount PASS
	start=$(cut -d. -f1 /proc/uptime)
	# sdk.sh reports each test; if it cannot even start, that is a failure
	# too, never a stage that silently reports nothing.
	timeout 1200 chroot /newroot /bin/sh "@REPO@/driver/test/qemu/sdk.sh" "@REPO@" "$tag" ||
		result sdk:run "FAIL sdk.sh exit $?"
	echo "WDRUN sdk $(( $(cut -d. -f1 /proc/uptime) - start ))s"
	for d in dev sys proc; do umount /newroot/$d; done
	umount /newroot
}
grep -q 'WD_SDK=1' /proc/cmdline && sdk_stage

# Every queue is closed now: both modules must unload cleanly.
if rmmod wd_soft && rmmod uacce; then
	result rmmod PASS
else
	result rmmod FAIL
fi
echo "WDRUN done"
poweroff -f
