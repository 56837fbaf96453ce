#!/usr/bin/env bash
# smmu-core must build for wasm32 (no I/O).
set -euo pipefail
rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
cargo build -p smmu-core --target wasm32-unknown-unknown
