#!/bin/sh
# Runs inside the test guest, chrooted into the overlay of the host root
# (see sdk_stage in init.sh): host node runs each package's kernel-device
# tests (packages/*/test/device-kernel*.test.ts: native, core, then the
# plugins' conformance suites) against /dev/wd_soft-0, prints one
# "WDTEST sdk:<test>@<tag> PASS|FAIL|SKIP" line per test, then the SDK perf
# figures as "PERF sdk ..." lines (sdk-perf.mjs: ops/s and syscalls/op;
# sdk-doorbell.mjs: kick eventfd vs ioctl doorbell).
# $1: repo path, $2: boot tag
REPO=$1 TAG=$2
export HOME=/tmp PATH=/usr/local/bin:/usr/bin:/bin WARPDRIVE_DEVICE=wd_soft-0 CI=1 NO_COLOR=1
mkdir -p /tmp
for pkg in native core plugins-zip plugins-crypto; do
	dir="$REPO/packages/$pkg"
	[ -d "$dir" ] || { echo "WDTEST sdk:setup-$pkg@$TAG FAIL (no $dir)"; continue; }
	files=$(cd "$dir" && ls test/device-kernel*.test.ts test/hostile-conformance.test.ts 2>/dev/null)
	[ -n "$files" ] || continue
	cd "$dir" || continue
	# dist/ is built on the host; never let vitest's global set-up rebuild it here.
	[ -f dist/index.js ] && touch dist/index.js
	# shellcheck disable=SC2086 # one word per test file
	node "$REPO/node_modules/vitest/vitest.mjs" run $files \
		--reporter=json --outputFile="/tmp/sdk-$pkg.json" >"/tmp/sdk-$pkg.out" 2>&1
	node "$REPO/driver/test/qemu/sdk-report.mjs" "/tmp/sdk-$pkg.json" "$TAG" "$pkg" || {
		echo "WDTEST sdk:vitest-$pkg@$TAG FAIL (no report)"
		tail -30 "/tmp/sdk-$pkg.out"
	}
done
if [ "${WD_SDK_PERF:-1}" = 1 ]; then
	node "$REPO/driver/test/qemu/sdk-perf.mjs"
	node "$REPO/driver/test/qemu/sdk-doorbell.mjs"
fi
exit 0
