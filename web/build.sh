#!/usr/bin/env bash
# Builds the browser app into web/dist/: index.html and friends from assets/web/, the .wasm,
# and the JS glue made by the wasm-bindgen CLI (pinned to the wasm-bindgen crate version in
# Cargo.lock, installed here when missing or different). `--opt` also runs wasm-opt from the npm
# `binaryen` package (installed into web/.tools/; slow). No trunk, no network at run time.
#
#   bash web/build.sh [--opt] [--debug]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OPT=0
PROFILE=release-wasm
for a in "$@"; do
  case "$a" in
    --opt) OPT=1 ;;
    --debug) PROFILE=dev ;;
    *) echo "usage: web/build.sh [--opt] [--debug]" >&2; exit 2 ;;
  esac
done

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown

# The CLI must match the crate exactly, or the glue and the module disagree.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/version = |"/, ""); print; exit}' Cargo.lock)
if [ -z "$WB_VERSION" ]; then echo "build.sh: wasm-bindgen not in Cargo.lock" >&2; exit 1; fi
HAVE=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$HAVE" != "$WB_VERSION" ]; then
  echo "build.sh: installing wasm-bindgen-cli $WB_VERSION (found: ${HAVE:-none})" >&2
  cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

# Size over speed for the download (the root profile says "s"; "z" is smaller here).
export CARGO_PROFILE_RELEASE_WASM_OPT_LEVEL="${CARGO_PROFILE_RELEASE_WASM_OPT_LEVEL:-z}"
# WebAssembly SIMD: the renderer's (vello_cpu / fearless_simd) vector code instead of its
# larger scalar fallback; smaller and faster. main.js tells browsers without SIMD so.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="${CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS:--C target-feature=+simd128}"
cargo build -p smmu-web --lib --target wasm32-unknown-unknown --profile "$PROFILE"
DIR=$PROFILE; [ "$PROFILE" = dev ] && DIR=debug
WASM="${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/$DIR/smmu_web.wasm"

DIST="$ROOT/web/dist"
rm -rf "$DIST"
mkdir -p "$DIST"
wasm-bindgen --target web --no-typescript --remove-name-section --remove-producers-section --out-dir "$DIST" --out-name smmu_web "$WASM"

TOOLS="$ROOT/web/.tools"
if [ "$OPT" = 1 ] && [ ! -x "$TOOLS/node_modules/.bin/wasm-opt" ]; then
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && npm install --no-audit --no-fund --silent binaryen@132 >/dev/null) \
    || echo "build.sh: could not install binaryen from npm; skipping wasm-opt" >&2
fi
if [ "$OPT" = 1 ] && [ -x "$TOOLS/node_modules/.bin/wasm-opt" ] && [ "$PROFILE" != dev ]; then
  # Debian's wasm-opt (binaryen 108) breaks this module; the npm build is current.
  "$TOOLS/node_modules/.bin/wasm-opt" -Oz --strip-debug --strip-producers \
    --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    -o "$DIST/smmu_web_bg.opt.wasm" "$DIST/smmu_web_bg.wasm"
  mv "$DIST/smmu_web_bg.opt.wasm" "$DIST/smmu_web_bg.wasm"
  echo "build.sh: wasm-opt applied" >&2
fi

cp "$ROOT"/assets/web/* "$DIST/"
# The built-in sample snapshot, fetched when the Walk tab asks for it (not in the .wasm).
mkdir -p "$DIST/samples"
cp "$ROOT/assets/samples/qemu-10.0-s1-4k.snapshot.json" "$DIST/samples/"
# A new build gets a new offline cache.
STAMP=$(sha256sum "$DIST/smmu_web_bg.wasm" | cut -c1-12)
sed -i "s/smmu-explorer-v1/smmu-explorer-$STAMP/" "$DIST/sw.js"

# Precompressed files beside each file, for hosts that serve them (nginx gzip_static /
# brotli_static, most CDNs); brotli when the brotli tool is there.
find "$DIST" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.html' -o -name '*.css' -o -name '*.json' \) | while read -r f; do
  gzip -9 -k -f "$f"
  if command -v brotli >/dev/null; then brotli -q 11 -k -f "$f"; fi
done
RAW=$(stat -c %s "$DIST/smmu_web_bg.wasm")
GZ=$(stat -c %s "$DIST/smmu_web_bg.wasm.gz")
BR=$( [ -f "$DIST/smmu_web_bg.wasm.br" ] && stat -c %s "$DIST/smmu_web_bg.wasm.br" || echo none)
echo "build.sh: web/dist ready; smmu_web_bg.wasm $RAW bytes raw, $GZ bytes gzipped, $BR bytes brotli" >&2
