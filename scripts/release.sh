#!/usr/bin/env bash
# Builds a release into dist/ (gitignored):
#   smmu-aarch64-unknown-linux-musl, smmu-x86_64-unknown-linux-musl   static binaries (rust-lld)
#   smmu-VERSION-TARGET.tar.gz     bin/smmu, man pages, bash/zsh/fish completions, licences
#   completions/, man/             generated from the binary's clap definition (clap_complete,
#                                  clap_mangen; tui/examples/smmu-gen.rs)
#   web/, smmu-web-VERSION.tar.gz  the browser app (web/build.sh), for any static file server
#   VERSION, SHA256SUMS            checksums of every other file (`sha256sum -c SHA256SUMS`)
# Each binary is checked: `file` must call it statically linked, the x86_64 one runs here, the
# aarch64 one under qemu-aarch64-static (Debian's qemu-user-static, installed when missing).
#
# Usage: scripts/release.sh [--no-web] [--target TRIPLE]... [--out DIR]
#   --no-web   leave out the browser app (its build needs wasm-bindgen-cli; see web/build.sh)
#   --target   build only these targets (default: both above); scripts/qemu-e2e.sh uses
#              `--no-web --target aarch64-unknown-linux-musl --out target/qemu-e2e/dist`
#   --out      output directory (default dist/); emptied first if it holds an earlier release
# Exit 0 = everything built and checked; 1 = a step failed (the summary at the end says which;
# a failed web build does not stop the rest); 2 = bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WEB=1
OUT=$ROOT/dist
TARGETS=()
usage() { echo "usage: scripts/release.sh [--no-web] [--target TRIPLE]... [--out DIR]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --no-web) WEB=0 ;;
    --target) [ $# -ge 2 ] || usage; TARGETS+=("$2"); shift ;;
    --out) [ $# -ge 2 ] || usage; OUT=$2; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) usage ;;
  esac
  shift
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(aarch64-unknown-linux-musl x86_64-unknown-linux-musl)
for t in "${TARGETS[@]}"; do
  case $t in aarch64-unknown-linux-musl|x86_64-unknown-linux-musl) ;; *) echo "release.sh: unsupported target $t" >&2; exit 2 ;; esac
done
case $OUT in /*) ;; *) OUT=$PWD/$OUT ;; esac
TGT=${CARGO_TARGET_DIR:-$ROOT/target}
case $TGT in /*) ;; *) TGT=$ROOT/$TGT ;; esac

T0=$(date +%s)
log() { echo "[release $(( $(date +%s) - T0 ))s] $*"; }
die() { echo "release.sh: FAILED: $*" >&2; exit 1; }
FAILED=()

VERSION=$(awk -F'"' '/^\[workspace.package\]/{p=1} p && /^version *=/{print $2; exit}' Cargo.toml)
[ -n "$VERSION" ] || die "no [workspace.package] version in Cargo.toml"

if [ -d "$OUT" ] && [ -n "$(ls -A "$OUT")" ] && [ ! -f "$OUT/SHA256SUMS" ] && [ ! -f "$OUT/.partial" ]; then
  die "$OUT exists and is not an earlier release (no SHA256SUMS): refusing to empty it"
fi
rm -rf "$OUT"; mkdir -p "$OUT"; touch "$OUT/.partial"

# ---------------------------------------------------------------- static binaries
for t in "${TARGETS[@]}"; do
  if ! rustup target list --installed 2>/dev/null | grep -qx "$t"; then
    log "rustup target add $t"
    timeout 600 rustup target add "$t" || die "rustup target add $t failed"
  fi
done
# rust-lld ships with rustc, and the musl targets bring their own C runtime: no cross C
# toolchain is needed. The linker is set per target (CARGO_TARGET_<TRIPLE>_LINKER, the same as
# `-C linker=rust-lld` for that target only): host builds and other scripts are not affected.
export CARGO_TARGET_AARCH64_UNKNOWN_LINUX_MUSL_LINKER=rust-lld
export CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_LINKER=rust-lld
targs=(); for t in "${TARGETS[@]}"; do targs+=(--target "$t"); done
log "cargo build --release --locked -p smmu-tui --bin smmu ${targs[*]} (linker rust-lld)"
timeout 2400 nice -n 10 cargo build -q --release --locked -p smmu-tui --bin smmu "${targs[@]}" \
  || die "cargo build for ${TARGETS[*]} failed"

fixture=tests/fixtures/hosts/no-smmu
for t in "${TARGETS[@]}"; do
  src=$TGT/$t/release/smmu
  bin=$OUT/smmu-$t
  cp "$src" "$bin"
  desc=$(file -b "$bin")
  case $desc in
    *"statically linked"*|*"static-pie linked"*) ;;
    *) die "$bin is not static: $desc" ;;
  esac
  run=()
  case $t in
    x86_64-*) [ "$(uname -m)" = x86_64 ] || run=(qemu-x86_64-static) ;;
    aarch64-*) [ "$(uname -m)" = aarch64 ] || run=(qemu-aarch64-static) ;;
  esac
  if [ ${#run[@]} -gt 0 ] && ! command -v "${run[0]}" >/dev/null; then
    log "installing qemu-user-static (to run the $t binary)"
    SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
    { timeout 600 $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq \
      && timeout 900 $SUDO env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq qemu-user-static >/dev/null; } \
      || die "cannot install qemu-user-static (apt-get), needed to check the $t binary"
  fi
  v=$(timeout 60 "${run[@]}" "$bin" --version) || die "$bin --version does not run${run:+ under ${run[*]}}"
  [ "$v" = "smmu $VERSION" ] || die "$bin --version printed '$v', expected 'smmu $VERSION'"
  timeout 60 "${run[@]}" "$bin" collect --root "$fixture" --json > "$OUT/.check.json" \
    || die "$bin collect --root $fixture failed${run:+ under ${run[*]}}"
  grep -q '"smmu_explorer_snapshot"' "$OUT/.check.json" || die "$bin collect --json printed no snapshot"
  rm -f "$OUT/.check.json"
  log "smmu-$t: $(stat -c %s "$bin") bytes, ${desc%%,*}, ${desc#*, }" | cut -c1-200
  log "smmu-$t: '$v' and collect --root $fixture run${run:+ under ${run[*]}}"
done

# ---------------------------------------------------------------- completions and man pages
log "completions and man pages (cargo run -p smmu-tui --example smmu-gen)"
timeout 1200 nice -n 10 cargo run -q --locked -p smmu-tui --example smmu-gen -- "$OUT" > "$OUT/.gen.txt" \
  || die "smmu-gen failed"
for f in completions/smmu.bash completions/_smmu completions/smmu.fish man/smmu.1 man/smmu-collect.1; do
  [ -s "$OUT/$f" ] || die "smmu-gen did not write $f"
done
bash -c 'source "$1" && complete -p smmu' _ "$OUT/completions/smmu.bash" >/dev/null \
  || die "completions/smmu.bash does not register a completion for smmu in bash"
if command -v man >/dev/null; then
  man -l "$OUT/man/smmu.1" 2>/dev/null | grep -q "smmu" || die "man/smmu.1 does not render"
fi
log "$(grep -c . "$OUT/.gen.txt") files: $(cd "$OUT" && ls completions | tr '\n' ' ')and $(ls "$OUT/man" | wc -l) man pages"
rm -f "$OUT/.gen.txt"

# ---------------------------------------------------------------- tarballs
TAR=(tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner)
for t in "${TARGETS[@]}"; do
  name=smmu-$VERSION-$t
  st=$OUT/.stage/$name
  mkdir -p "$st/bin" "$st/share/man/man1" "$st/share/bash-completion/completions" \
    "$st/share/zsh/site-functions" "$st/share/fish/vendor_completions.d"
  cp "$OUT/smmu-$t" "$st/bin/smmu"
  cp "$OUT"/man/*.1 "$st/share/man/man1/"
  cp "$OUT/completions/smmu.bash" "$st/share/bash-completion/completions/smmu"
  cp "$OUT/completions/_smmu" "$st/share/zsh/site-functions/_smmu"
  cp "$OUT/completions/smmu.fish" "$st/share/fish/vendor_completions.d/smmu.fish"
  cp README.md LICENSE-MIT LICENSE-APACHE "$st/"
  (cd "$OUT/.stage" && "${TAR[@]}" -cf - "$name" | gzip -9n > "$OUT/$name.tar.gz")
done

# ---------------------------------------------------------------- web bundle
if [ $WEB = 1 ]; then
  if [ ! -f web/build.sh ]; then
    FAILED+=("web bundle: web/build.sh is missing")
  else
    if [ -n "${CARGO_TARGET_DIR:-}" ] && [ "$(realpath -m "$TGT")" != "$(realpath -m "$ROOT/target")" ]; then
      log "note: CARGO_TARGET_DIR=$CARGO_TARGET_DIR but web/build.sh reads the wasm from $ROOT/target"
    fi
    log "web bundle (bash web/build.sh)"
    rc=0; timeout 2400 nice -n 10 bash web/build.sh || rc=$?
    if [ $rc != 0 ] || [ ! -f web/dist/index.html ]; then
      FAILED+=("web bundle: web/build.sh failed (exit $rc) or wrote no web/dist/index.html; see its output above")
    else
      cp -r web/dist "$OUT/web"
      (cd "$OUT" && "${TAR[@]}" --transform "s|^web|smmu-web-$VERSION|" -cf - web | gzip -9n > "$OUT/smmu-web-$VERSION.tar.gz")
      log "web bundle: $(find "$OUT/web" -type f | wc -l) files, $(du -sb "$OUT/web" | cut -f1) bytes"
    fi
  fi
fi

# ---------------------------------------------------------------- checksums
rm -rf "$OUT/.stage"
echo "smmu $VERSION ($(git rev-parse --short=12 HEAD 2>/dev/null || echo 'no git')$(git diff --quiet HEAD 2>/dev/null || echo ', modified'))" > "$OUT/VERSION"
rm -f "$OUT/.partial"
(cd "$OUT" && find . -type f ! -name SHA256SUMS -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum > SHA256SUMS)
(cd "$OUT" && sha256sum -c --quiet SHA256SUMS) || die "SHA256SUMS does not verify"
log "$OUT: $(wc -l < "$OUT/SHA256SUMS") files in SHA256SUMS"
(cd "$OUT" && ls -l --time-style=+ | sed 1d | awk '{print "  " $5 "\t" $NF}')
if [ $WEB = 0 ]; then log "web bundle left out (--no-web)"; fi
if [ ${#FAILED[@]} -gt 0 ]; then
  for f in "${FAILED[@]}"; do echo "release.sh: NOT BUILT: $f" >&2; done
  echo "release.sh: the rest of the release is complete in $OUT" >&2
  exit 1
fi
log "done"
