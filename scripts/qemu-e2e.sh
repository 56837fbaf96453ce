#!/usr/bin/env bash
# End-to-end test of `smmu collect` on QEMU's emulated SMMUv3.
#
# Boots qemu-system-aarch64 -M virt-9.1,iommu=smmuv3 (stage 1, TCG) with an unmodified Debian
# arm64 kernel and a busybox initramfs that runs the aarch64 release binary (scripts/release.sh
# --no-web --target aarch64-unknown-linux-musl) as `smmu collect --json`, once
# with the device tree and once through UEFI (ACPI IORT), and checks the collected registers
# against the values QEMU's model reports.
#
# Runs: device tree + stage 1, device tree + stage 2, UEFI/ACPI + stage 1.
# Usage: scripts/qemu-e2e.sh [--prepare-only] [--dt-only]
# Exit 0 = pass, 1 = fail, 77 = a prerequisite could not be had (the reason is printed).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=${SMMU_E2E_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/smmu-explorer-e2e}
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
main() {
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
  command -v python3 >/dev/null || need=1
  if [ $need = 1 ]; then
    apt_sources || skip "apt-get update failed (no network?)"
    log "installing qemu-system-arm (bookworm-backports), qemu-user-static, qemu-efi-aarch64, cpio"
    timeout 900 $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      -t bookworm-backports qemu-system-arm qemu-user-static qemu-efi-aarch64 ipxe-qemu >/dev/null \
      || timeout 900 $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      qemu-system-arm qemu-user-static qemu-efi-aarch64 >/dev/null \
      || skip "cannot install qemu-system-arm/qemu-user-static/qemu-efi-aarch64"
    timeout 300 $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq cpio python3 >/dev/null || skip "cannot install cpio/python3"
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

# ---------------------------------------------------------------- the release binary
# The guest runs the aarch64 artifact of scripts/release.sh (static, rust-lld), built the way a
# release is, which also checks it with `file` and runs it under qemu-aarch64-static.
TARGET=aarch64-unknown-linux-musl
log "scripts/release.sh --no-web --target $TARGET --out $OUT/dist"
timeout 1800 bash scripts/release.sh --no-web --target $TARGET --out "$OUT/dist" || fail "scripts/release.sh failed"
BIN=$OUT/dist/smmu-$TARGET
(cd "$OUT/dist" && sha256sum -c --quiet SHA256SUMS) || fail "the release's SHA256SUMS does not verify"
log "release artifact smmu-$TARGET ok: $(stat -c %s "$BIN") bytes, $(file -b "$BIN" | cut -d, -f1-2)"

# ---------------------------------------------------------------- initramfs
KVER=$(cat "$CACHE/kernel/version")
IRD=$OUT/initramfs
rm -rf "$IRD"; mkdir -p "$IRD"/{bin,sbin,proc,sys,dev,tmp,etc}
cp "$CACHE/busybox/bin/busybox" "$IRD/bin/busybox"
cp "$BIN" "$IRD/bin/smmu"
# The drivers the test needs: built in on Debian's arm64 kernels; if a kernel has them as
# modules, the .ko files from the same package go into the initramfs and init loads them.
MODDIR=$(ls -d "$CACHE"/kernel/root/usr/lib/modules/* "$CACHE"/kernel/root/lib/modules/* 2>/dev/null | head -1 || true)
mkdir -p "$IRD/lib/modules"; : > "$IRD/lib/modules/load"
for m in pci-host-common pci-host-generic virtio virtio_ring virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci arm_smmu_v3; do
  if grep -q "/$m.ko" "$MODDIR/modules.builtin" 2>/dev/null; then continue; fi
  ko=$(find "$MODDIR" -name "$m.ko*" | head -1)
  [ -n "$ko" ] || { log "note: $m is neither built in nor a module of $KVER"; continue; }
  case $ko in
    *.xz) xz -dc "$ko" > "$IRD/lib/modules/$m.ko" ;;
    *.zst) zstd -qdc "$ko" > "$IRD/lib/modules/$m.ko" ;;
    *) cp "$ko" "$IRD/lib/modules/$m.ko" ;;
  esac
  echo "$m" >> "$IRD/lib/modules/load"
done
log "modules to load in the guest: $(tr '\n' ' ' < "$IRD/lib/modules/load")(arm_smmu_v3 and virtio-pci built in unless listed)"
cat > "$IRD/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /lib/modules/load); do insmod /lib/modules/$m.ko || echo "insmod $m failed"; done
echo "===E2E-BOOTED==="
# Independent cross-check of one register with busybox's own /dev/mem reader.
echo "BUSYBOX-DEVMEM-IDR0 $(devmem 0x09050000 32 2>&1)"
echo "BUSYBOX-DEVMEM-AIDR $(devmem 0x0905001c 32 2>&1)"
smmu collect --memory -o /tmp/snap.json > /tmp/summary.txt 2>&1; echo "COLLECT-RC $?"
echo "===SUMMARY-BEGIN==="; cat /tmp/summary.txt; echo "===SUMMARY-END==="
echo "===SNAPSHOT-BEGIN==="; cat /tmp/snap.json; echo "===SNAPSHOT-END==="
# The same as an unprivileged user: every refusal must be explained.
printf 'root:x:0:0::/:/bin/sh\nnobody:x:65534:65534::/:/bin/sh\n' > /etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' > /etc/group
su -s /bin/sh nobody -c '/bin/smmu collect --json' > /tmp/unpriv.json 2>/tmp/unpriv.err; echo "UNPRIV-RC $?"
echo "UNPRIV-STDERR $(head -c 300 /tmp/unpriv.err)"
echo "===UNPRIV-BEGIN==="; cat /tmp/unpriv.json; echo "===UNPRIV-END==="
# A copy of the sysfs/procfs files collect reads, for the fixture trees under tests/fixtures/hosts.
echo "===TREE-BEGIN==="
for f in /proc/version /proc/cmdline /proc/iomem /sys/devices/system/cpu/cpu0/regs/identification/midr_el1 \
         /sys/kernel/iommu_groups/*/type /sys/bus/pci/devices/*/vendor /sys/bus/pci/devices/*/device \
         /sys/bus/pci/devices/*/class; do
  [ -f "$f" ] && echo "F $f $(base64 -w0 < "$f")"
done
for l in /sys/class/iommu/* /sys/class/iommu/*/device /sys/class/iommu/*/device/driver /sys/class/iommu/*/devices/* \
         /sys/bus/platform/drivers/arm-smmu-v3/* /sys/bus/platform/devices/*smmu* /sys/kernel/iommu_groups/*/devices/* \
         /sys/bus/pci/devices/* /sys/bus/pci/devices/*/driver /sys/bus/pci/devices/*/iommu_group /sys/bus/pci/devices/*/iommu; do
  [ -L "$l" ] && echo "L $l $(readlink "$l")"
done
su -s /bin/sh nobody -c 'cat /proc/iomem' > /tmp/iomem.unpriv 2>&1 && echo "F /unprivileged/proc/iomem $(base64 -w0 < /tmp/iomem.unpriv)"
echo "===TREE-END==="
echo "===E2E-DONE==="
poweroff -f
INIT
chmod +x "$IRD/init"
(cd "$IRD" && find . | cpio -o -H newc --quiet | gzip -1 > "$OUT/initrd.cpio.gz")
log "initramfs $(stat -c %s "$OUT/initrd.cpio.gz") bytes (busybox $(stat -c %s "$IRD/bin/busybox"), smmu $(stat -c %s "$IRD/bin/smmu"))"

QEMU_COMMON=(qemu-system-aarch64 -M virt-9.1,iommu=smmuv3
  -cpu max,pauth-impdef=on -accel tcg -smp 1 -m 1G -display none -serial stdio -monitor none -no-reboot
  -netdev user,id=n0,restrict=on
  -device virtio-net-pci,netdev=n0,addr=01.0,iommu_platform=on,disable-legacy=on,romfile=
  -device edu,addr=03.0)

run_guest() { # name stage timeout extra-args...
  local name=$1 stage=$2 tmo=$3; shift 3
  local t=$(date +%s)
  log "booting $name: ${QEMU_COMMON[*]} -global arm-smmuv3.stage=$stage $*"
  echo "$name: ${QEMU_COMMON[*]} -global arm-smmuv3.stage=$stage $*" >> "$OUT/PROVENANCE.txt"
  timeout "$tmo" "${QEMU_COMMON[@]}" -global arm-smmuv3.stage=$stage "$@" > "$OUT/$name-console.log" 2>&1 || true
  tr -d '\r' < "$OUT/$name-console.log" > "$OUT/$name-console.txt"
  grep -q "===E2E-DONE===" "$OUT/$name-console.txt" || { tail -30 "$OUT/$name-console.txt"; fail "$name: the guest did not finish within ${tmo}s"; }
  sed -n '/===SNAPSHOT-BEGIN===/,/===SNAPSHOT-END===/p' "$OUT/$name-console.txt" | sed '1d;$d' > "$OUT/$name-snapshot.json"
  sed -n '/===UNPRIV-BEGIN===/,/===UNPRIV-END===/p' "$OUT/$name-console.txt" | sed '1d;$d' > "$OUT/$name-unpriv.json"
  sed -n '/===TREE-BEGIN===/,/===TREE-END===/p' "$OUT/$name-console.txt" | sed '1d;$d' > "$OUT/$name-tree.txt"
  sed -n '/===SUMMARY-BEGIN===/,/===SUMMARY-END===/p' "$OUT/$name-console.txt" | sed '1d;$d'
  # Rebuild the guest's sysfs/procfs files as a tree (what tests/fixtures/hosts/ holds).
  rm -rf "$OUT/$name-tree"
  python3 - "$OUT/$name-tree.txt" "$OUT/$name-tree" "$OUT/$name-snapshot.json" <<'PY' || log "note: could not rebuild the $name tree"
import base64, os, sys, json
tree_txt, out, snap = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out, exist_ok=True)
root = os.path.realpath(out)
def inside(p):  # absolute guest path -> path under root with its parents' links resolved
    parent, name = os.path.split(p.lstrip('/'))
    rp = os.path.realpath(os.path.join(root, parent))
    assert rp.startswith(root), p
    os.makedirs(rp, exist_ok=True)
    return os.path.join(rp, name)
lines = [l.rstrip('\n').split(' ', 2) for l in open(tree_txt) if l[:2] in ('F ', 'L ')]
for kind, path, val in sorted((x for x in lines if x[0] == 'L'), key=lambda x: x[1].count('/')):
    at = inside(path)
    if not os.path.lexists(at):
        os.symlink(val, at)
    os.makedirs(os.path.realpath(at), exist_ok=True)
for kind, path, val in (x for x in lines if x[0] == 'F'):
    open(inside(path), 'wb').write(base64.b64decode(val))
s = json.load(open(snap))
log = s.get('kernel', {}).get('log', [])
if log:
    open(inside('/dev/kmsg'), 'w').write('\n'.join(log) + '\n')
iort = s.get('firmware', {}).get('iort_raw')
if iort:
    open(inside('/sys/firmware/acpi/tables/IORT'), 'wb').write(bytes.fromhex(iort))
PY
  log "$name: guest finished in $(( $(date +%s) - t ))s"
}

check() { # name firmware(fdt|iort) stage
  python3 - "$OUT/$1-snapshot.json" "$OUT/$1-unpriv.json" "$OUT/$1-console.txt" "$2" "$HOST_SMMU" "$3" <<'PY'
import json, re, sys, subprocess
snap_p, unpriv_p, console_p, fw, host_smmu, stage = sys.argv[1:7]
s = json.load(open(snap_p))
errs = []
def want(cond, msg):
    print(("  ok   " if cond else "  FAIL ") + msg)
    if not cond: errs.append(msg)
# Values QEMU 10.0's SMMUv3 model reports (read by QEMU's monitor and by a guest's devmem in
# the shared qemu-s1-4k / qemu-s2-4k captures): stage 1 sets IDR0.S1P, stage 2 IDR0.S2P and
# IDR3.XNX (0x1414); the rest is common.
expect = {"IDR0": {"1": "0x0d44101a", "2": "0x0d441019"}[stage], "IDR1": "0x02730010",
          "IDR3": {"1": "0x00001404", "2": "0x00001414"}[stage], "IDR5": "0x00000074",
          "AIDR": "0x00000001", "IIDR": "0x00000000"}
r = s.get("registers", {})
for k, v in expect.items():
    want(r.get(k) == v, f"registers.{k} = {r.get(k)} (QEMU stage-{stage} model: {v})")
con = open(console_p).read()
m = re.search(r"BUSYBOX-DEVMEM-IDR0 (0x[0-9A-Fa-f]+)", con)
want(m is not None and int(m.group(1), 16) == int(r.get("IDR0", "0"), 16), f"busybox devmem IDR0 {m.group(1) if m else None} agrees")
srcs = {x["source"] + ":" + x["path"]: x for x in s["provenance"]["sources"]}
bysrc = {}
for x in s["provenance"]["sources"]: bysrc.setdefault(x["source"], []).append(x)
want(any(x["status"] == "found" for x in bysrc.get("registers", [])), "registers source found")
smmus = s["host"]["smmus"]
want(len(smmus) == 1 and smmus[0].get("base") == "0x9050000", f"one SMMU at 0x9050000: {[x.get('base') for x in smmus]}")
want(smmus[0].get("driver") == "arm-smmu-v3", f"bound to arm-smmu-v3: {smmus[0].get('driver')}")
pci = {d["bdf"]: d for d in s["host"]["pci_devices"]}
for bdf, sid in (("0000:00:01.0", "0x8"), ("0000:00:03.0", "0x18")):
    want(pci.get(bdf, {}).get("sid") == sid, f"{bdf} StreamID {pci.get(bdf, {}).get('sid')} ({pci.get(bdf, {}).get('sid_source')}) expected {sid}")
want(pci.get("0000:00:03.0", {}).get("vendor") == "0x1234", "edu device 1234:11e8 seen")
want(any("arm-smmu-v3" in l for l in s["kernel"]["log"]), "kernel log has arm-smmu-v3 lines")
want(s["host"]["cpu"]["midr_el1"]["value"].startswith("0x"), "MIDR_EL1 read")
if fw == "fdt":
    want(bysrc["firmware.fdt"][0]["status"] == "found", "device tree blob found")
    dt = s["firmware"]["devicetree"]
    want(dt["smmus"][0]["reg"][0][0] == "0x9050000" and dt["smmus"][0]["dma_coherent"] is not None, f"DT arm,smmu-v3 reg {dt['smmus'][0]['reg']}")
else:
    want(bysrc["firmware.iort"][0]["status"] == "found", "ACPI IORT found")
    io = s["firmware"]["iort"]
    sm = [n for n in io["nodes"] if n["type"] == "SMMUv3"]
    want(len(sm) == 1 and sm[0]["smmu_v3"]["base"] == "0x9050000", f"IORT SMMUv3 node base {[n['smmu_v3']['base'] for n in sm]}")
    want(any(n["type"] == "Root Complex" for n in io["nodes"]), "IORT root complex node")
    open(snap_p.replace("-snapshot.json", "-IORT.bin"), "wb").write(bytes.fromhex(s["firmware"]["iort_raw"]))
# The snapshot is read back by the host build.
out = subprocess.run([host_smmu, "decode", snap_p, "--json"], capture_output=True, text=True)
want(out.returncode == 0 and "IDR0" in out.stdout, f"smmu decode reads the snapshot (rc {out.returncode}) {out.stderr.strip()[:200]}")
out = subprocess.run([host_smmu, "forward", snap_p], capture_output=True, text=True)
want(out.returncode == 0, f"smmu forward reads the snapshot (rc {out.returncode}) {out.stderr.strip()[:200]}")
# --memory: RAM through /dev/mem is found, or refused with the reason (CONFIG_STRICT_DEVMEM).
mem = bysrc.get("memory", [])
want(bool(mem) and all(x["status"] == "found" or (x["status"] == "refused" and x.get("reason") and x.get("fix")) for x in mem),
     f"memory capture reported: {[(x['status'], x.get('detail'), x.get('reason')) for x in mem]}")
# Unprivileged: registers refused with a reason and a fix.
try:
    u = json.load(open(unpriv_p))
    ur = [x for x in u["provenance"]["sources"] if x["source"] == "registers"]
    want(ur and ur[0]["status"] == "refused" and "root" in (ur[0].get("fix") or ""), f"unprivileged: registers {ur[0]['status'] if ur else None}, fix {ur[0].get('fix') if ur else None}")
except Exception as e:
    want(False, f"unprivileged run produced a snapshot: {e}")
sys.exit(1 if errs else 0)
PY
}

timeout 900 cargo build -q -p smmu-tui --bin smmu || fail "host build of smmu failed"
HOST_SMMU=${CARGO_TARGET_DIR:-$ROOT/target}/debug/smmu
case $HOST_SMMU in /*) ;; *) HOST_SMMU=$ROOT/$HOST_SMMU ;; esac

# ---------------------------------------------------------------- device tree boot
timeout 60 qemu-system-aarch64 -M virt-9.1,iommu=smmuv3,dumpdtb="$OUT/virt-9.1-smmuv3.dtb" -global arm-smmuv3.stage=1 \
  -cpu max,pauth-impdef=on -m 1G -display none >/dev/null 2>&1 || true
{ echo "QEMU: $(qemu-system-aarch64 --version | head -1)"; echo "kernel: $(ls "$CACHE"/debs/linux-image-*.deb)";
  echo "busybox: $(ls "$CACHE"/debs/busybox-static_*.deb)"; echo "date: $(date -u +%FT%TZ)"; } > "$OUT/PROVENANCE.txt"
run_guest dt 1 240 -kernel "$CACHE/kernel/vmlinuz" -initrd "$OUT/initrd.cpio.gz" \
  -append "console=ttyAMA0 iomem=relaxed loglevel=1 panic=-1"
check dt fdt 1 || fail "device-tree boot: collected values are wrong (see above; console in $OUT/dt-console.txt)"

# ---------------------------------------------------------------- stage-2-only SMMU, device tree
run_guest dt-s2 2 240 -kernel "$CACHE/kernel/vmlinuz" -initrd "$OUT/initrd.cpio.gz" \
  -append "console=ttyAMA0 iomem=relaxed loglevel=1 panic=-1"
check dt-s2 fdt 2 || fail "stage-2 device-tree boot: collected values are wrong (console in $OUT/dt-s2-console.txt)"

# ---------------------------------------------------------------- without iomem=relaxed
# CONFIG_IO_STRICT_DEVMEM refuses the register page the driver holds: collect must say so and
# name the fix.
run_guest dt-strict 1 240 -kernel "$CACHE/kernel/vmlinuz" -initrd "$OUT/initrd.cpio.gz" \
  -append "console=ttyAMA0 loglevel=1 panic=-1"
python3 - "$OUT/dt-strict-snapshot.json" <<'PY' || fail "boot without iomem=relaxed: the refusal is not explained"
import json, sys
s = json.load(open(sys.argv[1]))
r = [x for x in s["provenance"]["sources"] if x["source"] == "registers"]
ok = bool(r) and r[0]["status"] == "refused" and "iomem=relaxed" in (r[0].get("fix") or "")
print(("  ok   " if ok else "  FAIL ") + f"without iomem=relaxed: registers {r[0]['status'] if r else None}: {r[0].get('reason') if r else None}; fix: {r[0].get('fix') if r else None}")
sys.exit(0 if ok else 1)
PY

# ---------------------------------------------------------------- UEFI / ACPI boot
if [ $DT_ONLY = 0 ]; then
  EFI=/usr/share/qemu-efi-aarch64/QEMU_EFI.fd
  run_guest acpi 1 420 -bios "$EFI" -kernel "$CACHE/kernel/vmlinuz" -initrd "$OUT/initrd.cpio.gz" \
    -append "console=ttyAMA0 iomem=relaxed loglevel=1 panic=-1 acpi=force"
  check acpi iort 1 || fail "UEFI/ACPI boot: collected values are wrong (see above; console in $OUT/acpi-console.txt)"
fi
log "PASS (total $(( $(date +%s) - T0 ))s)"
}
main "$@"; exit $?
