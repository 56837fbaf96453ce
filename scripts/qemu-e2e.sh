#!/usr/bin/env bash
# End-to-end test of `smmu collect` on QEMU's emulated SMMUv3.
#
# Boots qemu-system-aarch64 -M virt-9.1,iommu=smmuv3 (stage 1, TCG) with an unmodified Debian
# arm64 kernel and a busybox initramfs that runs an aarch64 static `smmu collect --json`, once
# with the device tree and once through UEFI (ACPI IORT), and checks the collected registers
# against the values QEMU's model reports.
#
# Usage: scripts/qemu-e2e.sh [--prepare-only] [--dt-only]
# Exit 0 = pass, 1 = fail, 77 = a prerequisite could not be had (the reason is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${SMMU_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smmu-explorer-e2e}
OUT=${SMMU_E2E_OUT:-$ROOT/target/qemu-e2e}
mkdir -p "$CACHE" "$OUT"
PREPARE_ONLY=0; DT_ONLY=0
for a in "$@"; do
  case $a in
    --prepare-only) PREPARE_ONLY=1 ;;
    --dt-only) DT_ONLY=1 ;;
    *) echo "usage: $0 [--prepare-only] [--dt-only]" >&2; exit 2 ;;
  esac
done
T0=$(date +%s)
log() { echo "[e2e $(( $(date +%s) - T0 ))s] $*"; }
skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"

apt_sources() {
  # bookworm-backports (host arch) for QEMU 10.0; trixie + trixie-backports (arm64 only) for
  # the kernel. Idempotent.
  local f=/etc/apt/sources.list.d/smmu-e2e.sources
  if [ ! -f "$f" ]; then
    $SUDO tee "$f" >/dev/null <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian
Suites: trixie trixie-backports
Components: main
Architectures: arm64
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
    APT_UPDATED=0
  fi
  dpkg --print-foreign-architectures | grep -qx arm64 || { $SUDO dpkg --add-architecture arm64; APT_UPDATED=0; }
  if [ "${APT_UPDATED:-1}" = 0 ] || [ ! -f "$CACHE/.apt-updated" ]; then
    timeout 600 $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq || return 1
    touch "$CACHE/.apt-updated"
  fi
}

prereqs() {
  command -v apt-get >/dev/null || skip "no apt-get: install qemu-system-arm 10.x, a Debian arm64 kernel and busybox-static:arm64 by hand"
  if [ -n "$SUDO" ] && ! sudo -n true 2>/dev/null; then
    skip "not root and no passwordless sudo: cannot install QEMU and the arm64 packages"
  fi
  local need=0
  qemu-system-aarch64 --version 2>/dev/null | grep -qE 'version (9\.[1-9]|[1-9][0-9])' || need=1
  command -v qemu-aarch64-static >/dev/null || need=1
  [ -f /usr/share/qemu-efi-aarch64/QEMU_EFI.fd ] || need=1
  command -v cpio >/dev/null || need=1
  if [ $need = 1 ]; then
    apt_sources || skip "apt-get update failed (no network?)"
    log "installing qemu-system-arm (bookworm-backports), qemu-user-static, qemu-efi-aarch64, cpio"
    timeout 900 $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      -t bookworm-backports qemu-system-arm qemu-user-static qemu-efi-aarch64 ipxe-qemu >/dev/null \
      || timeout 900 $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      qemu-system-arm qemu-user-static qemu-efi-aarch64 >/dev/null \
      || skip "cannot install qemu-system-arm/qemu-user-static/qemu-efi-aarch64"
    timeout 300 $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq cpio >/dev/null || skip "cannot install cpio"
  fi
  qemu-system-aarch64 --version | grep -qE 'version (9\.[1-9]|[1-9][0-9])' \
    || skip "qemu-system-aarch64 >= 9.1 needed for -M virt-9.1 (have: $(qemu-system-aarch64 --version | head -1))"

  # Debian arm64 kernel and busybox, downloaded and unpacked, never installed.
  if [ ! -f "$CACHE/kernel/vmlinuz" ] || [ ! -f "$CACHE/busybox/bin/busybox" ]; then
    apt_sources || skip "apt-get update failed (no network?)"
    mkdir -p "$CACHE/debs"
    local kpkg
    kpkg=$(apt-cache depends linux-image-arm64:arm64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
    [ -n "$kpkg" ] || skip "no linux-image-arm64:arm64 in the apt sources"
    kpkg=${kpkg%:arm64}
    log "downloading $kpkg:arm64 and busybox-static:arm64"
    (cd "$CACHE/debs" && timeout 900 apt-get download "$kpkg:arm64" busybox-static:arm64 >/dev/null) \
      || skip "apt-get download $kpkg:arm64 busybox-static:arm64 failed"
    rm -rf "$CACHE/kernel" "$CACHE/busybox"; mkdir -p "$CACHE/kernel" "$CACHE/busybox"
    dpkg-deb -x "$CACHE"/debs/linux-image-*arm64*.deb "$CACHE/kernel/root"
    dpkg-deb -x "$CACHE"/debs/busybox-static_*arm64.deb "$CACHE/busybox"
    local vmlinuz
    vmlinuz=$(ls "$CACHE"/kernel/root/boot/vmlinuz-* 2>/dev/null | head -1)
    [ -n "$vmlinuz" ] || vmlinuz=$(ls "$CACHE"/kernel/root/usr/lib/modules/*/vmlinuz 2>/dev/null | head -1)
    [ -n "$vmlinuz" ] || skip "no vmlinuz in $kpkg"
    cp "$vmlinuz" "$CACHE/kernel/vmlinuz"
    ls "$CACHE"/kernel/root/usr/lib/modules/ "$CACHE"/kernel/root/lib/modules/ 2>/dev/null | grep -m1 arm64 > "$CACHE/kernel/version" || true
    mkdir -p "$CACHE/busybox/bin"; [ -f "$CACHE/busybox/bin/busybox" ] || cp "$CACHE"/busybox/usr/bin/busybox "$CACHE/busybox/bin/busybox" 2>/dev/null || true
    [ -f "$CACHE/busybox/bin/busybox" ] || skip "busybox-static:arm64 has no busybox binary"
  fi

  # The aarch64 static build of smmu.
  if ! rustup target list --installed 2>/dev/null | grep -qx aarch64-unknown-linux-musl; then
    log "rustup target add aarch64-unknown-linux-musl"
    timeout 600 rustup target add aarch64-unknown-linux-musl >/dev/null 2>&1 || skip "rustup target add aarch64-unknown-linux-musl failed"
  fi
}

prereqs
log "prerequisites ready: $(qemu-system-aarch64 --version | head -1); kernel $(cat "$CACHE/kernel/version" 2>/dev/null)"
[ $PREPARE_ONLY = 1 ] && exit 0
