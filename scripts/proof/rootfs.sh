#!/usr/bin/env bash
# scripts/proof/rootfs.sh --arch amd64|arm64 DIR
#
# Lays a bare Debian bookworm root file system at DIR: debootstrap's minbase
# variant plus only what the proof's clients need (ca-certificates for npm's
# TLS, curl as the HTTP client). Deliberately NO compiler, no -dev package,
# no cmake, no make, no python: a machine on which only prebuilt binaries can
# work (the proof, scripts/proof/run.sh, checks this again).
#
# The finished tree is cached as a tarball under
#   ${WARPDRIVE_PROOF_CACHE:-<repo>/.cache/proof}/rootfs-<arch>-<hash>.tar
# where <hash> is the sha256 of this script, so a change of recipe rebuilds it
# and a second run only unpacks (a few seconds). From an empty cache the build
# needs Debian's archive (debootstrap, installed here with apt if missing).
# DIR is always laid anew from the tarball: a run never sees what an earlier
# run installed into its tree.
#
# A foreign arch (arm64 on an x64 host) is bootstrapped with --foreign and
# finished under qemu-user-static (binfmt, set up by scripts/arm64/lib.sh,
# which run.sh --arch arm64 calls first).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)

arch="" dir=""
while [ $# -gt 0 ]; do
  case $1 in
    --arch) arch=${2:?--arch needs a value}; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) [ -z "$dir" ] || { echo "rootfs: one DIR only" >&2; exit 2; }; dir=$1; shift ;;
  esac
done
[ -n "$arch" ] && [ -n "$dir" ] || { echo "usage: rootfs.sh --arch amd64|arm64 DIR" >&2; exit 2; }
case $arch in amd64|arm64) ;; *) echo "rootfs: unsupported arch '$arch'" >&2; exit 2 ;; esac

SUITE=bookworm
MIRROR=http://deb.debian.org/debian
# Only the clients of the proof; everything else comes from the npm registry.
INCLUDE=ca-certificates,curl

cache=${WARPDRIVE_PROOF_CACHE:-$repo/.cache/proof}
hash=$(sha256sum "$0" | cut -c1-16)
tarball=$cache/rootfs-$arch-$hash.tar
mkdir -p "$cache"

# Refuse to touch a tree that still has something mounted inside (a /dev bind
# mount under it would make rm -rf delete the host's device nodes).
mounted_under() {
  local d
  d=$(realpath -m "$1")
  awk -v d="$d/" '{ if (index($2 "/", d) == 1) { found = 1 } } END { exit !found }' /proc/self/mounts
}

lay_from_tarball() {
  if [ -e "$dir" ]; then
    if mounted_under "$dir"; then echo "rootfs: $dir has mounts inside; not removing it" >&2; exit 1; fi
    rm -rf "$dir"
  fi
  mkdir -p "$dir"
  tar -xpf "$tarball" --numeric-owner -C "$dir"
}

if [ -f "$tarball" ]; then
  lay_from_tarball
  echo "rootfs: $dir from cached $(basename "$tarball")" >&2
  exit 0
fi

# Build it. debootstrap checks the Release file's signature against the
# host's debian-archive-keyring (both come with apt).
need=(debootstrap debian-archive-keyring)
host_arch=$(dpkg --print-architecture)
[ "$arch" = "$host_arch" ] || need+=(qemu-user-static binfmt-support)
missing=()
for p in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "rootfs: installing ${missing[*]} (apt)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

build=$cache/rootfs-$arch-$hash.build
if mounted_under "$build"; then echo "rootfs: $build has mounts inside; not removing it" >&2; exit 1; fi
rm -rf "$build"
mkdir -p "$build"
echo "rootfs: debootstrap --variant=minbase --arch=$arch $SUITE (with $INCLUDE)" >&2
if [ "$arch" = "$host_arch" ]; then
  debootstrap --variant=minbase --arch="$arch" --include="$INCLUDE" "$SUITE" "$build" "$MIRROR" >"$build.log" 2>&1 \
    || { tail -30 "$build.log" >&2; exit 1; }
else
  # Foreign: first stage here, second stage inside the tree under qemu-user.
  qemu=/usr/bin/qemu-aarch64-static
  [ -x "$qemu" ] || { echo "rootfs: $qemu missing" >&2; exit 1; }
  debootstrap --foreign --variant=minbase --arch="$arch" --include="$INCLUDE" "$SUITE" "$build" "$MIRROR" >"$build.log" 2>&1 \
    || { tail -30 "$build.log" >&2; exit 1; }
  cp "$qemu" "$build/usr/bin/"
  chroot "$build" /debootstrap/debootstrap --second-stage >>"$build.log" 2>&1 \
    || { tail -30 "$build.log" >&2; exit 1; }
fi
# What a downloaded tree does not need to keep: the .debs and the package lists.
rm -rf "$build"/var/cache/apt/archives/*.deb "$build"/var/lib/apt/lists/*
# Nothing may stay mounted by debootstrap before the tree is archived.
if mounted_under "$build"; then echo "rootfs: debootstrap left mounts under $build" >&2; exit 1; fi
tar -cpf "$tarball.part" --numeric-owner -C "$build" .
mv "$tarball.part" "$tarball"
rm -rf "$build" "$build.log"
# Older recipes of this arch are dead weight.
for old in "$cache"/rootfs-"$arch"-*.tar; do [ "$old" = "$tarball" ] || rm -f "$old"; done
lay_from_tarball
echo "rootfs: built $(basename "$tarball") ($(du -sh "$tarball" | cut -f1))" >&2
