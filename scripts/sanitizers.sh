#!/usr/bin/env bash
# The native code under AddressSanitizer + UBSan (issue 16): builds the
# addon (packages/native `build:asan` → build-asan/) and the zip and crypto
# engines (`build-engine.mjs --sanitize` → build-asan/; the normal builds are
# untouched), then runs, in node processes with gcc's libasan preloaded and
# WARPDRIVE_NATIVE_BUILD=asan (so @warpdrive/native and the plugins load
# those builds):
#   - every vitest file named *hostile* in a workspace package's test/
#     (the hostile-argument suite and its regressions: zip, crypto, CLI, …);
#   - the engine tests: the zip engine's C tests (scripts/test-engine.mjs,
#     sanitized executables) and the crypto engine's C rule programs
#     (test/engine-rules.test.ts, dlopen()ing the sanitized engine).
# Any sanitizer report fails the stage: halt_on_error makes the process
# exit non-zero, and the output is also scanned for reports, in case one
# came from a child process whose exit status was not checked. Leak
# detection is off: node itself does not free everything at exit.
# With CI set, finding no *hostile* file fails the stage; outside CI it
# skips with the reason. Prints the stage's duration.
set -uo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
cc=${CC:-gcc}

fail() { echo "sanitizers: FAIL: $*" >&2; exit 1; }

libasan=$("$cc" -print-file-name=libasan.so)
[ -f "$libasan" ] || fail "libasan.so not found ($cc -print-file-name=libasan.so gave '$libasan'; install gcc's libasan)"

# Test files first: nothing to build for if there is nothing to run.
declare -A files=()
total=0
for dir in packages/* examples/*; do
  [ -d "$dir/test" ] || continue
  found=$(cd "$dir" && find test -name '*hostile*.test.ts' | sort | tr '\n' ' ')
  [ -n "$found" ] || continue
  files[$dir]=$found
  total=$((total + $(wc -w <<<"$found")))
done
if [ "$total" -eq 0 ]; then
  [ -n "${CI:-}" ] && fail "no *hostile*.test.ts file in any package's test/ (CI is set)"
  echo "sanitizers: skipped: no *hostile*.test.ts file in any package's test/" >&2
  exit 0
fi
echo "sanitizers: $total hostile test files: ${!files[*]}" >&2

echo "sanitizers: building the ASan+UBSan addon and engines" >&2
(cd packages/native && pnpm --silent run build:asan >/dev/null) || fail "packages/native build:asan"
node packages/plugins-zip/scripts/build-engine.mjs --sanitize >/dev/null || fail "zip engine --sanitize"
node packages/plugins-crypto/scripts/build-engine.mjs --sanitize >/dev/null || fail "crypto engine --sanitize"
echo "sanitizers: built in $((SECONDS - start)) s" >&2

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
asan_env=(
  LD_PRELOAD="$libasan"
  ASAN_OPTIONS="halt_on_error=1:detect_leaks=0:abort_on_error=0:exitcode=99"
  UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:exitcode=99"
  WARPDRIVE_NATIVE_BUILD=asan
)
run() { # label, dir, command…
  local label=$1 dir=$2 t=$SECONDS; shift 2
  echo "sanitizers: $label" >&2
  (cd "$dir" && env "${asan_env[@]}" "$@") 2>&1 | tee -a "$log"
  local rc=${PIPESTATUS[0]}
  if [ "$rc" -ne 0 ]; then echo "sanitizers: $label: exit $rc" >&2; status=1; fi
  echo "sanitizers: $label: $((SECONDS - t)) s" >&2
}

for dir in "${!files[@]}"; do
  # shellcheck disable=SC2086 # the file list is split on purpose
  run "vitest $dir: ${files[$dir]}" "$dir" pnpm exec vitest run ${files[$dir]}
done
# The hostile files again on the other supported Node majors (the addon is
# Node-API 8 and holds backing stores through V8's exported symbols: each
# V8 is its own case).
for major in ${WARPDRIVE_NODE_MATRIX-22 24}; do
  bin=$(bash scripts/node-matrix.sh "$major" --bin-dir) || fail "node $major"
  for dir in "${!files[@]}"; do
    # shellcheck disable=SC2086
    PATH="$bin:$PATH" run "node $major: vitest $dir: ${files[$dir]}" "$dir" pnpm exec vitest run ${files[$dir]}
  done
done
# The zip engine's C tests are sanitized executables: no preload needed.
echo "sanitizers: zip engine C tests" >&2
t=$SECONDS
node packages/plugins-zip/scripts/test-engine.mjs 2>&1 | tee -a "$log"
[ "${PIPESTATUS[0]}" -eq 0 ] || { echo "sanitizers: zip engine C tests failed" >&2; status=1; }
echo "sanitizers: zip engine C tests: $((SECONDS - t)) s" >&2
run "crypto engine C rules" packages/plugins-crypto pnpm exec vitest run test/engine-rules.test.ts

if grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|SUMMARY: (AddressSanitizer|UndefinedBehaviorSanitizer)|runtime error: ' "$log"; then
  echo "sanitizers: sanitizer reports:" >&2
  grep -E -A3 'ERROR: (AddressSanitizer|LeakSanitizer)|SUMMARY: |runtime error: ' "$log" | head -60 >&2
  status=1
fi
echo "sanitizers: $([ "$status" -eq 0 ] && echo ok || echo FAILED) in $((SECONDS - start)) s" >&2
exit "$status"
