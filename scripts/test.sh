#!/usr/bin/env bash
# The project's one test command (README.md): bash scripts/test.sh
# Runs every step in scripts/test.d/ in order; each step installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
passed=0; failed=0; failures=()
for step in scripts/test.d/*.sh; do
  echo "=== test step: $step"
  if bash "$step"; then passed=$((passed+1)); else failed=$((failed+1)); failures+=("$step"); fi
done
echo
[ "$failed" -eq 0 ] || printf 'failed step: %s\n' "${failures[@]}"
echo "steps: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
