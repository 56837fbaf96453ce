#!/usr/bin/env bash
# Every fuzz target's body (fuzz/src/lib.rs) on its seed corpus (fuzz/src/seeds.rs: the
# scenarios and the snapshots they build, those with a self-referencing table, the QEMU
# captures, the real kernel logs, the collect fixture trees, share links, JS API calls), plus
# a few deterministic mutations of each seed, on the stable toolchain; then every target
# binary is built. Runs without nightly or cargo-fuzz, so the targets are compiled and
# exercised on every run. Nothing is kept between runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# The fuzz crate is its own workspace: start from the main lock file so it resolves to the same
# versions (and reuses what the workspace build compiled in the same target directory).
cp Cargo.lock fuzz/Cargo.lock
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
cd fuzz
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
# (walk_batch prints its walks to standard output: kept out of the summary.)
timeout 1800 nice -n 10 cargo test -q --lib -- --test-threads=1 --nocapture > "$LOG" 2>&1 \
  || { tail -60 "$LOG"; echo "50-fuzz-replay: FAILED (above)"; exit 1; }
grep -E '^[a-z_]+: [0-9]+ seeds$|^test result' "$LOG"
timeout 900 nice -n 10 cargo build -q --bins
echo "50-fuzz-replay: $(grep -c '^name = ' Cargo.toml | awk '{print $1 - 1}') targets built"
