#!/usr/bin/env bash
# End to end: `smmu collect` inside a Debian arm64 guest on QEMU's emulated SMMUv3, booted
# with the device tree and through UEFI/ACPI. Installs its prerequisites with apt-get
# (idempotent); prints SKIP and exits 77 (counted as skipped) when one truly cannot be had. Bounded in time.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${SMMU_SKIP_QEMU_E2E:-0}" = 1 ]; then echo "SKIP: SMMU_SKIP_QEMU_E2E=1"; exit 77; fi
rc=0
timeout 1800 bash scripts/qemu-e2e.sh || rc=$?
case $rc in
  0) exit 0 ;;
  77) echo "qemu e2e skipped (reason above)"; exit 77 ;;
  124) echo "FAIL: qemu e2e timed out"; exit 1 ;;
  *) exit "$rc" ;;
esac
