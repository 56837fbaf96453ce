#!/usr/bin/env bash
# The browser app: the wasm build served on 127.0.0.1
# and driven in headless Chromium (playwright-core), compared with the CLI's JSON.
# Installs what is missing: the wasm32 target, wasm-bindgen-cli at the pinned version
# (web/build.sh), Debian's chromium and brotli, playwright-core from npm in web/.tools/.
# Measures and prints the download size (gzip and brotli), the first decoded frame and the
# idle page's animation frames and CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

# (The native UI tests of smmu-web run with the workspace in 10-cargo-test.sh.)

command -v timeout >/dev/null
if [ ! -x /usr/bin/chromium ] || ! command -v brotli >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  timeout 600 apt-get update -qq
  timeout 900 apt-get install -y -qq chromium brotli >/dev/null
fi
TOOLS="$ROOT/web/.tools"
if [ ! -d "$TOOLS/node_modules/playwright-core" ]; then
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && [ -f package.json ] || echo '{"private": true}' > package.json)
  (cd "$TOOLS" && timeout 300 npm install --no-audit --no-fund --silent playwright-core@1 >/dev/null)
fi

timeout 1800 bash web/build.sh
cargo build -p smmu-tui
SMMU="${CARGO_TARGET_DIR:-target}/debug/smmu"

OUT="$ROOT/target/web-test"
mkdir -p "$OUT"
# The CLI's --json for the inputs the browser test feeds the JS API.
SAMPLE=assets/samples/qemu-10.0-s1.txt
SNAP=assets/samples/qemu-10.0-s1-4k.snapshot.json
KLOG=web/tests/data/qemu-10.0-s1-dmesg.txt
rm -f "$OUT"/cli-*.json
cli() { # FILE ARGS...: keep the output only when the command printed JSON
  local f="$OUT/$1"; shift
  if "$SMMU" "$@" > "$f.tmp" 2>/dev/null && python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$f.tmp" 2>/dev/null; then
    mv "$f.tmp" "$f"
  else
    rm -f "$f.tmp"
  fi
}
cli cli-decode.json decode --json "$SAMPLE"
cli cli-forward.json forward --json "$SAMPLE"
cli cli-walk.json walk "$SNAP" --sid 0x18 --iova 0x12345000 --unpriv --json
cli cli-log.json log --json "$KLOG"

# A free port on 127.0.0.1 (asked of the kernel), and a server that is always cleaned up.
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server "$PORT" -b 127.0.0.1 -d web/dist > "$OUT/http.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' "$PORT" 2>/dev/null && break
  sleep 0.1
done

timeout 600 node scripts/web-test.mjs --url "http://127.0.0.1:$PORT" --dist web/dist \
  --sample "$SAMPLE" --snapshot "$SNAP" --klog "$KLOG" --cli "$OUT" --out "$OUT" --modules "$TOOLS"
RAW=$(stat -c %s web/dist/smmu_web_bg.wasm)
GZ=$(stat -c %s web/dist/smmu_web_bg.wasm.gz)
BR=$(stat -c %s web/dist/smmu_web_bg.wasm.br)
echo "web: smmu_web_bg.wasm $RAW bytes raw, $GZ gzip, $BR brotli (goal <= 1.0 MB compressed); screenshots in $OUT/"
