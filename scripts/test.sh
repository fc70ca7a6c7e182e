#!/usr/bin/env bash
# The whole test suite: C ABI checks, every package's vitest suite on the
# host Node, the hostile-argument suite and the engine tests under ASan +
# UBSan (scripts/sanitizers.sh), the same suites on the other supported Node
# majors, the release (packed tarballs installed on bare x64 and arm64 Debian
# root file systems), and the kernel module's C tests in a QEMU guest.
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
# The release as a user gets it: self-contained binaries for every prebuilt
# target (bullseye glibc, static third-party libraries), packed at one version
# into .release/, then installed from those tarballs on bare Debian root file
# systems (x64 natively, arm64 under qemu-user) with no compiler in them.
stage "release: pnpm release:pack, every target, binaries and tarballs checked" pnpm --silent release:pack
stage "proof: bare Debian x64, npm and pnpm 10 install, quickstart, CommonJS, TypeScript, Fastify" bash scripts/proof/run.sh --tarballs .release
stage "proof: bare Debian arm64 under qemu-user, the same install and checks, conformance smoke" bash scripts/proof/run.sh --arch arm64 --tarballs .release
stage "sanitizers: ASan+UBSan, hostile-argument suite and engine tests" bash scripts/sanitizers.sh
for major in ${WARPDRIVE_NODE_MATRIX-22 24}; do
  stage "vitest on node $major" bash scripts/node-matrix.sh "$major"
done
stage "driver: wd_soft module in a QEMU guest" bash driver/test/run-driver-tests.sh

echo
for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
