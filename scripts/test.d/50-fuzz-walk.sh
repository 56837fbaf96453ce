#!/usr/bin/env bash
# libFuzzer on the walker target (fuzz/fuzz_targets/walk.rs: arbitrary STE/CD/tables under real
# registers), 150000 runs from a fixed seed, then 2000 runs of every other target, each from its
# seed corpus made afresh (fuzz/src/seeds.rs) in a temporary directory that is removed after:
# deterministic, no corpus persisted between runs. Limits: 512 MB RSS, 2 s per input. Any crash,
# leak past the limit or hang fails. Needs cargo-fuzz and a nightly toolchain: skipped (exit 77,
# with a message) where they cannot be had; the stable replay of every target on its seeds
# (50-fuzz-replay.sh) runs regardless.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "50-fuzz-walk: no nightly toolchain here; skipped"
  exit 77
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  timeout 900 cargo install cargo-fuzz --locked >/dev/null 2>&1 || { echo "50-fuzz-walk: cargo-fuzz not installable; skipped"; exit 77; }
fi
cp Cargo.lock fuzz/Cargo.lock
CORPUS=$(mktemp -d)
trap 'rm -rf "$CORPUS"' EXIT
cd fuzz
timeout 900 nice -n 10 cargo run -q --example seeds -- "$CORPUS"
LIMITS=(-rss_limit_mb=512 -timeout=2 -seed=1)
timeout 1200 nice -n 19 cargo +nightly fuzz build -O
run() { # target runs [libFuzzer flags]
  local t=$1 n=$2; shift 2
  echo "== $t ($n runs)"
  timeout 900 nice -n 19 cargo +nightly fuzz run -O "$t" "$CORPUS/$t" -- "${LIMITS[@]}" -runs="$n" "$@" 2>&1 | tail -3
}
# Each run also stops at a time cap, so the step stays bounded on a slow or loaded machine
# (runs and seed are fixed; the cap only shortens a run).
run walk 150000 -max_len=8192 -max_total_time=300
for t in $(awk -F'"' '/^\[\[bin\]\]/{b=1} b && /^name = /{print $2; b=0}' Cargo.toml); do
  [ "$t" = walk ] || run "$t" 2000 -max_total_time=30
done
