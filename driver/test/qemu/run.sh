#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build uacce.ko (out of tree, from Debian's linux-source-6.1), wd_soft.ko and
# the C tests, boot Debian's own kernel in QEMU (TCG) with a busybox
# initramfs, run every test in the guest, and decide pass/fail from the
# result lines on the serial console (never from QEMU's exit status).
#
# Prints a closing line "N passed, M failed, K skipped"; exits 0 iff M == 0.
#
# Environment:
#   WD_DRIVER_CACHE  cache dir (default <repo>/.cache/driver-test)
#   WD_QEMU_TIMEOUT  host timeout per boot in seconds (default 1500: the SDK
#                    stage with the hostile-argument suite takes about 10 min under TCG)
#   WD_RACE          1 (default): second boot with 2 vCPUs for the race tests
#   WD_TESTS         space-separated subset of tests for the first boot
#   WD_RACE_TESTS    same for the 2-vCPU boot
#   WD_SMP1          1 (default): the 1-vCPU boot (0: only the race boot)
#   WD_SDK           1 (default): in the 1-vCPU boot, share the host root over
#                    9p (read-only, tmpfs overlay) and run host node on the SDK's
#                    kernel-device tests and perf (needs the built addon + core)
#   CI               set: a skip anywhere (a C test's exit 77, an SDK test
#                    skipped, the SDK stage not ready) counts as a failure, and
#                    the guest gets WD_CI=1 so its tests fail instead of skipping
set -Eeuo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
CACHE=${WD_DRIVER_CACHE:-$REPO/.cache/driver-test}
TIMEOUT=${WD_QEMU_TIMEOUT:-1500}
RACE=${WD_RACE:-1}
CRYPTO_TESTS="t_crypto_kat t_crypto_stream t_crypto_tag t_crypto_badparam t_crypto_efault
t_crypto_sessions t_crypto_wrap t_crypto_close t_crypto_batch"
ALL_TESTS="t_sysfs t_set_qp t_nosva t_nop_poll t_copy_crc t_wrap t_bad_sqe t_efault
t_mmap t_fork t_put_q t_close_inflight t_sigkill t_multi $CRYPTO_TESTS t_fuzz t_perf
t_zip_oneshot t_zip_errors t_zip_stream t_zip_close t_unload"
RACE_TESTS=${WD_RACE_TESTS:-t_fuzz t_multi t_close_inflight t_sigkill t_put_q t_fork t_crypto_close t_crypto_batch t_perf t_zip_close t_unload}
TESTS=${WD_TESTS:-$ALL_TESTS}
SDK=${WD_SDK:-1}
# Crypto API pieces the crypto engine needs that Debian builds as modules
# (aes, cbc, sha1/256, hmac are built in), in dependency order.
CRYPTO_MODULES="ctr gf128mul ghash-generic sha512_generic"
# Kernel modules of the 9p + overlay share, in dependency order.
SDK_MODULES="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev
virtio_pci 9pnet 9pnet_virtio netfs fscache 9p overlay"

log() { echo "run.sh: $*" >&2; }

install_packages() {
	local want="qemu-system-x86 linux-headers-amd64 linux-source-6.1
		busybox-static cpio kmod gcc make libc6-dev xz-utils zlib1g-dev" missing=""
	local p
	for p in $want; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q "install ok installed" || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	log "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y --no-install-recommends $missing >/dev/null ||
		{ apt-get update >/dev/null &&
		  apt-get install -y --no-install-recommends $missing >/dev/null; }
}

# The kernel we build for and boot: the one linux-headers-amd64 points at.
kernel_version() {
	dpkg-query -W -f='${Depends}' linux-headers-amd64 |
		sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p'
}

fetch_image() {
	local deb
	mkdir -p "$CACHE/debs"
	deb=$(ls "$CACHE"/debs/linux-image-"$KVER"_*.deb 2>/dev/null | head -1 || true)
	if [ -z "$deb" ]; then
		log "downloading linux-image-$KVER"
		(cd "$CACHE/debs" && { apt-get download "linux-image-$KVER" ||
			apt-get download "linux-image-$KVER-unsigned"; }) >/dev/null
		deb=$(ls "$CACHE"/debs/linux-image-"$KVER"*.deb | head -1)
	fi
	if [ ! -f "$CACHE/image/boot/vmlinuz-$KVER" ]; then
		rm -rf "$CACHE/image"
		dpkg-deb -x "$deb" "$CACHE/image"	# extracted, never installed
	fi
	VMLINUZ="$CACHE/image/boot/vmlinuz-$KVER"
}

build_uacce() {
	local src=/usr/src/linux-source-6.1.tar.xz dir="$CACHE/build/uacce"
	mkdir -p "$dir"
	if [ ! -f "$dir/uacce.c" ]; then
		log "extracting drivers/misc/uacce from linux-source-6.1"
		tar -xJf "$src" -O linux-source-6.1/drivers/misc/uacce/uacce.c \
			>"$dir/uacce.c"
	fi
	printf 'obj-m := uacce.o\nccflags-y += -DCONFIG_UACCE_MODULE=1\n' \
		>"$dir/Kbuild"
	make -s -C "$KDIR" M="$dir" modules >/dev/null
}

build_wd_soft() {
	local dir="$CACHE/build/driver"
	rm -rf "$dir"
	mkdir -p "$dir/kernel" "$dir/include"
	cp "$REPO"/driver/kernel/{Kbuild,Makefile,*.c,*.h} "$dir/kernel/"
	rm -f "$dir"/kernel/*.mod.c
	cp -r "$REPO/driver/include/uapi" "$dir/include/"
	make -s -C "$dir/kernel" KDIR="$KDIR" \
		UACCE_SYMVERS="$CACHE/build/uacce/Module.symvers" >/dev/null
}

build_tests() {
	local out="$CACHE/build/tests" t
	mkdir -p "$out"
	for t in $ALL_TESTS; do
		# the zip tests check against userspace zlib (static libz.a)
		gcc -static -O2 -Wall -Wextra -Wno-unused-parameter -Werror \
			-I"$REPO/driver/include/uapi" -o "$out/$t" \
			"$HERE/../$t.c" "$HERE/../wd_test.c" \
			$(case $t in t_zip_*) echo -lz ;; esac)
	done
}

# $1: initramfs path, $2: tests to run in the guest
build_initramfs() {
	local root="$CACHE/build/root" a
	rm -rf "$root"
	mkdir -p "$root"/{bin,dev,proc,sys,tmp,lib,tests}
	cp /bin/busybox "$root/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
	done
	cp "$CACHE/build/uacce/uacce.ko" "$CACHE/build/driver/kernel/wd_soft.ko" \
		"$root/lib/"
	cp "$CACHE"/build/tests/t_* "$root/tests/"
	mkdir -p "$root/lib/crypto"
	for a in $CRYPTO_MODULES; do
		find "$CACHE/image/lib/modules/$KVER/kernel/crypto" -name "$a.ko" \
			-exec cp {} "$root/lib/crypto/" \;
	done
	if [ "${3:-0}" = 1 ]; then
		mkdir -p "$root/lib/sdk"
		for a in $SDK_MODULES; do
			find "$CACHE/image/lib/modules/$KVER/kernel" -name "$a.ko" \
				-exec cp {} "$root/lib/sdk/" \;
		done
	fi
	sed -e "s|@TESTS@|$(echo $2)|" -e "s|@CRYPTO_MODULES@|$(echo $CRYPTO_MODULES)|" -e "s|@REPO@|$REPO|g" "$HERE/init.sh" >"$root/init"
	chmod +x "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$1"
}

# $1: tag, $2: vCPUs, $3: initramfs, $4: 1 = SDK stage (host root over 9p).
# Console goes to stdout and $CACHE/$1.log.
boot() {
	local share=() sdk=0
	if [ "${4:-0}" = 1 ]; then
		share=(-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap")
		sdk=1
	fi
	log "booting $KVER ($2 vCPU, TCG) for '$1'"
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 -nodefaults -display none \
		-serial stdio -no-reboot -m 2G -smp "$2" -accel tcg "${share[@]}" \
		-kernel "$VMLINUZ" -initrd "$3" \
		-append "console=ttyS0 panic=-1 oops=panic panic_on_warn=1 WD_TAG=$1 WD_SDK=$sdk WD_CI=${CI:+1}" \
		</dev/null | sed -u 's/\r$//' | tee "$CACHE/$1.log" || true
}

# Count result lines; a kernel splat or an unfinished run is a failure too.
PASSED=0 FAILED=0 SKIPPED=0
score() {
	local logf="$CACHE/$1.log" p f s
	p=$(grep -c '^WDTEST .* PASS' "$logf" || true)
	f=$(grep -c '^WDTEST .* FAIL' "$logf" || true)
	s=$(grep -c '^WDTEST .* SKIP' "$logf" || true)
	if grep -qE 'WARNING:|BUG:|Oops|Kernel panic|general protection|lockdep|possible recursive locking|circular locking|soft lockup|hung_task|Call Trace' "$logf"; then
		log "$1: kernel warning/oops on the console:"
		grep -nE 'WARNING:|BUG:|Oops|Kernel panic|general protection|lockdep|Call Trace' "$logf" | head -5 >&2
		f=$((f + 1))
	fi
	if ! grep -q '^WDRUN done' "$logf"; then
		log "$1: the guest did not finish (timeout or panic)"
		f=$((f + 1))
	fi
	PASSED=$((PASSED + p)) FAILED=$((FAILED + f)) SKIPPED=$((SKIPPED + s))
}

# The SDK stage needs host node and the built addon + core (it runs them
# from the shared host root); without them it is skipped, loudly (a failure
# under CI: see main).
sdk_ready() {
	local f
	for f in "$REPO/packages/native/build/Release/warpdrive_native.node" \
		"$REPO/packages/core/dist/index.js" "$REPO/node_modules/vitest/vitest.mjs"; do
		if [ ! -f "$f" ]; then
			log "SDK stage skipped: $f missing (pnpm -r build)"
			SKIPPED=$((SKIPPED + 1))
			return 1
		fi
	done
	command -v node >/dev/null || { log "SDK stage skipped: no node"; SKIPPED=$((SKIPPED + 1)); return 1; }
}

# A set-up or build failure still ends with a closing line.
on_error() {
	log "set-up or build failed (line $1)"
	echo "0 passed, 1 failed"
}

main() {
	local t0=$SECONDS t
	trap 'on_error $LINENO' ERR
	rm -f "$CACHE"/smp1.log "$CACHE"/smp2.log
	install_packages
	KVER=$(kernel_version)
	KDIR=/usr/src/linux-headers-$KVER
	[ -n "$KVER" ] && [ -d "$KDIR" ] || { log "no headers for '$KVER'"; exit 1; }
	mkdir -p "$CACHE"
	fetch_image
	build_uacce
	build_wd_soft
	build_tests
	log "built for $KVER in $((SECONDS - t0)) s"
	trap - ERR

	if [ "$SDK" = 1 ] && ! sdk_ready; then
		SDK=0
	fi
	if [ "${WD_SMP1:-1}" = 1 ]; then
		build_initramfs "$CACHE/initramfs-1.gz" "$TESTS" "$SDK"
		boot smp1 1 "$CACHE/initramfs-1.gz" "$SDK"
		score smp1
	fi
	if [ "$RACE" = 1 ]; then
		build_initramfs "$CACHE/initramfs-2.gz" "$RACE_TESTS"
		boot smp2 2 "$CACHE/initramfs-2.gz"
		score smp2
	fi
	for t in smp1 smp2; do
		[ -f "$CACHE/$t.log" ] && sed -n "s/^PERF /PERF $t /p" "$CACHE/$t.log" >&2
		[ -f "$CACHE/$t.log" ] && { grep '^WDTEST sdk:.* FAIL' "$CACHE/$t.log" >&2 || true; }
	done
	log "total $((SECONDS - t0)) s"
	if [ -n "${CI:-}" ] && [ "$SKIPPED" -gt 0 ]; then
		log "CI is set: $SKIPPED skipped test(s) count as failures"
		FAILED=$((FAILED + SKIPPED))
	fi
	echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	[ "$FAILED" -eq 0 ]
}

main "$@"
