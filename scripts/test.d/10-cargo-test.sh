#!/usr/bin/env bash
# Unit, property and integration tests of every crate.
set -euo pipefail
cargo test --workspace --all-targets
cargo test --workspace --doc
