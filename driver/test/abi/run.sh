#!/usr/bin/env bash
# ABI scenarios: the header compiles as strict C and C++ with the asserted
# layout, and the addon's exported layout table equals what the C compiler
# sees. Each scenario is a program: exit 0 pass, 1 fail, 77 skip (a failure
# when CI is set).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
inc=(-I "$root/driver/include/uapi")
cflags=(-std=c11 -Wall -Wextra -Werror -pedantic -Wpadded)
cxxflags=(-std=c++17 -Wall -Wextra -Werror -pedantic -Wpadded)

passed=0; failed=0; skipped=0
run() {
  local name=$1; shift
  "$@"; local rc=$?
  case $rc in
    0) passed=$((passed + 1)); echo "PASS $name" ;;
    77) if [ -n "${CI:-}" ]; then
          failed=$((failed + 1)); echo "FAIL $name (skipped, and CI is set)"
        else
          skipped=$((skipped + 1)); echo "SKIP $name"
        fi ;;
    *) failed=$((failed + 1)); echo "FAIL $name (exit $rc)" ;;
  esac
}

build_run_c() { gcc "${cflags[@]}" "${inc[@]}" -o "$out/$1" "$here/$2" && "$out/$1"; }
build_run_cxx() { g++ "${cxxflags[@]}" "${inc[@]}" -o "$out/$1" "$here/$2" && "$out/$1"; }

compare_with_addon() {
  gcc -std=c11 -Wall -Werror "${inc[@]}" -o "$out/dump" "$here/dump_layout.c" || return 1
  "$out/dump" > "$out/layout.json" || return 1
  (cd "$root/packages/native" && node --input-type=module -e '
    import { readFileSync } from "node:fs";
    const { native } = await import("./dist/index.js");
    const c = JSON.parse(readFileSync(process.argv[1], "utf8"));
    let bad = 0;
    for (const kind of ["sizes", "offsets"]) {
      for (const [k, v] of Object.entries(c[kind])) {
        if (native.abi[kind][k] !== v) { console.error(`${kind} ${k}: C says ${v}, addon says ${native.abi[kind][k]}`); bad++; }
      }
    }
    process.exit(bad ? 1 : 0);
  ' "$out/layout.json")
}

run "header compiles as C11 with the asserted layout" build_run_c layout_c layout_c.c
run "header compiles as C++17 with the asserted layout" build_run_cxx layout_cxx layout_cxx.cc
run "addon layout table equals the C compiler's" compare_with_addon
echo "abi: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
