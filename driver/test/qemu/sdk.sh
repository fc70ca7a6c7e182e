#!/bin/sh
# Runs inside the test guest, chrooted into the overlay of the host root
# (see sdk_stage in init.sh): host node runs the SDK's kernel-device tests
# (packages/core/test/device-kernel.test.ts) against /dev/wd_soft-0, prints
# one "WDTEST sdk:<test>@<tag> PASS|FAIL|SKIP" line per test, then the SDK
# perf figures as "PERF sdk ..." lines (sdk-perf.mjs: ops/s and syscalls/op;
# sdk-doorbell.mjs: kick eventfd vs ioctl doorbell).
# $1: repo path, $2: boot tag
REPO=$1 TAG=$2
export HOME=/tmp PATH=/usr/local/bin:/usr/bin:/bin WARPDRIVE_DEVICE=wd_soft-0 CI=1 NO_COLOR=1
cd "$REPO/packages/core" || { echo "WDTEST sdk:setup@$TAG FAIL (no $REPO/packages/core)"; exit 1; }
mkdir -p /tmp
# dist/ is built on the host; never let vitest's global set-up rebuild it here.
touch dist/index.js
node "$REPO/node_modules/vitest/vitest.mjs" run test/device-kernel.test.ts \
	--reporter=json --outputFile=/tmp/sdk.json >/tmp/sdk.out 2>&1
node "$REPO/driver/test/qemu/sdk-report.mjs" /tmp/sdk.json "$TAG" || {
	echo "WDTEST sdk:vitest@$TAG FAIL (no report)"
	tail -30 /tmp/sdk.out
}
if [ "${WD_SDK_PERF:-1}" = 1 ]; then
	node "$REPO/driver/test/qemu/sdk-perf.mjs"
	node "$REPO/driver/test/qemu/sdk-doorbell.mjs"
fi
exit 0
