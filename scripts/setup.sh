#!/usr/bin/env bash
# One-time, idempotent set-up for a fresh machine of the project's kind:
# system packages, the pinned pnpm, workspace dependencies and the native build.
# Every README command runs this first, so nothing is installed by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

PNPM_VERSION=10.34.9
# Build: cmake, pkg-config, a C/C++ toolchain and the engines' libraries.
# Tests: gcc (C test programs), gzip and python3 (interop), Debian's NIST CAVP
# vectors (plugins-crypto kat.test.ts). Under CI a test that misses one of
# these fails instead of skipping, so they are installed here, not by hand.
# The kernel driver's QEMU stage installs its own (driver/test/qemu/run.sh).
APT_PACKAGES=(cmake pkg-config gcc g++ make libc6-dev libdeflate-dev libisal-dev libssl-dev zlib1g-dev
  gzip python3 python3-cryptography-vectors)

need_apt=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${need_apt[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

if ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  echo "setup: installing pnpm $PNPM_VERSION" >&2
  npm install -g --silent "pnpm@$PNPM_VERSION" >/dev/null
fi

stamp=node_modules/.warpdrive-setup
if [ ! -f "$stamp" ] || [ pnpm-lock.yaml -nt "$stamp" ]; then
  if [ -n "${CI:-}" ]; then frozen=--frozen-lockfile; else frozen=--prefer-frozen-lockfile; fi
  pnpm install "$frozen" --reporter=append-only
  touch "$stamp"
fi
pnpm -r --reporter=append-only run build
