#!/usr/bin/env bash
# The whole test suite: C ABI checks, every package's vitest suite on the
# host Node, the hostile-argument suite and the engine tests under ASan +
# UBSan (scripts/sanitizers.sh), the same suites on the other supported Node
# majors, and the kernel module's C tests in a QEMU guest.
# Prints one closing "N passed, M failed" line over the stages.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0; failed=0; failures=()
stage() {
  local name=$1; shift
  echo "==> $name" >&2
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); failures+=("$name"); fi
}

stage "abi: header compiles as C and C++, layout matches" bash driver/test/abi/run.sh
stage "typecheck" pnpm -r --reporter=append-only run typecheck
stage "vitest on node $(node --version)" pnpm -r --workspace-concurrency=1 --reporter=append-only run test
stage "release: pack the workspace build, check the tarballs, npm install them" node scripts/release/test-release.mjs
stage "sanitizers: ASan+UBSan, hostile-argument suite and engine tests" bash scripts/sanitizers.sh
for major in ${WARPDRIVE_NODE_MATRIX-22 24}; do
  stage "vitest on node $major" bash scripts/node-matrix.sh "$major"
done
stage "driver: wd_soft module in a QEMU guest" bash driver/test/run-driver-tests.sh

echo
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
