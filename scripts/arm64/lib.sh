# shellcheck shell=bash
# Helpers for running arm64 binaries here (sourced by scripts/proof/run.sh --arch arm64,
# never run alone): the apt packages and the aarch64 binfmt_misc handler.
#
# Why qemu-user and not a VM: the arm64 binaries are plain userspace ELF files that
# talk to the in-process soft device; running them under qemu-user-static through
# binfmt_misc inside a chroot of a real arm64 Debian is enough to prove they load,
# link and compute the right bytes on arm64, and it costs seconds, not a boot.

arm64_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
arm64_repo=$(cd "$arm64_here/../.." && pwd)
# The repo's own cache by default (CI: fresh clone, empty cache); overridable to share one.
ARM64_CACHE=${WARPDRIVE_ARM64_CACHE:-$arm64_repo/.cache/arm64}

arm64_log() { printf '[arm64] %s\n' "$*" >&2; }

# apt-get install only what is missing (the stage must be self-contained under CI).
arm64_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  arm64_log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; }
}

# Make the kernel run aarch64 ELF files through qemu-aarch64-static. The F (fix-binary)
# flag makes the kernel open the interpreter at registration time, so it works inside a
# chroot that has no qemu binary of its own. Idempotent: an existing enabled entry that
# already carries F is kept; one without F is replaced (it would fail in the chroot).
arm64_binfmt() {
  arm64_apt qemu-user-static binfmt-support
  local bm=/proc/sys/fs/binfmt_misc
  if [ ! -e "$bm/register" ]; then
    mount -t binfmt_misc binfmt_misc "$bm"
  fi
  [ "$(cat "$bm/status")" = enabled ] || echo 1 >"$bm/status"
  local entry=$bm/qemu-aarch64
  if [ -e "$entry" ] && grep -q '^enabled' "$entry" && grep -q '^flags:.*F' "$entry"; then
    return 0
  fi
  # Debian's binfmt-support entry for qemu-user-static has fix_binary yes (flags PF).
  update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
  if [ -e "$entry" ] && grep -q '^enabled' "$entry" && grep -q '^flags:.*F' "$entry"; then
    return 0
  fi
  # Fallback (no binfmt-support service, or an entry without F): write the register line.
  [ -e "$entry" ] && echo -1 >"$entry"
  local interp=/usr/libexec/qemu-binfmt/aarch64-binfmt-P
  [ -x "$interp" ] || interp=/usr/bin/qemu-aarch64-static
  printf '%s' ':qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:'"$interp"':PF' >"$bm/register"
  grep -q '^flags:.*F' "$entry"
}

