#!/usr/bin/env bash
# Usage: scripts/arm64/run.sh [--tarballs DIR]
#
# The arm64 smoke: in a bare arm64 Debian bookworm chroot (rootfs.sh) run under
# qemu-user-static on this x64 machine, install the release tarballs (default: .release/,
# written by `pnpm release:pack`, including warpdrive-*-linux-arm64-gnu-*.tgz) with npm
# into a fresh project, then run the quickstart and the conformance smoke (smoke.mjs)
# with the installed arm64 binaries on the soft device.
#
# Prints one line per step and `N passed, M failed`; exits non-zero on any failure.
# A missing prerequisite (no arm64 tarballs) fails under CI and is reported as skipped
# otherwise.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

tarballs=$arm64_repo/.release
while [ $# -gt 0 ]; do
  case $1 in
    --tarballs) tarballs=$(cd "$2" && pwd); shift 2 ;;
    --tarballs=*) tarballs=$(cd "${1#*=}" && pwd); shift ;;
    *) echo "usage: $0 [--tarballs DIR]" >&2; exit 2 ;;
  esac
done

passed=0
failed=0
t_start=$SECONDS
ok() { passed=$((passed + 1)); printf 'ok   %s (%d s)\n' "$1" "$2"; }
bad() { failed=$((failed + 1)); printf 'FAIL %s\n' "$1"; }
finish() {
  printf '%d passed, %d failed (%d s)\n' "$passed" "$failed" "$((SECONDS - t_start))"
  [ "$failed" -eq 0 ]
}
# step NAME CMD...: one line per step; the step's output goes to a log shown on failure.
logdir=$ARM64_CACHE/logs
mkdir -p "$logdir"
step() {
  local name=$1 t0=$SECONDS log
  shift
  log=$logdir/$(echo "$name" | tr -c 'a-zA-Z0-9\n' '-' | cut -c1-60).log
  if "$@" >"$log" 2>&1; then
    ok "$name" $((SECONDS - t0))
  else
    bad "$name (after $((SECONDS - t0)) s; log $log)"
    sed 's/^/    | /' "$log" | tail -60
    return 1
  fi
}

# Prerequisite: the three arm64 binary packages next to the JS packages.
missing=()
for n in native plugin-zip plugin-crypto core; do
  case $n in core) pat="warpdrive-core-[0-9]*.tgz" ;; *) pat="warpdrive-$n-linux-arm64-gnu-*.tgz" ;; esac
  compgen -G "$tarballs/$pat" >/dev/null || missing+=("$pat")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ -n "${CI:-}" ]; then
    bad "prerequisites: no ${missing[*]} in $tarballs (run pnpm release:pack with the linux-arm64-gnu binaries)"
  else
    echo "skip arm64 smoke: no ${missing[*]} in $tarballs (run pnpm release:pack with the linux-arm64-gnu binaries)"
  fi
  finish
  exit
fi
[ "$(id -u)" -eq 0 ] || { bad "prerequisites: must run as root (binfmt_misc, chroot, mounts)"; finish; exit; }

root=$ARM64_CACHE/root
trap 'arm64_umount "$root"' EXIT

step "binfmt: aarch64 ELF runs through qemu-aarch64-static (F flag)" arm64_binfmt || { finish; exit; }
step "rootfs: bare arm64 bookworm with node in $root" bash "$here/rootfs.sh" "$root" || { finish; exit; }
arm64_mount "$root"

# The host's registry (a CI mirror, if any) and CA bundle (see arm64_mount) carry over.
registry=$(npm config get registry 2>/dev/null || echo https://registry.npmjs.org/)
in_root() {
  chroot "$root" /usr/bin/env -i PATH=/opt/node/bin:/usr/local/bin:/usr/bin:/bin HOME=/root CI="${CI:-}" \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/host-ca-certificates.crt npm_config_registry="$registry" \
    /bin/sh -c "cd /smoke && $1"
}

check_arch() {
  local arch
  arch=$(chroot "$root" /opt/node/bin/node -p 'process.arch + " " + process.version')
  echo "$arch"
  case $arch in "arm64 "*) ;; *) return 1 ;; esac
  ! chroot "$root" /bin/sh -c 'command -v cc gcc g++ c++' # bare: no compiler
}
step "node in the rootfs is arm64 ($(chroot "$root" /opt/node/bin/node -v 2>/dev/null || echo '?')), no compiler" check_arch || { finish; exit; }

# A fresh project resolving every @warpdrive/* package from the local tarballs: the JS
# packages as dependencies, and npm `overrides` pointing each @warpdrive/* name (the
# binary packages are optionalDependencies of the JS ones) at its file: tarball. npm picks
# the arm64 binary packages by their os/cpu/libc fields, as it would from the registry.
make_project() {
  rm -rf "$root/smoke" "$root/tarballs"
  mkdir -p "$root/smoke" "$root/tarballs"
  cp "$tarballs"/warpdrive-*.tgz "$root/tarballs/"
  cp "$arm64_repo/examples/quickstart/main.mjs" "$root/smoke/quickstart.mjs"
  cp "$here/smoke.mjs" "$root/smoke/smoke.mjs"
  node - "$root/tarballs" "$root/smoke/package.json" <<'JS'
const { execFileSync } = require('node:child_process');
const { readdirSync, writeFileSync } = require('node:fs');
const [dir, out] = process.argv.slice(2);
const specs = {};
for (const f of readdirSync(dir).filter((f) => f.endsWith('.tgz'))) {
  const pkg = JSON.parse(execFileSync('tar', ['-xzOf', `${dir}/${f}`, 'package/package.json']));
  specs[pkg.name] = `file:/tarballs/${f}`;
}
const want = ['@warpdrive/core', '@warpdrive/plugin-zip', '@warpdrive/plugin-crypto'];
for (const n of want) if (!specs[n]) throw new Error(`no tarball for ${n} in ${dir}`);
writeFileSync(out, JSON.stringify({
  name: 'warpdrive-arm64-smoke', private: true, type: 'module',
  dependencies: Object.fromEntries(want.map((n) => [n, specs[n]])),
  overrides: specs,
}, null, 2));
console.log(JSON.stringify(specs, null, 2));
JS
}
step "project: package.json from $(ls "$tarballs"/warpdrive-*.tgz | wc -l) tarballs in $tarballs" make_project || { finish; exit; }
# --ignore-scripts is belt and braces: no package has install scripts (h5's pack checks it).
step "npm install (in the chroot, arm64 npm under qemu)" in_root 'npm install --no-audit --no-fund --ignore-scripts --loglevel=warn && npm ls --all' || { finish; exit; }
step "arm64 binary packages installed, x64 ones not" in_root 'ls node_modules/@warpdrive/ && ls -d node_modules/@warpdrive/*-linux-arm64-gnu && ! ls -d node_modules/@warpdrive/*-linux-x64-gnu 2>/dev/null' || true
step "quickstart (examples/quickstart/main.mjs) on the soft device" in_root 'node quickstart.mjs' || true
step "conformance smoke (smoke.mjs): zip, node:zlib facade, crypto" in_root 'node smoke.mjs' || true
sed 's/^/    /' "$logdir/quickstart--examples-quickstart-main-mjs--on-the-soft-device.log" 2>/dev/null | grep -v '^    $' || true
finish
