#!/usr/bin/env bash
# Formatting and lints first: one rustfmt configuration (rustfmt.toml), clippy clean on every
# target, and no unwrap/expect outside tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
cargo fmt --all --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy --workspace --lib --bins -- -D warnings -D clippy::unwrap_used -D clippy::expect_used
