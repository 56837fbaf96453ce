#!/usr/bin/env bash
# Walker fuzz target, 150000 runs from a fixed seed (deterministic) (fuzz/fuzz_targets/walk.rs): arbitrary STE/CD/tables under real
# registers; any panic or hang fails. Needs cargo-fuzz and a nightly toolchain: skipped
# (exit 77, with a message) where they cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "50-fuzz-walk: no nightly toolchain here; skipped"
  exit 77
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  timeout 900 cargo install cargo-fuzz --locked >/dev/null 2>&1 || { echo "50-fuzz-walk: cargo-fuzz not installable; skipped"; exit 77; }
fi
cd fuzz
timeout 1200 nice -n 19 cargo +nightly fuzz run walk -- -seed=1 -runs=150000 -max_len=8192 -rss_limit_mb=2048 -timeout=20 2>&1 | tail -5
