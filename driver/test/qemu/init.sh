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
	77) result "$t" SKIP ;;
	*) result "$t" "FAIL rc=$rc" ;;
	esac
done
# Every queue is closed now: both modules must unload cleanly.
if rmmod wd_soft && rmmod uacce; then
	result rmmod PASS
else
	result rmmod FAIL
fi
echo "WDRUN done"
poweroff -f
